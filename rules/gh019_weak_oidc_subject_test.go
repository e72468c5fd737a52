package rules

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

// securityInv is an organisation acme with a public and two private
// repositories, their settings and alerts given by the caller.
func securityInv(settings []inventory.Setting, creds ...inventory.Credential) *inventory.Inventory {
	const org = "github:github.com/acme"
	repo := func(name, vis string, archived bool) inventory.Source {
		return inventory.Source{ID: org + "/" + name, Kind: inventory.SourceGitHubRepo, Path: "github.com/acme/" + name,
			Repo: &inventory.RepoFacts{FullName: "acme/" + name, Visibility: vis, Archived: archived, Org: org}}
	}
	return &inventory.Inventory{
		Sources:     []inventory.Source{{ID: org, Kind: inventory.SourceGitHubOrg, Path: "github.com/acme"}, repo("site", "public", false), repo("app", "private", false), repo("old", "private", true)},
		Settings:    settings,
		Credentials: creds,
	}
}

func secSetting(src, name, value string, inherited bool) inventory.Setting {
	return inventory.Setting{Source: "github:github.com/acme" + src, Name: name, Value: value, Inherited: inherited,
		Location: inventory.Location{Source: "github:github.com/acme" + src, Path: "github/acme" + src + "/settings/x"}}
}

func messages(t *testing.T, r *Rule, inv *inventory.Inventory) []string {
	t.Helper()
	got, _ := Evaluate([]*Rule{r}, Input{Inventory: inv})
	var out []string
	for _, f := range got {
		out = append(out, f.Message)
	}
	return out
}

func TestWeakOIDCSubject(t *testing.T) {
	cases := []struct {
		name     string
		settings []inventory.Setting
		want     []string
	}{
		{"org template without a repository claim, kept by its repositories: one org result",
			[]inventory.Setting{secSetting("", inventory.SettingOIDCSubjectClaims, "repository_owner,context", false),
				secSetting("/site", inventory.SettingOIDCSubjectClaims, "repository_owner,context", true),
				secSetting("/app", inventory.SettingOIDCSubjectClaims, "repository_owner,context", true)},
			[]string{"The organisation acme's OIDC subject template has the claims `repository_owner`, `context` and no repository claim (in force in 2 repositories"}},
		{"a repository's own weak template",
			[]inventory.Setting{secSetting("", inventory.SettingOIDCSubjectClaims, "repo,context", false),
				secSetting("/app", inventory.SettingOIDCSubjectClaims, "environment", false)},
			[]string{"Repository acme/app sets an OIDC subject template of its own with the claims `environment`"}},
		{"repo claim or the default: quiet",
			[]inventory.Setting{secSetting("", inventory.SettingOIDCSubjectClaims, "repo,context", false),
				secSetting("/app", inventory.SettingOIDCSubjectClaims, "default", false),
				secSetting("/site", inventory.SettingOIDCSubjectClaims, "repository_id", false)},
			nil},
		{"archived repository: quiet",
			[]inventory.Setting{secSetting("/old", inventory.SettingOIDCSubjectClaims, "actor", false)}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := messages(t, WeakOIDCSubject, securityInv(tc.settings))
			if len(got) != len(tc.want) {
				t.Fatalf("got %d results %q, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("result %d: %q\nwant it to contain %q", i, got[i], w)
				}
			}
		})
	}
}
