package rules

import "testing"

func TestAgentTokenScope(t *testing.T) {
	t.Parallel()
	job := func(with string) string {
		return "on: issue_comment\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/create-github-app-token@v2\n        id: app\n        with:\n          app-id: ${{ vars.APP_ID }}\n          private-key: ${{ secrets.APP_KEY }}\n" + with +
			"      - uses: anthropics/claude-code-action@v1\n        with:\n          github_token: ${{ steps.app.outputs.token }}\n"
	}
	runCICases(t, AgentTokenScope, []ciCase{
		{name: "every permission of the installation", yaml: job(""), want: []ciWant{{line: 6, score: 7.5, msg: "claude-code"}}},
		{name: "every repository, read-only", yaml: job("          owner: acme\n          permission-contents: read\n"), want: []ciWant{{score: 6.0, msg: "every repository"}}},
		{name: "scoped", yaml: job("          permission-contents: write\n          permission-pull-requests: write\n")},
	})
}
