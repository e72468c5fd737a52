package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// SecretNotRotated is AR-GH-014.
var SecretNotRotated = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-014",
		Name:     "actions-secret-not-rotated",
		Title:    "Actions secret not rotated",
		Severity: inventory.SeverityMedium,
		Score:    5.0,
		Escalation: "medium 5.0: the secret's value was last set more than SECRET_ROTATION (365 days by default) ago. High 7.0 " +
			"when a coding agent reaches the secret (catalog 1.7) — through a workflow reference, or through the repository " +
			"references an organisation secret backs.",
		Description: "An Actions secret — of the organisation, a repository or an environment — has kept its value for more than " +
			"a year. Every workflow run, log, fork and runner that saw it in that time could have kept a copy; a credential that " +
			"never changes is one whose leaks never expire.",
		Frameworks:  []Mapping{NHI(7), CSF("PR.AA-01")},
		Source:      "GitHub organisation scan: Actions secrets of the organisation, its repositories and environments (`updated_at`)",
		Remediation: "Rotate the value at its issuer and update the secret, or replace it with a short-lived credential (OIDC federation, an App token minted per run).",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointOrgSecrets, endpointRepoSecrets, endpointEnvironmentSec)
		inv, now, limit := c.Inventory, c.Now, c.Thresholds.SecretRotation
		ix := newAgentIndex(inv)
		for _, cred := range githubCredentials(inv, func(c *inventory.Credential) bool {
			return c.Kind == inventory.KindActionsSecret && c.API != nil && c.API.UpdatedAt != nil
		}) {
			if now.Sub(*cred.API.UpdatedAt) <= limit {
				continue
			}
			score, agents, agent := agentReachable(ix, 5.0, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The %s was last set %s, beyond the %s rotation limit: a copy that leaked at any time since "+
					"is still the current value.%s Rotate the value at its issuer and update the secret, or replace it with a short-lived "+
					"credential.", apiCredLabel(inv, cred), agoPhrase(now, *cred.API.UpdatedAt), dayLimit(limit), agents),
			})
		}
	},
}
