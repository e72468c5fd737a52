package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// FineGrainedPATExpiry is AR-GH-001.
var FineGrainedPATExpiry = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-001",
		Name:     "fine-grained-pat-expiry",
		Title:    "Fine-grained PAT with no or excessive expiry",
		Severity: inventory.SeverityHigh,
		Score:    7.5,
		Escalation: "high 7.5 when the token never expires; medium 5.5 when it expires more than MAX_TTL (90 days by default) from now. " +
			"One band higher (critical 9.1, high 7.0) when a coding agent reaches the token (catalog 1.7: a CI coding agent, an MCP " +
			"server, agent settings or an agent App). Tokens GitHub lists as expired are not reported.",
		Description: "A fine-grained personal access token granted to the organisation has no expiry, or one further away than the " +
			"organisation's maximum lifetime. Whoever holds it — its owner, a CI secret, an agent's configuration, anyone it leaked " +
			"to — keeps the access until someone notices and revokes it; a short expiry bounds how long a leak is worth anything.",
		Frameworks:  []Mapping{NHI(7), ASI(3), Maestro("L6/T3"), CSF("PR.AA-01")},
		Source:      "GitHub organisation scan: fine-grained PAT grants (`GET /orgs/{org}/personal-access-tokens`, GitHub App only)",
		Remediation: "Ask the owner to reissue the token with an expiry of 90 days or less, and set the organisation's maximum lifetime for fine-grained PATs (organisation settings → Personal access tokens).",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointPATGrants)
		inv, now, maxTTL := c.Inventory, c.Now, c.Thresholds.MaxTTL
		ix := newAgentIndex(inv)
		for _, cred := range githubCredentials(inv, fineGrainedGrant) {
			if expired(cred, now) {
				continue
			}
			score, fact, long := expiryFact(cred, now, maxTTL)
			if !long {
				continue
			}
			score, agents, agent := agentReachable(ix, score, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The %s (%s; %s) %s.%s Have the owner reissue it with an expiry of %s or less, and set the "+
					"organisation's maximum lifetime for fine-grained PATs.",
					apiCredLabel(inv, cred), scopePhrase(cred.Scope), cred.Permissions, fact, agents, days(maxTTL)),
			})
		}
	},
}
