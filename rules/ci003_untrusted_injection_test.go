package rules

import "testing"

func TestUntrustedInjection(t *testing.T) {
	t.Parallel()
	runCICases(t, UntrustedInjection, []ciCase{
		{name: "issue title in run with write token", yaml: "on: issues\npermissions: {issues: write}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.issue.title }}\"\n",
			want: []ciWant{{line: 7, score: 9.1, msg: "github.event.issue.title"}}},
		{name: "issue title in run, read-only and no secrets", yaml: "on: issues\npermissions: {contents: read}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.issue.title }}\"\n",
			want: []ciWant{{score: 8.5}}},
		{name: "through env is safe", yaml: "on: issues\npermissions: {issues: write}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"$TITLE\"\n        env:\n          TITLE: ${{ github.event.issue.title }}\n"},
		{name: "trusted context is safe", yaml: "on: issues\npermissions: {issues: write}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.issue.number }} ${{ github.repository }}\"\n"},
		{name: "comment body in an agent prompt", yaml: "on: issue_comment\npermissions: {contents: write}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: anthropics/claude-code-action@v1\n        with:\n          prompt: |\n            Do what this says: ${{ github.event.comment.body }}\n",
			want: []ciWant{{line: 9, score: 9.1, msg: "prompt of the claude-code agent"}}},
		{name: "github-script injection", yaml: "on: pull_request_target\npermissions: {pull-requests: write}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/github-script@v7\n        with:\n          script: console.log('${{ github.event.pull_request.title }}')\n",
			want: []ciWant{{line: 9, score: 9.1, msg: "github-script"}}},
		{name: "head_ref on pull_request only is quiet", yaml: "on: pull_request\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.head_ref }}\n"},
	})
}
