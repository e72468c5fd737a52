package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestSelfHostedUntrusted(t *testing.T) {
	t.Parallel()
	job := func(on, runsOn, extra string) string {
		return "on: " + on + "\njobs:\n  t:\n    runs-on: " + runsOn + "\n" + extra + "    steps: [{run: make test}]\n"
	}
	runCICases(t, SelfHostedUntrusted, []ciCase{
		{name: "fork pull requests on self-hosted", yaml: job("pull_request", "[self-hosted, linux]", ""), want: []ciWant{{line: 3, score: 8.5, msg: "self-hosted, linux"}}},
		{name: "push only", yaml: job("push", "[self-hosted, linux]", "")},
		{name: "GitHub-hosted", yaml: job("pull_request", "ubuntu-latest", "")},
		{name: "same-repository gate", yaml: job("pull_request", "self-hosted", "    if: github.event.pull_request.head.repo.fork == false\n")},
		{name: "self-hosted label sets from a matrix", yaml: "on: pull_request\njobs:\n  t:\n    strategy:\n      matrix:\n        include:\n          - runner: '[\"self-hosted\",\"Linux\",\"ops\"]'\n          - runner: '[\"ubuntu-latest\"]'\n    runs-on: ${{ fromJson(matrix.runner) }}\n    steps: [{run: make test}]\n",
			want: []ciWant{{line: 3, score: 8.5, msg: "${{ fromJson(matrix.runner) }} = self-hosted, Linux, ops | ubuntu-latest"}}},
		{name: "self-hosted through format", yaml: "on: pull_request\njobs:\n  t:\n    strategy:\n      matrix:\n        arch: [x64, arm64]\n    runs-on: ${{ fromJSON(format('[\"self-hosted\",\"{0}\"]', matrix.arch)) }}\n    steps: [{run: make test}]\n",
			want: []ciWant{{line: 3, score: 8.5, msg: "self-hosted, x64 | self-hosted, arm64"}}},
		{name: "matrix of GitHub-hosted images", yaml: "on: pull_request\njobs:\n  t:\n    strategy:\n      matrix:\n        os: [ubuntu-latest, macos-14, windows-2022]\n    runs-on: ${{ matrix.os }}\n    steps: [{run: make test}]\n"},
		{name: "a choice between hosted images", yaml: "on: pull_request\njobs:\n  t:\n    runs-on: ${{ github.repository == 'a/b' && 'ubuntu-24.04' || 'ubuntu-latest' }}\n    steps: [{run: make test}]\n"},
		{name: "custom label on fork pull requests", yaml: job("pull_request", "gpu-large", ""),
			want: []ciWant{{line: 3, score: 3.5, msg: "hosting unknown — a local scan cannot tell whether `gpu-large` names a self-hosted runner"}}},
		{name: "custom label from an input default", yaml: "on:\n  pull_request:\n  workflow_call:\n    inputs:\n      runner: {type: string, default: build-box}\njobs:\n  t:\n    runs-on: ${{ inputs.runner }}\n    steps: [{run: make test}]\n",
			want: []ciWant{{line: 7, score: 3.5, msg: "`build-box`"}}},
		{name: "vendor runners are not custom", yaml: job("pull_request", "blacksmith-4vcpu-ubuntu-2204", "")},
		{name: "an unevaluable expression is quiet", yaml: job("pull_request", "${{ vars.RUNNER }}", "")},
		{name: "custom label on push only", yaml: job("push", "gpu-large", "")},
		{name: "comment-driven agent on self-hosted", yaml: "on: issue_comment\njobs:\n  t:\n    runs-on: self-hosted\n    steps:\n      - run: claude -p fix\n",
			want: []ciWant{{score: 9.2, msg: "claude-code"}}},
	})
}

func TestSelfHostedUntrustedRunners(t *testing.T) {
	t.Parallel()
	id := inventory.Scoped(acmeOrg.ID, "runner:11")
	runner := func(facts inventory.APIFacts) func(b *inventory.Builder) {
		return func(b *inventory.Builder) { b.AddCredential(runnerCred("11", "build-01", facts)) }
	}
	runAPICases(t, SelfHostedUntrusted, []apiCase{
		{name: "persistent runner in a group open to public repositories", add: runner(inventory.APIFacts{RunnerGroup: "Default",
			GroupVisibility: "all", PublicRepositories: true}),
			want: []apiWant{{subject: id, score: 9.2, msg: []string{`The self-hosted runner "build-01" of acme is in the runner group "Default", which allows public repositories`,
				"the 1 public repository of acme", "persistent (not ephemeral)", "ephemeral just-in-time runners"}}}},
		{name: "ephemeral runner in such a group", add: runner(inventory.APIFacts{RunnerGroup: "public-ci", GroupVisibility: "selected",
			PublicRepositories: true, Ephemeral: true}),
			want: []apiWant{{subject: id, score: 8.5, msg: []string{"pull request on public repositories", "it is ephemeral"}}}},
		{name: "a group for private repositories", add: runner(inventory.APIFacts{RunnerGroup: "Default", GroupVisibility: "all"})},
		{name: "a coding agent reaches an ephemeral one", add: func(b *inventory.Builder) {
			runner(inventory.APIFacts{RunnerGroup: "public-ci", PublicRepositories: true, Ephemeral: true})(b)
			codingAgentIn(b, acmeApp, id)
		}, want: []apiWant{{subject: id, score: 9.5, agent: inventory.Scoped(acmeApp.ID, "agent:.github/workflows/claude.yml#claude")}}},
		{name: "runners not listed: not evaluable", coverage: []inventory.Coverage{{Source: "github", Target: "github.com/acme",
			Path: endpointRunnerGroups, Status: inventory.CoverageFailed, Reason: "403"}},
			notes: []string{"/orgs/{org}/actions/runner-groups was not read for github.com/acme: 403"}},
	})
}
