package rules

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

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
		// Allow rules for commands that run anything are an unrestricted shell.
		{name: "Bash(node:*) runs any JavaScript", yaml: job(write, "      - uses: anthropics/claude-code-action@v1\n        with:\n          claude_args: --allowedTools \"Bash(node:*),Edit\"\n"),
			want: []ciWant{{score: 8.8, msg: "allowed tool Bash(node:*) (node runs any JavaScript)"}}},
		{name: "Bash(gh api:*) in the legacy allowed_tools input", yaml: job(write, "      - uses: anthropics/claude-code-action@v1\n        with:\n          allowed_tools: \"Bash(gh api:*)\"\n"),
			want: []ciWant{{msg: "gh api makes any GitHub API call"}}},
		{name: "node with a fixed script is scoped", yaml: job(write, "      - uses: anthropics/claude-code-action@v1\n        with:\n          claude_args: --allowedTools \"Bash(node scripts/check.js:*),Edit\"\n")},
		// A multi-line quoted prompt does not hide the flag after it.
		{name: "flag after a multi-line prompt", yaml: job(write, "      - run: |\n          claude -p \"Fix the failing test.\n          Keep the change small.\" \\\n            --dangerously-skip-permissions\n"),
			want: []ciWant{{msg: "--dangerously-skip-permissions"}}},
		{name: "flag inside bash -c", yaml: job(write, "      - run: bash -c 'claude -p \"$P\" --dangerously-skip-permissions'\n"),
			want: []ciWant{{msg: "--dangerously-skip-permissions"}}},
		{name: "multi-line prompt with a scoped tool list", yaml: job(write, "      - run: |\n          claude -p \"Fix the failing test.\n          Never pass --dangerously-skip-permissions.\" \\\n            --allowedTools \"Bash(npm test:*)\"\n")},
		// Settings written with expressions.
		{name: "gemini settings with an expression outside a string", yaml: job(write, "      - uses: google-github-actions/run-gemini-cli@v0\n        with:\n          settings: |-\n            {\"debug\": ${{ fromJSON(vars.DEBUG || false) }}, \"model\": {\"maxSessionTurns\": 20}}\n"),
			want: []ciWant{{msg: "--yolo with all tools"}}},
		{name: "legacy gemini action settings_json with coreTools", yaml: job(write, "      - uses: google-gemini/gemini-cli-action@v1\n        with:\n          settings_json: |\n            {\n              \"coreTools\": [\n                \"run_shell_command(gh label list)\",\n                \"run_shell_command(gh issue edit)\",\n              ],\n            }\n")},
		{name: "legacy gemini action with ShellTool in coreTools", yaml: job(write, "      - uses: google-gemini/gemini-cli-action@v1\n        with:\n          settings_json: '{\"coreTools\": [\"ReadFileTool\", \"ShellTool\"]}'\n"),
			want: []ciWant{{msg: "--yolo with ShellTool"}}},
		// The tool list flows through a local composite action's inputs.
		{name: "tool list through a composite action", files: map[string]string{
			".github/actions/run-claude/action.yml": compositeClaude,
			wfPath:                                  job(write, "      - uses: ./.github/actions/run-claude\n        with:\n          allowed-tools: \"Edit,Read,Bash(*)\"\n")},
			want: []ciWant{{line: 7, msg: "through the local action .github/actions/run-claude"}}},
		{name: "scoped tool list through a composite action", files: map[string]string{
			".github/actions/run-claude/action.yml": compositeClaude,
			wfPath:                                  job(write, "      - uses: ./.github/actions/run-claude\n        with:\n          allowed-tools: \"Edit,Read,Bash(npm test:*)\"\n")}},
		// OpenHands and the Codex repository's own action.
		{name: "OpenHands resolver module", yaml: job(write, "      - run: python -m openhands.resolver.resolve_issue --selected-repo o/r --issue-number 1\n        env:\n          LLM_API_KEY: ${{ secrets.LLM_API_KEY }}\n"),
			want: []ciWant{{msg: "openhands agent"}}},
		{name: "codex repository action keeps its sandbox", yaml: job(write, "      - uses: openai/codex/.github/actions/codex@v1\n        with:\n          codex_args: --full-auto\n")},
		{name: "codex repository action without a sandbox", yaml: job(write, "      - uses: openai/codex/.github/actions/codex@v1\n        with:\n          codex_args: --dangerously-bypass-approvals-and-sandbox\n"),
			want: []ciWant{{msg: "--dangerously-bypass-approvals-and-sandbox"}}},
		{name: "aider yes-always in GitLab with a deploy key", files: map[string]string{".gitlab-ci.yml": "fix:\n  script:\n    - aider --yes-always --message \"$MSG\"\n  variables:\n    DEPLOY_TOKEN: $DEPLOY_TOKEN\n"},
			want: []ciWant{{score: 8.8, msg: "aider"}}},
	})
}

