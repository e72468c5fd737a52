package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
)

// TestCompletion: cobra's shell completion, once disabled, for every shell
// it supports, with the formats offered for -o.
func TestCompletion(t *testing.T) {
	t.Parallel()
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		res := run(t, nil, "completion", shell)
		if res.code != ExitOK || !strings.Contains(res.out, "agentreach") {
			t.Errorf("completion %s: exit %d, %d bytes, stderr %q", shell, res.code, len(res.out), res.err)
		}
	}
	res := run(t, nil, "__complete", "scan", "-o", "")
	for _, f := range []string{"table", "json", "sarif=", "markdown"} {
		if !strings.Contains(res.out, f+"\n") {
			t.Errorf("-o completion lacks %s:\n%s", f, res.out)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	t.Parallel()
	flag, cmd := run(t, nil, "--version"), run(t, nil, "version")
	if flag.code != ExitOK || flag.out != cmd.out || !strings.HasPrefix(flag.out, "agentreach ") {
		t.Errorf("--version: exit %d %q; version: %q", flag.code, flag.out, cmd.out)
	}
}

// TestQuiet: --quiet prints nothing but errors; the exit code tells the
// result, and -o files are still written.
func TestQuiet(t *testing.T) {
	t.Parallel()
	demo := "../../fixtures/repos/demo"
	res := run(t, nil, "scan", demo, "--quiet", "--fail-on", "high")
	if res.code != ExitFindings || res.out != "" || res.err != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", res.code, res.out, res.err)
	}
	p := filepath.Join(t.TempDir(), "r.json")
	if res := run(t, nil, "scan", demo, "-q", "-o", "json="+p); res.code != ExitOK || res.out != "" || len(readReport(t, p).Findings) == 0 {
		t.Errorf("-q with a file: exit %d, stdout %q", res.code, res.out)
	}
	if res := run(t, nil, "scan", demo, "-q", "-v"); res.code != ExitUsage {
		t.Errorf("-q -v: exit %d", res.code)
	}
}

// TestMinSeverity: the table and Markdown show only findings at or above
// --min-severity and say how many they leave out; JSON keeps them all.
func TestMinSeverity(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, "deploy.sh", "export GH_TOKEN="+faketoken.GitHub(faketoken.Rand(51), "ghp")+"\n")
	writeFile(t, root, ".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n")
	p := filepath.Join(t.TempDir(), "r.json")
	md := filepath.Join(t.TempDir(), "r.md")
	res := run(t, nil, "scan", root, "--min-severity", "high", "-o", "table", "-o", "json="+p, "-o", "markdown="+md)
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	if strings.Contains(res.out, "AR-CI-001") || !strings.Contains(res.out, "AR-SC-001") || !strings.Contains(res.out, "1 below high not shown") {
		t.Errorf("table:\n%s", res.out)
	}
	if m := mustRead(t, md); strings.Contains(m, "AR-CI-001](") || !strings.Contains(m, "1 finding below high not shown") {
		t.Errorf("markdown:\n%s", m)
	}
	if n := len(readReport(t, p).Findings); n != 2 {
		t.Errorf("JSON holds %d findings, want both", n)
	}
	if res := run(t, nil, "scan", root, "--min-severity", "none"); res.code != ExitUsage {
		t.Errorf("--min-severity none: exit %d", res.code)
	}
}

// TestRulesJSON: `agentreach rules -o json` lists the catalog for tools; with
// an id, that rule.
func TestRulesJSON(t *testing.T) {
	t.Parallel()
	res := run(t, nil, "rules", "-o", "json")
	var all []struct {
		ID, Severity, Remediation string
		Frameworks                []string
	}
	if err := json.Unmarshal([]byte(res.out), &all); err != nil || len(all) < 10 {
		t.Fatalf("exit %d, %d rules, %v", res.code, len(all), err)
	}
	for _, r := range all {
		if r.ID == "" || r.Severity == "" || r.Remediation == "" {
			t.Errorf("incomplete rule %+v", r)
		}
	}
	res = run(t, nil, "rules", "ar-ci-001", "-o", "json")
	var one struct{ ID string }
	if err := json.Unmarshal([]byte(res.out), &one); err != nil || one.ID != "AR-CI-001" {
		t.Errorf("one rule: %q, %v", res.out, err)
	}
}
