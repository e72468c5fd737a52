package workflows

import (
	"slices"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

// TestGateEval checks the three-valued evaluation of if: conditions for an
// actor without write access, event by event.
func TestGateEval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cond  string
		event string
		want  tri
		gate  string // expected gate kind when want is triFalse because of a gate
	}{
		{"github.event.comment.author_association == 'OWNER'", "issue_comment", triFalse, inventory.GateAuthorAssociation},
		{"github.event.comment.author_association == 'owner'", "issue_comment", triFalse, inventory.GateAuthorAssociation},
		{"github.event.comment.author_association != 'NONE'", "issue_comment", triUnknown, ""},
		{"contains(fromJSON('[\"OWNER\",\"MEMBER\",\"COLLABORATOR\"]'), github.event.comment.author_association)", "issue_comment", triFalse, inventory.GateAuthorAssociation},
		{"contains(fromJSON('[\"OWNER\",\"CONTRIBUTOR\"]'), github.event.comment.author_association)", "issue_comment", triUnknown, ""},
		{"contains(fromJSON('[\"OWNER\"]'), github.event.comment.author_association || github.event.review.author_association)", "issue_comment", triFalse, inventory.GateAuthorAssociation},
		{"${{ github.actor == 'octocat' }}", "issue_comment", triFalse, inventory.GateActor},
		{"github.actor == 'dependabot[bot]'", "pull_request_target", triUnknown, ""},
		{"github.actor != 'dependabot[bot]'", "pull_request_target", triUnknown, ""},
		{"github.event.pull_request.head.repo.full_name == github.repository", "pull_request_target", triFalse, inventory.GateSameRepository},
		{"github.repository == github.event.pull_request.head.repo.full_name", "pull_request_target", triFalse, inventory.GateSameRepository},
		{"github.event.pull_request.merged == true", "pull_request_target", triFalse, inventory.GateEventFilter},
		{"github.event.pull_request.merged && github.event.pull_request.base.ref == 'main'", "pull_request_target", triFalse, inventory.GateEventFilter},
		{"github.event.pull_request.merged == false", "pull_request_target", triUnknown, ""},
		{"!github.event.pull_request.head.repo.fork", "pull_request_target", triFalse, inventory.GateSameRepository},
		{"github.event.pull_request.head.repo.fork == false", "pull_request_target", triFalse, inventory.GateSameRepository},
		{"github.event.workflow_run.pull_requests[0]", "workflow_run", triFalse, inventory.GateSameRepository},
		{"github.event.label.name == 'safe to test'", "pull_request_target", triFalse, inventory.GateLabel},
		{"contains(github.event.pull_request.labels.*.name, 'ok-to-test')", "pull_request_target", triFalse, inventory.GateLabel},
		{"github.event_name == 'push'", "issue_comment", triFalse, ""},
		{"github.event_name == 'push'", "push", triTrue, ""},
		{"github.event_name != 'issue_comment'", "issue_comment", triFalse, ""},
		{"contains(fromJSON('[\"push\",\"schedule\"]'), github.event_name)", "issue_comment", triFalse, ""},
		{"startsWith(github.event.comment.body, '@claude')", "issue_comment", triUnknown, ""},
		{"github.event.sender.type == 'User'", "issue_comment", triUnknown, ""},
		{"always()", "issue_comment", triUnknown, ""},
		{"false", "issue_comment", triFalse, ""},
		{"(github.event_name == 'issues') || github.event.comment.author_association == 'OWNER'", "issue_comment", triFalse, inventory.GateAuthorAssociation},
		{"(github.event_name == 'issues') || github.event.comment.author_association == 'OWNER'", "issues", triTrue, ""},
		{"!(github.event.comment.author_association == 'OWNER')", "issue_comment", triTrue, ""},
		{"github.repository_owner == 'acme'", "pull_request_target", triUnknown, ""},
		{"this is ${{ not one expression", "issue_comment", triUnknown, ""},
	}
	for _, tt := range tests {
		g := gateEval{event: tt.event}
		got := triUnknown
		if n := parseCondition(tt.cond); n != nil {
			got = g.eval(n)
		}
		if got != tt.want {
			t.Errorf("%q on %s = %d, want %d", tt.cond, tt.event, got, tt.want)
		}
		if tt.gate != "" {
			if _, ok := g.gates[tt.gate]; !ok {
				t.Errorf("%q on %s: gates %v lack %s", tt.cond, tt.event, g.gates, tt.gate)
			}
		}
	}
}

func TestSecretsIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s     string
		names []string
		all   bool
	}{
		{"${{ secrets.NPM_TOKEN }}", []string{"NPM_TOKEN"}, false},
		{"${{ secrets.npm_token }} and ${{ secrets['OTHER'] }}", []string{"NPM_TOKEN", "OTHER"}, false},
		{"${{ toJSON(secrets) }}", nil, true},
		{"${{ secrets[matrix.name] }}", nil, true},
		{"${{ github.token }}", []string{"GITHUB_TOKEN"}, false},
		{"${{ secrets.A || secrets.B }}", []string{"A", "B"}, false},
		{"secrets.NOT_AN_EXPRESSION", nil, false},
		{"${{ vars.APP_ID }}", nil, false},
	}
	for _, tt := range tests {
		u := secretsIn(tt.s)
		if !slices.Equal(u.names, tt.names) || u.all != tt.all {
			t.Errorf("%q = %v all=%v, want %v all=%v", tt.s, u.names, u.all, tt.names, tt.all)
		}
	}
}

func TestScriptAgents(t *testing.T) {
	t.Parallel()
	tbl := newAgentTable(AgentOptions{Commands: []string{"my-agent"}})
	tests := []struct {
		script  string
		product string
		bypass  []string
	}{
		{"claude -p \"$PROMPT\" --dangerously-skip-permissions", "claude-code", []string{"--dangerously-skip-permissions"}},
		{"npx -y @anthropic-ai/claude-code@latest -p hi --permission-mode bypassPermissions", "claude-code", []string{"--permission-mode bypassPermissions"}},
		{"FOO=1 codex exec --sandbox danger-full-access 'fix'", "codex", []string{"sandbox: danger-full-access"}},
		{"echo x | gemini --yolo -p summarise", "gemini-cli", []string{"--yolo"}},
		{"aider --yes-always --message fix", "aider", []string{"--yes-always"}},
		{"copilot -p 'fix' --allow-all-tools", "copilot-cli", []string{"--allow-all-tools"}},
		{"copilot svc deploy", "", nil}, // AWS Copilot
		{"goose up", "", nil},           // the database migration tool
		{"goose run -t 'fix the build'", "goose", nil},
		{"npm install -g @anthropic-ai/claude-code", "", nil},
		{"claude --version", "", nil},
		{"if true; then\n  cursor-agent -p fix --force\nfi", "cursor-agent", []string{"--force"}},
		{"my-agent --do-it", "my-agent", nil},
		{"# claude -p commented out", "", nil},
		{"claude -p \"Fix it.\nCarefully.\" \\\n  --dangerously-skip-permissions", "claude-code", []string{"--dangerously-skip-permissions"}},
		{"timeout 600 npx -y @anthropic-ai/claude-code -p hi --dangerously-skip-permissions", "claude-code", []string{"--dangerously-skip-permissions"}},
		{"sh -c 'codex exec --yolo fix'", "codex", []string{"--yolo"}},
		{"out=$(claude -p \"$P\" --permission-mode bypassPermissions)", "claude-code", []string{"--permission-mode bypassPermissions"}},
		{"cd /tmp && python -m openhands.resolver.resolve_issue --issue-number 1", "openhands", nil},
		{"python -m openhands_resolver_tools.x", "", nil},
		{"echo 'claude -p x --dangerously-skip-permissions'", "", nil},
	}
	for _, tt := range tests {
		var got *inventory.StepAgent
		for _, c := range scriptCommands(tt.script) {
			if ag := tbl.commandAgent(c); ag != nil {
				got = ag
				break
			}
		}
		switch {
		case tt.product == "" && got != nil:
			t.Errorf("%q: agent %+v, want none", tt.script, got)
		case tt.product != "" && (got == nil || got.Product != tt.product || !slices.Equal(got.Bypass, tt.bypass)):
			t.Errorf("%q: agent %+v, want %s %v", tt.script, got, tt.product, tt.bypass)
		}
	}
}

func TestVersionBefore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ref  string
		want bool
	}{
		{"v1.0.184", true}, {"v1.0.185", false}, {"v1", false}, {"v0", true}, {"main", false},
		{"8f6e5a3c2b1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f", false}, {"v1.1", false}, {"beta", false},
	}
	for _, tt := range tests {
		if got := versionBefore(tt.ref, 1, 0, 185); got != tt.want {
			t.Errorf("versionBefore(%q) = %v", tt.ref, got)
		}
	}
}
