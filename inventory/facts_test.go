package inventory

import (
	"slices"
	"testing"
)

// The typed facts of one credential found by several scanners are merged
// whatever order the parts arrive in: strings and lists from the first part
// (in canonical order) that has them, booleans when any part sets them.
func TestLinkMergesCredentialFacts(t *testing.T) {
	t.Parallel()
	detector := Credential{ID: "embedded:abc", Kind: KindEmbeddedKey, Type: "github-classic-pat",
		Locations: []Location{{Path: ".config/gh/hosts.yml", Line: 3}}}
	home := Credential{ID: "embedded:abc", Kind: KindEmbeddedKey, Store: "gh-cli", ConfigKey: "oauth_token",
		Locations: []Location{{Path: ".config/gh/hosts.yml", Line: 3}}}
	ci := Credential{ID: "embedded:abc", AgentAPIKey: true, Feeds: []string{"a"}, Audience: []string{"x", "y"}}
	for _, order := range [][]Credential{{detector, home, ci}, {ci, home, detector}, {home, ci, detector}} {
		b := NewBuilder()
		for _, c := range order {
			b.AddCredential(c)
		}
		inv, _ := b.Build()
		c := inv.Credentials[0]
		if c.Type != "github-classic-pat" || c.Store != "gh-cli" || c.ConfigKey != "oauth_token" || !c.AgentAPIKey || c.UnmaskedInput ||
			!slices.Equal(c.Feeds, []string{"a"}) || !slices.Equal(c.Audience, []string{"x", "y"}) {
			t.Errorf("merged facts = %+v", c)
		}
	}
}

// The builder keeps its own copy of an agent's facts: a scanner that reuses
// its value after adding it does not change the inventory.
func TestBuilderCopiesAgentFacts(t *testing.T) {
	t.Parallel()
	b := NewBuilder()
	a := Agent{ID: "mcp-server:.mcp.json#fs", Kind: AgentMCPServer,
		MCP:     &MCPServerFacts{BroadPaths: []string{"/"}},
		Profile: &ProfileFacts{AutoTrusted: []string{"fs"}},
		CI:      &CIJobFacts{Products: []string{"codex"}}}
	b.AddAgent(a)
	a.MCP.BroadPaths[0], a.MCP.Disabled = "~", true
	a.Profile.AutoTrusted[0] = "gh"
	a.CI.Products[0] = "aider"
	inv, _ := b.Build()
	got := inv.Agents[0]
	if got.MCP.BroadPaths[0] != "/" || got.MCP.Disabled || got.Profile.AutoTrusted[0] != "fs" || got.CI.Products[0] != "codex" {
		t.Errorf("facts changed after AddAgent: %+v %+v %+v", got.MCP, got.Profile, got.CI)
	}
}
