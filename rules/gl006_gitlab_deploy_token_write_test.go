package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestGitLabDeployTokenWrite(t *testing.T) {
	t.Parallel()
	app := glApp
	pid := inventory.Scoped(glApp.ID, "deploy-token:3")
	gid := inventory.Scoped(glAcme.ID, "deploy-token:4")
	tok := func(mod func(c *inventory.Credential), scopes ...string) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			c := glDeployTokenCred(&app, "", 3, "registry", scopes...)
			mod(&c)
			b.AddCredential(c)
		}
	}
	none := func(c *inventory.Credential) {}
	runAPICasesOn(t, GitLabDeployTokenWrite, glSources, []apiCase{
		{name: "write_registry, no expiry", add: tok(none, "read_registry", "write_registry"),
			want: []apiWant{{subject: pid, score: 6.5, msg: []string{`deploy token "registry" of acme/app has the scope ` +
				"`write_registry` and never expires: whoever holds it can publish container images to the project acme/app",
				"DELETE /projects/acme%2Fapp/deploy_tokens/3"}}}},
		{name: "a group deploy token with package writes", add: func(b *inventory.Builder) {
			b.AddCredential(glDeployTokenCred(nil, "acme", 4, "publish", "write_package_registry", "write_virtual_registry"))
		}, want: []apiWant{{subject: gid, score: 6.5, msg: []string{"the scopes `write_package_registry`, `write_virtual_registry`",
			"publish packages to every project of the group acme"}}}},
		{name: "read scopes only", add: tok(none, "read_repository", "read_registry")},
		{name: "with an expiry", add: tok(func(c *inventory.Credential) { c.ExpiresAt = daysAhead(300) }, "write_registry")},
		{name: "revoked", add: tok(func(c *inventory.Credential) { c.API.Revoked = true }, "write_registry")},
		{name: "expired", add: tok(func(c *inventory.Credential) { c.API.Expired = true }, "write_registry")},
		{name: "a coding agent reaches it: high", add: func(b *inventory.Builder) {
			tok(none, "write_registry")(b)
			glPipeline(b, glApp, false, []string{pid}, "claude")
		}, want: []apiWant{{subject: pid, score: 7.5, agent: glAgentID(glApp, "claude"), msg: []string{"agent-reachable"}}}},
		{name: "tokens not listed: not evaluable", coverage: []inventory.Coverage{glFailed("acme", glEndpointGroupDeployTokens),
			glFailed("acme/app", glEndpointProjectDeployTokens)},
			notes: []string{"/groups/:id/deploy_tokens was not read for acme", "/projects/:id/deploy_tokens was not read for acme/app"}},
	})
}
