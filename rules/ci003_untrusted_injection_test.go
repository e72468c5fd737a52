package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestUntrustedInjection(t *testing.T) {
	t.Parallel()
	// A run-gemini-cli triage job as Google's template writes it: the
	// issue's title in the prompt, tools.core as the allow-list.
	triage := func(perm, core string) string {
		return "on:\n  issues:\n    types: [opened]\npermissions:\n  contents: read\n  " + perm + "\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n" +
			"      - uses: google-github-actions/run-gemini-cli@v0\n        env:\n          GITHUB_TOKEN: ''\n        with:\n" +
			"          gemini_api_key: ${{ secrets.GEMINI_API_KEY }}\n          settings: |-\n            {\"tools\": {\"core\": " + core + "}}\n" +
			"          prompt: 'Label this issue: ${{ github.event.issue.title }}'\n"
	}
	runCICases(t, UntrustedInjection, []ciCase{
		{name: "a boxed triage agent: echo only, read-only job, its model key alone", yaml: triage("issues: read", `["run_shell_command(echo)"]`),
			want: []ciWant{{score: 5.0, msg: "decides what the agent answers"}}},
		{name: "the same agent in a job that can write issues", yaml: triage("issues: write", `["run_shell_command(echo)"]`),
			want: []ciWant{{score: 9.1, msg: "controls what runs"}}},
		{name: "the same agent allowed any shell command", yaml: triage("issues: read", `["run_shell_command"]`),
			want: []ciWant{{score: 9.1, msg: "controls what runs"}}},
		{name: "a reusable workflow nobody here calls: its callers' events", files: map[string]string{
			".github/workflows/lib.yml": "on: workflow_call\npermissions: {contents: write}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" +
				"      - run: BODY='${{ github.event.comment.body }}'; echo \"$BODY\"\n",
		}, want: []ciWant{{line: 7, score: 9.1, msg: "no workflow of this repository calls it"}}},
		{name: "the same reusable workflow called here on push only", files: map[string]string{
			".github/workflows/lib.yml": "on: workflow_call\npermissions: {contents: write}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" +
				"      - run: BODY='${{ github.event.comment.body }}'; echo \"$BODY\"\n",
			".github/workflows/ci.yml": "on: push\njobs:\n  call:\n    uses: ./.github/workflows/lib.yml\n",
		}},
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

// TestUntrustedInjectionGitLab: GitLab prompts. Text whose author does not
// control the pipeline's configuration — commit text in a job that runs on
// protected refs, a trigger caller's pipeline variable — is reported; the
// look-alikes (a merge-request-only job, a variable the CI file defines, a
// non-prompt argument, an id, a job that is not for triggers, a stored
// variable) are not.
func TestUntrustedInjectionGitLab(t *testing.T) {
	t.Parallel()
	gl := func(rules, script string) map[string]string {
		return map[string]string{".gitlab-ci.yml": "agent:\n  image: node:22\n" + rules + "  script:\n    - npm i -g @anthropic-ai/claude-code\n" + script}
	}
	trigger := "  rules:\n    - if: $CI_PIPELINE_SOURCE == \"trigger\" && $AGENT_PROMPT\n"
	mrOnly := "  rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n"
	main := "  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n"
	push := "    - git push \"https://oauth2:${BOT_TOKEN}@${CI_SERVER_HOST}/${CI_PROJECT_PATH}.git\" HEAD:main\n"
	runCICases(t, UntrustedInjection, []ciCase{
		{name: "trigger variable in the prompt, with a token", files: gl(trigger, "    - claude -p \"$AGENT_PROMPT\" --allowedTools \"Bash,Edit\"\n"+push),
			want: []ciWant{{line: 7, score: 9.1, msg: "`$AGENT_PROMPT` — a pipeline variable the CI file does not define, in a job that runs for trigger pipelines"}}},
		{name: "trigger variable with a default, no credential", files: gl(trigger, "    - claude -p \"${AGENT_PROMPT:-Review !$CI_MERGE_REQUEST_IID}\" --allowedTools Edit\n"),
			want: []ciWant{{line: 7, score: 8.5, msg: "claude-code agent"}}},
		{name: "only: triggers", files: gl("  only:\n    - triggers\n", "    - claude -p \"Do $TASK\"\n"), want: []ciWant{{score: 8.5, msg: "$TASK"}}},
		{name: "commit message on the default branch", files: gl(main, "    - 'claude -p \"Write release notes for: $CI_COMMIT_MESSAGE\" --allowedTools Bash'\n"+push),
			want: []ciWant{{line: 7, score: 9.1, msg: "the commit's message, written by whoever authored the commit"}}},
		{name: "commit title, job without rules (runs on protected refs too)", files: gl("", "    - claude -p \"$CI_COMMIT_TITLE\"\n"),
			want: []ciWant{{score: 8.5, msg: "$CI_COMMIT_TITLE"}}},
		{name: "merge request text in a merge-request-only job", files: gl(mrOnly,
			"    - claude -p \"Review $CI_MERGE_REQUEST_TITLE $CI_MERGE_REQUEST_DESCRIPTION $CI_COMMIT_MESSAGE\" --allowedTools Bash\n"+push)},
		{name: "a variable the CI file defines", files: map[string]string{".gitlab-ci.yml": "variables:\n  AGENT_PROMPT: \"Review the merge request\"\nagent:\n" + trigger +
			"  script:\n    - claude -p \"$AGENT_PROMPT\"\n"}},
		{name: "not the prompt: the model flag", files: gl(trigger, "    - claude -p \"Review the code\" --model \"$CLAUDE_MODEL\"\n")},
		{name: "an id is clean", files: gl(trigger, "    - claude -p \"Review !$CI_MERGE_REQUEST_IID in $CI_PROJECT_PATH at $CI_COMMIT_SHA\"\n")},
		{name: "not a trigger job", files: gl(mrOnly, "    - claude -p \"$AGENT_PROMPT\"\n")},
		{name: "the AI flow comment in a web job (Claude Code's GitLab example)", files: gl("  rules:\n    - if: $CI_PIPELINE_SOURCE == \"web\"\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n",
			"    - >\n      claude\n      -p \"${AI_FLOW_INPUT:-'Review this MR and implement the requested changes'}\"\n      --permission-mode acceptEdits\n      --allowedTools \"Bash(*) Read(*) Edit(*) Write(*) mcp__gitlab\"\n"+push),
			want: []ciWant{{line: 8, score: 9.1, msg: "the comment of whoever mentions the agent in an issue or merge request"}}},
		{name: "the webhook payload through an assigned prompt", files: gl(trigger,
			"    - 'export EVENT=$(cat $TRIGGER_PAYLOAD)'\n    - export PROMPT=\"Handle this event $EVENT\"\n    - claude -p \"$PROMPT\" --allowedTools Bash\n"),
			want: []ciWant{{line: 9, score: 8.5, msg: "`$PROMPT` (set from $EVENT at line 8) — GitLab event text"}}},
		{name: "an assigned prompt from fixed text", files: gl(trigger, "    - export PROMPT=\"Review $CI_PROJECT_PATH\"\n    - claude -p \"$PROMPT\"\n")},
		{name: "a plain script line is data", files: gl(trigger, "    - echo \"$AGENT_PROMPT\" > prompt.txt\n    - claude -p \"Follow prompt.txt\"\n")},
	})
	// A stored variable of that name (a group scan) is the maintainers', not
	// the trigger caller's.
	const src = "gitlab:h/acme/app"
	inv := ciInventoryWith(t, map[string]string{src + "::.gitlab-ci.yml": gl(trigger, "    - claude -p \"$AGENT_PROMPT\"\n")[".gitlab-ci.yml"]}, func(b *inventory.Builder) {
		b.AddCredential(inventory.Credential{ID: inventory.GitLabVariableID(src, "AGENT_PROMPT"), Kind: inventory.KindCIVariable, Platform: inventory.PlatformGitLab,
			Name: "AGENT_PROMPT", API: &inventory.APIFacts{Variable: &inventory.VariableFacts{}}})
	})
	if fs := run(t, UntrustedInjection, inv); len(fs) != 0 {
		t.Errorf("a stored AGENT_PROMPT: want no finding, got %q", fs[0].Message)
	}
}
