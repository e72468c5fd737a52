package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestGitLabTokenStale(t *testing.T) {
	t.Parallel()
	id := inventory.Scoped(glAcme.ID, "group-access-token:6")
	tok := func(mod func(c *inventory.Credential)) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			c := glGroupToken("acme", 6, "nightly", inventory.GitLabReporter, "read_api")
			mod(&c)
			b.AddCredential(c)
		}
	}
	runAPICasesOn(t, GitLabTokenStale, glSources, []apiCase{
		{name: "last used long ago", add: tok(func(c *inventory.Credential) { c.LastUsedAt = daysAgo(120) }),
			want: []apiWant{{subject: id, score: 5.5, msg: []string{`group access token "nightly" of acme (Reporter role; scope ` +
				"`read_api`) is stale: it was last used 120 days ago (2026-07-28), beyond the 90-day staleness limit",
				"still active and reaches every project of the group acme", "Revoke it: DELETE /groups/acme/access_tokens/6"}}}},
		{name: "never used, created long ago", add: tok(func(c *inventory.Credential) { c.LastUsedAt = nil }),
			want: []apiWant{{subject: id, score: 5.5, msg: []string{"it was created 100 days ago (2026-08-17) and has never been used"}}}},
		{name: "never used, created last week: within the grace", add: tok(func(c *inventory.Credential) {
			c.LastUsedAt, c.CreatedAt = nil, daysAgo(7)
		})},
		{name: "used yesterday", add: tok(func(c *inventory.Credential) {})},
		{name: "a longer STALE from the configuration", thresholds: Thresholds{Stale: 180 * day},
			add: tok(func(c *inventory.Credential) { c.LastUsedAt = daysAgo(120) })},
		{name: "revoked", add: tok(func(c *inventory.Credential) { c.LastUsedAt, c.API.Revoked = daysAgo(300), true })},
		{name: "a coding agent reaches it: high", add: func(b *inventory.Builder) {
			tok(func(c *inventory.Credential) { c.LastUsedAt = daysAgo(120) })(b)
			glPipeline(b, glApp, false, []string{id}, "claude")
		}, want: []apiWant{{subject: id, score: 7.0, agent: glAgentID(glApp, "claude"), msg: []string{"agent-reachable"}}}},
		{name: "tokens not listed: not evaluable", coverage: []inventory.Coverage{glFailed("acme/app", glEndpointProjectTokens)},
			notes: []string{"/projects/:id/access_tokens was not read for acme/app"}},
	})
}
