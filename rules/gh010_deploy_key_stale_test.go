package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestDeployKeyStale(t *testing.T) {
	t.Parallel()
	id := inventory.Scoped(acmeInfra.ID, "deploy-key:31")
	key := func(write bool, created int, lastUsed int) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			c := deployKeyOf(acmeInfra, "31", "old server", "bob", write)
			c.CreatedAt, c.LastUsedAt = daysAgo(created), nil
			if lastUsed >= 0 {
				c.LastUsedAt = daysAgo(lastUsed)
			}
			b.AddCredential(c)
		}
	}
	runAPICases(t, DeployKeyStale, []apiCase{
		{name: "read-only, never used", add: key(false, 60, -1),
			want: []apiWant{{subject: id, score: 5.0, msg: []string{`deploy key "old server" of acme/infra`, "added 60 days ago (2026-09-26) and has never been used",
				"can still read acme/infra", "DELETE /repos/acme/infra/keys/31"}}}},
		{name: "write, last used long ago", add: key(true, 400, 200),
			want: []apiWant{{subject: id, score: 7.0, msg: []string{"last used 200 days ago", "can still push to acme/infra"}}}},
		{name: "new and not used yet", add: key(true, 10, -1)},
		{name: "used recently", add: key(true, 400, 5)},
		{name: "a longer never-used grace", thresholds: Thresholds{NeverUsedGrace: 90 * day}, add: key(false, 60, -1)},
		{name: "a coding agent reaches a write key", add: func(b *inventory.Builder) {
			key(true, 400, 200)(b)
			codingAgentIn(b, acmeInfra, id)
		}, want: []apiWant{{subject: id, score: 9.1, agent: inventory.Scoped(acmeInfra.ID, "agent:.github/workflows/claude.yml#claude")}}},
	})
}
