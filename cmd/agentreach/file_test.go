package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
)

// TestScanSingleFile: `agentreach scan deploy.sh` scans that file (it once
// said "not a directory"), and only it: a token in a sibling is not read,
// and coverage says the rest of the tree was not scanned.
func TestScanSingleFile(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	r := faketoken.Rand(31)
	writeFile(t, root, "deploy.sh", "#!/bin/sh\nexport GH_TOKEN="+faketoken.GitHub(r, "ghp")+"\n")
	writeFile(t, root, "other.sh", "export GH_TOKEN="+faketoken.GitHub(r, "ghp")+"\n")
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	res := run(t, nil, "scan", filepath.Join(root, "deploy.sh"), "-o", "json="+jsonPath, "-o", "table")
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	rep := readReport(t, jsonPath)
	var where []string
	for _, f := range rep.Findings {
		where = append(where, f.Location.Path+":"+strconv.Itoa(f.Location.Line))
	}
	if len(where) != 1 || where[0] != "deploy.sh:2" {
		t.Errorf("findings at %v, want deploy.sh:2 only", where)
	}
	if len(rep.Scan.Targets) != 1 || rep.Scan.Targets[0].Name != filepath.Join(root, "deploy.sh") {
		t.Errorf("targets %+v", rep.Scan.Targets)
	}
	found := false
	for _, c := range rep.Coverage {
		found = found || strings.Contains(c.Reason, "rest of the tree not scanned")
	}
	if !found || rep.Scan.Status != "complete" {
		t.Errorf("status %s, coverage %+v", rep.Scan.Status, rep.Coverage)
	}
	if !strings.Contains(res.out, "deploy.sh:2") {
		t.Errorf("table:\n%s", res.out)
	}
}

// TestScanSingleFileInItsRepository: a file in a git work tree is read in
// its place there — a workflow named on its own is analysed as a workflow,
// at its path below the top level, with the repository's identity — and two
// files of one repository are one source.
func TestScanSingleFileInItsRepository(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	t.Parallel()
	root := t.TempDir()
	cmd := exec.Command("git", "-C", root, "init", "-q")
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	writeFile(t, root, ".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n")
	writeFile(t, root, "scripts/deploy.sh", "export GH_TOKEN="+faketoken.GitHub(faketoken.Rand(32), "ghp")+"\n")
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	res := run(t, nil, "scan", filepath.Join(root, ".github", "workflows", "ci.yml"), filepath.Join(root, "scripts", "deploy.sh"), "-o", "json="+jsonPath)
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	rep := readReport(t, jsonPath)
	got := map[string]string{}
	for _, f := range rep.Findings {
		got[f.RuleID] = f.Location.Path
	}
	if got["AR-CI-001"] != ".github/workflows/ci.yml" || got["AR-SC-001"] != "scripts/deploy.sh" {
		t.Errorf("findings %v", got)
	}
	if len(rep.Inventory.Sources) != 1 || len(rep.Inventory.Workflows) != 1 {
		t.Errorf("sources %+v, workflows %d", rep.Inventory.Sources, len(rep.Inventory.Workflows))
	}
}

// TestSkippedFilesInTheTable: what the scan skipped by policy is in the
// table and Markdown, not only in the JSON coverage.
func TestSkippedFilesInTheTable(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, "keystore.p12", "ab\x00cd")
	writeFile(t, root, "dump.sql", strings.Repeat("x", 4096))
	writeFile(t, root, "vendor/lib.sh", "echo\n")
	writeFile(t, root, ".agentreach.yml", "version: 1\nscan:\n  exclude: [\"vendor/**\"]\n")
	res := run(t, nil, "scan", root, "--max-file-size", "1k", "-o", "table", "-o", "markdown="+filepath.Join(t.TempDir(), "r.md"))
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	for _, want := range []string{"complete except 3 skipped files", "binary file: 1 file", "larger than the size cap (1024 bytes): dump.sql", "excluded by configuration: vendor"} {
		if !strings.Contains(res.out, want) {
			t.Errorf("table lacks %q:\n%s", want, res.out)
		}
	}
}
