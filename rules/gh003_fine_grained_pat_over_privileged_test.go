package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestFineGrainedPATOverPrivileged(t *testing.T) {
	t.Parallel()
	id := inventory.Scoped(acmeOrg.ID, "fine-grained-pat:12")
	grant := func(selection string, perms inventory.Permissions, mod func(c *inventory.Credential)) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			b.AddPrincipal(acmeUser("ci-bot", inventory.PrincipalHuman, "member", inventory.StateActive))
			c := fgGrant("12", "release", "ci-bot", selection, perms)
			if mod != nil {
				mod(&c)
			}
			b.AddCredential(c)
		}
	}
	fromAPI := func(m map[string]string) inventory.Permissions {
		p, _, err := inventory.FromGitHubPermissions(m)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	runAPICases(t, FineGrainedPATOverPrivileged, []apiCase{
		{name: "workflows write on every repository", add: grant("all-repositories",
			fromAPI(map[string]string{"contents": "write", "workflows": "write", "metadata": "read"}), nil),
			want: []apiWant{{subject: id, score: 8.0, msg: []string{`fine-grained PAT "release" of @ci-bot holds ` + "`workflows: write`",
				"on every repository of acme, present and future", "rewrite workflow files"}}}},
		{name: "administration and actions variables on selected repositories", add: grant("selected-repositories",
			fromAPI(map[string]string{"administration": "write", "actions_variables": "write"}), func(c *inventory.Credential) {
				c.Scope.Repositories = []string{"acme/app", "acme/infra"}
			}),
			want: []apiWant{{subject: id, score: 8.0, msg: []string{"`administration: write` and `variables: write` on 2 selected repositories of acme",
				"branch protection"}}}},
		{name: "an organisation permission at write", add: grant("org", fromAPI(map[string]string{"members": "write"}), nil),
			want: []apiWant{{subject: id, score: 8.0, msg: []string{"`members: write` on the organisation acme", "change members and teams"}}}},
		{name: "an unknown organisation permission keeps its name", add: grant("org",
			fromAPI(map[string]string{"organization_actions_variables": "write"}), nil),
			want: []apiWant{{subject: id, score: 8.0, msg: []string{"`organization_actions_variables: write`", "further organisation resources"}}}},
		{name: "contents and pull requests only", add: grant("all-repositories",
			fromAPI(map[string]string{"contents": "write", "pull_requests": "write", "workflows": "read", "members": "read"}), nil)},
		{name: "expired", add: grant("all-repositories", fromAPI(map[string]string{"workflows": "write"}), func(c *inventory.Credential) {
			c.API.Expired = true
		})},
		{name: "a coding agent reaches it", add: func(b *inventory.Builder) {
			grant("all-repositories", fromAPI(map[string]string{"secrets": "write"}), nil)(b)
			codingAgentIn(b, acmeApp, id)
		}, want: []apiWant{{subject: id, score: 9.1, agent: inventory.Scoped(acmeApp.ID, "agent:.github/workflows/claude.yml#claude"),
			msg: []string{"`secrets: write`", "agent-reachable"}}}},
	})
}
