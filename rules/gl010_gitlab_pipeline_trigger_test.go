package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestGitLabPipelineTrigger(t *testing.T) {
	t.Parallel()
	id := inventory.Scoped(glApp.ID, "pipeline-trigger:8")
	trig := func(owner inventory.PrincipalState, mod func(c *inventory.Credential)) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			b.AddPrincipal(glUserP("bob", inventory.PrincipalHuman, owner))
			c := glTriggerCred(glApp, 8, "nightly", "bob")
			mod(&c)
			b.AddCredential(c)
		}
	}
	none := func(c *inventory.Credential) {}
	runAPICasesOn(t, GitLabPipelineTrigger, glSources, []apiCase{
		{name: "last used long ago", add: trig(inventory.StateActive, func(c *inventory.Credential) { c.LastUsedAt = daysAgo(150) }),
			want: []apiWant{{subject: id, score: 5.0, msg: []string{`pipeline trigger "nightly" of acme/app (owner @bob) is stale or orphaned: ` +
				"it was last used 150 days ago (2026-06-28), beyond the 90-day staleness limit", "start acme/app's pipelines, with the " +
				"variables they choose, as its owner", "DELETE /projects/acme%2Fapp/triggers/8", "under a service account"}}}},
		{name: "never used", add: trig(inventory.StateActive, func(c *inventory.Credential) { c.LastUsedAt = nil }),
			want: []apiWant{{subject: id, score: 5.0, msg: []string{"it was created 200 days ago (2026-05-09) and has never been used"}}}},
		{name: "never used, created last week", add: trig(inventory.StateActive, func(c *inventory.Credential) {
			c.LastUsedAt, c.CreatedAt = nil, daysAgo(7)
		})},
		{name: "in use by an active owner", add: trig(inventory.StateActive, none)},
		{name: "its owner is blocked", add: trig(inventory.StateSuspended, none),
			want: []apiWant{{subject: id, score: 5.0, msg: []string{"its owner @bob is blocked, deactivated or gone, so nobody active answers for it.",
				"with the variables they choose. "}}}},
		{name: "stale and orphaned: one result", add: trig(inventory.StateSuspended, func(c *inventory.Credential) { c.LastUsedAt = daysAgo(400) }),
			want: []apiWant{{subject: id, score: 5.0, msg: []string{"beyond the 90-day staleness limit; its owner @bob is blocked"}}}},
		{name: "no owner listed", add: func(b *inventory.Builder) { b.AddCredential(glTriggerCred(glApp, 8, "nightly", "")) },
			want: []apiWant{{subject: id, score: 5.0, msg: []string{`pipeline trigger "nightly" of acme/app is stale or orphaned: GitLab lists no owner for it`}}}},
		{name: "a coding agent reaches it: high", add: func(b *inventory.Builder) {
			trig(inventory.StateActive, func(c *inventory.Credential) { c.LastUsedAt = daysAgo(150) })(b)
			glPipeline(b, glWeb, false, []string{id}, "claude")
		}, want: []apiWant{{subject: id, score: 7.0, agent: glAgentID(glWeb, "claude"), msg: []string{"agent-reachable"}}}},
		{name: "triggers not listed: not evaluable", coverage: []inventory.Coverage{glFailed("acme/app", glEndpointTriggers)},
			notes: []string{"/projects/:id/triggers was not read for acme/app"}},
	})
}
