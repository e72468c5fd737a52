package rules

import "testing"

func TestAppTokenScope(t *testing.T) {
	t.Parallel()
	job := func(with, after string) string {
		return "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/create-github-app-token@v2\n        id: app\n        with:\n          app-id: ${{ vars.APP_ID }}\n          private-key: ${{ secrets.APP_KEY }}\n" + with + after
	}
	runCICases(t, AppTokenScope, []ciCase{
		{name: "no permission inputs", yaml: job("", ""), want: []ciWant{{line: 6, score: 6.0, msg: "every permission"}}},
		{name: "scoped", yaml: job("          permission-contents: write\n", "")},
		{name: "owner without repositories", yaml: job("          owner: acme\n          permission-contents: read\n", ""), want: []ciWant{{msg: "every repository"}}},
		{name: "owner with repositories", yaml: job("          owner: acme\n          repositories: a,b\n          permission-contents: read\n", "")},
		{name: "revocation skipped", yaml: job("          permission-contents: read\n          skip-token-revoke: true\n", ""), want: []ciWant{{msg: "skip-token-revoke"}}},
		{name: "agent jobs belong to AR-PB-006/007", yaml: job("", "      - run: claude -p hi\n")},
	})
}
