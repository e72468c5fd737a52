package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestAutomationAdmin(t *testing.T) {
	t.Parallel()
	patID := inventory.Scoped(acmeOrg.ID, "fine-grained-pat:12")
	ssoID := inventory.Scoped(acmeOrg.ID, "sso-credential:7")
	instID := inventory.Scoped(acmeOrg.ID, "app-installation:5")
	orgAdmin := inventory.Permissions{inventory.ResOrgAdministration: inventory.Write, inventory.ResContents: inventory.Write}
	runAPICases(t, AutomationAdmin, []apiCase{
		{name: "a bot account that owns the organisation", add: func(b *inventory.Builder) {
			b.AddPrincipal(acmeUser("release-bot", inventory.PrincipalBot, "admin", inventory.StateActive))
			b.AddPrincipal(acmeUser("alice", inventory.PrincipalHuman, "admin", inventory.StateActive))
			b.AddPrincipal(acmeUser("ci-bot", inventory.PrincipalBot, "member", inventory.StateActive))
		}, want: []apiWant{{subject: userID("release-bot"), score: 9.4, msg: []string{"The account @release-bot is an owner of the organisation acme and is a bot account",
			"Demote it to member"}}}},
		{name: "a machine user the principals map names", principals: map[string][]string{"acme-ci": {"@alice"}}, add: func(b *inventory.Builder) {
			b.AddPrincipal(acmeUser("acme-ci", inventory.PrincipalHuman, "admin", inventory.StateActive))
		}, want: []apiWant{{subject: userID("acme-ci"), score: 9.4, msg: []string{"names it as an agent identity (accountable: @alice)"}}}},
		{name: "a bot's fine-grained PAT with organisation administration", add: func(b *inventory.Builder) {
			b.AddPrincipal(acmeUser("deploy[bot]", inventory.PrincipalBot, "", inventory.StateActive))
			b.AddCredential(fgGrant("12", "org-sync", "deploy[bot]", "org", orgAdmin))
		}, want: []apiWant{{subject: patID, score: 9.4, msg: []string{`fine-grained PAT "org-sync" of @deploy[bot] holds owner-level rights — ` +
			"`org_administration: write`", "its owner @deploy[bot] is a bot account"}}}},
		{name: "a human's PAT with administration, reached by a CI job", add: func(b *inventory.Builder) {
			b.AddPrincipal(acmeUser("alice", inventory.PrincipalHuman, "member", inventory.StateActive))
			b.AddCredential(fgGrant("12", "repo-admin", "alice", "all-repositories", inventory.Permissions{inventory.ResAdministration: inventory.Write}))
			ciJobIn(b, acmeApp, patID)
		}, want: []apiWant{{subject: patID, score: 9.4, agent: inventory.Scoped(acmeApp.ID, "agent:.github/workflows/ci.yml#build"),
			msg: []string{"automation uses it: the CI job `build` of .github/workflows/ci.yml in acme/app"}}}},
		{name: "a human's own PAT with administration", add: func(b *inventory.Builder) {
			b.AddPrincipal(acmeUser("alice", inventory.PrincipalHuman, "member", inventory.StateActive))
			b.AddCredential(fgGrant("12", "repo-admin", "alice", "all-repositories", inventory.Permissions{inventory.ResAdministration: inventory.Write}))
		}},
		{name: "a bot's PAT with contents only", add: func(b *inventory.Builder) {
			b.AddPrincipal(acmeUser("deploy[bot]", inventory.PrincipalBot, "", inventory.StateActive))
			b.AddCredential(fgGrant("12", "push", "deploy[bot]", "all-repositories", inventory.Permissions{inventory.ResContents: inventory.Write}))
		}},
		{name: "an SSO token with admin:org named in the principals map", principals: map[string][]string{"ops scripts": {"@bob"}},
			add: func(b *inventory.Builder) {
				b.AddPrincipal(acmeUser("bob", inventory.PrincipalHuman, "admin", inventory.StateActive))
				b.AddCredential(ssoCred("7", typeSSOClassicPAT, "ops scripts", "bob", "repo", "admin:org"))
			}, want: []apiWant{{subject: ssoID, score: 9.4, msg: []string{"the scopes `admin:org`", "names it as an agent identity (accountable: @bob)"}}}},
		{name: "an App installation with members write", add: func(b *inventory.Builder) {
			b.AddCredential(appInstall("5", "team-sync", "selected-repositories", inventory.Permissions{inventory.ResMembers: inventory.Write}))
		}, want: []apiWant{{subject: instID, score: 9.4, msg: []string{`installation of the App "team-sync" holds owner-level rights — ` + "`members: write`",
			"an App acts on its own"}}}},
		{name: "a suspended installation", add: func(b *inventory.Builder) {
			c := appInstall("5", "team-sync", "selected-repositories", orgAdmin)
			c.API.SuspendedAt = daysAgo(3)
			b.AddCredential(c)
		}},
	})
}

