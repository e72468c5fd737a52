package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/internal/sariftest"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/report"
	"github.com/agentreach/agentreach/scanners/secrets"
)

type result struct {
	code     int
	out, err string
}

// testHashKey is the fingerprint key of the CLI tests: no test writes a key
// file into the real user configuration directory.
var testHashKey = strings.Repeat("agentreach-test-key/", 3)

// testEnv is the environment of a CLI test: env, and AGENTREACH_HASH_KEY
// set to testHashKey unless env names it.
func testEnv(env map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		if k == hashKeyEnv {
			return testHashKey
		}
		return ""
	}
}

func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb}, testEnv(env))
	return result{code, out.String(), errb.String()}
}

func readReport(t *testing.T, path string) *report.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r report.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func writeFile(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDemoSlice is the foundation's done-when: both slice findings at the
// right path and line, in JSON and in upload-ready SARIF.
func TestDemoSlice(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	jsonPath, sarifPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.sarif")
	res := run(t, nil, "scan", "../../fixtures/repos/demo", "-o", "json="+jsonPath, "-o", "sarif="+sarifPath)
	if res.code != ExitOK {
		t.Fatalf("exit %d, stderr: %s", res.code, res.err)
	}
	if res.out != "" {
		t.Errorf("stdout not empty with file outputs: %q", res.out)
	}
	r := readReport(t, jsonPath)
	want := map[string]string{"AR-SC-001": "scripts/deploy.sh:4", "AR-CI-001": ".github/workflows/triage.yml:6"}
	got := map[string]string{}
	for _, f := range r.Findings {
		got[f.RuleID] = f.Location.Path + ":" + strconv.Itoa(f.Location.Line)
	}
	for id, loc := range want {
		if got[id] != loc {
			t.Errorf("%s at %q, want %q (all: %v)", id, got[id], loc, got)
		}
	}
	if r.Scan.Status != report.StatusComplete {
		t.Errorf("status %s: %+v", r.Scan.Status, r.Coverage)
	}
	data, err := os.ReadFile(sarifPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range sariftest.CheckGitHub(data) {
		t.Errorf("SARIF: %v", e)
	}
	if err := sariftest.ValidateEmbedded(data); err != nil {
		t.Errorf("SARIF against go-sarif's schema: %v", err)
	}
	// URIs are relative to the git top level: in a checkout of this
	// repository the demo lies below it.
	prefix := ""
	if sub := r.Inventory.Sources[0].Subdir; sub != "" {
		prefix = sub + "/"
	}
	for _, s := range []string{`"uri": "` + prefix + `scripts/deploy.sh"`, `"uri": "` + prefix + `.github/workflows/triage.yml"`, `"uriBaseId": "%SRCROOT%"`, `"startLine": 4`, `"startLine": 6`} {
		if !strings.Contains(string(data), s) {
			t.Errorf("SARIF lacks %s", s)
		}
	}
	for _, out := range []string{string(data), mustRead(t, jsonPath)} {
		if strings.Contains(out, "AgentreachDemoFakeToken") {
			t.Error("demo token body in output")
		}
	}
}

// TestDemoSARIFMatchesOASIS checks the quick start's SARIF against the OASIS
// schema in ../shared (CI has it); on a fresh clone it is skipped, visibly.
func TestDemoSARIFMatchesOASIS(t *testing.T) {
	t.Parallel()
	sarifPath := filepath.Join(t.TempDir(), "r.sarif")
	if res := run(t, nil, "scan", "../../fixtures/repos/demo", "-o", "sarif="+sarifPath); res.code != ExitOK {
		t.Fatalf("exit %d, stderr: %s", res.code, res.err)
	}
	sariftest.OASIS(t, []byte(mustRead(t, sarifPath)))
}

func mustRead(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNoSecretInAnyOutput scans generated tokens of every format and checks
// every output format, stdout and stderr (verbose) for any value or body.
func TestNoSecretInAnyOutput(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	r := faketoken.Rand(42)
	tokens := []string{faketoken.GitHub(r, "ghp"), faketoken.GitHub(r, "gho"), faketoken.GitHub(r, "ghu"),
		faketoken.GitHub(r, "ghs"), faketoken.GitHub(r, "ghr"), faketoken.GitHubFineGrained(r)}
	var env strings.Builder
	for i, tok := range tokens {
		env.WriteString("TOKEN_" + strconv.Itoa(i) + "=" + tok + "\n")
	}
	writeFile(t, root, "app/.env", env.String())
	writeFile(t, root, ".github/workflows/ci.yml", "on: push\nenv:\n  T: "+tokens[0]+"\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n")
	writeFile(t, root, ".mcp.json", `{"mcpServers":{"gh":{"command":"x","env":{"GITHUB_TOKEN":"`+tokens[5]+`"}}}}`)
	// A key name that is a token: parser errors that echo keys must not leak it.
	writeFile(t, root, ".github/workflows/broken.yml", "on: push\njobs:\n  "+tokens[1]+":\n    runs-on: [\n")
	outputs := scanAllFormats(t, root)
	if !strings.Contains(outputs["json"], "github-fine-grained-pat") || !strings.Contains(outputs["json"], "AR-CI-008") {
		t.Fatalf("scan did not find the tokens:\n%s", outputs["table"])
	}
	for name, text := range outputs {
		for _, tok := range tokens {
			body := tok[len(tok)-20:]
			if strings.Contains(text, tok) || strings.Contains(text, body) {
				t.Errorf("%s contains a secret value (or 20 of its characters)", name)
			}
		}
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	demo := "../../fixtures/repos/demo"
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"findings below the default fail-on", []string{"scan", demo}, ExitOK},
		{"fail on high", []string{"scan", demo, "--fail-on", "high"}, ExitFindings},
		{"fail on medium", []string{"scan", demo, "--fail-on", "medium"}, ExitFindings},
		{"fail on none", []string{"scan", demo, "--fail-on", "none"}, ExitOK},
		{"fail on low", []string{"scan", demo, "--fail-on", "LOW"}, ExitFindings},
		{"bad fail-on", []string{"scan", demo, "--fail-on", "severe"}, ExitUsage},
		{"bad flag", []string{"scan", "--no-such-flag"}, ExitUsage},
		{"bad format", []string{"scan", demo, "-o", "xml"}, ExitUsage},
		{"empty file name", []string{"scan", demo, "-o", "json="}, ExitUsage},
		{"two outputs on stdout", []string{"scan", demo, "-o", "json", "-o", "sarif"}, ExitUsage},
		{"missing path", []string{"scan", "does/not/exist"}, ExitUsage},
		{"path is a file", []string{"scan", demo + "/README.md"}, ExitOK},
		{"missing config", []string{"scan", demo, "--config", "nope.yml"}, ExitUsage},
		{"bad max file size", []string{"scan", demo, "--max-file-size", "huge"}, ExitUsage},
		{"unknown command", []string{"frobnicate"}, ExitUsage},
		{"rules", []string{"rules"}, ExitOK},
		{"unknown rule", []string{"rules", "AR-XX-999"}, ExitUsage},
		{"version", []string{"version"}, ExitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := run(t, nil, tt.args...)
			if res.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", res.code, tt.code, res.err)
			}
			if tt.code == ExitUsage {
				lines := strings.Split(strings.TrimSpace(res.err), "\n")
				if len(lines) != 1 || !strings.HasPrefix(lines[0], "agentreach: ") {
					t.Errorf("stderr is not one clear line: %q", res.err)
				}
			}
		})
	}
}

