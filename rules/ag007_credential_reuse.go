package rules

import (
	"fmt"
	"slices"

	"github.com/agentreach/agentreach/inventory"
)

// CredentialReuse is AR-AG-007.
var CredentialReuse = &Rule{
	Metadata: Metadata{
		ID:       "AR-AG-007",
		Name:     "agent-credential-reuse",
		Title:    "Same credential reused across agents or servers",
		Severity: inventory.SeverityMedium,
		Score:    6.0,
		Escalation: "medium 6.0. Values are compared by their keyed fingerprint (HMAC-SHA256), never by value. The same server declared for two clients (the GitHub server in " +
			"`.mcp.json` and in `.vscode/mcp.json`) is one server, not reuse; references to the same environment variable are not compared.",
		Description: "One literal credential is given to several different MCP servers or agents, or appears in the agent configurations of " +
			"several repositories. Its reach is the union of all their tasks, a leak through any one of them compromises all, and revoking it " +
			"for one breaks the others — so it is rarely revoked.",
		Frameworks:  []Mapping{NHI(9), ASI(3), Maestro("L6/T3"), CSF("PR.AA-02")},
		Source:      "Agent and MCP configuration files",
		Remediation: "Issue one scoped credential per agent and per server (a fine-grained PAT or App token per task), and keep them out of the files.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		for i := range c.Inventory.Credentials {
			cred := &c.Inventory.Credentials[i]
			if cred.Kind != inventory.KindEmbeddedKey {
				continue
			}
			var identities, roots, labels []string
			var first *inventory.Agent
			for _, r := range c.Inventory.AgentsReaching(cred.ID) {
				a := c.Inventory.Agent(r.Agent)
				if a == nil || (a.Kind != inventory.AgentMCPServer && a.Kind != inventory.AgentProfile) {
					continue
				}
				id := a.Product
				if id == "" || a.Kind == inventory.AgentProfile {
					id = string(a.Kind) + ":" + a.Name
				}
				if !slices.Contains(identities, id) {
					identities = append(identities, id)
					labels = append(labels, agentLabel(a))
				}
				if !slices.Contains(roots, a.Location.Source) {
					roots = append(roots, a.Location.Source)
				}
				if first == nil || inventory.CompareLocations(a.Location, first.Location) < 0 {
					first = a
				}
			}
			if len(identities) < 2 && len(roots) < 2 {
				continue
			}
			c.Report(Result{
				Subject: "reuse:" + cred.ID, Location: first.Location, Credential: cred.ID, Agent: first.ID,
				Message: fmt.Sprintf("%s is given to %d different agents (%s): each of them reaches everything the others can, and a leak "+
					"through one compromises all.", article(credentialLabel(cred)), len(labels), joinQuoted(labels, 4)),
				Properties: map[string]string{"agents": fmt.Sprint(len(labels)), "roots": fmt.Sprint(len(roots))},
			})
		}
	},
}