func TestAutomationAdminGitLab(t *testing.T) {
	t.Parallel()
	gid := inventory.Scoped(glAcme.ID, "group-access-token:6")
	patID := inventory.Scoped(glInstance.ID, "personal-access-token:9")
	runAPICasesOn(t, AutomationAdmin, glSources, []apiCase{
		{name: "a group access token with the Owner role", add: func(b *inventory.Builder) {
			b.AddCredential(glGroupToken("acme", 6, "sync", inventory.GitLabOwner, "api"))
		}, want: []apiWant{{subject: gid, score: 9.4, msg: []string{`group access token "sync" of acme holds owner-level rights — the ` +
			"Owner role (access level 50) — and it acts as its own bot user", "every project of the group acme",
			"Reissue it at the Maintainer role or lower", "DELETE /groups/acme/access_tokens/6"}}}},
		{name: "a project access token with admin_mode", add: func(b *inventory.Builder) {
			b.AddCredential(glProjectToken(glApp, 5, "ops", inventory.GitLabMaintainer, "api", "admin_mode"))
		}, want: []apiWant{{subject: inventory.Scoped(glApp.ID, "project-access-token:5"), score: 9.4, msg: []string{"the scope `admin_mode`"}}}},
		{name: "a Maintainer group access token", add: func(b *inventory.Builder) {
			b.AddCredential(glGroupToken("acme", 6, "sync", inventory.GitLabMaintainer, "api"))
		}},
		{name: "a revoked Owner token", add: func(b *inventory.Builder) {
			c := glGroupToken("acme", 6, "sync", inventory.GitLabOwner, "api")
			c.API.Revoked = true
			b.AddCredential(c)
		}},
		{name: "a human's sudo PAT", add: func(b *inventory.Builder) {
			b.AddPrincipal(glUserP("alice", inventory.PrincipalHuman, inventory.StateActive))
			b.AddCredential(glPAT(9, "admin", "alice", "api", "sudo"))
		}},
		{name: "a sudo PAT a CI job uses", add: func(b *inventory.Builder) {
			b.AddPrincipal(glUserP("alice", inventory.PrincipalHuman, inventory.StateActive))
			b.AddCredential(glPAT(9, "admin", "alice", "api", "sudo"))
			glPipeline(b, glApp, false, []string{patID}, "build")
		}, want: []apiWant{{subject: patID, score: 9.4, agent: glAgentID(glApp, "build"),
			msg: []string{`personal access token "admin" of @alice holds owner-level rights — the scope ` + "`sudo`",
				"automation uses it: the CI job `build` of .gitlab-ci.yml in acme/app"}}}},
		{name: "tokens not listed: not evaluable", coverage: []inventory.Coverage{glFailed("acme", glEndpointGroupTokens)},
			notes: []string{"/groups/:id/access_tokens was not read for acme"}},
	})
}