func TestPartialScanExitsThree(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, ".github/workflows/bad.yml", "on: [push\njobs:\n")
	writeFile(t, root, ".github/workflows/good.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n")
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	res := run(t, nil, "scan", root, "-o", "json="+jsonPath, "--fail-on", "high")
	if res.code != ExitIncomplete || !strings.Contains(res.err, "incomplete (1 problem reading it") {
		t.Fatalf("exit %d, stderr %q", res.code, res.err)
	}
	r := readReport(t, jsonPath)
	if r.Scan.Status != report.StatusPartial {
		t.Errorf("status = %s", r.Scan.Status)
	}
	found := false
	for _, c := range r.Coverage {
		if c.Path == ".github/workflows/bad.yml" && c.Incomplete() && strings.Contains(c.Reason, "invalid workflow YAML") {
			found = true
		}
	}
	if !found {
		t.Errorf("bad workflow not in coverage: %+v", r.Coverage)
	}
	if len(r.Findings) == 0 {
		t.Error("the good workflow was not analysed")
	}
	if res := run(t, nil, "scan", root, "--allow-partial"); res.code != ExitOK {
		t.Errorf("--allow-partial: exit %d", res.code)
	}
}

func TestConfigIgnoresAndExpiry(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, ".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n  b:\n    runs-on: x\n    steps: [{run: make}]\n")
	writeFile(t, root, ".agentreach.yml", `version: 1
ignores:
  - rule: AR-CI-001
    subject: "workflow:*#jobs.a"
    reason: accepted for job a
    owner: "@platform"
    expires: 2099-01-01
  - rule: AR-CI-001
    subject: "workflow:*#jobs.b"
    reason: was accepted for job b
    owner: "@platform"
    expires: 2020-01-01
`)
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	res := run(t, nil, "scan", root, "-o", "json="+jsonPath)
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	r := readReport(t, jsonPath)
	ids := map[string]int{}
	for _, f := range r.Findings {
		_, local := inventory.Unscoped(f.Subject)
		ids[f.RuleID+" "+local]++
	}
	if ids["AR-CI-001 workflow:.github/workflows/ci.yml#jobs.b"] != 1 || ids["AR-CI-001 workflow:.github/workflows/ci.yml#jobs.a"] != 0 {
		t.Errorf("findings = %v", ids)
	}
	var expired int
	for _, f := range r.Findings {
		if f.RuleID == "AR-CF-001" {
			expired++
			if f.Location.Path != ".agentreach.yml" || f.Location.Line != 8 {
				t.Errorf("expired ignore at %+v, want line 10 of the config", f.Location)
			}
		}
	}
	if expired != 1 || len(r.Suppressed) != 1 || r.Suppressed[0].Suppression.Owner != "@platform" {
		t.Errorf("expired=%d suppressed=%+v", expired, r.Suppressed)
	}
}

