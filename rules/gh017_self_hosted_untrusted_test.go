package rules

import "testing"

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
