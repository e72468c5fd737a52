package rules

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestApprovalBypass(t *testing.T) {
	t.Parallel()
	bypass := "permissions.defaultMode = bypassPermissions"
	line := &inventory.ProfileFacts{BypassLine: 7}
	literal := inventory.Credential{ID: "embedded:2", Kind: inventory.KindEmbeddedKey, Reach: inventory.ReachSourceControl,
		Locations: []inventory.Location{{Root: ".", Path: "scripts/deploy.sh", Line: 2}}}
	tests := []struct {
		name  string
		agent inventory.Agent
		creds []inventory.Credential
		score float64
	}{
		{"committed bypass", profileAgent(".claude/settings.json", inventory.GitTracked, line, bypass), nil, 8.0},
		{"committed bypass with a write credential in the workspace", profileAgent(".claude/settings.json", inventory.GitTracked, line, bypass), []inventory.Credential{literal}, 9.1},
		{"outside git counts as shared", profileAgent(".codex/config.toml", inventory.GitNone, line, bypass), nil, 8.0},
		{"personal settings.local.json", profileAgent(".claude/settings.local.json", inventory.GitIgnored, line, bypass), []inventory.Credential{literal}, 7.0},
		{"home settings", profileAgent(".claude/settings.json", "", line, bypass), nil, 7.0},
		{"server trust", func() inventory.Agent {
			a := mcpServer("x", "", nil)
			a.Guardrails.Bypass = []string{"trust: true"}
			return a
		}(), nil, 7.0},
		{"no bypass", profileAgent(".claude/settings.json", inventory.GitTracked, nil), nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, ApprovalBypass, &inventory.Inventory{Agents: []inventory.Agent{tt.agent}, Credentials: tt.creds})
			if tt.score == 0 {
				if len(fs) != 0 {
					t.Fatalf("unexpected findings: %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Score != tt.score {
				t.Fatalf("findings = %+v, want one at %.1f", fs, tt.score)
			}
			if tt.agent.Kind == inventory.AgentProfile && fs[0].Location.Line != 7 {
				t.Errorf("line = %d, want the bypass line 7", fs[0].Location.Line)
			}
			if !strings.Contains(fs[0].Message, "without asking") {
				t.Errorf("message = %q", fs[0].Message)
			}
		})
	}
}
