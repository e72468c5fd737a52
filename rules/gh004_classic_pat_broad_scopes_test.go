package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestClassicPATBroadScopes(t *testing.T) {
	t.Parallel()
	id := inventory.Scoped(acmeOrg.ID, "sso-credential:7")
	pat := func(typ string, mod func(c *inventory.Credential), scopes ...string) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			b.AddPrincipal(acmeUser("bob", inventory.PrincipalHuman, "member", inventory.StateActive))
			c := ssoCred("7", typ, "deploy scripts", "bob", scopes...)
			if mod != nil {
				mod(&c)
			}
			b.AddCredential(c)
		}
	}
	runAPICases(t, ClassicPATBroadScopes, []apiCase{
		{name: "repo and workflow", add: pat(typeSSOClassicPAT, nil, "repo", "workflow", "read:org"),
			want: []apiWant{{subject: id, score: 8.0, msg: []string{`classic PAT "deploy scripts" of @bob`, "the organisation acme through SAML SSO",
				"`repo`, `workflow`, `read:org`", "every repository its owner can reach", "DELETE /orgs/acme/credential-authorizations/7"}}}},
		{name: "admin:org is critical", add: pat(typeSSOClassicPAT, nil, "repo", "admin:org"),
			want: []apiWant{{subject: id, score: 9.2, msg: []string{"`admin:org` administers the organisation"}}}},
		{name: "delete_repo alone is critical", add: pat(typeSSOClassicPAT, nil, "delete_repo"),
			want: []apiWant{{subject: id, score: 9.2, msg: []string{"deletes repositories"}}}},
		{name: "narrow scopes", add: pat(typeSSOClassicPAT, nil, "read:org", "read:packages", "gist")},
		{name: "an OAuth app token is AR-GH-006's", add: pat(typeSSOOAuthToken, nil, "repo")},
		{name: "an expired authorisation", add: pat(typeSSOClassicPAT, func(c *inventory.Credential) { c.ExpiresAt = daysAgo(3) }, "repo")},
		{name: "a coding agent reaches it", add: func(b *inventory.Builder) {
			pat(typeSSOClassicPAT, nil, "repo")(b)
			codingAgentIn(b, acmeApp, id)
		}, want: []apiWant{{subject: id, score: 9.1, agent: inventory.Scoped(acmeApp.ID, "agent:.github/workflows/claude.yml#claude"),
			msg: []string{"agent-reachable"}}}},
		{name: "no SAML SSO: not evaluable", coverage: []inventory.Coverage{{Source: "github", Target: "github.com/acme", Path: endpointSSO,
			Status: inventory.CoverageComplete, Reason: "no SAML SSO credential authorisations (the organisation does not use SAML SSO)"}},
			notes: []string{"github.com/acme: no SAML SSO credential authorisations"}},
	})
}
