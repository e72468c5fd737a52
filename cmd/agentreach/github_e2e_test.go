package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/fakegithub"
	"github.com/agentreach/agentreach/internal/sariftest"
	"github.com/agentreach/agentreach/inventory"
)

// githubScan runs `scan --github-org acme` against the fake GitHub with the
// token and returns the result and the JSON and SARIF it wrote.
func githubScan(t *testing.T, srv *fakegithub.Server, token string, extra ...string) (result, string, string) {
	t.Helper()
	dir := t.TempDir()
	jsonPath, sarifPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.sarif")
	args := append([]string{"scan", "--github-org", "acme", "--github-url", srv.URL() + "/", "--github-host", "github.com",
		"--cache-dir", filepath.Join(dir, "cache"), "-v", "-o", "json=" + jsonPath, "-o", "sarif=" + sarifPath}, extra...)
	res := run(t, map[string]string{"GITHUB_TOKEN": token}, args...)
	return res, jsonPath, sarifPath
}

// TestGitHubOrgScanWithPAT: a fine-grained PAT cannot list PAT grants (GitHub
// Apps only); the scan says so in coverage, with the permission, and exits 3
// — a missing data source never reads as clean — while everything else is
// read and reported.
func TestGitHubOrgScanWithPAT(t *testing.T) {
	srv := fakegithub.New(fakegithub.Acme())
	defer srv.Close()
	token := srv.NewToken(fakegithub.Token{Kind: fakegithub.FineGrainedPAT})
	res, jsonPath, sarifPath := githubScan(t, srv, token)
	if res.code != ExitIncomplete {
		t.Fatalf("exit %d, want %d (incomplete); stderr: %s", res.code, ExitIncomplete, res.err)
	}
	rep := readReport(t, jsonPath)
	var missing *inventory.Coverage
	for i, c := range rep.Coverage {
		if c.Path == "/orgs/{org}/personal-access-tokens" {
			missing = &rep.Coverage[i]
		}
	}
	if missing == nil || missing.Status != inventory.CoverageFailed || !strings.Contains(missing.Reason, "organization_personal_access_tokens: read (GitHub App only)") {
		t.Fatalf("PAT grants: want a failed coverage entry naming the permission, got %+v", missing)
	}
	if len(rep.Findings) == 0 {
		t.Fatal("no findings from the rest of the organisation")
	}
	byRule := map[string]int{}
	for _, f := range rep.Findings {
		byRule[f.RuleID]++
	}
	for _, id := range []string{"AR-GH-007", "AR-GH-009", "AR-GH-011", "AR-CI-007"} {
		if byRule[id] == 0 {
			t.Errorf("no %s finding; got %v", id, byRule)
		}
	}
	if byRule["AR-GH-001"] != 0 {
		t.Errorf("AR-GH-001 without PAT grants: %v", byRule)
	}
	sarif := mustRead(t, sarifPath)
	sariftest.OASIS(t, []byte(sarif))
	for _, e := range sariftest.CheckGitHub([]byte(sarif)) {
		t.Errorf("SARIF: %v", e)
	}
	if !strings.Contains(sarif, `"agentreach/github/acme/"`) {
		t.Error("SARIF: no run with the organisation's category")
	}
	// The scanner's own token is in no output and no log.
	for name, s := range map[string]string{"stdout": res.out, "stderr": res.err, "json": mustRead(t, jsonPath), "sarif": sarif} {
		if strings.Contains(s, token) || strings.Contains(s, token[len(token)-8:]) {
			t.Errorf("%s holds the scanner's token", name)
		}
	}
	// --allow-partial: the same scan exits by its findings.
	if res, _, _ := githubScan(t, srv, token, "--allow-partial"); res.code != ExitOK {
		t.Errorf("--allow-partial: exit %d; stderr: %s", res.code, res.err)
	}
}

// TestGitHubCacheHoldsNoToken: the ETag cache of a scan holds no byte run
// of the token, and its files are owner-only.
func TestGitHubCacheHoldsNoToken(t *testing.T) {
	srv := fakegithub.New(fakegithub.Acme())
	defer srv.Close()
	token := srv.NewToken(fakegithub.Token{Kind: fakegithub.InstallationToken})
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	args := []string{"scan", "--github-org", "acme", "--github-url", srv.URL() + "/", "--cache-dir", cache, "-q", "-o", "json=" + filepath.Join(dir, "r.json")}
	if res := run(t, map[string]string{"GITHUB_TOKEN": token}, args...); res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	srv.ResetStats()
	if res := run(t, map[string]string{"GITHUB_TOKEN": token}, args...); res.code != ExitOK {
		t.Fatalf("second scan: exit %d: %s", res.code, res.err)
	}
	if st := srv.Requests(); st.NotModified == 0 {
		t.Errorf("second scan: no 304 (%+v)", st)
	}
	files := 0
	err := filepath.Walk(cache, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.IsDir() {
			if fi.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s: mode %v, want owner-only", p, fi.Mode().Perm())
			}
			return nil
		}
		files++
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v, want owner-only", p, fi.Mode().Perm())
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i := 0; i+8 <= len(token); i++ {
			if strings.Contains(string(data), token[i:i+8]) {
				t.Fatalf("%s holds part of the token", p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatal("the cache is empty")
	}
}

// TestGitHubNoCredential: no token and no App is a usage error before any
// request.
func TestGitHubNoCredential(t *testing.T) {
	res := run(t, nil, "scan", "--github-org", "acme")
	if res.code != ExitUsage || !strings.Contains(res.err, "GITHUB_TOKEN") {
		t.Fatalf("exit %d, stderr %q", res.code, res.err)
	}
	if res := run(t, map[string]string{"GITHUB_TOKEN": "x"}, "scan", "--github-repo", "no-slash"); res.code != ExitUsage {
		t.Fatalf("--github-repo no-slash: exit %d", res.code)
	}
}
