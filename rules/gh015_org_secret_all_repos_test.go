package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestOrgSecretAllRepos(t *testing.T) {
	t.Parallel()
	secretID := func(name string) string { return inventory.Scoped(acmeOrg.ID, "github-org-secret:"+name) }
	// reference is a workflow's secrets.NAME in a repository, backed by the
	// organisation secret (the scanner's binding; the link stage adds the
	// agents' edges to the organisation secret).
	reference := func(b *inventory.Builder, repo inventory.Source, name string) string {
		id := inventory.GitHubSecretID(repo.ID, name)
		b.AddCredential(inventory.Credential{ID: id, Kind: inventory.KindActionsSecret, Platform: "github", Name: name,
			Locations: []inventory.Location{{Source: repo.ID, Root: repo.Path, Path: ".github/workflows/ci.yml", Line: 9}}})
		b.AddBinding(inventory.Binding{Credential: id, Backing: []string{secretID(name)}})
		return id
	}
	runAPICases(t, OrgSecretAllRepos, []apiCase{
		{name: "a token visible to every repository, referenced by CI jobs", add: func(b *inventory.Builder) {
			b.AddCredential(orgSecretCred("RELEASE_PAT", "all", 10))
			ciJobIn(b, acmeApp, reference(b, acmeApp, "RELEASE_PAT"))
			ciJobIn(b, acmeInfra, reference(b, acmeInfra, "RELEASE_PAT"))
		}, want: []apiWant{{subject: secretID("RELEASE_PAT"), score: 6.5, msg: []string{
			"The organisation secret RELEASE_PAT of acme is visible to every repository of acme (`visibility: all`)",
			"2 agents (CI jobs included) in 2 repositories reach it through the repository's reference (acme/app, acme/infra)",
			"`visibility: selected`"}}}},
		{name: "private visibility, not referenced", add: func(b *inventory.Builder) {
			b.AddCredential(orgSecretCred("AWS_SECRET_ACCESS_KEY", "private", 10))
		}, want: []apiWant{{subject: secretID("AWS_SECRET_ACCESS_KEY"), score: 6.5, msg: []string{
			"every private and internal repository of acme (`visibility: private`)", "no workflow read references it yet"}}}},
		{name: "a coding agent reaches it through a repository's reference", add: func(b *inventory.Builder) {
			b.AddCredential(orgSecretCred("ACME_BOT_PAT", "all", 10))
			codingAgentIn(b, acmeApp, reference(b, acmeApp, "ACME_BOT_PAT"))
		}, want: []apiWant{{subject: secretID("ACME_BOT_PAT"), score: 7.5, agent: inventory.Scoped(acmeApp.ID, "agent:.github/workflows/claude.yml#claude"),
			msg: []string{"1 agent (CI jobs included) in 1 repository reaches it", "agent-reachable: the Claude Code agent in job `claude`"}}}},
		{name: "selected repositories", add: func(b *inventory.Builder) { b.AddCredential(orgSecretCred("NPM_TOKEN", "selected", 10)) }},
		{name: "a name that is no credential", add: func(b *inventory.Builder) { b.AddCredential(orgSecretCred("DOCKER_USERNAME", "all", 10)) }},
		{name: "a repository secret is not an organisation secret", add: func(b *inventory.Builder) {
			b.AddCredential(repoSecretCred(acmeApp, "NPM_TOKEN", 10))
		}},
	})
}
