package rules

import "testing"

func TestBotGatedPRAutomation(t *testing.T) {
	t.Parallel()
	wf := func(on, perms, cond, steps string) string {
		return "on: " + on + "\npermissions: " + perms + "\njobs:\n  t:\n    runs-on: ubuntu-latest\n    if: " + cond + "\n    steps:\n" + steps
	}
	const (
		approve   = "      - run: gh pr review --approve \"$URL\"\n        env:\n          URL: ${{ github.event.pull_request.html_url }}\n          GH_TOKEN: ${{ github.token }}\n"
		automerge = "      - run: gh pr merge --auto --squash \"$URL\"\n        env:\n          URL: ${{ github.event.pull_request.html_url }}\n          GH_TOKEN: ${{ secrets.BOT_PAT }}\n"
		label     = "      - run: gh pr edit \"$URL\" --add-label deps\n        env:\n          URL: ${{ github.event.pull_request.html_url }}\n          GH_TOKEN: ${{ github.token }}\n"
		actor     = "github.actor == 'dependabot[bot]'"
		author    = "github.event.pull_request.user.login == 'dependabot[bot]'"
		write     = "{contents: write, pull-requests: write}"
	)
	runCICases(t, BotGatedPRAutomation, []ciCase{
		{name: "actor check on pull_request_target approves", yaml: wf("pull_request_target", write, actor, approve),
			want: []ciWant{{line: 8, score: 8.8, msg: "can approve pull requests with a GITHUB_TOKEN with contents:write, pull_requests:write on pull_request_target, gated only by `github.actor == 'dependabot[bot]'`"}}},
		{name: "author check enables auto-merge", yaml: wf("pull_request_target", "{contents: read}", author, automerge),
			want: []ciWant{{line: 8, score: 5.0, msg: "enable auto-merge with the secrets BOT_PAT"}}},
		{name: "bot list in contains()", yaml: wf("pull_request_target", write, "contains(fromJSON('[\"dependabot[bot]\",\"renovate[bot]\"]'), github.actor)", approve),
			want: []ciWant{{score: 8.8, msg: "`github.actor == 'renovate[bot]'`"}}},
		{name: "step-level check", yaml: "on: pull_request_target\npermissions: {pull-requests: write}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - if: github.triggering_actor == 'dependabot[bot]'\n        run: gh pr merge \"$N\"\n",
			want: []ciWant{{line: 7, score: 8.8, msg: "merge pull requests"}}},
		{name: "pull_request is fork-safe", yaml: wf("pull_request", write, actor, approve)},
		{name: "same-repository gate beside the name", yaml: wf("pull_request_target", write, actor+" && github.event.pull_request.head.repo.full_name == github.repository", approve)},
		{name: "excluding the bot is not admitting it", yaml: wf("pull_request_target", write, "github.actor != 'dependabot[bot]'", approve)},
		{name: "a step that only labels", yaml: wf("pull_request_target", write, actor, label)},
		{name: "read-only token and no secrets", yaml: wf("pull_request_target", "{contents: read}", actor, "      - run: gh pr review --approve \"$N\"\n")},
		{name: "workflow_run actor", files: map[string]string{
			".github/workflows/ci.yml": "name: CI\non: pull_request\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n",
			wfPath:                     "on:\n  workflow_run:\n    workflows: [CI]\n    types: [completed]\npermissions: {contents: write}\njobs:\n  t:\n    if: github.event.workflow_run.actor.login == 'dependabot[bot]'\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: stefanzweifel/git-auto-commit-action@v5\n"},
			want: []ciWant{{line: 12, score: 8.8, msg: "push commits"}}},
	})
}
