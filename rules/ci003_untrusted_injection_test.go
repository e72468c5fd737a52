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
			want: []ciWant{{line: 10, score: 9.1, msg: "prompt of the claude-code agent"}}}, // the line of the expression inside the block
		{name: "a pull request's own text on a review event is a fork's (no secrets) or a writer's", yaml: "on: pull_request_review_comment\npermissions: {contents: write}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: claude -p \"review ${{ github.event.pull_request.title }}\"\n        env:\n          ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}\n"},
		{name: "the review comment itself is anyone's", yaml: "on: pull_request_review_comment\npermissions: {contents: write}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: claude -p \"answer ${{ github.event.comment.body }}\"\n        env:\n          ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}\n",
			want: []ciWant{{score: 9.1, msg: "comment.body"}}},
		{name: "the first present of comment || issue body is the comment, which the gate vouches for", yaml: "on: issue_comment\npermissions: {contents: write}\njobs:\n  t:\n    if: contains(fromJSON('[\"OWNER\",\"MEMBER\"]'), github.event.comment.author_association)\n    runs-on: ubuntu-latest\n    steps:\n      - run: claude -p \"$REQ\"\n        env:\n          REQ: ${{ github.event.comment.body || github.event.issue.body }}\n      - run: echo \"${{ github.event.comment.body || github.event.issue.body }}\"\n"},
		{name: "on issues the same chain is the issue body, which nobody vouches for", yaml: "on: issues\npermissions: {contents: write}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.comment.body || github.event.issue.body }}\"\n",
			want: []ciWant{{score: 9.1, msg: "github.event.comment.body||github.event.issue.body"}}},
		{name: "a dispatcher gated on its commenters routes the comment to a called workflow", files: map[string]string{
			".github/workflows/dispatch.yml": "on: issue_comment\npermissions: {}\njobs:\n  dispatch:\n    if: contains(fromJSON('[\"OWNER\",\"MEMBER\",\"COLLABORATOR\"]'), github.event.comment.author_association || github.event.review.author_association)\n    runs-on: ubuntu-latest\n    outputs:\n      request: ${{ steps.x.outputs.request }}\n    steps:\n      - id: x\n        run: echo \"request=$R\" >> \"$GITHUB_OUTPUT\"\n        env:\n          R: ${{ github.event.comment.body || github.event.review.body }}\n  run:\n    needs: dispatch\n    permissions: {contents: write}\n    uses: ./.github/workflows/agent.yml\n    with:\n      request: ${{ needs.dispatch.outputs.request }}\n    secrets: inherit\n",
			".github/workflows/agent.yml":    "on:\n  workflow_call:\n    inputs:\n      request: {type: string}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: {contents: write}\n    steps:\n      - run: claude -p \"$REQ\"\n        env:\n          REQ: ${{ inputs.request }}\n          ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}\n",
		}},
		{name: "github-script injection", yaml: "on: pull_request_target\npermissions: {pull-requests: write}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/github-script@v7\n        with:\n          script: console.log('${{ github.event.pull_request.title }}')\n",
			want: []ciWant{{line: 9, score: 9.1, msg: "github-script"}}},
		{name: "comment body with a gate on the commenter", yaml: "on: issue_comment\npermissions: {contents: write}\njobs:\n  t:\n    if: github.event.comment.author_association == 'OWNER'\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.comment.body }}\"\n"},
		{name: "issue title with a gate on the commenter only", yaml: "on: issue_comment\npermissions: {contents: write}\njobs:\n  t:\n    if: github.event.comment.author_association == 'OWNER'\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.issue.title }}\"\n",
			want: []ciWant{{score: 9.1, msg: "issue.title"}}},
		{name: "branch name of a same-repository workflow_run", files: map[string]string{
			".github/workflows/ci.yml":  "name: CI\non: pull_request\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n",
			".github/workflows/fix.yml": "on:\n  workflow_run:\n    workflows: [CI]\njobs:\n  f:\n    if: github.event.workflow_run.pull_requests[0]\n    runs-on: ubuntu-latest\n    steps:\n      - run: git checkout ${{ github.event.workflow_run.head_branch }}\n"}},
		{name: "issue title through job env into a run script", yaml: "on: issues\npermissions: {issues: write}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    env:\n      TITLE: ${{ github.event.issue.title }}\n    steps:\n      - run: echo \"${{ env.TITLE }}\"\n",
			want: []ciWant{{line: 9, score: 9.1, msg: "(env TITLE (job env, line 7), from github.event.issue.title)"}}},
		{name: "issue title through env past a commenter gate", yaml: "on: issue_comment\npermissions: {contents: write}\njobs:\n  t:\n    if: github.event.comment.author_association == 'OWNER'\n    runs-on: ubuntu-latest\n    env:\n      TITLE: ${{ github.event.issue.title }}\n      BODY: ${{ github.event.comment.body }}\n    steps:\n      - run: echo \"${{ env.BODY }} ${{ env.TITLE }}\"\n",
			want: []ciWant{{line: 11, score: 9.1, msg: "author-association gate admits whoever starts the job, not whoever wrote the text"}}},
		{name: "a number through env is safe", yaml: "on: issues\npermissions: {issues: write}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    env:\n      N: ${{ github.event.issue.number }}\n    steps:\n      - run: echo \"${{ env.N }}\"\n"},
		{name: "a model's answer about the issue", yaml: "on: issues\npermissions: {issues: write}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - id: m\n        uses: ai-action/ollama-action@v1\n        with:\n          prompt: ${{ github.event.issue.body }}\n      - run: echo ${{ steps.m.outputs.response }}\n",
			want: []ciWant{{line: 11, score: 9.1, msg: "a model's answer to a prompt holding github.event.issue.body"}}},
		{name: "an agent's answer on a maintainer-only trigger is quiet", yaml: "on: issue_comment\npermissions: {contents: write}\njobs:\n  t:\n    if: github.event.comment.author_association == 'OWNER'\n    runs-on: ubuntu-latest\n    steps:\n      - id: c\n        uses: anthropics/claude-code-action@v1\n        with:\n          prompt: Summarise the thread.\n      - run: echo '${{ steps.c.outputs.structured_output }}'\n"},
		{name: "an issue author named in the gate", yaml: "on: issues\npermissions: {issues: write}\njobs:\n  t:\n    if: github.event.issue.user.login == 'octocat'\n    runs-on: ubuntu-latest\n    env:\n      TITLE: ${{ github.event.issue.title }}\n    steps:\n      - run: echo \"${{ env.TITLE }}\"\n"},
		{name: "fetched text past the agent's own check", yaml: "on: issue_comment\npermissions: {pull-requests: write}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - id: pr\n        run: echo \"t=$(gh pr view ${{ github.event.issue.number }} --json title -q .title)\" >> $GITHUB_OUTPUT\n      - uses: openai/codex-action@v1\n        with:\n          prompt: \"Review: ${{ steps.pr.outputs.t }}\"\n",
			want: []ciWant{{line: 11, score: 9.1, msg: "openai/codex-action's own check admits only people with write access to start it, not whoever wrote the text"}}},
		{name: "pull request text is not in an issue_comment payload", yaml: "on:\n  pull_request:\n  issue_comment:\npermissions: {contents: write}\njobs:\n  t:\n    if: github.event_name == 'pull_request' || github.event.comment.author_association == 'OWNER'\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.pull_request.title }}\"\n"},
		{name: "head_ref on pull_request only is quiet", yaml: "on: pull_request\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.head_ref }}\n"},
	})
}
