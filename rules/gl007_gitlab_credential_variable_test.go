package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestGitLabCredentialVariable(t *testing.T) {
	t.Parallel()
	pat := inventory.VariableFacts{ValueType: "gitlab-pat"}
	projVar := inventory.GitLabVariableID(glApp.ID, "DEPLOY_TOKEN")
	groupVar := inventory.Scoped(glAcme.ID, "gitlab-group-variable:NPM_TOKEN@*")
	runAPICasesOn(t, GitLabCredentialVariable, glSources, []apiCase{
		{name: "a recognised token, unprotected and unmasked", add: func(b *inventory.Builder) {
			b.AddCredential(glProjectVar(glApp, "DEPLOY_TOKEN", pat, "glpat-…wxyz"))
		}, want: []apiWant{{subject: projVar, score: 7.5, msg: []string{"The project variable DEPLOY_TOKEN of acme/app holds a credential " +
			"(the detection engine recognises its value as gitlab-pat, glpat-…wxyz) and is exposed: it is not protected",
			"; it is neither masked nor hidden", "Protect it, mask and hide it"}}}},
		{name: "a hidden group variable, judged by its key, unprotected", add: func(b *inventory.Builder) {
			b.AddCredential(glGroupVar("acme", "NPM_TOKEN", inventory.VariableFacts{Masked: true, Hidden: true}, ""))
		}, want: []apiWant{{subject: groupVar, score: 6.0, msg: []string{"The group variable NPM_TOKEN of acme holds a credential (as its key " +
			"says) and is exposed: it is not protected", "The projects of acme inherit it"}}}},
		{name: "protected but unmasked", add: func(b *inventory.Builder) {
			b.AddCredential(glProjectVar(glApp, "DEPLOY_TOKEN", inventory.VariableFacts{Protected: true, ValueType: "gitlab-pat"}, "glpat-…wxyz"))
		}, want: []apiWant{{subject: projVar, score: 6.0, msg: []string{"and is exposed: it is neither masked nor hidden"}}}},
		{name: "a production key scoped to every environment", add: func(b *inventory.Builder) {
			b.AddCredential(glProjectVar(glApp, "PROD_DB_PASSWORD", inventory.VariableFacts{Protected: true, Masked: true}, ""))
		}, want: []apiWant{{subject: inventory.GitLabVariableID(glApp.ID, "PROD_DB_PASSWORD"), score: 6.0,
			msg: []string{"its name says production but its environment scope is `*`"}}}},
		{name: "protected, masked and scoped to production", add: func(b *inventory.Builder) {
			b.AddCredential(glProjectVar(glApp, "PROD_DB_PASSWORD", inventory.VariableFacts{Protected: true, Masked: true,
				EnvironmentScope: "production"}, ""))
		}},
		{name: "not a credential", add: func(b *inventory.Builder) {
			b.AddCredential(glProjectVar(glApp, "DEPLOY_REGION", inventory.VariableFacts{}, ""))
		}},
		{name: "a job with a coding agent names it: critical", add: func(b *inventory.Builder) {
			b.AddCredential(glProjectVar(glApp, "DEPLOY_TOKEN", pat, "glpat-…wxyz"))
			glPipeline(b, glApp, false, []string{projVar}, "claude")
		}, want: []apiWant{{subject: projVar, score: 9.1, agent: glAgentID(glApp, "claude"),
			msg: []string{"agent-reachable: the Claude Code agent in job `claude` of .gitlab-ci.yml in acme/app reaches it"}}}},
		{name: "a group variable a project's coding agent inherits: one band higher", add: func(b *inventory.Builder) {
			b.AddCredential(glGroupVar("acme", "NPM_TOKEN", inventory.VariableFacts{Masked: true}, ""))
			ref := inventory.GitLabVariableID(glApp.ID, "NPM_TOKEN")
			b.AddCredential(inventory.Credential{ID: ref, Kind: inventory.KindCIVariable, Platform: "gitlab", Name: "NPM_TOKEN",
				Locations: []inventory.Location{{Source: glApp.ID, Root: glApp.Path, Path: ".gitlab-ci.yml", Line: 3}}})
			b.AddBinding(inventory.Binding{Credential: ref, Backing: []string{groupVar}})
			glPipeline(b, glApp, false, []string{ref}, "claude")
		}, want: []apiWant{{subject: groupVar, score: 7.0, agent: glAgentID(glApp, "claude"), msg: []string{"agent-reachable"}}}},
		{name: "a public project runs fork merge request pipelines with an inherited unprotected variable", add: func(b *inventory.Builder) {
			b.AddCredential(glGroupVar("acme", "NPM_TOKEN", inventory.VariableFacts{Masked: true, ValueType: "npm-token"}, "npm_…abcd"))
			b.AddSetting(glSetting(glWeb, glSettingForkPipelines, "true"))
			b.AddSetting(glSetting(glApp, glSettingForkPipelines, "true")) // private: no outsider forks it
		}, want: []apiWant{{subject: groupVar, score: 6.0, msg: []string{"the project acme/platform/web lets merge requests from forks run " +
			"their pipelines in it (`ci_allow_fork_pipelines_to_run_in_parent_project`): once a member runs one, the fork's own CI " +
			"configuration receives it"}}}},
		{name: "fork pipelines, but the variable is protected", add: func(b *inventory.Builder) {
			b.AddCredential(glGroupVar("acme", "NPM_TOKEN", inventory.VariableFacts{Protected: true, ValueType: "npm-token"}, "npm_…abcd"))
			b.AddSetting(glSetting(glWeb, glSettingForkPipelines, "true"))
		}, want: []apiWant{{subject: groupVar, score: 6.0, msg: []string{"it is neither masked nor hidden"}, not: []string{"forks"}}}},
		{name: "variables not listed: not evaluable", coverage: []inventory.Coverage{glFailed("acme", glEndpointGroupVariables),
			glFailed("acme/app", glEndpointProjectVariables)},
			notes: []string{"/groups/:id/variables was not read for acme", "/projects/:id/variables was not read for acme/app"}},
	})
}
