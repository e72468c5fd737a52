package rules

import (
	"fmt"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestGitLabPipelineVariables(t *testing.T) {
	t.Parallel()
	groupSubject := inventory.Scoped(glAcme.ID, "setting:pipeline-variables-override")
	projectSubject := func(p inventory.Source) string { return inventory.Scoped(p.ID, "setting:pipeline-variables-override") }
	set := func(p inventory.Source, restrict, role string) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			b.AddSetting(glSetting(p, glSettingRestrictPipelineVars, restrict))
			if role != "" {
				b.AddSetting(glSetting(p, glSettingPipelineVarsRole, role))
			}
		}
	}
	old := glProjectSrc("acme/old", "private")
	old.Repo.Archived = true
	runAPICasesOn(t, GitLabPipelineVariables, glSources, []apiCase{
		{name: "one project", add: func(b *inventory.Builder) {
			set(glApp, "false", "")(b)
			set(glWeb, "true", "maintainer")(b)
		}, want: []apiWant{{subject: projectSubject(glApp), score: 5.5, msg: []string{"The project acme/app lets Developers override " +
			"pipeline variables when they run a pipeline (`restrict_user_defined_variables: false`): a variable given at run time replaces",
			"Restrict pipeline variables to Maintainer or `no_one_allowed`"}}}},
		{name: "the minimum role is developer", add: set(glApp, "true", "developer"),
			want: []apiWant{{subject: projectSubject(glApp), score: 5.5, msg: []string{"(`ci_pipeline_variables_minimum_override_role: developer`)"}}}},
		{name: "several projects of a group: one result", add: func(b *inventory.Builder) {
			set(glApp, "false", "")(b)
			set(glWeb, "true", "developer")(b)
			for i := range 20 {
				p := glProjectSrc(fmt.Sprintf("acme/svc-%02d", i), "private")
				b.AddSource(p)
				set(p, "true", "no_one_allowed")(b)
			}
		}, want: []apiWant{{subject: groupSubject, score: 5.5, msg: []string{"In the group acme, 2 of the 22 projects read let Developers " +
			"override pipeline variables when they run a pipeline (`restrict_user_defined_variables: false` in 1 and " +
			"`ci_pipeline_variables_minimum_override_role: developer` in 1): acme/app, acme/platform/web. In each, a variable given"}}}},
		{name: "restricted to maintainers", add: set(glApp, "true", "maintainer")},
		{name: "archived projects run no pipelines", add: func(b *inventory.Builder) {
			b.AddSource(old)
			set(old, "false", "")(b)
		}},
		{name: "a coding agent runs in the pipeline: high", add: func(b *inventory.Builder) {
			set(glApp, "false", "")(b)
			glPipeline(b, glApp, false, nil, "build", "claude")
		}, want: []apiWant{{subject: projectSubject(glApp), score: 7.0, agent: glAgentID(glApp, "claude"),
			msg: []string{"A coding agent runs in the project's pipeline: the Claude Code agent in job `claude` of .gitlab-ci.yml in acme/app"}}}},
	})
}
