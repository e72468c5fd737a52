package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestGitLabDeployKey(t *testing.T) {
	t.Parallel()
	appKey := inventory.Scoped(glApp.ID, "deploy-key:31")
	webKey := inventory.Scoped(glWeb.ID, "deploy-key:31")
	key := func(p inventory.Source, push bool, expires *int) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			c := glDeployKeyCred(p, 31, "ci box", push)
			if expires != nil {
				c.ExpiresAt = daysAhead(*expires)
			}
			b.AddCredential(c)
		}
	}
	in30, ago := 30, -3
	runAPICasesOn(t, GitLabDeployKey, glSources, []apiCase{
		{name: "push access, no expiry", add: key(glApp, true, nil),
			want: []apiWant{{subject: appKey, score: 7.5, msg: []string{`deploy key "ci box" of acme/app can push to acme/app (` +
				"`can_push: true`) and never expires: whoever holds its private key writes", "read-only key per project",
				"DELETE /projects/acme%2Fapp/deploy_keys/31"}}}},
		{name: "push access with an expiry: still high", add: key(glApp, true, &in30),
			want: []apiWant{{subject: appKey, score: 7.5, msg: []string{"and expires on 2026-12-25"}}}},
		{name: "read-only, no expiry: medium (the catalog leaves it open)", add: key(glApp, false, nil),
			want: []apiWant{{subject: appKey, score: 5.0, msg: []string{`deploy key "ci box" of acme/app is read-only but never expires`,
				"with an expiry (`expires_at`)"}}}},
		{name: "read-only with an expiry", add: key(glApp, false, &in30)},
		{name: "expired", add: key(glApp, true, &ago)},
		{name: "one key enabled in two projects, pushing to one", add: func(b *inventory.Builder) {
			key(glApp, true, nil)(b)
			key(glWeb, false, &in30)(b)
		}, want: []apiWant{{subject: appKey, score: 7.5, msg: []string{"The same key is enabled in 1 other project — acme/platform/web — so its private key opens it too."}}}},
		{name: "shared, read-only, both without expiry", add: func(b *inventory.Builder) {
			key(glApp, false, nil)(b)
			key(glWeb, false, nil)(b)
		}, want: []apiWant{
			{subject: appKey, score: 5.0, msg: []string{"enabled in 1 other project — acme/platform/web"}},
			{subject: webKey, score: 5.0, msg: []string{"enabled in 1 other project — acme/app"}}}},
		{name: "a coding agent reaches it: critical", add: func(b *inventory.Builder) {
			key(glApp, true, nil)(b)
			glPipeline(b, glApp, false, []string{appKey}, "claude")
		}, want: []apiWant{{subject: appKey, score: 9.1, agent: glAgentID(glApp, "claude"), msg: []string{"agent-reachable"}}}},
		{name: "keys not listed: not evaluable", coverage: []inventory.Coverage{glFailed("acme/app", glEndpointDeployKeys)},
			notes: []string{"/projects/:id/deploy_keys was not read for acme/app: 403"}},
	})
}
