package workflows

import "testing"

func TestProjectDir(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		".gitlab-ci.yml":                        ".",
		"svc/.gitlab-ci.yml":                    "svc",
		"a/b/.gitlab-ci.yaml":                   "a/b",
		".gitlab/ci/build.yml":                  ".",
		"fixtures/repos/x/.gitlab/ci/t.yml":     "fixtures/repos/x",
		"fixtures/repos/x/.gitlab/ci/sub/t.yml": "fixtures/repos/x",
	}
	for in, want := range tests {
		if got := projectDir(in); got != want {
			t.Errorf("projectDir(%q) = %q, want %q", in, got, want)
		}
	}
}
