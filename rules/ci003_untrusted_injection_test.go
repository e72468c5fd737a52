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
		{name: "comment body with a gate on the commenter", yaml: "on: issue_comment\npermissions: {contents: write}\njobs:\n  t:\n    if: github.event.comment.author_association == 'OWNER'\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.comment.body }}\"\n"},
		{name: "issue title with a gate on the commenter only", yaml: "on: issue_comment\npermissions: {contents: write}\njobs:\n  t:\n    if: github.event.comment.author_association == 'OWNER'\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.issue.title }}\"\n",
			want: []ciWant{{score: 9.1, msg: "issue.title"}}},
		{name: "branch name of a same-repository workflow_run", files: map[string]string{
			".github/workflows/ci.yml":  "name: CI\non: pull_request\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n",
			".github/workflows/fix.yml": "on:\n  workflow_run:\n    workflows: [CI]\njobs:\n  f:\n    if: github.event.workflow_run.pull_requests[0]\n    runs-on: ubuntu-latest\n    steps:\n      - run: git checkout ${{ github.event.workflow_run.head_branch }}\n"}},
		{name: "head_ref on pull_request only is quiet", yaml: "on: pull_request\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.head_ref }}\n"},
	})
}
