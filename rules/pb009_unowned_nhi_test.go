package rules

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestUnownedNHI(t *testing.T) {
	t.Parallel()
	const src = "repo:github.com/acme/app"
	loc := inventory.Location{Source: src, Root: ".", Path: ".github/workflows/release.yml", Line: 9}
	secret := func(name string) inventory.Credential {
		return inventory.Credential{ID: inventory.GitHubSecretID(src, name), Kind: inventory.KindActionsSecret, Platform: "github",
			Name: name, Lifetime: inventory.LifetimeUnknown, Locations: []inventory.Location{loc}}
	}
	token := inventory.Credential{ID: inventory.GitHubTokenID(src, loc.Path, "release"), Kind: inventory.KindWorkflowToken,
		Platform: "github", Lifetime: inventory.LifetimeShortLived, Locations: []inventory.Location{loc}}
	key := inventory.Credential{ID: "embedded:0123456789abcdef", Kind: inventory.KindEmbeddedKey, Platform: "openai", Name: "OpenAI API key",
		Redacted: "sk-…wxyz", Lifetime: inventory.LifetimeStatic, Locations: []inventory.Location{{Source: src, Path: ".env", Line: 1}}}
	owned := secret("OWNED_BY_ALICE")
	owned.Owner = "github:user:alice"
	alice := inventory.Principal{ID: "github:user:alice", Platform: "github", Login: "alice", Kind: inventory.PrincipalHuman}

	tests := []struct {
		name       string
		principals map[string][]string
		creds      []inventory.Credential
		want       []string // credential ids reported
		notEval    bool
	}{
		{name: "no principals map: not evaluable, nothing reported", creds: []inventory.Credential{secret("DEPLOY_TOKEN")}, notEval: true},
		{name: "named by its id without the scope", principals: map[string][]string{"github-actions-secret:DEPLOY_TOKEN": {"@alice"}},
			creds: []inventory.Credential{secret("DEPLOY_TOKEN")}},
		{name: "named by its full id", principals: map[string][]string{inventory.GitHubSecretID(src, "DEPLOY_TOKEN"): {"@alice"}},
			creds: []inventory.Credential{secret("DEPLOY_TOKEN")}},
		{name: "matched by a name pattern", principals: map[string][]string{"DEPLOY_*": {"@ops"}},
			creds: []inventory.Credential{secret("DEPLOY_TOKEN")}},
		{name: "a secret nobody claims", principals: map[string][]string{"OTHER": {"@bob"}},
			creds: []inventory.Credential{secret("DEPLOY_TOKEN"), key},
			want:  []string{key.ID, inventory.GitHubSecretID(src, "DEPLOY_TOKEN")}},
		{name: "per-job tokens are not NHIs of their own", principals: map[string][]string{"OTHER": {"@bob"}},
			creds: []inventory.Credential{token}},
		{name: "a reusable workflow's secret parameter is its callers'", principals: map[string][]string{"OTHER": {"@bob"}},
			creds: []inventory.Credential{{ID: inventory.GitHubCallSecretID(src, loc.Path, "PUSH_TOKEN"), Kind: inventory.KindWorkflowCallSecret,
				Platform: "github", Name: "PUSH_TOKEN", Lifetime: inventory.LifetimeUnknown, Locations: []inventory.Location{loc}}}},
		{name: "owned by a known human", principals: map[string][]string{"OTHER": {"@bob"}},
			creds: []inventory.Credential{owned}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := inventory.NewBuilder()
			b.SetAccountable(tt.principals)
			b.AddPrincipal(alice)
			for _, c := range tt.creds {
				b.AddCredential(c)
			}
			inv, _ := b.Build()
			fs, notes := Evaluate([]*Rule{UnownedNHI}, Input{Inventory: inv, Principals: tt.principals, Now: testNow})
			if (len(notes) == 1) != tt.notEval {
				t.Errorf("not evaluable = %+v, want %v", notes, tt.notEval)
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.Credential)
				if f.Score != 6.0 || !strings.Contains(f.Message, "no accountable human") || f.Location.Path == "" {
					t.Errorf("finding = %+v", f)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("reported %v, want %v", got, tt.want)
			}
		})
	}
}