func TestBadConfig(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"unknown key":       "version: 1\nignorez: []\n",
		"thresholds":        "thresholds:\n  staleness: 90d\n",
		"ignore w/o reason": "ignores:\n  - rule: AR-CI-001\n",
		"bad expiry":        "ignores:\n  - rule: AR-CI-001\n    reason: r\n    expires: next week\n",
		"bad version":       "version: 7\n",
		"not yaml":          "a: [\n",
	}
	for name, content := range cases {
		root := t.TempDir()
		writeFile(t, root, ".agentreach.yml", content)
		res := run(t, nil, "scan", root)
		if res.code != ExitUsage || !strings.Contains(res.err, ".agentreach.yml") || strings.Count(strings.TrimSpace(res.err), "\n") != 0 {
			t.Errorf("%s: exit %d, stderr %q", name, res.code, res.err)
		}
	}
}

func TestBaselineFlow(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, ".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n")
	first := filepath.Join(t.TempDir(), "first.json")
	if res := run(t, nil, "scan", root, "-o", "json="+first); res.code != ExitOK {
		t.Fatal(res.err)
	}
	writeFile(t, root, ".github/workflows/ci.yml", "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n")
	writeFile(t, root, ".github/workflows/new.yml", "on: push\njobs:\n  n:\n    runs-on: x\n    steps: [{run: make}]\n")
	second := filepath.Join(t.TempDir(), "second.json")
	res := run(t, nil, "scan", root, "--baseline", first, "-o", "json="+second, "-o", "table")
	if res.code != ExitOK {
		t.Fatal(res.err)
	}
	r := readReport(t, second)
	if r.Summary.New != 1 || r.Summary.Resolved != 1 || !strings.Contains(res.out, "1 new, 1 resolved") {
		t.Errorf("summary = %+v\n%s", r.Summary, res.out)
	}
	if !strings.Contains(res.out, "NEW ") || !strings.Contains(res.out, "Resolved since the baseline (1):") {
		t.Errorf("the table does not mark the new row or list the resolved one:\n%s", res.out)
	}
	md := run(t, nil, "scan", root, "--baseline", first, "-o", "markdown")
	if !strings.Contains(md.out, "| **new** ") || !strings.Contains(md.out, "### Resolved since the baseline") || !strings.Contains(md.out, "**1 new**, 1 resolved") {
		t.Errorf("the Markdown does not mark the new row or list the resolved one:\n%s", md.out)
	}
	if res := run(t, nil, "scan", root, "--baseline", filepath.Join(root, ".github/workflows/ci.yml")); res.code != ExitUsage {
		t.Errorf("bad baseline: exit %d", res.code)
	}
}

