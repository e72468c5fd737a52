package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/report"
)

// gitlabIncludes are the includes of most GitLab projects: a template,
// another project's file and a remote URL (with credentials in it that must
// never reach a report), plus a local include.
const gitlabIncludes = `include:
  - template: Auto-DevOps.gitlab-ci.yml
  - project: group/other
    file: /ci.yml
  - remote: 'https://user:pw@example.com/ci.yml?private_token=x'
  - local: %s
build:
  extends: .base
  script: [make]
`

func outOfScope(cov []inventory.Coverage) []inventory.Coverage {
	var out []inventory.Coverage
	for _, c := range cov {
		if c.OutOfScope() {
			out = append(out, c)
		}
	}
	return out
}

func TestGitLabIncludesOutOfScopeExitZero(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, ".gitlab-ci.yml", strings.Replace(gitlabIncludes, "%s", "/ci/base.yml", 1))
	writeFile(t, root, "ci/base.yml", ".base:\n  tags: [docker]\n")
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	res := run(t, nil, "scan", root, "--fail-on", "none", "-o", "json="+jsonPath)
	if res.code != ExitOK {
		t.Fatalf("exit %d, want %d; stderr: %s", res.code, ExitOK, res.err)
	}
	r := readReport(t, jsonPath)
	if r.Scan.Status != report.StatusComplete || r.Summary.Incomplete != 0 {
		t.Errorf("status %s, incomplete %d", r.Scan.Status, r.Summary.Incomplete)
	}
	oos := outOfScope(r.Coverage)
	if len(oos) != 3 || r.Summary.OutOfScope != 3 {
		t.Fatalf("out-of-scope entries (summary %d): %+v", r.Summary.OutOfScope, oos)
	}
	var reasons []string
	for _, c := range oos {
		if c.Path != ".gitlab-ci.yml" {
			t.Errorf("entry does not name the including file: %+v", c)
		}
		reasons = append(reasons, c.Reason)
	}
	all := strings.Join(reasons, "\n")
	for _, want := range []string{"template: Auto-DevOps.gitlab-ci.yml", "project: group/other, file: /ci.yml", "remote: https://example.com/ci.yml"} {
		if !strings.Contains(all, want) {
			t.Errorf("no entry names %q:\n%s", want, all)
		}
	}
	data, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"user:pw", "pw@", "private_token"} {
		for name, text := range map[string]string{"JSON report": string(data), "stdout": res.out, "stderr": res.err} {
			if strings.Contains(text, leak) {
				t.Errorf("%s holds %q", name, leak)
			}
		}
	}
}

func TestGitLabMissingLocalIncludeExitsThree(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, ".gitlab-ci.yml", strings.Replace(gitlabIncludes, "%s", "/ci/missing.yml", 1))
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	res := run(t, nil, "scan", root, "--fail-on", "none", "-o", "json="+jsonPath)
	if res.code != ExitIncomplete {
		t.Fatalf("exit %d, want %d; stderr: %s", res.code, ExitIncomplete, res.err)
	}
	r := readReport(t, jsonPath)
	if r.Scan.Status != report.StatusPartial || len(outOfScope(r.Coverage)) != 3 {
		t.Errorf("status %s, coverage %+v", r.Scan.Status, r.Coverage)
	}
	found := false
	for _, c := range r.Coverage {
		if c.Incomplete() && strings.Contains(c.Reason, "ci/missing.yml") {
			found = true
		}
	}
	if !found {
		t.Errorf("the missing local include is not partial: %+v", r.Coverage)
	}
}

func TestReusableWorkflowInAnotherRepositoryExitZero(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, ".github/workflows/release.yml", `on: push
permissions: {contents: read}
jobs:
  deploy:
    uses: octo/shared/.github/workflows/deploy.yml@v1
    secrets: inherit
`)
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	res := run(t, nil, "scan", root, "--fail-on", "none", "-o", "json="+jsonPath)
	if res.code != ExitOK {
		t.Fatalf("exit %d, want %d; stderr: %s", res.code, ExitOK, res.err)
	}
	r := readReport(t, jsonPath)
	oos := outOfScope(r.Coverage)
	if len(oos) != 1 || oos[0].Path != ".github/workflows/release.yml" ||
		!strings.Contains(oos[0].Reason, "octo/shared/.github/workflows/deploy.yml@v1") {
		t.Errorf("out of scope = %+v", oos)
	}
	if r.Scan.Status != report.StatusComplete {
		t.Errorf("status %s: %+v", r.Scan.Status, r.Coverage)
	}
}
