package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestSSOCredentialStanding(t *testing.T) {
	t.Parallel()
	id := inventory.Scoped(acmeOrg.ID, "sso-credential:7")
	cred := func(typ string, mod func(c *inventory.Credential)) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			b.AddPrincipal(acmeUser("bob", inventory.PrincipalHuman, "member", inventory.StateActive))
			c := ssoCred("7", typ, "laptop", "bob", "repo")
			mod(&c)
			b.AddCredential(c)
		}
	}
	runAPICases(t, SSOCredentialStanding, []apiCase{
		{name: "classic PAT without expiry", add: cred(typeSSOClassicPAT, func(c *inventory.Credential) { c.ExpiresAt = nil }),
			want: []apiWant{{subject: id, score: 6.0, msg: []string{`classic PAT "laptop" of @bob, authorised for the organisation acme`,
				"it never expires", "reissue it with an expiry"}}}},
		{name: "unused OAuth app token without expiry", add: cred(typeSSOOAuthToken, func(c *inventory.Credential) {
			c.ExpiresAt, c.LastUsedAt = nil, daysAgo(200)
		}), want: []apiWant{{subject: id, score: 6.0, msg: []string{"OAuth app token", "never expires and it was last used 200 days ago",
			"Remove the authorisation if nobody needs it"}}}},
		{name: "never used since authorised", add: cred(typeSSOAppUserToken, func(c *inventory.Credential) { c.LastUsedAt = nil }),
			want: []apiWant{{subject: id, score: 6.0, msg: []string{"GitHub App user-to-server token", "authorised 300 days ago (2026-01-29) and has never been used"}}}},
		{name: "an SSH key in use: no expiry is not reported", add: cred(typeSSOSSHKey, func(c *inventory.Credential) { c.ExpiresAt = nil })},
		{name: "an unused SSH key", add: cred(typeSSOSSHKey, func(c *inventory.Credential) { c.ExpiresAt, c.LastUsedAt = nil, daysAgo(100) }),
			want: []apiWant{{subject: id, score: 6.0, msg: []string{`SSH key "laptop"`, "last used 100 days ago"}}}},
		{name: "expiring and in use", add: cred(typeSSOClassicPAT, func(c *inventory.Credential) {})},
		{name: "a coding agent reaches it", add: func(b *inventory.Builder) {
			cred(typeSSOClassicPAT, func(c *inventory.Credential) { c.ExpiresAt = nil })(b)
			codingAgentIn(b, acmeApp, id)
		}, want: []apiWant{{subject: id, score: 7.0, agent: inventory.Scoped(acmeApp.ID, "agent:.github/workflows/claude.yml#claude")}}},
	})
}
