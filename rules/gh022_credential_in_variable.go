package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// CredentialInVariable is AR-GH-022.
var CredentialInVariable = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-022",
		Name:     "credential-in-actions-variable",
		Title:    "Credential stored in a GitHub Actions variable",
		Severity: inventory.SeverityHigh,
		Score:    7.5,
		Escalation: "high 7.5; 8.5 when a coding agent reaches it (catalog 1.7). Reported only when the detection engine recognises " +
			"the variable's value as a credential of a known format (the value itself is dropped at once and never reported).",
		Description: "Actions variables are configuration, not secrets: GitHub stores them in plaintext, returns their values through " +
			"the API to whoever may list them, and does not mask them in workflow logs. A token kept in a variable is readable far " +
			"beyond the jobs that need it — by every workflow of every repository it is visible to, in every log that prints it.",
		Frameworks:  []Mapping{NHI(2), NHI(8), ASI(3), Maestro("L6/T3"), CSF("PR.DS-01")},
		Source:      "GitHub organisation scan: organisation Actions variables (`/orgs/{org}/actions/variables`), values judged by the detection engine then dropped",
		Remediation: "Rotate the credential (its value has been readable as plaintext), store it as a secret (`${{ secrets.NAME }}`) scoped to the repositories and environments that need it, and delete the variable.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, "/orgs/{org}/actions/variables")
		inv := c.Inventory
		ix := newAgentIndex(inv)
		for i := range inv.Credentials {
			cred := &inv.Credentials[i]
			if cred.Type != "github-org-actions-variable" || cred.API == nil || cred.API.Variable == nil || cred.API.Variable.ValueType == "" {
				continue
			}
			score, agents, agent := agentReachable(ix, 7.5, cred.ID)
			preview := ""
			if cred.Redacted != "" {
				preview = " (" + cred.Redacted + ")"
			}
			c.Report(Result{Subject: cred.ID, Location: apiLocation(cred), Credential: cred.ID, Agent: agent, Score: score,
				Message: fmt.Sprintf("The %s holds a credential%s of type %s in plaintext, visible to %s: GitHub does not mask variables "+
					"in logs and returns their values through its API.%s Rotate it and keep it as a secret instead.",
					apiCredLabel(inv, cred), preview, cred.API.Variable.ValueType, scopePhrase(cred.Scope), agents)})
		}
	},
}
