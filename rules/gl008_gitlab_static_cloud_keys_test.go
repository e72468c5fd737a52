package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestGitLabStaticCloudKeys(t *testing.T) {
	t.Parallel()
	gl := func(s string) map[string]string { return map[string]string{".gitlab-ci.yml": s} }
	runCICases(t, GitLabStaticCloudKeys, []ciCase{
		{name: "aws keys in scripts", files: gl("deploy:\n  script:\n    - aws configure set aws_secret_access_key $AWS_SECRET_ACCESS_KEY\n"), want: []ciWant{{line: 3, score: 8.0, msg: "AWS_SECRET_ACCESS_KEY"}}},
		{name: "keys for an S3-compatible service that is not AWS", files: gl("upload:\n  script:\n    - echo \"host_base = s3.example.org\" >> ~/.s3cfg\n    - s3cmd put dist.tar.gz s3://bucket --secret_key=$AWS_SECRET_ACCESS_KEY\n")},
		{name: "id tokens declared", files: gl("deploy:\n  id_tokens:\n    AWS_TOKEN:\n      aud: https://sts.amazonaws.com\n  script:\n    - aws configure set aws_secret_access_key $AWS_SECRET_ACCESS_KEY\n")},
		{name: "from an included template, with an agent", files: map[string]string{
			".gitlab-ci.yml":        "include:\n  - local: /.gitlab/ci/deploy.yml\nfix:\n  extends: .deploy\n  script:\n    - claude -p fix --dangerously-skip-permissions\n",
			".gitlab/ci/deploy.yml": ".deploy:\n  variables:\n    ARM_CLIENT_SECRET: $AZURE_SECRET\n",
		}, want: []ciWant{{line: 3, score: 9.1, msg: "ARM_CLIENT_SECRET"}}},
		{name: "unrelated variables", files: gl("build:\n  script:\n    - make $TARGET\n")},
	})
}

