package rules

import "testing"

func TestStandingPAT(t *testing.T) {
	t.Parallel()
	runCICases(t, StandingPAT, []ciCase{
		{name: "PAT for checkout of this repository", yaml: "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          token: ${{ secrets.BOT_PAT }}\n      - run: make\n",
			want: []ciWant{{line: 8, score: 6.5, msg: "check out this repository"}}},
		{name: "PAT as an agent's GitHub token in its env, with a fallback", yaml: "on: issues\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: claude -p fix\n        env:\n          GITHUB_TOKEN: ${{ secrets.PAT_TOKEN || github.token }}\n",
			want: []ciWant{{score: 7.5, msg: "agent's GitHub token (env GITHUB_TOKEN)"}}},
		{name: "PAT in an agent's env under another name", yaml: "on: issues\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: claude -p fix\n        env:\n          RELEASE: ${{ secrets.PAT_TOKEN }}\n"},
		{name: "PAT for gh on other repositories named by variables", yaml: "on: schedule\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh release list --repo \"$DOCKER_REPO\" --limit 5\n        env:\n          GH_TOKEN: ${{ secrets.DISPATCH_PAT }}\n"},
		{name: "PAT for gh on this repository named explicitly", yaml: "on: schedule\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh release list --repo \"$GITHUB_REPOSITORY\"\n        env:\n          GH_TOKEN: ${{ secrets.DISPATCH_PAT }}\n",
			want: []ciWant{{score: 6.5, msg: "this repository"}}},
		{name: "PAT for gh on this repository through an env variable", yaml: "on: schedule\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh issue create --repo \"$MAIN_REPO\" --title x\n        env:\n          MAIN_REPO: ${{ github.repository }}\n          GH_TOKEN: ${{ secrets.DISPATCH_PAT }}\n",
			want: []ciWant{{score: 6.5, msg: "this repository"}}},
		{name: "PAT for gh on this repository through the workflow's env", yaml: "on: schedule\nenv:\n  MAIN_REPO: ${{ github.repository }}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh issue list --repo \"${{ env.MAIN_REPO }}\"\n        env:\n          GH_TOKEN: ${{ secrets.DISPATCH_PAT }}\n",
			want: []ciWant{{score: 6.5, msg: "this repository"}}},
		{name: "PAT for another repository's checkout", yaml: "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          repository: acme/private-tools\n          token: ${{ secrets.BOT_PAT }}\n"},
		{name: "PAT pushing from a job with an agent", yaml: "on: issue_comment\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: claude -p fix\n      - run: git push origin HEAD\n        env:\n          GH_TOKEN: ${{ secrets.GH_PAT }}\n",
			want: []ciWant{{score: 7.5, msg: "GH_PAT"}}},
		{name: "PAT as the agent's github_token", yaml: "on: issue_comment\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: anthropics/claude-code-action@v1\n        with:\n          github_token: ${{ secrets.CLAUDE_PAT }}\n",
			want: []ciWant{{score: 7.5, msg: "agent's token"}}},
		{name: "PAT for a release of this repository (env)", yaml: "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    permissions: {contents: write}\n    steps:\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/*\n        env:\n          GITHUB_TOKEN: ${{ secrets.RELEASE_TOKEN }}\n",
			want: []ciWant{{score: 6.5, msg: "for softprops/action-gh-release on this repository"}}},
		{name: "PAT for a pull request of this repository (input)", yaml: "on: schedule\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: peter-evans/create-pull-request@v7\n        with:\n          token: ${{ secrets.BOT_PAT }}\n",
			want: []ciWant{{score: 6.5, msg: "for peter-evans/create-pull-request on this repository"}}},
		{name: "PAT for a release in another repository", yaml: "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: softprops/action-gh-release@v2\n        with:\n          repository: acme/homebrew-tap\n          token: ${{ secrets.TAP_PAT }}\n"},
		{name: "PAT for a pull request in another repository's checkout", yaml: "on: release\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: peter-evans/create-pull-request@v7\n        with:\n          token: ${{ secrets.TAP_PAT }}\n          path: homebrew-tap\n"},
		{name: "PAT for a pull request from a fork it pushes to", yaml: "on: schedule\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: peter-evans/create-pull-request@v7\n        with:\n          token: ${{ secrets.BOT_PAT }}\n          push-to-fork: acme-bot/repo\n"},
		{name: "PAT for gh cache on this repository", yaml: "on: workflow_dispatch\njobs:\n  t:\n    runs-on: ubuntu-latest\n    permissions: {actions: write}\n    steps:\n      - run: gh cache delete --all\n        env:\n          GH_TOKEN: ${{ secrets.GH_TOKEN }}\n",
			want: []ciWant{{score: 6.5, msg: "for git or API calls on this repository"}}},
		{name: "GITHUB_TOKEN is the right tool", yaml: "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh pr create --fill\n        env:\n          GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n"},
		{name: "PAT for a cross-repository call", yaml: "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh workflow run deploy.yml --repo acme/infra\n        env:\n          GH_TOKEN: ${{ secrets.INFRA_PAT }}\n"},
		{name: "GitLab PRIVATE-TOKEN on its own project", files: map[string]string{".gitlab-ci.yml": "tag:\n  script:\n    - 'curl --header \"PRIVATE-TOKEN: $RELEASE_TOKEN\" \"$CI_API_V4_URL/projects/$CI_PROJECT_ID/releases\"'\n"},
			want: []ciWant{{score: 6.5, msg: "RELEASE_TOKEN"}}},
		{name: "a reusable workflow's secret parameter with no caller", files: map[string]string{".github/workflows/release.yml": "on:\n  workflow_call:\n    secrets:\n      PUSH_TOKEN:\n        required: true\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: git push origin HEAD\n        env:\n          GH_TOKEN: ${{ secrets.PUSH_TOKEN }}\n"},
			want: []ciWant{{line: 12, score: 6.5, msg: "Each caller of the reusable workflow chooses its value"}}},
		{name: "a reusable workflow's secret the caller fills with its job token", files: map[string]string{
			".github/workflows/release.yml": "on:\n  workflow_call:\n    secrets:\n      PUSH_TOKEN:\n        required: true\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: git push origin HEAD\n        env:\n          GH_TOKEN: ${{ secrets.PUSH_TOKEN }}\n",
			".github/workflows/tag.yml":     "on: push\njobs:\n  r:\n    uses: ./.github/workflows/release.yml\n    secrets:\n      PUSH_TOKEN: ${{ github.token }}\n"}},
		{name: "GitLab job token", files: map[string]string{".gitlab-ci.yml": "tag:\n  script:\n    - 'curl --header \"JOB-TOKEN: $CI_JOB_TOKEN\" \"$CI_API_V4_URL/projects/$CI_PROJECT_ID/releases\"'\n"}},
	})
}
