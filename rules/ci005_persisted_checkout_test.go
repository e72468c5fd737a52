package rules

import "testing"

func TestPersistedCheckout(t *testing.T) {
	t.Parallel()
	job := func(perms, checkout, after string) string {
		return "on: issue_comment\njobs:\n  t:\n    runs-on: ubuntu-latest\n" + perms + "    steps:\n" + checkout + after
	}
	const co = "      - uses: actions/checkout@v4\n"
	const agent = "      - uses: anthropics/claude-code-action@v1\n        with:\n          prompt: fix\n"
	runCICases(t, PersistedCheckout, []ciCase{
		{name: "agent after default checkout with write token", yaml: job("    permissions: {contents: write}\n", co, agent), want: []ciWant{{line: 7, score: 7.0, msg: "contents:write"}}},
		{name: "persist-credentials false", yaml: job("    permissions: {contents: write}\n", co+"        with:\n          persist-credentials: false\n", agent)},
		{name: "read-only token next to an agent", yaml: job("    permissions: {contents: read}\n", co, agent)},
		{name: "PAT persisted next to an agent", yaml: job("    permissions: {contents: read}\n", co+"        with:\n          token: ${{ secrets.BOT_PAT }}\n", agent),
			want: []ciWant{{score: 7.0, msg: "BOT_PAT"}}},
		{name: "agent before the checkout", yaml: job("    permissions: {contents: write}\n", agent, co)},
		{name: "old upload-artifact of the workspace", yaml: job("    permissions: {contents: read}\n", co, "      - uses: actions/upload-artifact@v3\n        with:\n          path: .\n"),
			want: []ciWant{{line: 8, score: 5.5}}},
		{name: "current upload-artifact skips hidden files", yaml: job("    permissions: {contents: read}\n", co, "      - uses: actions/upload-artifact@v4\n        with:\n          path: .\n")},
		{name: "hidden files included", yaml: job("    permissions: {contents: read}\n", co, "      - uses: actions/upload-artifact@v4\n        with:\n          path: .\n          include-hidden-files: true\n"),
			want: []ciWant{{score: 5.5}}},
	})
}