// TestBaselineGatesOnNew: with --baseline, --fail-on counts only findings
// that are new since it — a scheduled job fails on what changed, not on what
// the baseline accepted (once, `--baseline base.json --fail-on low` exited 1
// with nothing new).
func TestBaselineGatesOnNew(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, ".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n")
	base := filepath.Join(t.TempDir(), "base.json")
	if res := run(t, nil, "scan", root, "-o", "json="+base); res.code != ExitOK {
		t.Fatal(res.err)
	}
	if r := readReport(t, base); len(r.Findings) == 0 {
		t.Fatal("the baseline has no finding to accept")
	}
	if res := run(t, nil, "scan", root, "--fail-on", "low"); res.code != ExitFindings {
		t.Errorf("without a baseline: exit %d, want 1", res.code)
	}
	if res := run(t, nil, "scan", root, "--baseline", base, "--fail-on", "low"); res.code != ExitOK {
		t.Errorf("nothing new: exit %d, want 0; %s", res.code, res.err)
	}
	writeFile(t, root, "deploy.sh", "export GH_TOKEN="+faketoken.GitHub(faketoken.Rand(5), "ghp")+"\n")
	res := run(t, nil, "scan", root, "--baseline", base, "--fail-on", "high", "-o", "json="+filepath.Join(t.TempDir(), "r.json"))
	if res.code != ExitFindings {
		t.Errorf("a new high finding: exit %d, want 1", res.code)
	}
	if res := run(t, nil, "scan", root, "--baseline", base, "--fail-on", "critical"); res.code != ExitOK {
		t.Errorf("a new finding below --fail-on: exit %d, want 0", res.code)
	}
}

func TestRulesCommand(t *testing.T) {
	t.Parallel()
	res := run(t, nil, "rules")
	for _, id := range []string{"AR-CI-001", "AR-SC-001"} {
		if !strings.Contains(res.out, id) {
			t.Errorf("rules list lacks %s", id)
		}
	}
	res = run(t, nil, "rules", "ar-ci-001")
	if !strings.HasPrefix(res.out, "AR-CI-001") || !strings.Contains(res.out, "Remediation") {
		t.Errorf("explain = %q", res.out)
	}
	// -o, as for scan; --format still works, with a note on stderr only
	// (stdout may be redirected into docs).
	res = run(t, nil, "rules", "-o", "markdown")
	if !strings.Contains(res.out, "# agentreach rules") {
		t.Error("markdown listing")
	}
	old := run(t, nil, "rules", "--format", "markdown")
	if old.out != res.out || !strings.Contains(old.err, "deprecated; use -o") {
		t.Errorf("rules --format: stdout differs from -o's (%v), stderr %q", old.out != res.out, old.err)
	}
}

func TestColorOnlyOnTerminals(t *testing.T) {
	t.Parallel()
	res := run(t, map[string]string{"TERM": "xterm"}, "scan", "../../fixtures/repos/demo")
	if strings.Contains(res.out, "\x1b[") {
		t.Error("colour written to a non-terminal")
	}
}

func TestOutputWriteFailure(t *testing.T) {
	t.Parallel()
	res := run(t, nil, "scan", "../../fixtures/repos/demo", "-o", "json="+filepath.Join(t.TempDir(), "no", "such", "dir", "r.json"))
	if res.code != ExitUsage || !strings.Contains(res.err, "--output json=") || !strings.Contains(res.err, "does not exist") {
		t.Errorf("exit %d, stderr %q", res.code, res.err)
	}
}

// TestRepoConfigDoesNotHideFixtureScan: the README's quick start runs from the
// repository root, where .agentreach.yml ignores fixtures/**; scanning the
// fixture itself must still report its findings (paths are relative to the
// scanned root).
func TestRepoConfigDoesNotHideFixtureScan(t *testing.T) {
	t.Parallel()
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	res := run(t, nil, "scan", "../../fixtures/repos/demo", "--config", "../../.agentreach.yml", "-o", "json="+jsonPath)
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	if r := readReport(t, jsonPath); len(r.Findings) < 2 || len(r.Suppressed) != 0 {
		t.Errorf("findings %d, suppressed %d", len(r.Findings), len(r.Suppressed))
	}
}

