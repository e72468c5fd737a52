package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestAppAllRepositories(t *testing.T) {
	t.Parallel()
	write := inventory.Permissions{inventory.ResContents: inventory.Write, inventory.ResIssues: inventory.Write, inventory.ResMetadata: inventory.Read}
	id := inventory.Scoped(acmeOrg.ID, "app-installation:5")
	inst := func(slug, selection string, perms inventory.Permissions, mod func(c *inventory.Credential)) inventory.Credential {
		c := appInstall("5", slug, selection, perms)
		if mod != nil {
			mod(&c)
		}
		return c
	}
	add := func(c inventory.Credential) func(b *inventory.Builder) {
		return func(b *inventory.Builder) { b.AddCredential(c) }
	}
	runAPICases(t, AppAllRepositories, []apiCase{
		{name: "contents write on every repository", add: add(inst("deployer", "all-repositories", write, nil)),
			want: []apiWant{{subject: id, score: 8.0, msg: []string{`The App "deployer" is installed on every repository of acme, present and future`,
				"`contents: write`", "push code everywhere"}}}},
		{name: "an agent App: 8.8, and said", add: func(b *inventory.Builder) {
			c := inst("claude", "all-repositories", write, nil)
			b.AddCredential(c)
			agentApp(b, c, "claude-code")
		}, want: []apiWant{{subject: id, score: 8.8, agent: inventory.Scoped(acmeOrg.ID, "agent-app:claude"),
			msg: []string{"The App is a coding agent (Claude Code)"}}}},
		{name: "another coding agent reaches it", add: func(b *inventory.Builder) {
			b.AddCredential(inst("deployer", "all-repositories", write, nil))
			codingAgentIn(b, acmeApp, id)
		}, want: []apiWant{{subject: id, score: 8.8, agent: inventory.Scoped(acmeApp.ID, "agent:.github/workflows/claude.yml#claude"),
			msg: []string{"agent-reachable: the Claude Code agent"}}}},
		{name: "organisation administration", add: add(inst("admin-bot", "all-repositories",
			inventory.Permissions{inventory.ResOrgAdministration: inventory.Write}, nil)),
			want: []apiWant{{subject: id, score: 8.0, msg: []string{"`org_administration: write`", "change organisation settings"}}}},
		{name: "selected repositories", add: add(inst("deployer", "selected-repositories", write, nil))},
		{name: "issues and checks only", add: add(inst("triage", "all-repositories",
			inventory.Permissions{inventory.ResIssues: inventory.Write, inventory.ResChecks: inventory.Write, inventory.ResContents: inventory.Read}, nil))},
		{name: "suspended: AR-GH-008's", add: add(inst("deployer", "all-repositories", write, func(c *inventory.Credential) {
			c.API.SuspendedAt = daysAgo(5)
		}))},
	})
}
