package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestSuspendedAppInstallation(t *testing.T) {
	t.Parallel()
	id := inventory.Scoped(acmeOrg.ID, "app-installation:5")
	suspended := func(days int, agent bool) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			c := appInstall("5", "old-deployer", "all-repositories", inventory.Permissions{inventory.ResContents: inventory.Write})
			if days >= 0 {
				c.API.SuspendedAt = daysAgo(days)
			}
			b.AddCredential(c)
			if agent {
				agentApp(b, c, "devin")
			}
		}
	}
	runAPICases(t, SuspendedAppInstallation, []apiCase{
		{name: "suspended long ago", add: suspended(400, false),
			want: []apiWant{{subject: id, score: 3.5, msg: []string{`The App "old-deployer" was suspended 400 days ago (2025-10-21)`,
				"every repository of acme with contents:write", "GitHub Apps → old-deployer → Uninstall"}}}},
		{name: "suspended recently", add: suspended(30, false)},
		{name: "not suspended", add: suspended(-1, false)},
		{name: "an agent App is not raised while suspended", add: suspended(400, true),
			want: []apiWant{{subject: id, score: 3.5}}},
		{name: "a shorter STALE", thresholds: Thresholds{Stale: 7 * day}, add: suspended(30, false),
			want: []apiWant{{subject: id, score: 3.5}}},
	})
}