// TestNoValueOfAnyFormatInAnyOutput writes a generated value of every
// supported format into a tree and checks that no output format, nor stdout
// or verbose stderr, holds any 12-character piece of any value.
func TestNoValueOfAnyFormatInAnyOutput(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	r := faketoken.Rand(77)
	var values []string
	for _, f := range secrets.Formats() {
		if f.Example == "" {
			continue
		}
		v := faketoken.Expand(r, f.Example)
		values = append(values, v)
		writeFile(t, root, "keys/"+f.ID+".env", "SERVICE_TOKEN="+strings.ReplaceAll(v, "\n", "\\n")+"\n")
		writeFile(t, root, "raw/"+f.ID+".txt", "value:\n"+v+"\n")
	}
	outputs := scanAllFormats(t, root)
	if n := strings.Count(outputs["csv"], "\n"); n < len(values) {
		t.Fatalf("only %d findings for %d values", n-1, len(values))
	}
	for name, text := range outputs {
		for _, v := range values {
			for _, line := range strings.Split(v, "\n") {
				line = strings.TrimSpace(line)
				if strings.HasPrefix(line, "-----") {
					continue // PEM armour lines are the type prefix, not the secret
				}
				for i := 0; i+12 <= len(line); i += 4 {
					if piece := line[i : i+12]; strings.Contains(text, piece) && !isArmourOrPrefix(piece) {
						t.Errorf("%s contains %q, 12 characters of a generated value", name, piece)
						break
					}
				}
			}
		}
	}
}

// isArmourOrPrefix reports pieces that are format prefixes or structure that
// reports may name (e.g. "sk-ant-api03-", "https://hooks"), not value bodies.
func isArmourOrPrefix(piece string) bool {
	for _, f := range secrets.Formats() {
		for _, p := range f.Prefixes {
			if strings.Contains(p, piece) || strings.Contains(piece, p) && len(p) >= 8 {
				return true
			}
		}
	}
	return strings.Contains(piece, "://") || strings.Contains(piece, "BEGIN") || strings.Contains(piece, "PRIVATE")
}

// scanAllFormats scans root verbosely into every output format and returns
// each output, stdout and stderr by name.
func scanAllFormats(t *testing.T, root string) map[string]string {
	t.Helper()
	out := t.TempDir()
	args := []string{"scan", root, "-v", "--allow-partial"}
	for _, f := range report.Formats() {
		args = append(args, "-o", string(f)+"="+filepath.Join(out, string(f)))
	}
	res := run(t, nil, args...)
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	outputs := map[string]string{"stdout": res.out, "stderr": res.err}
	for _, f := range report.Formats() {
		outputs[string(f)] = mustRead(t, filepath.Join(out, string(f)))
	}
	return outputs
}

// TestBaselineDrift: with --baseline the report says what changed in the
// inventory, not only which findings are new: a widened GITHUB_TOKEN (no
// rule fires on contents: write alone), a new MCP server, the credential it
// is handed and its reach.
func TestBaselineDrift(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	wf := "on: push\npermissions:\n  contents: %s\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n"
	writeFile(t, root, ".github/workflows/ci.yml", fmt.Sprintf(wf, "read"))
	first := filepath.Join(t.TempDir(), "first.json")
	if res := run(t, nil, "scan", root, "-o", "json="+first); res.code != ExitOK {
		t.Fatal(res.err)
	}
	if same := run(t, nil, "scan", root, "--baseline", first, "-o", "table"); strings.Contains(same.out, "Changed since the baseline") {
		t.Errorf("an unchanged tree drifts:\n%s", same.out)
	}
	writeFile(t, root, ".github/workflows/ci.yml", fmt.Sprintf(wf, "write"))
	writeFile(t, root, ".mcp.json", `{"mcpServers":{"github":{"command":"docker","args":["run","ghcr.io/github/github-mcp-server"],"env":{"GITHUB_PERSONAL_ACCESS_TOKEN":"${GITHUB_PAT}"}}}}`)
	second := filepath.Join(t.TempDir(), "second.json")
	res := run(t, nil, "scan", root, "--baseline", first, "-o", "json="+second, "-o", "table")
	if res.code != ExitOK {
		t.Fatal(res.err)
	}
	validateReportSchema(t, second)
	d := readReport(t, second).Drift
	if d == nil {
		t.Fatal("no drift in the JSON report")
	}
	if len(d.Widened) != 1 || len(d.Widened[0].Gained) != 1 || d.Widened[0].Gained[0].Resource != inventory.ResContents ||
		d.Widened[0].Gained[0].After != inventory.Write {
		t.Errorf("widened = %+v, want the GITHUB_TOKEN's contents read→write", d.Widened)
	}
	if len(d.NewAgents) != 1 || d.NewAgents[0].Name != "github" || len(d.NewCredentials) != 1 || len(d.NewReaches) != 1 {
		t.Errorf("drift = %+v, want the MCP server, its token and its reach", d)
	}
	for _, want := range []string{"Changed since the baseline (4):", "contents read→write", "new agent mcp-server github at .mcp.json:1",
		"agent github now reaches GITHUB_PAT"} {
		if !strings.Contains(res.out, want) {
			t.Errorf("the table lacks %q:\n%s", want, res.out)
		}
	}
	md := run(t, nil, "scan", root, "--baseline", first, "-o", "markdown")
	if !strings.Contains(md.out, "### Changed since the baseline") || !strings.Contains(md.out, "(4 changes)") {
		t.Errorf("the Markdown lacks the drift:\n%s", md.out)
	}
}