// compositeClaude is a local action that forwards its allowed-tools input
// to claude-code-action through an expression, as real wrappers do.
const compositeClaude = `name: run claude
inputs:
  allowed-tools:
    default: ""
  model:
    default: claude-sonnet
runs:
  using: composite
  steps:
    - uses: anthropics/claude-code-action@v1
      with:
        claude_args: |
          ${{ inputs.allowed-tools != '' && format('--allowedTools ''{0}''', inputs.allowed-tools) || '' }}
          --model ${{ inputs.model }}
        settings: |
          {"model": "${{ inputs.model }}"}
`

// TestAgentBypassNotEvaluable: what the scan cannot read is listed as not
// evaluable, with the file and line, never passed silently.
func TestAgentBypassNotEvaluable(t *testing.T) {
	t.Parallel()
	job := "on: issues\njobs:\n  t:\n    runs-on: ubuntu-latest\n    permissions: {contents: write}\n    steps:\n"
	tests := []struct{ name, step, want string }{
		{"claude_args from a variable", "      - uses: anthropics/claude-code-action@v1\n        with:\n          claude_args: ${{ vars.CLAUDE_ARGS }}\n",
			"w.yml:7: the claude-code agent in job `t` of .github/workflows/w.yml: claude_args: unquoted ${{ vars.CLAUDE_ARGS }}"},
		{"allow list from an expression", "      - uses: anthropics/claude-code-action@v1\n        with:\n          settings: '{\"permissions\": {\"allow\": ${{ vars.ALLOW }}}}'\n",
			"permissions.allow is not a list"},
		{"core tools from an expression", "      - uses: google-github-actions/run-gemini-cli@v0\n        with:\n          settings: '{\"tools\": {\"core\": ${{ vars.CORE }}}}'\n",
			"the core tool list cannot be evaluated"},
		{"unquoted expansion in a run script", "      - run: claude -p \"$P\" $CLAUDE_FLAGS\n",
			"unquoted $CLAUDE_FLAGS"},
		{"expression in a run script", "      - run: claude -p \"$P\" ${{ inputs.flags }}\n",
			"unquoted ${{ inputs.flags }}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs, notes := Evaluate([]*Rule{AgentBypass}, Input{Inventory: ciInventory(t, map[string]string{wfPath: job + tt.step}), Now: testNow})
			if len(fs) != 0 {
				t.Fatalf("findings %v, want none", fs)
			}
			found := false
			for _, n := range notes {
				found = found || n.RuleID == "AR-CI-007" && strings.Contains(n.Reason, tt.want)
			}
			if !found {
				t.Errorf("notes %+v lack %q", notes, tt.want)
			}
		})
	}
}

// TestAgentBypassGitLabJobVariables: on GitLab every stored CI/CD variable
// the job receives is in the agent's environment, named in the CI file or
// not: a group scan's stored token makes an unrestricted agent job a
// finding that names it; a protected one does not reach a merge-request-only
// job, and the agent's own model key is not counted.
func TestAgentBypassGitLabJobVariables(t *testing.T) {
	t.Parallel()
	const src = "gitlab:h/acme/app"
	ci := "agent:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n  script:\n    - claude -p \"review the merge request\" --allowedTools \"Bash,Edit\"\n"
	stored := func(name string, f inventory.VariableFacts) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			b.AddCredential(inventory.Credential{ID: inventory.GitLabVariableID(src, name), Kind: inventory.KindCIVariable, Platform: inventory.PlatformGitLab,
				Name: name, API: &inventory.APIFacts{Variable: &f}})
		}
	}
	for _, tc := range []struct {
		name  string
		extra func(b *inventory.Builder)
		want  string // "" no finding
	}{
		{"no stored variable", nil, ""},
		{"unprotected token", stored("DEPLOY_TOKEN", inventory.VariableFacts{ValueType: "gitlab-pat"}), "DEPLOY_TOKEN"},
		{"protected token, merge request pipeline", stored("DEPLOY_TOKEN", inventory.VariableFacts{ValueType: "gitlab-pat", Protected: true}), ""},
		{"the agent's own model key", stored("ANTHROPIC_API_KEY", inventory.VariableFacts{ValueType: "anthropic-api-key"}), ""},
		{"not a credential", stored("LOG_LEVEL", inventory.VariableFacts{}), ""},
	} {
		inv := ciInventoryWith(t, map[string]string{src + "::.gitlab-ci.yml": ci}, tc.extra)
		fs := run(t, AgentBypass, inv)
		switch {
		case tc.want == "" && len(fs) > 0:
			t.Errorf("%s: want no finding, got %q", tc.name, fs[0].Message)
		case tc.want != "" && (len(fs) != 1 || !strings.Contains(fs[0].Message, tc.want)):
			t.Errorf("%s: want one finding naming %s, got %d: %v", tc.name, tc.want, len(fs), fs)
		}
	}
}
