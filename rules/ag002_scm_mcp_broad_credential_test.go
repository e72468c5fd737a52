package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

// mcpServer builds an MCP-server agent for rule tests (nil facts: none).
func mcpServer(name, product string, facts *inventory.MCPServerFacts) inventory.Agent {
	if facts == nil {
		facts = &inventory.MCPServerFacts{}
	}
	return inventory.Agent{
		ID: "mcp-server:.mcp.json#" + name, Kind: inventory.AgentMCPServer, Name: name, Product: product,
		Location: inventory.Location{Root: ".", Path: ".mcp.json", Line: 3, Git: inventory.GitTracked},
		MCP:      facts,
	}
}

// profileAgent builds an agent-profile agent for rule tests (nil facts:
// none).
func profileAgent(path string, git inventory.GitState, facts *inventory.ProfileFacts, bypass ...string) inventory.Agent {
	root, source := ".", ""
	if git == "" {
		root, source = inventory.HomeRoot, inventory.HomeSourceID
	}
	if facts == nil {
		facts = &inventory.ProfileFacts{}
	}
	return inventory.Agent{
		ID: "agent-profile:" + path, Kind: inventory.AgentProfile, Name: path, Product: "claude-code",
		Location:   inventory.Location{Source: source, Root: root, Path: path, Line: 1, Git: git},
		Guardrails: inventory.Guardrails{Bypass: bypass}, Profile: facts,
	}
}

func reach(agent, cred string) inventory.Reach {
	return inventory.Reach{Agent: agent, Credential: cred, Via: inventory.ViaMCPEnv}
}

func TestSCMMCPBroadCredential(t *testing.T) {
	t.Parallel()
	classic := inventory.Credential{ID: "embedded:1", Kind: inventory.KindEmbeddedKey, Type: "github-classic-pat", Name: "GitHub classic personal access token", Redacted: "ghp_…AbCd"}
	ref := inventory.Credential{ID: "env:GITHUB_TOKEN", Kind: inventory.KindPersonalAccessToken}
	admin := inventory.Credential{ID: "github:pat:9", Kind: inventory.KindFineGrainedPAT, Permissions: inventory.Permissions{inventory.ResAdministration: inventory.Admin}}
	tests := []struct {
		name  string
		agent inventory.Agent
		cred  inventory.Credential
		score float64 // 0: no finding
	}{
		{"github server without narrowing", mcpServer("github", "github-mcp-server", nil), ref, 7.5},
		{"classic PAT even with toolsets", mcpServer("github", "github-mcp-server", &inventory.MCPServerFacts{Toolsets: []string{"repos"}}), classic, 7.5},
		{"admin token", mcpServer("github", "github-mcp-server", &inventory.MCPServerFacts{Toolsets: []string{"repos"}}), admin, 8.5},
		{"gitlab server", mcpServer("gitlab", "gitlab-mcp-server", nil), ref, 7.5},
		{"read-only server stays quiet", mcpServer("github", "github-mcp-server", &inventory.MCPServerFacts{ReadOnly: true}), classic, 0},
		{"toolsets with a reference token stay quiet", mcpServer("github", "github-mcp-server", &inventory.MCPServerFacts{Toolsets: []string{"issues"}}), ref, 0},
		{"disabled entry", mcpServer("github", "github-mcp-server", &inventory.MCPServerFacts{Disabled: true}), ref, 0},
		{"other product", mcpServer("slack", "slack-mcp-server", nil), ref, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inv := &inventory.Inventory{Agents: []inventory.Agent{tt.agent}, Credentials: []inventory.Credential{tt.cred},
				Reaches: []inventory.Reach{reach(tt.agent.ID, tt.cred.ID)}}
			fs := run(t, SCMMCPBroadCredential, inv)
			if tt.score == 0 {
				if len(fs) != 0 {
					t.Fatalf("unexpected findings: %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Score != tt.score || fs[0].Subject != tt.agent.ID || fs[0].Location.Line != 3 {
				t.Fatalf("findings = %+v, want one at %.1f", fs, tt.score)
			}
		})
	}
}
