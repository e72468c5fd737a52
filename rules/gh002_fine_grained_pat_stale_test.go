package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestFineGrainedPATStale(t *testing.T) {
	t.Parallel()
	perms := inventory.Permissions{inventory.ResContents: inventory.Read}
	id := inventory.Scoped(acmeOrg.ID, "fine-grained-pat:12")
	grant := func(mod func(c *inventory.Credential)) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			b.AddPrincipal(acmeUser("alice", inventory.PrincipalHuman, "member", inventory.StateActive))
			c := fgGrant("12", "reports", "alice", "selected-repositories", perms)
			c.Scope.Repositories = []string{"acme/app"}
			mod(&c)
			b.AddCredential(c)
		}
	}
	runAPICases(t, FineGrainedPATStale, []apiCase{
		{name: "never used, granted long ago", add: grant(func(c *inventory.Credential) { c.LastUsedAt, c.CreatedAt = nil, daysAgo(45) }),
			want: []apiWant{{subject: id, score: 5.5, msg: []string{`fine-grained PAT "reports" of @alice`, "1 selected repository of acme",
				"granted to the organisation 45 days ago (2026-10-11) and has never been used", `POST /orgs/acme/personal-access-tokens/12 {"action":"revoke"}`}}}},
		{name: "never used, granted recently", add: grant(func(c *inventory.Credential) { c.LastUsedAt, c.CreatedAt = nil, daysAgo(20) })},
		{name: "last used long ago", add: grant(func(c *inventory.Credential) { c.LastUsedAt = daysAgo(120) }),
			want: []apiWant{{subject: id, score: 5.5, msg: []string{"last used 120 days ago (2026-07-28), beyond the 90-day staleness limit"}}}},
		{name: "used recently", add: grant(func(c *inventory.Credential) { c.LastUsedAt = daysAgo(30) })},
		{name: "a shorter STALE from the configuration", thresholds: Thresholds{Stale: 14 * day},
			add:  grant(func(c *inventory.Credential) { c.LastUsedAt = daysAgo(30) }),
			want: []apiWant{{subject: id, score: 5.5, msg: []string{"beyond the 14-day staleness limit"}}}},
		{name: "expired tokens are not reported", add: grant(func(c *inventory.Credential) { c.LastUsedAt = daysAgo(120); c.API.Expired = true })},
		{name: "a coding agent reaches it", add: func(b *inventory.Builder) {
			grant(func(c *inventory.Credential) { c.LastUsedAt = daysAgo(120) })(b)
			codingAgentIn(b, acmeInfra, id)
		}, want: []apiWant{{subject: id, score: 7.0, agent: inventory.Scoped(acmeInfra.ID, "agent:.github/workflows/claude.yml#claude"),
			msg: []string{"in acme/infra reaches it"}}}},
	})
}
