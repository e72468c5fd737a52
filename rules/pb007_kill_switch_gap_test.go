package rules

import "testing"

func TestKillSwitchGap(t *testing.T) {
	t.Parallel()
	job := func(with, agent string) string {
		return "on: issue_comment\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/create-github-app-token@v2\n        with:\n          app-id: ${{ vars.APP_ID }}\n          private-key: ${{ secrets.APP_KEY }}\n          permission-contents: write\n" + with + agent
	}
	const agent = "      - run: codex exec \"$P\"\n"
	runCICases(t, KillSwitchGap, []ciCase{
		{name: "revocation skipped in an agent job", yaml: job("          skip-token-revoke: true\n", agent), want: []ciWant{{line: 6, score: 6.5}}},
		{name: "revoked at job end", yaml: job("", agent)},
		{name: "no agent (AR-CI-006's)", yaml: job("          skip-token-revoke: true\n", "      - run: make\n")},
	})
}
