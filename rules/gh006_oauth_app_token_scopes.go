package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// OAuthAppTokenScopes is AR-GH-006.
var OAuthAppTokenScopes = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-006",
		Name:     "oauth-app-token-broad-scopes",
		Title:    "Third-party OAuth app token with repo/admin scopes",
		Severity: inventory.SeverityHigh,
		Score:    8.0,
		Escalation: "high 8.0 for `repo`, `workflow`, `write:org` or `delete_repo`; critical 9.1 with `admin:org`. A coding agent " +
			"reaching the token (catalog 1.7) raises high to critical 9.1 and is named. Evaluable only for organisations with SAML SSO " +
			"(organisations without it list no OAuth tokens; only the audit log shows approved OAuth apps).",
		Description: "An OAuth app — a third party's service — holds a token authorised for the organisation with repository or " +
			"administrative scopes. The app acts as the user who authorised it on every repository that user can reach, and its " +
			"token lives in the app vendor's systems: a breach there (as with the Heroku and Travis CI OAuth tokens in 2022) is a " +
			"breach of these repositories.",
		Frameworks: []Mapping{NHI(3), NHI(5), ASI(3), ASI(4), Maestro("L7/T3"), AIRMF("GOVERN 6.1"), AIRMF("MANAGE 3.1"),
			CSF("PR.AA-05"), CISRef("1.4.1"), CISRef("1.4.3")},
		Source:      "GitHub organisation scan: SAML SSO credential authorisations (`GET /orgs/{org}/credential-authorizations`)",
		Remediation: "Revoke the token (remove its SSO authorisation; the user can also revoke the app), enable OAuth app access restrictions for the organisation, and prefer GitHub Apps with fine-grained permissions.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointSSO)
		inv := c.Inventory
		ix := newAgentIndex(inv)
		for _, cred := range githubCredentials(inv, func(c *inventory.Credential) bool { return c.Type == typeSSOOAuthToken }) {
			if expired(cred, c.Now) || cred.API == nil {
				continue
			}
			hit := scopesIn(cred.API.Scopes, "admin:org", "delete_repo", "repo", "workflow", "write:org")
			if len(hit) == 0 {
				continue
			}
			score := 8.0
			if hit[0] == "admin:org" {
				score = 9.1
			}
			score, agents, agent := agentReachable(ix, score, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The %s is a third-party app's token authorised for %s with the scopes %s: %s — held in the app "+
					"vendor's systems, acting as its user.%s Revoke it, restrict OAuth app access for the organisation, and prefer a "+
					"GitHub App with fine-grained permissions: %s.",
					apiCredLabel(inv, cred), orgOf(cred), scopeList(cred.API.Scopes), scopeImpact(hit), agents, revocation(cred)),
			})
		}
	},
}
