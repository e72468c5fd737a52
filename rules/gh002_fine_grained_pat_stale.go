package rules

import (
	"fmt"
	"time"

	"github.com/agentreach/agentreach/inventory"
)

// FineGrainedPATStale is AR-GH-002.
var FineGrainedPATStale = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-002",
		Name:     "fine-grained-pat-stale",
		Title:    "Fine-grained PAT stale",
		Severity: inventory.SeverityMedium,
		Score:    5.5,
		Escalation: "medium 5.5: never used and granted more than 30 days ago, or last used more than STALE (90 days by default) ago. " +
			"High 7.0 when a coding agent reaches the token (catalog 1.7). Tokens GitHub lists as expired are not reported.",
		Description: "A fine-grained personal access token granted to the organisation has not been used for months, or was never " +
			"used at all. Nobody depends on it, but it still opens the organisation's repositories to whoever holds it: it is " +
			"attack surface without a purpose, and a leaked token that nobody uses is also one nobody would miss or notice.",
		Frameworks: []Mapping{NHI(1), ASI(3), Maestro("L6/T3"), AIRMF("GOVERN 1.7"), CSF("PR.AA-05")},
		Source:     "GitHub organisation scan: fine-grained PAT grants (`GET /orgs/{org}/personal-access-tokens`, GitHub App only)",
		Remediation: "Revoke the grant: `POST /orgs/{org}/personal-access-tokens/{pat_id}` with `{\"action\":\"revoke\"}` (an organisation " +
			"owner, or organisation settings → Personal access tokens → Active tokens). agentreach never calls it.",
		Precision: PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointPATGrants)
		inv, now, th := c.Inventory, c.Now, c.Thresholds
		ix := newAgentIndex(inv)
		for _, cred := range githubCredentials(inv, fineGrainedGrant) {
			if expired(cred, now) {
				continue
			}
			fact := staleFact(cred, now, th, "granted to the organisation")
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
				Message: fmt.Sprintf("The %s (%s; %s) is stale: %s, yet the grant is still in place.%s Revoke the grant: %s.",
					apiCredLabel(inv, cred), scopePhrase(cred.Scope), cred.Permissions, fact, agents, revocation(cred)),
			})
		}
	},
}

// staleFact says why a credential is stale — never used since it was
// created (or granted, authorised: created says which) more than the
// never-used grace ago, or last used more than STALE ago — or "" when it
// is not.
func staleFact(c *inventory.Credential, now time.Time, th Thresholds, created string) string {
	switch {
	case c.LastUsedAt == nil && c.CreatedAt != nil && now.Sub(*c.CreatedAt) > th.NeverUsedGrace:
		return fmt.Sprintf("it was %s %s and has never been used", created, agoPhrase(now, *c.CreatedAt))
	case c.LastUsedAt != nil && now.Sub(*c.LastUsedAt) > th.Stale:
		return fmt.Sprintf("it was last used %s, beyond the %s staleness limit", agoPhrase(now, *c.LastUsedAt), dayLimit(th.Stale))
	}
	return ""
}

// revocation is how to revoke a listed credential, as the scan recorded it.
func revocation(c *inventory.Credential) string {
	if c.Revocation != "" {
		return c.Revocation
	}
	return "ask an organisation owner"
}
