package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestEnvironmentSecretUnprotected(t *testing.T) {
	t.Parallel()
	envSubject := func(env string) string { return inventory.Scoped(acmeApp.ID, "environment:"+env) }
	protected := inventory.APIFacts{EnvReviewers: true, EnvBranchPolicy: true}
	runAPICases(t, EnvironmentSecretUnprotected, []apiCase{
		{name: "an unprotected environment: one result for its secrets", add: func(b *inventory.Builder) {
			b.AddCredential(envSecretCred(acmeApp, "staging", "DATABASE_URL", inventory.APIFacts{}))
			b.AddCredential(envSecretCred(acmeApp, "staging", "DEPLOY_TOKEN", inventory.APIFacts{}))
		}, want: []apiWant{{subject: envSubject("staging"), score: 6.5, msg: []string{
			"The environment staging of acme/app holds 2 secrets (DATABASE_URL, DEPLOY_TOKEN)",
			"has no required reviewers and has no deployment branch policy",
			"gets them without anybody's approval, from any branch"}}}},
		{name: "reviewers but no branch policy", add: func(b *inventory.Builder) {
			b.AddCredential(envSecretCred(acmeApp, "production", "DEPLOY_KEY", inventory.APIFacts{EnvReviewers: true}))
		}, want: []apiWant{{subject: envSubject("production"), score: 6.5, msg: []string{"holds 1 secret (DEPLOY_KEY)",
			"gets it from any branch, once a reviewer approves it"}}}},
		{name: "administrators may bypass", add: func(b *inventory.Builder) {
			b.AddCredential(envSecretCred(acmeApp, "production", "DEPLOY_KEY", inventory.APIFacts{EnvReviewers: true, EnvBranchPolicy: true, EnvAdminsBypass: true}))
		}, want: []apiWant{{subject: envSubject("production"), score: 6.5, msg: []string{"but lets administrators bypass its rules",
			"an administrator's run gets it without the required review"}}}},
		{name: "a protected environment", add: func(b *inventory.Builder) {
			b.AddCredential(envSecretCred(acmeApp, "production", "DEPLOY_KEY", protected))
		}},
		{name: "a coding agent reaches one of the secrets", add: func(b *inventory.Builder) {
			c := envSecretCred(acmeApp, "staging", "DATABASE_URL", inventory.APIFacts{})
			b.AddCredential(c)
			codingAgentIn(b, acmeApp, c.ID)
		}, want: []apiWant{{subject: envSubject("staging"), score: 7.5, agent: inventory.Scoped(acmeApp.ID, "agent:.github/workflows/claude.yml#claude")}}},
	})
}
