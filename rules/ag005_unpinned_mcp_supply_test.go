package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestUnpinnedMCPSupply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		facts  *inventory.MCPServerFacts
		scores []float64
	}{
		{"unpinned npx", &inventory.MCPServerFacts{Unpinned: true, Launcher: "npm", Package: "@x/server"}, []float64{5.5}},
		{"pinned npx", &inventory.MCPServerFacts{Launcher: "npm", Package: "@x/server@1.2.3"}, nil},
		{"plain http", &inventory.MCPServerFacts{PlainHTTP: true, URL: "http://mcp.example.com/mcp"}, []float64{6.5}},
		{"both", &inventory.MCPServerFacts{Unpinned: true, PlainHTTP: true}, []float64{6.5, 5.5}},
		{"disabled", &inventory.MCPServerFacts{Unpinned: true, Disabled: true}, nil},
		{"local command", &inventory.MCPServerFacts{Command: "node"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, UnpinnedMCPSupply, &inventory.Inventory{Agents: []inventory.Agent{mcpServer("s", "", tt.facts)}})
			if len(fs) != len(tt.scores) {
				t.Fatalf("findings = %+v, want %v", fs, tt.scores)
			}
			for i, f := range fs {
				if f.Score != tt.scores[i] {
					t.Errorf("finding %d score %.1f, want %.1f", i, f.Score, tt.scores[i])
				}
			}
		})
	}
}
