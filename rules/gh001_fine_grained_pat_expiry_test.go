package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestFineGrainedPATExpiry(t *testing.T) {
	t.Parallel()
	perms := inventory.Permissions{inventory.ResContents: inventory.Write, inventory.ResMetadata: inventory.Read}
	grant := func(mod func(c *inventory.Credential)) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			b.AddPrincipal(acmeUser("alice", inventory.PrincipalHuman, "member", inventory.StateActive))
			c := fgGrant("12", "release", "alice", "all-repositories", perms)
			mod(&c)
			b.AddCredential(c)
		}
	}
	id := inventory.Scoped(acmeOrg.ID, "fine-grained-pat:12")
	runAPICases(t, FineGrainedPATExpiry, []apiCase{
		{name: "no expiry", add: grant(func(c *inventory.Credential) {}),
			want: []apiWant{{subject: id, score: 7.5, msg: []string{`fine-grained PAT "release" of @alice`, "every repository of acme",
				"contents:write", "never expires", "90 days or less"}}}},
		{name: "expires beyond MAX_TTL", add: grant(func(c *inventory.Credential) { c.ExpiresAt = daysAhead(200) }),
			want: []apiWant{{subject: id, score: 5.5, msg: []string{"expires on 2027-06-13, 200 days from now", "beyond the 90-day maximum"}}}},
		{name: "expires within MAX_TTL", add: grant(func(c *inventory.Credential) { c.ExpiresAt = daysAhead(60) })},
		{name: "a longer MAX_TTL from the configuration", thresholds: Thresholds{MaxTTL: 365 * day},
			add: grant(func(c *inventory.Credential) { c.ExpiresAt = daysAhead(200) })},
		{name: "GitHub lists it as expired", add: grant(func(c *inventory.Credential) { c.API.Expired = true })},
		{name: "its expiry has passed", add: grant(func(c *inventory.Credential) { c.ExpiresAt = daysAgo(1) })},
		{name: "a coding agent reaches it: one band higher, named",
			add: func(b *inventory.Builder) {
				grant(func(c *inventory.Credential) {})(b)
				codingAgentIn(b, acmeApp, id)
			},
			want: []apiWant{{subject: id, score: 9.1, agent: inventory.Scoped(acmeApp.ID, "agent:.github/workflows/claude.yml#claude"),
				msg: []string{"agent-reachable: the Claude Code agent in job `claude` of .github/workflows/claude.yml in acme/app reaches it"}}}},
		{name: "a plain CI job does not escalate",
			add: func(b *inventory.Builder) {
				grant(func(c *inventory.Credential) { c.ExpiresAt = daysAhead(120) })(b)
				ciJobIn(b, acmeApp, id)
			},
			want: []apiWant{{subject: id, score: 5.5}}},
		{name: "a PAT found in a file is not a grant", add: func(b *inventory.Builder) {
			b.AddCredential(inventory.Credential{ID: "embedded:0123456789abcdef", Kind: inventory.KindEmbeddedKey, Platform: "github",
				Type: "github-fine-grained-pat", Locations: []inventory.Location{{Source: acmeApp.ID, Path: ".env", Line: 1}}})
		}},
		{name: "grants not listed: not evaluable", coverage: []inventory.Coverage{{Source: "github", Target: "github.com/acme",
			Path: endpointPATGrants, Status: inventory.CoverageFailed, Reason: "403 Resource not accessible by personal access token"}},
			notes: []string{"/orgs/{org}/personal-access-tokens was not read for github.com/acme: 403"}},
	})
}
