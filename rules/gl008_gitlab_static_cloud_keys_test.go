package rules

import "testing"

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
