package rules

import "testing"

func TestGitLabJobJWT(t *testing.T) {
	t.Parallel()
	gl := func(s string) map[string]string { return map[string]string{".gitlab-ci.yml": s} }
	runCICases(t, GitLabJobJWT, []ciCase{
		{name: "legacy JWT", files: gl("deploy:\n  script:\n    - vault write auth/jwt/login jwt=$CI_JOB_JWT_V2\n"), want: []ciWant{{line: 3, msg: "CI_JOB_JWT_V2"}}},
		{name: "id token with audience", files: gl("deploy:\n  id_tokens:\n    VAULT_ID_TOKEN:\n      aud: https://vault.example.com\n  script:\n    - vault login $VAULT_ID_TOKEN\n")},
		{name: "id token without audience", files: gl("deploy:\n  id_tokens:\n    TOKEN: {}\n  script: [deploy]\n"), want: []ciWant{{line: 3}}},
		{name: "wildcard audience from default", files: gl("default:\n  id_tokens:\n    TOKEN:\n      aud: '*'\ndeploy:\n  script: [deploy]\n"), want: []ciWant{{line: 3}}},
		{name: "inherit default off", files: gl("default:\n  id_tokens:\n    TOKEN:\n      aud: '*'\ndeploy:\n  inherit:\n    default: false\n  script: [deploy]\n")},
	})
}
