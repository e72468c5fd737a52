package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestCredentialReuse(t *testing.T) {
	t.Parallel()
	lit := inventory.Credential{ID: "embedded:7", Kind: inventory.KindEmbeddedKey, Redacted: "…wxyz"}
	ref := inventory.Credential{ID: "env:TOKEN", Kind: inventory.KindAPIKey}
	gh1 := mcpServer("github", "github-mcp-server", nil)
	gh2 := mcpServer("github", "github-mcp-server", nil)
	gh2.ID, gh2.Location.Path = "mcp-server:.vscode/mcp.json#github", ".vscode/mcp.json"
	slack := mcpServer("slack", "slack-mcp-server", nil)
	otherRepo := mcpServer("github", "github-mcp-server", nil)
	otherRepo.ID, otherRepo.Location.Root, otherRepo.Location.Source = "mcp-server:other/.mcp.json#github", "../other", "dir:../other"
	tests := []struct {
		name   string
		cred   inventory.Credential
		agents []inventory.Agent
		want   bool
	}{
		{"two different servers", lit, []inventory.Agent{gh1, slack}, true},
		{"two repositories", lit, []inventory.Agent{gh1, otherRepo}, true},
		{"same server for two clients", lit, []inventory.Agent{gh1, gh2}, false},
		{"one server", lit, []inventory.Agent{gh1}, false},
		{"a shared environment variable is not compared", ref, []inventory.Agent{gh1, slack}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inv := &inventory.Inventory{Agents: tt.agents, Credentials: []inventory.Credential{tt.cred}}
			for _, a := range tt.agents {
				inv.Reaches = append(inv.Reaches, reach(a.ID, tt.cred.ID))
			}
			fs := run(t, CredentialReuse, inv)
			if got := len(fs) == 1; got != tt.want || len(fs) > 1 {
				t.Fatalf("findings = %+v, want %v", fs, tt.want)
			}
			if tt.want && fs[0].Subject != "reuse:"+tt.cred.ID {
				t.Errorf("subject = %q", fs[0].Subject)
			}
		})
	}
}
