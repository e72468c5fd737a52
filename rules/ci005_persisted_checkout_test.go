package rules

import (
	"strings"
	"testing"
)

func TestPersistedCheckout(t *testing.T) {
	t.Parallel()
	job := func(perms, checkout, after string) string {
		return "on: issue_comment\njobs:\n  t:\n    runs-on: ubuntu-latest\n" + perms + "    steps:\n" + checkout + after
	}
	const co = "      - uses: actions/checkout@v4\n"
	// claude-code-base-action runs Claude in the job as it is: it does not
	// touch the git configuration.
	const agent = "      - uses: anthropics/claude-code-base-action@v1\n        with:\n          prompt: fix\n"
	claude := func(ref string) string {
		return "      - uses: anthropics/claude-code-action@" + ref + "\n        with:\n          prompt: fix\n"
	}
	const commit = "0123456789abcdef0123456789abcdef01234567"
	const appTok = "      - id: app\n        uses: actions/create-github-app-token@v2\n        with:\n          app-id: '1'\n          private-key: k\n"
	const coWithApp = "        with:\n          token: ${{ steps.app.outputs.token }}\n"
	runCICases(t, PersistedCheckout, []ciCase{
		{name: "agent after default checkout with write token", yaml: job("    permissions: {contents: write}\n", co, agent), want: []ciWant{{line: 7, score: 7.0, msg: "contents:write"}}},
		{name: "persist-credentials false", yaml: job("    permissions: {contents: write}\n", co+"        with:\n          persist-credentials: false\n", agent)},
		{name: "read-only token next to an agent", yaml: job("    permissions: {contents: read}\n", co, agent)},
		{name: "PAT persisted next to an agent", yaml: job("    permissions: {contents: read}\n", co+"        with:\n          token: ${{ secrets.BOT_PAT }}\n", agent),
			want: []ciWant{{score: 7.0, msg: "BOT_PAT"}}},
		{name: "agent before the checkout", yaml: job("    permissions: {contents: write}\n", agent, co)},
		{name: "App token persisted, the agent is not given it", yaml: job("    permissions: {contents: read}\n", appTok+co+coWithApp, agent),
			want: []ciWant{{score: 7.0, msg: "the token that step `app` minted from the git configuration that actions/checkout left behind (a GitHub App installation token with every permission"}}},
		{name: "App token persisted, exported to GITHUB_ENV for the agent too", yaml: job("    permissions: {contents: read}\n",
			appTok+"      - run: echo \"GH_TOKEN=${{ steps.app.outputs.token }}\" >> $GITHUB_ENV\n"+co+coWithApp, agent)},
		{name: "App token persisted, in the agent's env too", yaml: job("    permissions: {contents: read}\n", appTok+co+coWithApp,
			agent+"        env:\n          GH_TOKEN: ${{ steps.app.outputs.token }}\n")},
		{name: "a narrowed App token that cannot write", yaml: job("    permissions: {contents: read}\n",
			strings.Replace(appTok, "          private-key: k\n", "          private-key: k\n          permission-issues: read\n", 1)+co+coWithApp, agent)},
		{name: "Codex in its sandbox has no network to use it", yaml: job("    permissions: {contents: write}\n", co,
			"      - uses: openai/codex-action@v1\n        with:\n          prompt: fix\n          sandbox: read-only\n")},
		{name: "id-token write is not a git write", yaml: job("    permissions: {contents: read, id-token: write}\n", co, agent)},
		{name: "the agent gets the job token anyway", yaml: job("    permissions: {contents: write}\n", co,
			"      - run: codex exec \"$P\"\n        env:\n          GITHUB_TOKEN: ${{ github.token }}\n")},
		{name: "fork pull requests get a read-only token", yaml: strings.Replace(job("    permissions: {contents: write}\n", co, agent), "on: issue_comment", "on: pull_request", 1)},
		// claude-code-action v1 replaces the persisted credential with its
		// own token before Claude runs (git-config.ts, replaceCheckoutCredentials).
		{name: "claude-code-action v1 removes the checkout token", yaml: job("    permissions: {contents: write}\n", co, claude("v1"))},
		{name: "claude-code-action v1 removes a persisted PAT too", yaml: job("    permissions: {contents: read}\n", co+"        with:\n          token: ${{ secrets.BOT_PAT }}\n", claude("v1.0.200"))},
		{name: "before v1.0.197 the removal misses checkout's included config", yaml: job("    permissions: {contents: read}\n",
			co+"        with:\n          token: ${{ secrets.BOT_PAT }}\n", claude("v1.0.150")), want: []ciWant{{score: 7.0, msg: "included file"}}},
		{name: "before v1.0.197 with a checkout that keeps it in .git/config", yaml: job("    permissions: {contents: read}\n",
			"      - uses: actions/checkout@v4.2.2\n        with:\n          token: ${{ secrets.BOT_PAT }}\n", claude("v1.0.150"))},
		{name: "a commit pin is an unknown release", yaml: job("    permissions: {contents: read}\n",
			"      - uses: actions/checkout@v5\n        with:\n          token: ${{ secrets.BOT_PAT }}\n", claude(commit)), want: []ciWant{{score: 7.0, msg: "BOT_PAT"}}},
		{name: "old upload-artifact of the workspace", yaml: job("    permissions: {contents: read}\n", co, "      - uses: actions/upload-artifact@v3\n        with:\n          path: .\n"),
			want: []ciWant{{line: 8, score: 5.5}}},
		{name: "current upload-artifact skips hidden files", yaml: job("    permissions: {contents: read}\n", co, "      - uses: actions/upload-artifact@v4\n        with:\n          path: .\n")},
		{name: "hidden files included", yaml: job("    permissions: {contents: read}\n", co, "      - uses: actions/upload-artifact@v4\n        with:\n          path: .\n          include-hidden-files: true\n"),
			want: []ciWant{{score: 5.5}}},
	})
}