// TestTestOnlyCredentials: a value written only in test files is
// inventoried (credentials[].context test), counted in the summary and the
// table, and not reported; the same value in a product file is one finding
// (high: the tree is not a repository) that lists the test place;
// scan.test_credentials: report reports a test-only value, ranked low.
func TestTestOnlyCredentials(t *testing.T) {
	t.Parallel()
	r := faketoken.Rand(17)
	root := t.TempDir()
	fixture, shared := faketoken.GitHub(r, "ghp"), faketoken.GitHub(r, "ghp")
	writeFile(t, root, "internal/auth/token_test.go", "package auth\n\nconst tok = \""+fixture+"\"\n")
	writeFile(t, root, "tests/fixtures/config.json", `{"token": "`+shared+`"}`+"\n")
	writeFile(t, root, "deploy/release.sh", "export GH_TOKEN="+shared+"\n")
	scan := func(config string) (*report.Report, string) {
		t.Helper()
		writeFile(t, root, ".agentreach.yml", config)
		jsonPath := filepath.Join(t.TempDir(), "r.json")
		res := run(t, nil, "scan", root, "--no-color", "-o", "json="+jsonPath, "-o", "table")
		if res.code != ExitOK {
			t.Fatalf("exit %d: %s", res.code, res.err)
		}
		return readReport(t, jsonPath), res.out
	}

	rep, table := scan("version: 1\n")
	if len(rep.Findings) != 1 || rep.Findings[0].Location.Path != "deploy/release.sh" || rep.Findings[0].Severity != inventory.SeverityHigh ||
		len(rep.Findings[0].Related) != 1 || rep.Findings[0].Related[0].Path != "tests/fixtures/config.json" {
		t.Fatalf("default findings: %+v", rep.Findings)
	}
	contexts := map[string]inventory.PathContext{}
	for _, c := range rep.Inventory.Credentials {
		contexts[c.Locations[0].Path] = c.Context
	}
	if contexts["internal/auth/token_test.go"] != inventory.ContextTest || contexts["deploy/release.sh"] != inventory.ContextNone {
		t.Errorf("contexts: %v", contexts)
	}
	if rep.Summary.TestOnly != 1 || !strings.Contains(table, "2 credentials (1 only in test files, not reported)") {
		t.Errorf("summary %+v, table:\n%s", rep.Summary, table)
	}

	rep, table = scan("version: 1\nscan:\n  test_credentials: report\n")
	var low []string
	for _, f := range rep.Findings {
		if f.Severity == inventory.SeverityLow {
			low = append(low, f.Location.Path)
		}
	}
	if len(rep.Findings) != 2 || !slices.Equal(low, []string{"internal/auth/token_test.go"}) || rep.Summary.TestOnly != 0 ||
		strings.Contains(table, "only in test files") {
		t.Errorf("scan.test_credentials: report: findings %+v, summary %+v", rep.Findings, rep.Summary)
	}
}
