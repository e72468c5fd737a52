package rules

import "testing"

func TestAgentBypass(t *testing.T) {
	t.Parallel()
	job := func(perms, step string) string {
		return "on: issue_comment\njobs:\n  t:\n    runs-on: ubuntu-latest\n" + perms + "    steps:\n" + step
	}
	const write = "    permissions: {contents: write}\n"
	const read = "    permissions: {contents: read}\n"
	runCICases(t, AgentBypass, []ciCase{
		{name: "claude skip permissions with write", yaml: job(write, "      - run: claude -p \"$P\" --dangerously-skip-permissions\n"),
			want: []ciWant{{line: 7, score: 8.8, msg: "--dangerously-skip-permissions"}}},
		{name: "read-only and only the model key", yaml: job(read, "      - run: claude -p \"$P\" --dangerously-skip-permissions\n        env:\n          ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}\n")},
		{name: "read-only with another secret", yaml: job(read, "      - run: claude -p \"$P\" --permission-mode bypassPermissions\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n"),
			want: []ciWant{{score: 8.8, msg: "NPM_TOKEN"}}},
		{name: "bare Bash through claude_args", yaml: job(write, "      - uses: anthropics/claude-code-action@v1\n        with:\n          claude_args: --allowedTools \"Bash,Edit\"\n"),
			want: []ciWant{{score: 8.8, msg: "allowed tool Bash"}}},
		{name: "scoped Bash is fine", yaml: job(write, "      - uses: anthropics/claude-code-action@v1\n        with:\n          claude_args: --allowedTools \"Bash(npm test:*),Edit\"\n")},
		{name: "egress blocked lowers the score", yaml: job(write, "      - uses: step-security/harden-runner@v2\n        with:\n          egress-policy: block\n      - run: codex exec --dangerously-bypass-approvals-and-sandbox \"$P\"\n"),
			want: []ciWant{{score: 8.0}}},
		{name: "codex full-auto keeps the sandbox", yaml: job(write, "      - run: codex exec --full-auto \"$P\"\n")},
		{name: "codex-action danger-full-access", yaml: job(write, "      - uses: openai/codex-action@v1\n        with:\n          sandbox: danger-full-access\n"),
			want: []ciWant{{score: 8.8, msg: "danger-full-access"}}},
		{name: "gemini action without a core tool list", yaml: job(write, "      - uses: google-github-actions/run-gemini-cli@v0\n        with:\n          prompt: triage\n"),
			want: []ciWant{{msg: "--yolo"}}},
		{name: "gemini action with a core tool list", yaml: job(write, "      - uses: google-github-actions/run-gemini-cli@v0\n        with:\n          settings: '{\"tools\":{\"core\":[\"read_file\",\"run_shell_command(gh issue view)\"]}}'\n")},
		{name: "aider yes-always in GitLab with a deploy key", files: map[string]string{".gitlab-ci.yml": "fix:\n  script:\n    - aider --yes-always --message \"$MSG\"\n  variables:\n    DEPLOY_TOKEN: $DEPLOY_TOKEN\n"},
			want: []ciWant{{score: 8.8, msg: "aider"}}},
	})
}
