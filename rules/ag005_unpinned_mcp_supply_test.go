package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestUnpinnedMCPSupply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		attrs  map[string]string
		scores []float64
	}{
		{"unpinned npx", map[string]string{inventory.AttrPinned: "false", inventory.AttrLauncher: "npm", inventory.AttrPackage: "@x/server"}, []float64{5.5}},
		{"pinned npx", map[string]string{inventory.AttrPinned: "true", inventory.AttrLauncher: "npm", inventory.AttrPackage: "@x/server@1.2.3"}, nil},
		{"plain http", map[string]string{inventory.AttrPlainHTTP: "true", inventory.AttrURL: "http://mcp.example.com/mcp"}, []float64{6.5}},
		{"both", map[string]string{inventory.AttrPinned: "false", inventory.AttrPlainHTTP: "true"}, []float64{6.5, 5.5}},
		{"disabled", map[string]string{inventory.AttrPinned: "false", inventory.AttrDisabled: "true"}, nil},
		{"local command", map[string]string{inventory.AttrCommand: "node"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, UnpinnedMCPSupply, &inventory.Inventory{Agents: []inventory.Agent{mcpServer("s", "", tt.attrs)}})
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
