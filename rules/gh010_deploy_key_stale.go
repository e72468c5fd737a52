package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// DeployKeyStale is AR-GH-010.
var DeployKeyStale = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-010",
		Name:     "deploy-key-stale",
		Title:    "Deploy key never used or stale",
		Severity: inventory.SeverityMedium,
		Score:    5.0,
		Escalation: "medium 5.0; high 7.0 when the key can push. Never used and added more than 30 days ago, or last used more " +
			"than STALE (90 days by default) ago. One band higher (high 7.0, critical 9.1) when a coding agent reaches the key " +
			"(catalog 1.7).",
		Description: "A repository deploy key has not been used for months, or never was. Whatever it was deployed for is gone or " +
			"uses something else, but the private key still opens the repository — wherever it was copied to — and a key nobody " +
			"uses is one whose loss nobody would notice.",
		Frameworks:  []Mapping{NHI(1), NHI(7), AIRMF("GOVERN 1.7"), CSF("PR.AA-01")},
		Source:      "GitHub organisation scan: repository deploy keys (`GET /repos/{owner}/{repo}/keys`, `created_at`, `last_used`)",
		Remediation: "Delete the key (repository settings → Deploy keys, or `DELETE /repos/{owner}/{repo}/keys/{key_id}`).",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointDeployKeys)
		inv, now, th := c.Inventory, c.Now, c.Thresholds
		ix := newAgentIndex(inv)
		for _, cred := range githubCredentials(inv, apiDeployKey) {
			fact := staleFact(cred, now, th, "added")
			if fact == "" {
				continue
			}
			score, access := 5.0, "read"
			if cred.Permissions.Get(inventory.ResContents) >= inventory.Write {
				score, access = 7.0, "push to"
			}
			score, agents, agent := agentReachable(ix, score, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The %s is stale: %s, yet its private key can still %s %s.%s Delete it: %s.",
					apiCredLabel(inv, cred), fact, access, scopeTarget(cred), agents, revocation(cred)),
			})
		}
	},
}
