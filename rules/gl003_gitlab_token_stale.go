package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// GitLabTokenStale is AR-GL-003.
var GitLabTokenStale = &Rule{
	Metadata: Metadata{
		ID:       "AR-GL-003",
		Name:     "gitlab-token-stale",
		Title:    "GitLab token stale",
		Severity: inventory.SeverityMedium,
		Score:    5.5,
		Escalation: "medium 5.5: an active token never used and created more than 30 days ago, or last used more than STALE (90 " +
			"days by default) ago. High 7.0 when a coding agent reaches the token (catalog 1.7). Revoked and expired tokens are not " +
			"reported.",
		Description: "An active GitLab group or project access token, or personal access token, has not been used for months, or " +
			"was never used at all. Nobody depends on it, but it still opens what its scopes and role cover to whoever holds it: " +
			"attack surface without a purpose, and a leaked token nobody uses is one nobody would miss.",
		Frameworks: []Mapping{NHI(1), AIRMF("GOVERN 1.7"), CSF("PR.AA-05")},
		Source:     "GitLab group scan: group and project access tokens (`created_at`, `last_used_at`, `active`) and, for an administrator, personal access tokens",
		Remediation: "Revoke the token (`DELETE /projects/:id/access_tokens/:token_id`, `DELETE /groups/:id/access_tokens/:token_id`, " +
			"or Settings → Access tokens). agentreach never calls it.",
		Precision: PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, glTokenEndpoints...)
		inv, now, th := c.Inventory, c.Now, c.Thresholds
		ix := newAgentIndex(inv)
		for _, cred := range gitlabCredentials(inv, glAccessToken) {
			if glInactive(cred, now) {
				continue
			}
			fact := staleFact(cred, now, th, "created")
			if fact == "" {
				continue
			}
			score, agents, agent := agentReachable(ix, 5.5, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The %s (%s) is stale: %s, yet it is still active and reaches %s.%s Revoke it: %s.",
					glCredLabel(inv, cred), glTokenFacts(cred), fact, glReach(inv, cred), agents, revocation(cred)),
			})
		}
	},
}
