package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestGitLabJobTokenInbound(t *testing.T) {
	t.Parallel()
	subject := func(p inventory.Source) string { return inventory.Scoped(p.ID, "setting:"+glSettingJobTokenInbound) }
	old := glProjectSrc("acme/old", "private")
	old.Repo.Archived = true
	runAPICasesOn(t, GitLabJobTokenInbound, glSources, []apiCase{
		{name: "allowlist off: one result per project", add: func(b *inventory.Builder) {
			b.AddSetting(glSetting(glApp, glSettingJobTokenInbound, "false"))
			b.AddSetting(glSetting(glWeb, glSettingJobTokenInbound, "true"))
		}, want: []apiWant{{subject: subject(glApp), score: 6.0, msg: []string{"The project acme/app accepts the CI_JOB_TOKEN of every " +
			"project's pipelines (the job token allowlist is off: `inbound_enabled: false`)", "Limit access to this project"}}}},
		{name: "archived projects run no pipelines", add: func(b *inventory.Builder) {
			b.AddSource(old)
			b.AddSetting(glSetting(old, glSettingJobTokenInbound, "false"))
		}},
		{name: "a coding agent in another project's pipeline: one band higher", add: func(b *inventory.Builder) {
			b.AddSetting(glSetting(glApp, glSettingJobTokenInbound, "false"))
			glPipeline(b, glWeb, false, nil, "claude")
		}, want: []apiWant{{subject: subject(glApp), score: 7.0, agent: glAgentID(glWeb, "claude"),
			msg: []string{"A coding agent runs in other projects' pipelines of the scan: the Claude Code agent in job `claude` of .gitlab-ci.yml in " +
				"acme/platform/web — whoever steers it", "holds a job token acme/app accepts"}}}},
		{name: "a coding agent in the project's own pipeline does not escalate", add: func(b *inventory.Builder) {
			b.AddSetting(glSetting(glApp, glSettingJobTokenInbound, "false"))
			glPipeline(b, glApp, false, nil, "claude")
		}, want: []apiWant{{subject: subject(glApp), score: 6.0}}},
		{name: "job token scope not read: not evaluable", coverage: []inventory.Coverage{glFailed("acme/app", glEndpointJobTokenScope)},
			notes: []string{"/projects/:id/job_token_scope was not read for acme/app"}},
	})
}
