package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestSecretNotRotated(t *testing.T) {
	t.Parallel()
	orgID := inventory.Scoped(acmeOrg.ID, "github-org-secret:NPM_TOKEN")
	repoID := inventory.GitHubSecretID(acmeApp.ID, "FTP_PASSWORD")
	envID := inventory.Scoped(acmeApp.ID, "github-environment-secret:production/DEPLOY_KEY")
	runAPICases(t, SecretNotRotated, []apiCase{
		{name: "organisation, repository and environment secrets", add: func(b *inventory.Builder) {
			b.AddCredential(orgSecretCred("NPM_TOKEN", "selected", 400))
			b.AddCredential(repoSecretCred(acmeApp, "FTP_PASSWORD", 1250))
			b.AddCredential(envSecretCred(acmeApp, "production", "DEPLOY_KEY", inventory.APIFacts{UpdatedAt: daysAgo(366)}))
			b.AddCredential(repoSecretCred(acmeApp, "FRESH_TOKEN", 30))
		}, want: []apiWant{
			{subject: orgID, score: 5.0, msg: []string{"The organisation secret NPM_TOKEN of acme was last set 400 days ago (2025-10-21)",
				"beyond the 365-day rotation limit"}},
			{subject: repoID, score: 5.0, msg: []string{"The repository secret FTP_PASSWORD of acme/app was last set 1250 days ago"}},
			{subject: envID, score: 5.0, msg: []string{"The environment secret DEPLOY_KEY of acme/app (environment production)"}},
		}},
		{name: "a shorter rotation period", thresholds: Thresholds{SecretRotation: 20 * day}, add: func(b *inventory.Builder) {
			b.AddCredential(repoSecretCred(acmeApp, "FTP_PASSWORD", 30))
		}, want: []apiWant{{subject: repoID, score: 5.0, msg: []string{"beyond the 20-day rotation limit"}}}},
		{name: "a workflow's reference merged with the stored secret: the API location", add: func(b *inventory.Builder) {
			b.AddCredential(repoSecretCred(acmeApp, "FTP_PASSWORD", 500))
			b.AddCredential(inventory.Credential{ID: repoID, Kind: inventory.KindActionsSecret, Platform: "github", Name: "FTP_PASSWORD",
				Locations: []inventory.Location{{Source: acmeApp.ID, Root: acmeApp.Path, Path: ".github/workflows/ci.yml", Line: 12}}})
			ciJobIn(b, acmeApp, repoID)
		}, want: []apiWant{{subject: repoID, score: 5.0}}},
		{name: "a coding agent reaches it", add: func(b *inventory.Builder) {
			b.AddCredential(repoSecretCred(acmeApp, "FTP_PASSWORD", 500))
			codingAgentIn(b, acmeApp, repoID)
		}, want: []apiWant{{subject: repoID, score: 7.0, agent: inventory.Scoped(acmeApp.ID, "agent:.github/workflows/claude.yml#claude")}}},
		{name: "a secret without an update time (a workflow reference only)", add: func(b *inventory.Builder) {
			b.AddCredential(inventory.Credential{ID: repoID, Kind: inventory.KindActionsSecret, Platform: "github", Name: "FTP_PASSWORD",
				Locations: []inventory.Location{{Source: acmeApp.ID, Path: ".github/workflows/ci.yml", Line: 12}}})
		}},
	})
}
