package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestHostWideAccess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		agent inventory.Agent
		line  int // 0: no finding
	}{
		{"filesystem server on the home", mcpServer("fs", "filesystem-mcp-server", &inventory.MCPServerFacts{BroadPaths: []string{"/Users/alice"}}), 3},
		{"profile additionalDirectories", profileAgent(".claude/settings.json", inventory.GitTracked,
			&inventory.ProfileFacts{BroadPaths: []string{"~"}, BroadLine: 9}), 9},
		{"project root only", mcpServer("fs", "filesystem-mcp-server", &inventory.MCPServerFacts{Roots: []string{"."}}), 0},
		{"disabled", mcpServer("fs", "filesystem-mcp-server", &inventory.MCPServerFacts{BroadPaths: []string{"/"}, Disabled: true}), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, HostWideAccess, &inventory.Inventory{Agents: []inventory.Agent{tt.agent}})
			if tt.line == 0 {
				if len(fs) != 0 {
					t.Fatalf("unexpected findings: %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Location.Line != tt.line || fs[0].Score != 7.0 {
				t.Fatalf("findings = %+v", fs)
			}
		})
	}
}
