package workflows

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestSanitizeRef(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"https://user:pw@example.com/ci.yml?private_token=x":  "https://example.com/ci.yml",
		"https://example.com/a/b.yml#frag":                    "https://example.com/a/b.yml",
		"HTTPS://tok@example.com":                             "HTTPS://example.com",
		"https://u:p@ss@example.com:8443/x.yml?a=1&b=2":       "https://example.com:8443/x.yml",
		"  Auto-DevOps.gitlab-ci.yml ":                        "Auto-DevOps.gitlab-ci.yml",
		"group/other":                                         "group/other",
		"$CI_SERVER_FQDN/my-org/security-components/sast@1.0": "$CI_SERVER_FQDN/my-org/security-components/sast@1.0",
		"octo/shared/.github/workflows/deploy.yml@v1":         "octo/shared/.github/workflows/deploy.yml@v1",
	}
	for in, want := range tests {
		if got := sanitizeRef(in); got != want {
			t.Errorf("sanitizeRef(%q) = %q, want %q", in, got, want)
		}
	}
}

// scanGitLabTree writes files into a temporary tree and runs the analyzer
// over its GitLab CI files with the tree as the source file system.
func scanGitLabTree(t *testing.T, files map[string]string) []inventory.Coverage {
	t.Helper()
	dir := t.TempDir()
	for p, s := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a := NewAnalyzer(Options{})
	b := inventory.NewBuilder()
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		if !a.Wants(p, int64(len(files[p]))) {
			continue
		}
		if err := a.Analyze(context.Background(), inventory.Location{Root: dir, Path: p}, []byte(files[p]), b); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	if err := a.Finish(context.Background(), inventory.Source{Path: dir, FS: os.DirFS(dir)}, b); err != nil {
		t.Fatal(err)
	}
	_, cov := b.Build()
	return cov
}

func byStatus(cov []inventory.Coverage, s inventory.CoverageStatus) []inventory.Coverage {
	var out []inventory.Coverage
	for _, c := range cov {
		if c.Status == s {
			out = append(out, c)
		}
	}
	return out
}

