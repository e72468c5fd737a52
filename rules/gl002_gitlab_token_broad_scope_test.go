package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestGitLabTokenBroadScope(t *testing.T) {
	t.Parallel()
	pid := inventory.Scoped(glApp.ID, "project-access-token:5")
	gid := inventory.Scoped(glAcme.ID, "group-access-token:6")
	project := func(level int, noExpiry bool, scopes ...string) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			c := glProjectToken(glApp, 5, "release", level, scopes...)
			if noExpiry {
				c.ExpiresAt = nil
			}
			b.AddCredential(c)
		}
	}
	runAPICasesOn(t, GitLabTokenBroadScope, glSources, []apiCase{
		{name: "api scope, no expiry", add: project(inventory.GitLabDeveloper, true, "api"),
			want: []apiWant{{subject: pid, score: 8.0, msg: []string{`project access token "release" of acme/app (Developer role; scope ` +
				"`api`) never expires: across the project acme/app, `api` reads and writes through the whole API",
				"Reissue it with narrow scopes", "DELETE /projects/acme%2Fapp/access_tokens/5"}}}},
		{name: "write_repository at Maintainer with an expiry", add: project(inventory.GitLabMaintainer, false, "write_repository", "read_api"),
			want: []apiWant{{subject: pid, score: 8.0, msg: []string{"(Maintainer role; scopes `write_repository`, `read_api`) acts with a role of Maintainer or higher: across the project acme/app, `write_repository` pushes"}}}},
		{name: "Owner role and no expiry: critical", add: func(b *inventory.Builder) {
			c := glGroupToken("acme", 6, "admin-bot", inventory.GitLabOwner, "api", "write_repository")
			c.ExpiresAt = nil
			b.AddCredential(c)
		}, want: []apiWant{{subject: gid, score: 9.1, msg: []string{`group access token "admin-bot" of acme (Owner role; scopes ` +
			"`api`, `write_repository`) never expires and acts with a role of Maintainer or higher: across every project of the group acme, `api`",
			"; `write_repository` pushes to the repositories."}}}},
		{name: "sudo on a personal access token without expiry: critical", add: func(b *inventory.Builder) {
			c := glPAT(9, "ops", "alice", "api", "sudo")
			c.ExpiresAt = nil
			b.AddCredential(c)
		}, want: []apiWant{{subject: inventory.Scoped(glInstance.ID, "personal-access-token:9"), score: 9.1,
			msg: []string{`personal access token "ops" of @alice (scopes ` + "`api`, `sudo`) never expires: across everything @alice can reach",
				"; `sudo` acts as any other user"}}}},
		{name: "a personal access token expiring soon: its access level is not read", add: func(b *inventory.Builder) {
			b.AddCredential(glPAT(9, "ops", "alice", "api"))
		}},
		{name: "api at Developer with an expiry", add: project(inventory.GitLabDeveloper, false, "api")},
		{name: "read scopes only, no expiry", add: project(inventory.GitLabOwner, true, "read_api", "read_repository")},
		{name: "revoked", add: func(b *inventory.Builder) {
			c := glProjectToken(glApp, 5, "release", inventory.GitLabOwner, "api")
			c.ExpiresAt, c.API.Revoked = nil, true
			b.AddCredential(c)
		}},
		{name: "a coding agent reaches it: critical", add: func(b *inventory.Builder) {
			project(inventory.GitLabDeveloper, true, "api")(b)
			glPipeline(b, glApp, false, []string{pid}, "claude")
		}, want: []apiWant{{subject: pid, score: 9.1, agent: glAgentID(glApp, "claude"), msg: []string{"agent-reachable"}}}},
		{name: "tokens not listed: not evaluable", coverage: []inventory.Coverage{glFailed("acme", glEndpointGroupTokens)},
			notes: []string{"/groups/:id/access_tokens was not read for acme"}},
	})
}
