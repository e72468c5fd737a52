package rules

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestSharedCIIdentity(t *testing.T) {
	t.Parallel()
	release := "on: push\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh release create v1\n        env:\n          GH_TOKEN: ${{ secrets.BOT_PAT }}\n"
	agent := "on: issue_comment\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: claude -p fix\n        env:\n          GH_TOKEN: ${{ secrets.BOT_PAT }}\n"
	runCICases(t, SharedCIIdentity, []ciCase{
		{name: "same PAT in two repositories", files: map[string]string{"repo-a::" + wfPath: release, "repo-b::" + wfPath: release},
			want: []ciWant{{score: 7.5, msg: "2 repositories"}}},
		{name: "agent and release automation share a PAT", files: map[string]string{".github/workflows/release.yml": release, ".github/workflows/agent.yml": agent},
			want: []ciWant{{msg: "coding agent"}}},
		{name: "one workflow only", files: map[string]string{".github/workflows/agent.yml": agent}},
		{name: "two non-agent workflows in one repository", files: map[string]string{".github/workflows/a.yml": release, ".github/workflows/b.yml": release}},
		{name: "non-token secrets are not identities", files: map[string]string{"repo-a::" + wfPath: replace(release, "BOT_PAT", "SLACK_WEBHOOK"), "repo-b::" + wfPath: replace(release, "BOT_PAT", "SLACK_WEBHOOK")}},
	})
}

// TestSharedCIIdentityOrgScan: in an organisation scan the API says what a
// name stands for — references backed by one organisation secret are one
// identity, reported on the organisation secret; same-named secrets each
// repository stores itself are not.
func TestSharedCIIdentityOrgScan(t *testing.T) {
	const org = "github:github.com/acme"
	ref := func(repo string, backing ...string) inventory.Credential {
		src := org + "/" + repo
		c := inventory.Credential{ID: inventory.GitHubSecretID(src, "BOT_PAT"), Kind: inventory.KindActionsSecret, Name: "BOT_PAT", Backing: backing,
			Locations: []inventory.Location{{Source: src, Root: "github.com/acme/" + repo, Path: ".github/workflows/ci.yml", Line: 9}}}
		if len(backing) == 0 {
			c.Type, c.API = typeRepoSecret, &inventory.APIFacts{}
		}
		return c
	}
	orgSecret := inventory.Credential{ID: org + "|github-org-secret:BOT_PAT", Kind: inventory.KindActionsSecret, Type: typeOrgSecret, Name: "BOT_PAT",
		Scope: &inventory.Scope{Kind: "all-repositories", Target: "acme"}, API: &inventory.APIFacts{Visibility: "all"},
		Locations: []inventory.Location{{Source: org, Path: "github/acme/actions-secrets/BOT_PAT"}}}
	shared := &inventory.Inventory{Credentials: []inventory.Credential{orgSecret, ref("a", orgSecret.ID), ref("b", orgSecret.ID)}}
	got, _ := Evaluate([]*Rule{SharedCIIdentity}, Input{Inventory: shared})
	if len(got) != 1 || got[0].Location.Path != "github/acme/actions-secrets/BOT_PAT" || !strings.Contains(got[0].Message, "organisation secret BOT_PAT of acme") ||
		!strings.Contains(got[0].Message, "2 repositories") {
		t.Fatalf("one organisation secret behind two repositories: got %+v", got)
	}
	own := &inventory.Inventory{Credentials: []inventory.Credential{ref("a"), ref("b")}}
	if got, _ := Evaluate([]*Rule{SharedCIIdentity}, Input{Inventory: own}); len(got) != 0 {
		t.Fatalf("each repository stores its own BOT_PAT: not one identity, got %q", got[0].Message)
	}
}
