package rules

import "testing"

func TestPwnRequest(t *testing.T) {
	t.Parallel()
	prt := func(checkout, after string) string {
		return "on: pull_request_target\npermissions:\n  contents: read\n  pull-requests: write\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n" +
			checkout + after
	}
	const headCheckout = "      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n"
	const build = "      - run: npm ci && npm test\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n"
	runCICases(t, PwnRequest, []ciCase{
		{name: "head checkout then build", yaml: prt(headCheckout, build), want: []ciWant{{line: 9, score: 9.3, msg: "NPM_TOKEN"}}},
		{name: "base checkout is safe", yaml: prt("      - uses: actions/checkout@v4\n", build)},
		{name: "a script that only talks to git and reads files runs nothing of the head", yaml: prt(headCheckout,
			"      - run: |\n          git fetch origin main\n          git diff --stat origin/main | tee diff.txt\n")},
		{name: "a local script does", yaml: prt(headCheckout, "      - run: git fetch origin main && ./ci/check.sh\n"), want: []ciWant{{score: 9.3}}},
		{name: "Codex in its read-only sandbox reads the head, does not run it", yaml: prt(headCheckout,
			"      - uses: openai/codex-action@v1\n        with:\n          prompt: review\n          sandbox: read-only\n")},
		{name: "head checkout through step env", yaml: prt("      - uses: actions/checkout@v4\n        env:\n          SHA: ${{ github.event.pull_request.head.sha }}\n        with:\n          ref: ${{ env.SHA }}\n", build),
			want: []ciWant{{line: 9, score: 9.3, msg: "where env SHA = ${{ github.event.pull_request.head.sha }} (step env, line 11)"}}},
		{name: "head checkout with nothing run after it", yaml: prt(headCheckout, "      - uses: actions/upload-artifact@v4\n        with: {path: dist}\n")},
		{name: "checkout v7 refuses fork heads", yaml: prt(replace(headCheckout, "@v4", "@v7"), build)},
		{name: "checkout v7 opened with allow-unsafe-pr-checkout", yaml: prt(replace(headCheckout, "@v4", "@v7")+"          allow-unsafe-pr-checkout: true\n", build),
			want: []ciWant{{score: 9.3}}},
		{name: "same-repository gate", yaml: replace(prt(headCheckout, build), "    runs-on:", "    if: github.event.pull_request.head.repo.full_name == github.repository\n    runs-on:")},
		{name: "label gate is medium (head can change after labelling)", yaml: replace(replace(prt(headCheckout, build), "on: pull_request_target",
			"on:\n  pull_request_target:\n    types: [opened, synchronize, labeled]"), "    runs-on:", "    if: contains(github.event.pull_request.labels.*.name, 'safe to test')\n    runs-on:"),
			want: []ciWant{{score: 5.5, msg: "can change"}}},
		{name: "pull_request is not privileged", yaml: replace(prt(headCheckout, build), "on: pull_request_target", "on: pull_request")},
		{name: "issue_comment with gh pr checkout", yaml: "on: issue_comment\njobs:\n  t:\n    runs-on: ubuntu-latest\n    permissions: {contents: write}\n    steps:\n      - uses: actions/checkout@v4\n      - run: gh pr checkout ${{ github.event.issue.number }} && make test\n        env:\n          GH_TOKEN: ${{ github.token }}\n",
			want: []ciWant{{line: 8, score: 9.3, msg: "contents:write"}}},
		{name: "workflow_run head checkout then agent", files: map[string]string{
			".github/workflows/ci.yml":  "name: CI\non: pull_request\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n",
			".github/workflows/rev.yml": "on:\n  workflow_run:\n    workflows: [CI]\njobs:\n  r:\n    runs-on: ubuntu-latest\n    permissions: {pull-requests: write}\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.workflow_run.head_sha }}\n      - uses: anthropics/claude-code-action@v1\n        with:\n          prompt: review\n",
		}, want: []ciWant{{line: 9, score: 9.3}}},
	})
}
