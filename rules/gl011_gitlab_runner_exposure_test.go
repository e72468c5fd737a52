package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestGitLabRunnerExposure(t *testing.T) {
	t.Parallel()
	id := inventory.Scoped(glAcme.ID, "runner:40")
	runner := func(group string, r inventory.RunnerFacts) func(b *inventory.Builder) {
		return func(b *inventory.Builder) { b.AddCredential(glRunnerCred(40, "build-01", group, r)) }
	}
	open := inventory.RunnerFacts{Details: true, AccessLevel: "not_protected", RunUntagged: true}
	runAPICasesOn(t, GitLabRunnerExposure, glSources, []apiCase{
		{name: "unprotected, untagged", add: runner("acme", open),
			want: []apiWant{{subject: id, score: 6.5, msg: []string{`group runner "build-01" of acme runs jobs from unprotected branches ` +
				"(`access_level: not_protected`), takes untagged jobs (`run_untagged: true`):",
				"Set it to `ref_protected` with tags"}}}},
		// locked concerns project runners only: a group runner serves its
		// group whatever it says.
		{name: "a group runner, tagged jobs only, locked false: quiet", add: runner("acme", inventory.RunnerFacts{Details: true, AccessLevel: "not_protected"})},
		{name: "a project runner not locked to its project", add: func(b *inventory.Builder) {
			c := glRunnerCred(40, "build-01", "acme", inventory.RunnerFacts{Details: true, AccessLevel: "not_protected"})
			c.API.Runner.Type = "project_type"
			b.AddCredential(c)
		}, want: []apiWant{{subject: id, score: 6.5, msg: []string{"is not locked to its project (`locked: false`: it can be enabled for other projects)"}}}},
		{name: "a public project with public job logs in the group: high", add: func(b *inventory.Builder) {
			runner("acme", open)(b)
			b.AddSetting(glSetting(glWeb, glSettingPublicJobs, "true"))
			b.AddSetting(glSetting(glApp, glSettingPublicJobs, "true")) // private: its logs are not public
		}, want: []apiWant{{subject: id, score: 7.5, msg: []string{"The public project acme/platform/web shows its job logs to anyone " +
			"(`public_jobs: true`) and can use it, so what a job on it prints is readable by anyone."}}}},
		{name: "a subgroup's runner serves only the subgroup's projects", add: func(b *inventory.Builder) {
			b.AddCredential(glRunnerCred(40, "build-01", "acme/tools", open))
			b.AddSetting(glSetting(glWeb, glSettingPublicJobs, "true"))
		}, want: []apiWant{{subject: id, score: 6.5}}},
		{name: "locked, tagged jobs only", add: runner("acme", inventory.RunnerFacts{Details: true, AccessLevel: "not_protected", Locked: true})},
		{name: "protected refs only", add: runner("acme", inventory.RunnerFacts{Details: true, AccessLevel: "ref_protected", RunUntagged: true})},
		{name: "paused", add: runner("acme", inventory.RunnerFacts{Details: true, AccessLevel: "not_protected", RunUntagged: true, Paused: true})},
		{name: "details not read: not evaluable", add: runner("acme", inventory.RunnerFacts{}),
			coverage: []inventory.Coverage{glFailed("acme", glEndpointRunner)},
			notes:    []string{"/runners/:id was not read for acme"}},
	})
}
