package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// Facts about MCP-server and agent-profile agents that the AR-AG rules
// share. They read only the inventory: the facts are documented in
// inventory/agentconfig.go (MCPServerFacts, ProfileFacts).

// agentsOfKind returns the agents of the given kinds, in inventory order.
func agentsOfKind(inv *inventory.Inventory, kinds ...inventory.AgentKind) []*inventory.Agent {
	var out []*inventory.Agent
	for i := range inv.Agents {
		if slices.Contains(kinds, inv.Agents[i].Kind) {
			out = append(out, &inv.Agents[i])
		}
	}
	return out
}

// mcpFacts is an MCP server's facts, zero for other agents.
func mcpFacts(a *inventory.Agent) inventory.MCPServerFacts {
	if a.MCP == nil {
		return inventory.MCPServerFacts{}
	}
	return *a.MCP
}

// profileFacts is an agent profile's facts, zero for other agents.
func profileFacts(a *inventory.Agent) inventory.ProfileFacts {
	if a.Profile == nil {
		return inventory.ProfileFacts{}
	}
	return *a.Profile
}

// broadPaths returns the host-wide paths and credential stores an MCP
// server or agent profile is given, and the line of the first when known.
func broadPaths(a *inventory.Agent) ([]string, int) {
	if a.MCP != nil {
		return a.MCP.BroadPaths, 0
	}
	p := profileFacts(a)
	return p.BroadPaths, p.BroadLine
}

// agentAt is the agent's location at the given line (when known): the
// value that causes a finding.
func agentAt(a *inventory.Agent, line int) inventory.Location {
	l := a.Location
	if line > 0 {
		l.Line, l.Column = line, 0
	}
	return l
}

// shared reports whether a file is (or may be) shared through a
// repository: committed, in history, or in a tree whose git state is
// unknown. Untracked and ignored files, and home directories, are personal.
func shared(l inventory.Location) bool {
	if inventory.IsHome(l) {
		return false
	}
	switch l.Git {
	case inventory.GitUntracked, inventory.GitIgnored:
		return false
	}
	return true
}

// reachedCredentials returns the credentials an agent reaches.
func reachedCredentials(inv *inventory.Inventory, agentID string) []*inventory.Credential {
	var out []*inventory.Credential
	for _, r := range inv.ReachesOf(agentID) {
		if c := inv.Credential(r.Credential); c != nil && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// agentLabel names an agent for a message: "MCP server github (.mcp.json)".
func agentLabel(a *inventory.Agent) string {
	switch a.Kind {
	case inventory.AgentMCPServer:
		return fmt.Sprintf("MCP server %q (%s)", a.Name, a.Location.Path)
	case inventory.AgentProfile:
		return fmt.Sprintf("%s settings %s", productTitle(a.Product), a.Name)
	}
	return a.Name
}

func productTitle(p string) string {
	switch p {
	case "claude-code":
		return "Claude Code"
	case "github-copilot":
		return "VS Code Copilot"
	case "codex":
		return "Codex"
	case "gemini-cli":
		return "Gemini CLI"
	case "opencode":
		return "opencode"
	case "aider":
		return "aider"
	case "amazon-q":
		return "Amazon Q"
	case "cursor":
		return "Cursor"
	case "zed":
		return "Zed"
	case "continue":
		return "Continue"
	case "":
		return "agent"
	}
	return p
}

// holdsWriteCredential reports whether a workspace (a source) gives its
// agents a source-control or cloud credential: a literal one in any file,
// or one passed to a GitHub/GitLab MCP server that is not read-only.
func holdsWriteCredential(inv *inventory.Inventory, source string) bool {
	for i := range inv.Credentials {
		c := &inv.Credentials[i]
		if c.Kind != inventory.KindEmbeddedKey || (c.Reach != inventory.ReachSourceControl && c.Reach != inventory.ReachCloud) {
			continue
		}
		for _, l := range c.Locations {
			if l.Source == source {
				return true
			}
		}
	}
	for _, a := range agentsOfKind(inv, inventory.AgentMCPServer) {
		if m := mcpFacts(a); a.Location.Source != source || !scmServer(a) || m.ReadOnly || m.Disabled {
			continue
		}
		if len(inv.ReachesOf(a.ID)) > 0 {
			return true
		}
	}
	return false
}

func scmServer(a *inventory.Agent) bool {
	return a.Product == "github-mcp-server" || a.Product == "gitlab-mcp-server"
}

func joinQuoted(items []string, max int) string {
	if len(items) > max {
		items = append(items[:max:max], fmt.Sprintf("%d more", len(items)-max))
	}
	return strings.Join(items, ", ")
}
