package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestWorkflowsApprovePRs(t *testing.T) {
	t.Parallel()
	const name = inventory.SettingCanApprovePullRequests
	orgSubject := inventory.Scoped(acmeOrg.ID, "setting:"+name)
	runAPICases(t, WorkflowsApprovePRs, []apiCase{
		{name: "organisation allows it", add: func(b *inventory.Builder) {
			b.AddSetting(setting(acmeOrg, name, "true", false))
			b.AddSetting(setting(acmeApp, name, "true", false))
			b.AddSetting(setting(acmeInfra, name, "false", false))
		}, want: []apiWant{{subject: orgSubject, score: 6.0, msg: []string{"The organisation acme lets GitHub Actions create and approve pull requests",
			"in force in 1 of the 2 repositories read", "counts towards the reviews branch protection requires"}}}},
		{name: "a repository allows it although its organisation does not", add: func(b *inventory.Builder) {
			b.AddSetting(setting(acmeOrg, name, "false", false))
			b.AddSetting(setting(acmeInfra, name, "true", false))
		}, want: []apiWant{{subject: inventory.Scoped(acmeInfra.ID, "setting:"+name), score: 6.0,
			msg: []string{"The repository acme/infra lets GitHub Actions", "although its organisation's is false"}}}},
		{name: "nobody allows it", add: func(b *inventory.Builder) {
			b.AddSetting(setting(acmeOrg, name, "false", false))
			b.AddSetting(setting(acmeApp, name, "false", true))
		}},
		{name: "a coding agent with pull-requests: write", add: func(b *inventory.Builder) {
			b.AddSetting(setting(acmeOrg, name, "true", false))
			b.AddSetting(setting(acmeApp, name, "true", false))
			workflowJobs(b, acmeApp, ".github/workflows/claude.yml", [2]string{"claude", "workflow"})
		}, want: []apiWant{{subject: orgSubject, score: 7.0, agent: inventory.Scoped(acmeApp.ID, "agent:.github/workflows/claude.yml#claude"),
			msg: []string{"Coding agents hold such a token: the Claude Code agent in job `claude`", "approve an attacker's pull request"}}}},
		{name: "a coding agent where the setting is not in force", add: func(b *inventory.Builder) {
			b.AddSetting(setting(acmeOrg, name, "true", false))
			b.AddSetting(setting(acmeApp, name, "false", false))
			workflowJobs(b, acmeApp, ".github/workflows/claude.yml", [2]string{"claude", "workflow"})
		}, want: []apiWant{{subject: orgSubject, score: 6.0, msg: []string{"in force in 0 of the 1 repository read"}}}},
	})
}