func TestGitLabStaticCloudKeysAPI(t *testing.T) {
	t.Parallel()
	awsSecret := inventory.VariableFacts{Masked: true, Protected: true, ValueType: "aws-secret-access-key"}
	projVar := inventory.GitLabVariableID(glApp.ID, "AWS_SECRET_ACCESS_KEY")
	groupVar := inventory.Scoped(glAcme.ID, "gitlab-group-variable:ARM_CLIENT_SECRET@*")
	appKey := func(b *inventory.Builder) {
		b.AddCredential(glProjectVar(glApp, "AWS_SECRET_ACCESS_KEY", awsSecret, "…WXYZ"))
	}
	armGroup := func(b *inventory.Builder) {
		b.AddCredential(glGroupVar("acme", "ARM_CLIENT_SECRET", inventory.VariableFacts{Masked: true}, ""))
	}
	runAPICasesOn(t, GitLabStaticCloudKeys, glSources, []apiCase{
		{name: "a project variable with an AWS secret, no id_tokens", add: func(b *inventory.Builder) {
			appKey(b)
			glPipeline(b, glApp, false, nil, "build")
		}, want: []apiWant{{subject: projVar, score: 8.0, msg: []string{"The project variable AWS_SECRET_ACCESS_KEY of acme/app holds a " +
			"static cloud key (aws-secret-access-key, …WXYZ), and no job of acme/app's pipeline declares `id_tokens:`", "delete the variable"}}}},
		{name: "the pipeline declares id_tokens", add: func(b *inventory.Builder) {
			appKey(b)
			glPipeline(b, glApp, true, nil, "deploy", "build")
		}},
		{name: "a project without a pipeline", add: appKey,
			want: []apiWant{{subject: projVar, score: 8.0, msg: []string{"no job of acme/app's pipeline declares `id_tokens:`"}}}},
		{name: "a group variable, one inheriting project federates", add: func(b *inventory.Builder) {
			armGroup(b)
			glPipeline(b, glApp, true, nil, "deploy")
			glPipeline(b, glWeb, false, nil, "build")
		}, want: []apiWant{{subject: groupVar, score: 8.0, msg: []string{"The group variable ARM_CLIENT_SECRET of acme holds a static cloud key, " +
			"and 1 project that inherits it (acme/platform/web) declares no `id_tokens:` in its pipeline: the key"}}}},
		{name: "a group variable every inheriting project federates", add: func(b *inventory.Builder) {
			armGroup(b)
			glPipeline(b, glApp, true, nil, "deploy")
			glPipeline(b, glWeb, true, nil, "deploy")
		}},
		{name: "a project's own variable shadows the group's", add: func(b *inventory.Builder) {
			armGroup(b)
			b.AddCredential(glProjectVar(glWeb, "ARM_CLIENT_SECRET", inventory.VariableFacts{Masked: true}, ""))
			glPipeline(b, glApp, true, nil, "deploy")
			glPipeline(b, glWeb, true, nil, "deploy")
		}},
		{name: "GOOGLE_APPLICATION_CREDENTIALS: a file variable holds the key, an env variable a path", add: func(b *inventory.Builder) {
			b.AddCredential(glProjectVar(glApp, "GOOGLE_APPLICATION_CREDENTIALS", inventory.VariableFacts{}, ""))
			b.AddCredential(glProjectVar(glWeb, "GOOGLE_APPLICATION_CREDENTIALS", inventory.VariableFacts{File: true}, ""))
		}, want: []apiWant{{subject: inventory.GitLabVariableID(glWeb.ID, "GOOGLE_APPLICATION_CREDENTIALS"), score: 8.0}}},
		{name: "recognised by its value under another key", add: func(b *inventory.Builder) {
			b.AddCredential(glProjectVar(glApp, "DEPLOY_KEY_ID", inventory.VariableFacts{ValueType: "aws-access-key-id"}, "AKIA…WXYZ"))
		}, want: []apiWant{{subject: inventory.GitLabVariableID(glApp.ID, "DEPLOY_KEY_ID"), score: 8.0,
			msg: []string{"(aws-access-key-id, AKIA…WXYZ)"}}}},
		{name: "an STS session key expires by itself", add: func(b *inventory.Builder) {
			c := glProjectVar(glApp, "AWS_ACCESS_KEY_ID", inventory.VariableFacts{ValueType: "aws-temporary-access-key-id"}, "ASIA…WXYZ")
			c.Lifetime = inventory.LifetimeShortLived
			b.AddCredential(c)
		}},
		{name: "a coding agent reaches it: critical", add: func(b *inventory.Builder) {
			appKey(b)
			glPipeline(b, glApp, false, []string{projVar}, "claude")
		}, want: []apiWant{{subject: projVar, score: 9.1, agent: glAgentID(glApp, "claude"), msg: []string{"agent-reachable"}}}},
		{name: "the project's files were not listed: not evaluable", add: appKey,
			coverage: []inventory.Coverage{glFailed("acme/app", glEndpointTree)},
			notes:    []string{"/projects/:id/repository/tree was not read for acme/app"}},
	})
}

// A variable a job's use of which the file part reports is not reported
// again on its own.
func TestGitLabStaticCloudKeysOnce(t *testing.T) {
	t.Parallel()
	b := inventory.NewBuilder()
	for _, s := range glSources {
		b.AddSource(s)
	}
	id := inventory.GitLabVariableID(glApp.ID, "AWS_SECRET_ACCESS_KEY")
	b.AddCredential(glProjectVar(glApp, "AWS_SECRET_ACCESS_KEY", inventory.VariableFacts{ValueType: "aws-secret-access-key"}, "…WXYZ"))
	loc := inventory.Location{Source: glApp.ID, Root: glApp.Path, Path: ".gitlab-ci.yml", Line: 4}
	b.AddWorkflow(inventory.Workflow{Source: glApp.ID, Platform: "gitlab", Path: ".gitlab-ci.yml", Jobs: []inventory.Job{{ID: "deploy",
		Location: loc, StartableBy: inventory.AudienceWrite,
		Secrets: []inventory.SecretRef{{Credential: id, Name: "AWS_SECRET_ACCESS_KEY", Via: inventory.ViaRunScript, Location: loc}}}}})
	inv, _ := b.Build()
	fs, _ := Evaluate([]*Rule{GitLabStaticCloudKeys}, Input{Inventory: inv, Now: testNow})
	if len(fs) != 1 || fs[0].Location.Path != ".gitlab-ci.yml" || fs[0].Credential != id {
		for _, f := range fs {
			t.Logf("%s %s: %s", f.Subject, f.Location.Path, f.Message)
		}
		t.Fatalf("got %d findings, want the job's use only", len(fs))
	}
}
