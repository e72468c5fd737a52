package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestAutoTrustProjectMCP(t *testing.T) {
	t.Parallel()
	all := &inventory.ProfileFacts{AutoTrustAll: true, AutoTrustLine: 4, ProjectMCP: ".mcp.json"}
	named := &inventory.ProfileFacts{AutoTrusted: []string{"github", "fs"}, AutoTrustLine: 4, ProjectMCP: ".mcp.json"}
	noMCP := &inventory.ProfileFacts{AutoTrustAll: true, AutoTrustLine: 4}
	tests := []struct {
		name  string
		agent inventory.Agent
		want  bool
	}{
		{"committed enableAll with .mcp.json", profileAgent(".claude/settings.json", inventory.GitTracked, all), true},
		{"committed enabledMcpjsonServers", profileAgent(".claude/settings.json", inventory.GitTracked, named), true},
		{"without a project .mcp.json", profileAgent(".claude/settings.json", inventory.GitTracked, noMCP), false},
		{"personal settings.local.json", profileAgent(".claude/settings.local.json", inventory.GitIgnored, all), false},
		{"home settings enable every project", profileAgent(".claude/settings.json", "", noMCP), true},
		{"nothing enabled", profileAgent(".claude/settings.json", inventory.GitTracked, &inventory.ProfileFacts{ProjectMCP: ".mcp.json"}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, AutoTrustProjectMCP, &inventory.Inventory{Agents: []inventory.Agent{tt.agent}})
			if got := len(fs) == 1; got != tt.want || len(fs) > 1 {
				t.Fatalf("findings = %+v, want %v", fs, tt.want)
			}
			if tt.want && (fs[0].Location.Line != 4 || fs[0].Score != 6.5) {
				t.Errorf("finding = %+v", fs[0])
			}
		})
	}
}
