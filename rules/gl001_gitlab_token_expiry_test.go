package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestGitLabTokenExpiry(t *testing.T) {
	t.Parallel()
	tok := func(mod func(c *inventory.Credential)) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			c := glProjectToken(glApp, 5, "release", inventory.GitLabMaintainer, "api", "read_repository")
			mod(&c)
			b.AddCredential(c)
		}
	}
	id := inventory.Scoped(glApp.ID, "project-access-token:5")
	runAPICasesOn(t, GitLabTokenExpiry, glSources, []apiCase{
		{name: "no expiry", add: tok(func(c *inventory.Credential) { c.ExpiresAt = nil }),
			want: []apiWant{{subject: id, score: 7.5, msg: []string{`project access token "release" of acme/app (Maintainer role; scopes ` +
				"`api`, `read_repository`) never expires", "90 days or less"}}}},
		{name: "expires beyond MAX_TTL", add: tok(func(c *inventory.Credential) { c.ExpiresAt = daysAhead(200) }),
			want: []apiWant{{subject: id, score: 5.5, msg: []string{"expires on 2027-06-13, 200 days from now", "beyond the 90-day maximum"}}}},
		{name: "expires within MAX_TTL", add: tok(func(c *inventory.Credential) {})},
		{name: "revoked", add: tok(func(c *inventory.Credential) { c.ExpiresAt, c.API.Revoked = nil, true })},
		{name: "inactive (expired)", add: tok(func(c *inventory.Credential) { c.ExpiresAt, c.API.Expired = nil, true })},
		{name: "a group access token and a personal access token", add: func(b *inventory.Builder) {
			g := glGroupToken("acme/platform", 7, "ci", inventory.GitLabDeveloper, "read_api")
			g.ExpiresAt = nil
			b.AddCredential(g)
			b.AddPrincipal(glUserP("alice", inventory.PrincipalHuman, inventory.StateActive))
			p := glPAT(9, "laptop", "alice", "read_user")
			p.ExpiresAt = daysAhead(365)
			b.AddCredential(p)
		}, want: []apiWant{
			{subject: inventory.Scoped(glGroupSrcID("acme/platform"), "group-access-token:7"), score: 7.5,
				msg: []string{`group access token "ci" of acme/platform (Developer role; scope ` + "`read_api`) never expires"}},
			{subject: inventory.Scoped(glInstance.ID, "personal-access-token:9"), score: 5.5,
				msg: []string{`personal access token "laptop" of @alice (scope ` + "`read_user`) expires on"}}}},
		{name: "a coding agent reaches it: one band higher", add: func(b *inventory.Builder) {
			tok(func(c *inventory.Credential) { c.ExpiresAt = nil })(b)
			glPipeline(b, glApp, false, []string{id}, "claude")
		}, want: []apiWant{{subject: id, score: 9.1, agent: glAgentID(glApp, "claude"),
			msg: []string{"agent-reachable: the Claude Code agent in job `claude` of .gitlab-ci.yml in acme/app reaches it"}}}},
		{name: "a plain CI job does not escalate", add: func(b *inventory.Builder) {
			tok(func(c *inventory.Credential) { c.ExpiresAt = nil })(b)
			glPipeline(b, glApp, false, []string{id}, "build")
		}, want: []apiWant{{subject: id, score: 7.5}}},
		{name: "tokens not listed: not evaluable", coverage: []inventory.Coverage{glFailed("acme/app", glEndpointProjectTokens),
			glFailed("acme", glEndpointGroupTokens)},
			notes: []string{"/groups/:id/access_tokens was not read for acme: 403", "/projects/:id/access_tokens was not read for acme/app"}},
	})
}
