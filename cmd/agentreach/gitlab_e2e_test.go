package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/fakegitlab"
	"github.com/agentreach/agentreach/internal/sariftest"
)

// TestGitLabGroupScan: `scan --gitlab-group` against the fake GitLab as the
// group's Owner: a complete scan with GitLab findings, valid SARIF in a run of
// its own, and no variable value nor the scanner's token in any output.
func TestGitLabGroupScan(t *testing.T) {
	inst := fakegitlab.Acme()
	srv := fakegitlab.New(inst)
	defer srv.Close()
	token := srv.NewToken(fakegitlab.Token{User: "acme-owner"})
	dir := t.TempDir()
	jsonPath, sarifPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.sarif")
	res := run(t, map[string]string{"GITLAB_TOKEN": token}, "scan", "--gitlab-group", "acme", "--gitlab-url", srv.URL(), "--gitlab-host", "gitlab.example.com",
		"--no-cache", "-v", "-o", "json="+jsonPath, "-o", "sarif="+sarifPath)
	// The Owner is not an instance administrator: the instance policy is
	// not evaluable, but nothing the scan should read is missing.
	if res.code != ExitOK {
		t.Fatalf("exit %d; stderr: %s", res.code, res.err)
	}
	rep := readReport(t, jsonPath)
	byRule := map[string]int{}
	for _, f := range rep.Findings {
		byRule[f.RuleID]++
	}
	for _, id := range []string{"AR-GL-002", "AR-GL-005", "AR-GL-007", "AR-GL-009"} {
		if byRule[id] == 0 {
			t.Errorf("no %s finding; got %v", id, byRule)
		}
	}
	sarif := mustRead(t, sarifPath)
	sariftest.OASIS(t, []byte(sarif))
	for _, e := range sariftest.CheckGitHub([]byte(sarif)) {
		t.Errorf("SARIF: %v", e)
	}
	if !strings.Contains(sarif, `"agentreach/gitlab/acme/"`) {
		t.Error("SARIF: no run with the group's category")
	}
	outputs := map[string]string{"stdout": res.out, "stderr": res.err, "json": mustRead(t, jsonPath), "sarif": sarif}
	var secrets []string
	for _, g := range inst.AllGroups() {
		for _, v := range g.Variables {
			secrets = append(secrets, v.Value)
		}
	}
	for _, p := range inst.AllProjects() {
		for _, v := range p.Variables {
			secrets = append(secrets, v.Value)
		}
	}
	secrets = append(secrets, token)
	for name, s := range outputs {
		for _, v := range secrets {
			if len(v) < 16 {
				continue
			}
			for i := 0; i+8 <= len(v); i++ {
				if strings.Contains(s, v[i:i+8]) {
					t.Fatalf("%s holds an 8-character run of a variable's value or of the token", name)
				}
			}
		}
	}
}

// TestGitLabNoToken: no GITLAB_TOKEN is a usage error before any request.
func TestGitLabNoToken(t *testing.T) {
	if res := run(t, nil, "scan", "--gitlab-group", "acme"); res.code != ExitUsage || !strings.Contains(res.err, "GITLAB_TOKEN") {
		t.Fatalf("exit %d, stderr %q", res.code, res.err)
	}
	if res := run(t, map[string]string{"GITLAB_TOKEN": "x"}, "scan", "--gitlab-project", "noslash"); res.code != ExitUsage {
		t.Fatalf("--gitlab-project noslash: exit %d", res.code)
	}
}
