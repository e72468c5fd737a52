package rules

import "testing"

func TestSharedCIIdentity(t *testing.T) {
	t.Parallel()
	release := "on: push\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh release create v1\n        env:\n          GH_TOKEN: ${{ secrets.BOT_PAT }}\n"
	agent := "on: issue_comment\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: claude -p fix\n        env:\n          GH_TOKEN: ${{ secrets.BOT_PAT }}\n"
	runCICases(t, SharedCIIdentity, []ciCase{
		{name: "same PAT in two repositories", files: map[string]string{"repo-a::" + wfPath: release, "repo-b::" + wfPath: release},
			want: []ciWant{{score: 7.5, msg: "2 repositories"}}},
		{name: "agent and release automation share a PAT", files: map[string]string{".github/workflows/release.yml": release, ".github/workflows/agent.yml": agent},
			want: []ciWant{{msg: "coding agent"}}},
		{name: "one workflow only", files: map[string]string{".github/workflows/agent.yml": agent}},
		{name: "two non-agent workflows in one repository", files: map[string]string{".github/workflows/a.yml": release, ".github/workflows/b.yml": release}},
		{name: "non-token secrets are not identities", files: map[string]string{"repo-a::" + wfPath: replace(release, "BOT_PAT", "SLACK_WEBHOOK"), "repo-b::" + wfPath: replace(release, "BOT_PAT", "SLACK_WEBHOOK")}},
	})
}
