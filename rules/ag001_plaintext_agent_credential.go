package rules

import (
	"fmt"
	"slices"

	"github.com/agentreach/agentreach/inventory"
)

// PlaintextAgentCredential is AR-AG-001.
var PlaintextAgentCredential = &Rule{
	Metadata: Metadata{
		ID:       "AR-AG-001",
		Name:     "plaintext-agent-credential",
		Title:    "Plaintext credential in agent or MCP config",
		Severity: inventory.SeverityCritical,
		Score:    9.2,
		Escalation: "critical 9.2 when the file is committed (or in history) or the value is a source-control or cloud credential; " +
			"otherwise high 8.0 (an untracked or git-ignored file, a tree outside git, or a user-level configuration in a scanned home). " +
			"Indirections (`${env:X}`, `${X}`, `{env:X}`, `${input:x}`, `op://…`, `vault:…`) are recorded as references and never match. " +
			"A made-up value whose random part the file also writes after another token-type prefix (credentials[].synthetic), and a value public by design " +
			"(a storage emulator's documented key, a published sample token: credentials[].public, as for AR-SC-001), are not reported.",
		Description: "An MCP server entry or coding-agent settings file holds a credential literally rather than through an indirection " +
			"(`${env:X}`, `${input:x}` with `password: true`, `op://`, a vault reference). The agent and every MCP server it starts can use " +
			"it, and a committed file hands it to everyone who can read the repository.",
		Frameworks: []Mapping{NHI(2), ASI(3), ASI(4), Maestro("L3"), Maestro("L6/T3"), CSF("PR.DS-01"), CSF("PR.AA-01"), AIRMF("MEASURE 2.7")},
		Source:     "Agent and MCP configuration files (detection engine)",
		Remediation: "1. Revoke the credential.\n" +
			"2. Reference it instead: `\"env\": {\"GITHUB_TOKEN\": \"${env:GITHUB_TOKEN}\"}`, a VS Code `inputs` entry with `\"password\": true`, or a secret-manager reference (`op://…`).\n" +
			"3. Keep user-specific agent settings out of the repository (`.claude/settings.local.json` is for that).",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		embeddedLocations(c, func(cred *inventory.Credential, l inventory.Location) {
			if cred.Synthetic != "" || cred.Public != "" {
				return // made up (credentials[].synthetic) or public by design (credentials[].public)
			}
			score := 8.0
			if committed(l) || cred.Reach == inventory.ReachSourceControl || cred.Reach == inventory.ReachCloud {
				score = 9.2
			}
			label := credentialLabel(cred)
			if cred.Name == "" && cred.ConfigKey != "" {
				label = fmt.Sprintf("the value of %s", cred.ConfigKey)
				if cred.Redacted != "" {
					label += " (" + cred.Redacted + ")"
				}
			}
			msg := fmt.Sprintf("%s is written in plain text in the agent configuration %s: the agent and the MCP servers it starts can use it, and it %s.",
				article(label), where(l), gitPhrase(l.Git))
			if users := reachingAgents(c.Inventory, cred.ID, l.Path); users != "" {
				msg += " It is passed to " + users + "."
			}
			c.Report(Result{
				Subject:    embeddedSubject(cred, l),
				Location:   l,
				Score:      score,
				Credential: cred.ID,
				Message:    msg,
				Properties: map[string]string{"git": string(l.Git), "lifetime": string(cred.Lifetime)},
			})
		})
	},
}

// reachingAgents names the agents of one file that reach a credential.
func reachingAgents(inv *inventory.Inventory, credID, path string) string {
	var names []string
	for _, r := range inv.AgentsReaching(credID) {
		if a := inv.Agent(r.Agent); a != nil && a.Location.Path == path {
			if l := agentLabel(a); !slices.Contains(names, l) {
				names = append(names, l)
			}
		}
	}
	return joinQuoted(names, 3)
}
