package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/report"
	"github.com/agentreach/agentreach/scanners/secrets"
)

// TestOwnReportsNotFindings follows the README: a scan writes every format
// into the tree it scans, and the next scan reports none of those files as
// a secret; they are listed in coverage as agentreach reports. A file only
// dressed as a report that holds a token is still reported.
func TestOwnReportsNotFindings(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, "scripts/deploy.sh", "export GH_TOKEN="+faketoken.GitHub(faketoken.Rand(11), "ghp")+"\n")
	args := []string{"scan", root}
	reports := map[string]bool{}
	for _, f := range report.Formats() {
		name := "agentreach-report." + string(f)
		reports[name] = true
		args = append(args, "-o", string(f)+"="+filepath.Join(root, name))
	}
	if res := run(t, nil, args...); res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	disguised := strings.Replace(mustRead(t, filepath.Join(root, "agentreach-report.json")), `"findings": [`,
		`"note": "`+faketoken.GitHub(faketoken.Rand(12), "ghp")+`", "findings": [`, 1)
	writeFile(t, root, "disguised.json", disguised)

	jsonPath := filepath.Join(t.TempDir(), "second.json")
	if res := run(t, nil, "scan", root, "-o", "json="+jsonPath); res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	r := readReport(t, jsonPath)
	paths := map[string]int{}
	for _, f := range r.Findings {
		paths[f.Location.Path]++
	}
	for name := range reports {
		if paths[name] > 0 {
			t.Errorf("%s, a report agentreach wrote, is reported %d times", name, paths[name])
		}
	}
	if paths["scripts/deploy.sh"] == 0 || paths["disguised.json"] == 0 {
		t.Errorf("findings by path: %v (want scripts/deploy.sh and disguised.json)", paths)
	}
	skipped := map[string]bool{}
	for _, c := range r.Coverage {
		if strings.Contains(c.Reason, "agentreach report") {
			skipped[c.Path] = true
		}
	}
	for name := range reports {
		if !skipped[name] {
			t.Errorf("%s is not listed in coverage as an agentreach report (coverage: %+v)", name, r.Coverage)
		}
	}
	if skipped["disguised.json"] {
		t.Error("disguised.json is skipped as an agentreach report")
	}
}

// TestDisguisedReportOfEveryFormat: a JSON report dressed up with a value of
// any supported format (hex and single-case ones too) is not skipped.
func TestDisguisedReportOfEveryFormat(t *testing.T) {
	t.Parallel()
	if got := inventory.KindOf(anchoredName).Detect; got != inventory.DetectCode {
		t.Fatalf("%s is read in %s mode, want code", anchoredName, got)
	}
	root := t.TempDir()
	writeFile(t, root, "scripts/deploy.sh", "export GH_TOKEN="+faketoken.GitHub(faketoken.Rand(13), "ghp")+"\n")
	base := filepath.Join(t.TempDir(), "base.json")
	if res := run(t, nil, "scan", root, "-o", "json="+base); res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	doc := mustRead(t, base)
	r := faketoken.Rand(14)
	want := 0
	for _, f := range secrets.Formats() {
		if f.Example == "" || f.ConfigOnly {
			continue
		}
		v, _ := json.Marshal(faketoken.Expand(r, f.Example))
		writeFile(t, root, "reports/"+f.ID+".json", strings.Replace(doc, `"findings": [`, `"note": `+string(v)+`, "findings": [`, 1))
		want++
	}
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	if res := run(t, nil, "scan", root, "-o", "json="+jsonPath, "--allow-partial"); res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	for _, c := range readReport(t, jsonPath).Coverage {
		if strings.Contains(c.Reason, "agentreach report") && strings.HasPrefix(c.Path, "reports/") {
			t.Errorf("%s holds a credential and is skipped as an agentreach report", c.Path)
		}
	}
}
