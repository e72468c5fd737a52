package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestRunnerBroadOrPersistent(t *testing.T) {
	t.Parallel()
	id := inventory.Scoped(acmeOrg.ID, "runner:11")
	runner := func(facts inventory.APIFacts) func(b *inventory.Builder) {
		return func(b *inventory.Builder) { b.AddCredential(runnerCred("11", "build-01", facts)) }
	}
	runAPICases(t, RunnerBroadOrPersistent, []apiCase{
		{name: "persistent, in a group open to every repository", add: runner(inventory.APIFacts{RunnerGroup: "Default", GroupVisibility: "all"}),
			want: []apiWant{{subject: id, score: 6.0, msg: []string{`The self-hosted runner "build-01" of acme is shared more than it needs to be`,
				"it is persistent (not ephemeral)", `its runner group "Default" is open to every repository of acme`}}}},
		{name: "ephemeral, in a group open to every repository", add: runner(inventory.APIFacts{RunnerGroup: "Default", GroupVisibility: "all", Ephemeral: true}),
			want: []apiWant{{subject: id, score: 6.0, msg: []string{`its runner group "Default"`}}}},
		{name: "persistent, in a selected group", add: runner(inventory.APIFacts{RunnerGroup: "deploy", GroupVisibility: "selected"}),
			want: []apiWant{{subject: id, score: 6.0, msg: []string{"it is persistent (not ephemeral), so what one job leaves on the machine waits for the next."}}}},
		{name: "ephemeral, in a selected group", add: runner(inventory.APIFacts{RunnerGroup: "deploy", GroupVisibility: "selected", Ephemeral: true})},
		{name: "open to public repositories: AR-GH-017's", add: runner(inventory.APIFacts{RunnerGroup: "Default", GroupVisibility: "all", PublicRepositories: true})},
		{name: "a coding agent reaches it", add: func(b *inventory.Builder) {
			runner(inventory.APIFacts{RunnerGroup: "deploy", GroupVisibility: "selected"})(b)
			codingAgentIn(b, acmeApp, id)
		}, want: []apiWant{{subject: id, score: 7.0, agent: inventory.Scoped(acmeApp.ID, "agent:.github/workflows/claude.yml#claude")}}},
	})
}
