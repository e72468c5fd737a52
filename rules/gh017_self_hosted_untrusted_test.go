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
		{name: "comment-driven agent on self-hosted", yaml: "on: issue_comment\njobs:\n  t:\n    runs-on: self-hosted\n    steps:\n      - run: claude -p fix\n",
			want: []ciWant{{score: 9.2, msg: "claude-code"}}},
	})
}
