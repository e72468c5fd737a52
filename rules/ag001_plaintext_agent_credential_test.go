package rules

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestPlaintextAgentCredential(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cred  inventory.Credential
		score float64
	}{
		{"committed .mcp.json", embedded(inventory.LifetimeStatic, inventory.ReachLLMAPI,
			inventory.Location{Path: ".mcp.json", Line: 6, Git: inventory.GitTracked}), 9.2},
		{"untracked source-control token is still critical", embedded(inventory.LifetimeStatic, inventory.ReachSourceControl,
			inventory.Location{Path: ".cursor/mcp.json", Line: 6, Git: inventory.GitUntracked}), 9.2},
		{"untracked LLM key is high", embedded(inventory.LifetimeStatic, inventory.ReachLLMAPI,
			inventory.Location{Path: ".claude/settings.local.json", Line: 4, Git: inventory.GitIgnored}), 8.0},
		{"not an agent config", embedded(inventory.LifetimeStatic, inventory.ReachLLMAPI,
			inventory.Location{Path: "mcp.json.bak", Line: 6, Git: inventory.GitTracked}), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, PlaintextAgentCredential, &inventory.Inventory{Credentials: []inventory.Credential{tt.cred}})
			if tt.score == 0 {
				if len(fs) != 0 {
					t.Fatalf("unexpected findings: %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Score != tt.score {
				t.Fatalf("findings = %+v, want one at score %.1f", fs, tt.score)
			}
		})
	}
}

func TestPlaintextAgentCredentialReferencesAndLabels(t *testing.T) {
	t.Parallel()
	loc := inventory.Location{Root: ".", Path: ".mcp.json", Line: 6, Git: inventory.GitTracked}
	ref := inventory.Credential{ID: "env:GITHUB_TOKEN", Kind: inventory.KindPersonalAccessToken, Locations: []inventory.Location{loc}}
	lit := inventory.Credential{ID: "embedded:abc", Kind: inventory.KindEmbeddedKey, Redacted: "…Zk9q", Locations: []inventory.Location{loc},
		ConfigKey: "API_KEY"}
	srv := mcpServer("search", "", nil)
	inv := &inventory.Inventory{Credentials: []inventory.Credential{ref, lit}, Agents: []inventory.Agent{srv},
		Reaches: []inventory.Reach{reach(srv.ID, lit.ID), reach(srv.ID, ref.ID)}}
	fs := run(t, PlaintextAgentCredential, inv)
	if len(fs) != 1 || fs[0].Credential != lit.ID {
		t.Fatalf("findings = %+v, want only the literal", fs)
	}
	for _, want := range []string{"the value of API_KEY (…Zk9q)", `MCP server "search"`} {
		if !strings.Contains(fs[0].Message, want) {
			t.Errorf("message %q lacks %q", fs[0].Message, want)
		}
	}
}
