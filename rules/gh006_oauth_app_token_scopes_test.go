package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestOAuthAppTokenScopes(t *testing.T) {
	t.Parallel()
	id := inventory.Scoped(acmeOrg.ID, "sso-credential:8")
	token := func(typ, name string, scopes ...string) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			b.AddPrincipal(acmeUser("alice", inventory.PrincipalHuman, "member", inventory.StateActive))
			b.AddCredential(ssoCred("8", typ, name, "alice", scopes...))
		}
	}
	runAPICases(t, OAuthAppTokenScopes, []apiCase{
		{name: "repo scope", add: token(typeSSOOAuthToken, "", "repo", "user:email"),
			want: []apiWant{{subject: id, score: 8.0, msg: []string{"OAuth app token (id 8) of @alice is a third-party app's token",
				"`repo`, `user:email`", "app vendor's systems"}}}},
		{name: "admin:org is critical", add: token(typeSSOOAuthToken, "CI dashboard", "admin:org", "repo"),
			want: []apiWant{{subject: id, score: 9.1, msg: []string{`OAuth app token "CI dashboard"`, "`admin:org` administers"}}}},
		{name: "read-only scopes", add: token(typeSSOOAuthToken, "", "read:user", "read:org")},
		{name: "a classic PAT is AR-GH-004's", add: token(typeSSOClassicPAT, "", "repo")},
		{name: "a coding agent reaches it", add: func(b *inventory.Builder) {
			token(typeSSOOAuthToken, "", "workflow")(b)
			codingAgentIn(b, acmeApp, id)
		}, want: []apiWant{{subject: id, score: 9.1, agent: inventory.Scoped(acmeApp.ID, "agent:.github/workflows/claude.yml#claude")}}},
	})
}