func TestGitLabIncludesOutOfScope(t *testing.T) {
	t.Parallel()
	main := `include:
  - template: Auto-DevOps.gitlab-ci.yml
  - project: group/other
    file: /ci.yml
    ref: main
  - remote: 'https://user:pw@example.com/ci.yml?private_token=x'
  - component: $CI_SERVER_FQDN/acme/components/sast@1.0
  - 'https://tok@example.org/bare.yml?x=1'
  - local: /ci/base.yml
  - template: Auto-DevOps.gitlab-ci.yml
deploy:
  extends: .auto-deploy
  script: [make deploy]
`
	// ci/base.yml repeats the template include: one entry for each file.
	base := "include:\n  - template: Auto-DevOps.gitlab-ci.yml\n.base:\n  tags: [shell]\n"
	cov := scanGitLabTree(t, map[string]string{".gitlab-ci.yml": main, "ci/base.yml": base})
	for _, c := range cov {
		if c.Incomplete() {
			t.Errorf("incomplete entry for an out-of-scope reference: %+v", c)
		}
	}
	var got []string
	for _, c := range byStatus(cov, inventory.CoverageOutOfScope) {
		got = append(got, c.Path+": "+c.Reason)
	}
	want := []string{
		".gitlab-ci.yml: include component: $CI_SERVER_FQDN/acme/components/sast@1.0 is outside the scanned tree and was not read",
		".gitlab-ci.yml: include project: group/other, file: /ci.yml, ref: main is outside the scanned tree and was not read",
		".gitlab-ci.yml: include remote: https://example.com/ci.yml is outside the scanned tree and was not read",
		".gitlab-ci.yml: include remote: https://example.org/bare.yml is outside the scanned tree and was not read",
		".gitlab-ci.yml: include template: Auto-DevOps.gitlab-ci.yml is outside the scanned tree and was not read",
		".gitlab-ci.yml: job deploy extends .auto-deploy, which is not defined in the files read (presumably in an include outside the scanned tree)",
		"ci/base.yml: include template: Auto-DevOps.gitlab-ci.yml is outside the scanned tree and was not read",
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("out-of-scope entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range cov {
		for _, leak := range []string{"user", "pw@", "private_token", "tok@", "x=1"} {
			if strings.Contains(c.Reason, leak) || strings.Contains(c.Path, leak) {
				t.Errorf("coverage entry leaks %q: %+v", leak, c)
			}
		}
	}
}

func TestGitLabMissingLocalIncludeStaysPartial(t *testing.T) {
	t.Parallel()
	// .hidden may be defined in the missing file: its absence is missing
	// data too, though the pipeline also includes a template.
	main := "include:\n  - template: Auto-DevOps.gitlab-ci.yml\n  - local: /ci/missing.yml\njob:\n  extends: .hidden\n  script: [make]\n"
	cov := scanGitLabTree(t, map[string]string{".gitlab-ci.yml": main})
	partial := byStatus(cov, inventory.CoveragePartial)
	if len(partial) != 2 || !strings.Contains(partial[0].Reason+partial[1].Reason, "ci/missing.yml") ||
		!strings.Contains(partial[0].Reason+partial[1].Reason, "extends .hidden") {
		t.Errorf("partial = %+v", partial)
	}
	if n := len(byStatus(cov, inventory.CoverageOutOfScope)); n != 1 {
		t.Errorf("%d out-of-scope entries, want 1: %+v", n, cov)
	}
}

func TestGitLabUndefinedExtendsWithoutRemoteIncludeIsPartial(t *testing.T) {
	t.Parallel()
	cov := scanGitLabTree(t, map[string]string{".gitlab-ci.yml": "job:\n  extends: .nowhere\n  script: [make]\n"})
	partial := byStatus(cov, inventory.CoveragePartial)
	if len(partial) != 1 || !strings.Contains(partial[0].Reason, ".nowhere") {
		t.Errorf("partial = %+v", partial)
	}
	if oos := byStatus(cov, inventory.CoverageOutOfScope); len(oos) != 0 {
		t.Errorf("out of scope = %+v", oos)
	}
}

func TestOutOfScopeEntriesAreBoundedPerFile(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("include:\n")
	for i := range maxOutOfScopePerFile + 50 {
		fmt.Fprintf(&b, "  - remote: https://example.com/ci-%d.yml\n", i)
	}
	b.WriteString("job:\n  script: [make]\n")
	cov := byStatus(scanGitLabTree(t, map[string]string{".gitlab-ci.yml": b.String()}), inventory.CoverageOutOfScope)
	if len(cov) != maxOutOfScopePerFile+1 {
		t.Fatalf("%d entries, want %d", len(cov), maxOutOfScopePerFile+1)
	}
	counted := 0
	for _, c := range cov {
		counted += c.Count
	}
	if counted != 50 {
		t.Errorf("entries not listed counted as %d, want 50", counted)
	}
}

func TestGitLabNodeBudgetExhaustedIsPartial(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	// Each job reads the template's 1100 tags: 2000 jobs visit more nodes
	// than the budget allows.
	b.WriteString(".t:\n  tags: [" + strings.Repeat("a, ", 1100) + "a]\n")
	for i := range maxGitLabJobs {
		fmt.Fprintf(&b, "j%d:\n  extends: .t\n", i)
	}
	cov := scanGitLabTree(t, map[string]string{".gitlab-ci.yml": b.String()})
	partial := byStatus(cov, inventory.CoveragePartial)
	if len(partial) != 1 || !strings.Contains(partial[0].Reason, "budget exhausted") {
		t.Errorf("partial = %+v", partial)
	}
}

func TestGitHubReusableWorkflowInAnotherRepositoryIsOutOfScope(t *testing.T) {
	t.Parallel()
	caller := `on: push
jobs:
  deploy:
    uses: octo/shared/.github/workflows/deploy.yml@v1
    secrets: inherit
  again:
    uses: octo/shared/.github/workflows/deploy.yml@v1
  local:
    uses: ./.github/workflows/called.yml
`
	called := "on: workflow_call\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n"
	_, cov := scan(t, map[string]string{".github/workflows/caller.yml": caller, ".github/workflows/called.yml": called})
	oos := byStatus(cov, inventory.CoverageOutOfScope)
	if len(oos) != 1 || oos[0].Path != ".github/workflows/caller.yml" ||
		oos[0].Reason != "reusable workflow octo/shared/.github/workflows/deploy.yml@v1 is in another repository and was not read" {
		t.Errorf("out of scope = %+v", oos)
	}
	for _, c := range cov {
		if c.Incomplete() {
			t.Errorf("incomplete: %+v", c)
		}
	}
}
