package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// SSOCredentialStanding is AR-GH-005.
var SSOCredentialStanding = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-005",
		Name:     "sso-credential-no-expiry-or-unused",
		Title:    "SSO-authorized credential without expiry or unused",
		Severity: inventory.SeverityMedium,
		Score:    6.0,
		Escalation: "medium 6.0: no expiry, or last used more than STALE (90 days by default) ago, or never used and authorised more " +
			"than 30 days ago. High 7.0 when a coding agent reaches the credential (catalog 1.7). SSH keys are reported only when " +
			"unused: GitHub SSH keys cannot be given an expiry. Evaluable only for organisations with SAML SSO.",
		Description: "A credential SAML SSO authorised for the organisation — a classic PAT, an OAuth app token, a GitHub App user " +
			"token, an SSH key — never expires, or has not been used for months. An unused authorisation is access nobody needs; one " +
			"without expiry lasts until somebody remembers to remove it. Either way it outlives its purpose and, once leaked, its owner's " +
			"attention.",
		Frameworks:  []Mapping{NHI(7), NHI(1), Maestro("L6/T3"), CSF("PR.AA-01")},
		Source:      "GitHub organisation scan: SAML SSO credential authorisations (`GET /orgs/{org}/credential-authorizations`)",
		Remediation: "Remove the authorisation (`DELETE /orgs/{org}/credential-authorizations/{credential_id}`, an organisation owner; agentreach never calls it) and have its owner reissue the credential with an expiry if it is still needed.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointSSO)
		inv, now, th := c.Inventory, c.Now, c.Thresholds
		ix := newAgentIndex(inv)
		for _, cred := range githubCredentials(inv, ssoCredential) {
			if expired(cred, now) {
				continue
			}
			var facts []string
			if cred.ExpiresAt == nil && cred.Type != typeSSOSSHKey {
				facts = append(facts, "it never expires")
			}
			if f := staleFact(cred, now, th, "authorised"); f != "" {
				facts = append(facts, f)
			}
			if len(facts) == 0 {
				continue
			}
			score, agents, agent := agentReachable(ix, 6.0, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The %s, authorised for %s through SAML SSO, is standing access: %s.%s %s: %s.",
					apiCredLabel(inv, cred), orgOf(cred), joinAnd(facts), agents, ssoNext(cred), revocation(cred)),
			})
		}
	},
}

// ssoNext says what to do about a standing SSO credential: a classic PAT
// can be reissued with an expiry; OAuth and App tokens and SSH keys are
// removed when unneeded.
func ssoNext(c *inventory.Credential) string {
	if c.Type == typeSSOClassicPAT {
		return "Have the owner reissue it with an expiry if it is still needed, and remove this authorisation"
	}
	return "Remove the authorisation if nobody needs it any more"
}
