package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// GitLabTokenExpiry is AR-GL-001.
var GitLabTokenExpiry = &Rule{
	Metadata: Metadata{
		ID:       "AR-GL-001",
		Name:     "gitlab-token-expiry",
		Title:    "GitLab token with no or excessive expiry",
		Severity: inventory.SeverityHigh,
		Score:    7.5,
		Escalation: "high 7.5 when the token never expires; medium 5.5 when it expires more than MAX_TTL (90 days by default) from now. " +
			"One band higher (critical 9.1, high 7.0) when a coding agent reaches the token (catalog 1.7). Tokens GitLab lists as " +
			"revoked or expired (inactive) are not reported.",
		Description: "A GitLab group or project access token, or a personal access token, is active and has no expiry, or one further " +
			"away than MAX_TTL. Whoever holds it — a CI/CD variable, a server, an agent's configuration, anyone it leaked to — keeps " +
			"its access until someone notices and revokes it; a short expiry bounds how long a leaked token is worth anything.",
		Frameworks:  []Mapping{NHI(7), ASI(3), Maestro("L6/T3"), CSF("PR.AA-01")},
		Source:      "GitLab group scan: group and project access tokens (`GET /groups/:id/access_tokens`, `GET /projects/:id/access_tokens`: `active`, `revoked`, `expires_at`) and, for an administrator, personal access tokens",
		Remediation: "Rotate the token with an expiry of 90 days or less (`POST /projects/:id/access_tokens/:token_id/rotate` or the group and personal equivalents, with `expires_at`), and require expiry on the instance (AR-GL-004).",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, glTokenEndpoints...)
		inv, now, maxTTL := c.Inventory, c.Now, c.Thresholds.MaxTTL
		ix := newAgentIndex(inv)
		for _, cred := range gitlabCredentials(inv, glAccessToken) {
			if glInactive(cred, now) {
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
				Message: fmt.Sprintf("The %s (%s) %s.%s Rotate it with an expiry of %s or less, and require token expiry on the instance.",
					glCredLabel(inv, cred), glTokenFacts(cred), fact, agents, days(maxTTL)),
			})
		}
	},
}
