package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/internal/sariftest"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/report"
)

// scanTo runs a scan that writes its JSON report to a temporary file and
// returns the file's path.
func scanTo(t *testing.T, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "r.json")
	if res := run(t, nil, append([]string{"scan", "--allow-partial", "-q", "-o", "json=" + out}, args...)...); res.code != ExitOK {
		t.Fatalf("scan %v: exit %d: %s", args, res.code, res.err)
	}
	return out
}

// shardTrees writes two trees with the same relative paths, different
// tokens and agents, and one value that both hold.
func shardTrees(t *testing.T) (a, b, shared string) {
	t.Helper()
	a, b = twinTree(t, 21, true), twinTree(t, 22, false)
	shared = faketoken.GitHub(faketoken.Rand(23), "ghp_")
	writeFile(t, a, ".env", "GITHUB_TOKEN="+shared+"\n")
	writeFile(t, b, "deploy/.env", "DEPLOY_TOKEN="+shared+"\n")
	return a, b, shared
}

func findingKeys(r *report.Report) map[string]string {
	out := map[string]string{}
	for _, f := range r.Findings {
		out[f.Fingerprint] = f.RuleID + " " + f.Subject
	}
	return out
}

func credentialLocations(r *report.Report) map[string][]string {
	out := map[string][]string{}
	for _, c := range r.Inventory.Credentials {
		locs := []string{}
		for _, l := range c.Locations {
			locs = append(locs, l.Source+" "+l.Path)
		}
		slices.Sort(locs)
		out[c.ID] = locs
	}
	return out
}

// TestMergeShardsIsOneScanOfBoth merges the reports of two real scans (one
// tree each) and compares the result with one scan of both trees: the same
// findings by fingerprint, the same credentials by id with the same
// locations, and the value both trees hold is one credential with both.
func TestMergeShardsIsOneScanOfBoth(t *testing.T) {
	t.Parallel()
	a, b, shared := shardTrees(t)
	sa, sb, both := scanTo(t, a), scanTo(t, b), readReport(t, scanTo(t, a, b))

	dir := t.TempDir()
	merged, sarif, md := filepath.Join(dir, "m.json"), filepath.Join(dir, "m.sarif"), filepath.Join(dir, "m.md")
	res := run(t, nil, "merge", sa, sb, "-o", "json="+merged, "-o", "sarif="+sarif, "-o", "markdown="+md)
	if res.code != ExitOK || res.out != "" {
		t.Fatalf("merge: exit %d, stdout %q, stderr %s", res.code, res.out, res.err)
	}
	m := readReport(t, merged)
	want, got := findingKeys(both), findingKeys(m)
	if len(want) == 0 {
		t.Fatal("the scan of both trees has no findings")
	}
	for fp, v := range want {
		if _, ok := got[fp]; !ok {
			t.Errorf("merge lost %s", v)
		}
	}
	for fp, v := range got {
		if _, ok := want[fp]; !ok {
			t.Errorf("merge reports %s, which the scan of both does not", v)
		}
	}
	if len(m.Findings) != len(got) {
		t.Errorf("%d findings for %d fingerprints", len(m.Findings), len(got))
	}
	wc, gc := credentialLocations(both), credentialLocations(m)
	for id, locs := range wc {
		if !slices.Equal(gc[id], locs) {
			t.Errorf("credential %s: locations %v, want %v", id, gc[id], locs)
		}
	}
	for id := range gc {
		if _, ok := wc[id]; !ok {
			t.Errorf("merge has credential %s, which the scan of both does not", id)
		}
	}
	var sharedCred *inventory.Credential
	for i, c := range m.Inventory.Credentials {
		srcs := map[string]bool{}
		for _, l := range c.Locations {
			srcs[l.Source] = true
		}
		if len(srcs) == 2 {
			sharedCred = &m.Inventory.Credentials[i]
		}
	}
	if sharedCred == nil {
		t.Fatal("the value both shards hold is not one credential with a location in each")
	}
	if len(m.Inventory.Sources) != 2 || len(m.Scan.Targets) != 2 || m.Summary.Credentials != len(both.Inventory.Credentials) {
		t.Errorf("sources %+v, targets %+v, %d credentials", m.Inventory.Sources, m.Scan.Targets, m.Summary.Credentials)
	}
	if len(m.Coverage) != len(both.Coverage) || m.Scan.Status != report.StatusComplete {
		t.Errorf("coverage %d entries (one scan: %d), status %s", len(m.Coverage), len(both.Coverage), m.Scan.Status)
	}
	ra, rb := readReport(t, sa), readReport(t, sb)
	if !m.Scan.StartedAt.Equal(minTime(ra, rb)) || m.Scan.FinishedAt.Before(rb.Scan.FinishedAt) || m.Scan.FinishedAt.Before(ra.Scan.FinishedAt) {
		t.Errorf("merged times %v–%v", m.Scan.StartedAt, m.Scan.FinishedAt)
	}
	validateReportSchema(t, merged)
	data, err := os.ReadFile(sarif)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range sariftest.CheckGitHub(data) {
		t.Errorf("SARIF: %v", e)
	}
	if err := sariftest.ValidateEmbedded(data); err != nil {
		t.Errorf("SARIF against go-sarif's schema: %v", err)
	}
	for name, out := range map[string]string{"json": mustRead(t, merged), "sarif": string(data), "markdown": mustRead(t, md)} {
		if strings.Contains(out, shared) || strings.Contains(out, shared[4:len(shared)-4]) {
			t.Errorf("%s output holds the shared value", name)
		}
	}
	// Merging is idempotent on findings and credentials: a shard merged
	// with itself and with the merged report changes nothing.
	again := filepath.Join(dir, "again.json")
	if res := run(t, nil, "merge", merged, sa, sa, "-o", "json="+again); res.code != ExitOK {
		t.Fatalf("merge again: exit %d: %s", res.code, res.err)
	}
	m2 := readReport(t, again)
	if len(m2.Findings) != len(m.Findings) || len(m2.Inventory.Credentials) != len(m.Inventory.Credentials) {
		t.Errorf("merging again: %d findings, %d credentials; want %d, %d", len(m2.Findings), len(m2.Inventory.Credentials), len(m.Findings), len(m.Inventory.Credentials))
	}
}

// reportSchemaPath is the JSON Schema of the JSON report.
const reportSchemaPath = "../../docs/schema/report.v2.json"

// compileReportSchema compiles docs/schema/report.v2.json, with formats
// (date-time) asserted.
func compileReportSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(reportSchemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("report.v2.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("report.v2.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// validateReportSchema checks a JSON report against docs/schema/report.v2.json.
func validateReportSchema(t *testing.T, path string) {
	t.Helper()
	sch := compileReportSchema(t)
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(mustRead(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("the merged report does not match the schema: %v", err)
	}
}

func minTime(rs ...*report.Report) (out time.Time) {
	for _, r := range rs {
		if out.IsZero() || r.Scan.StartedAt.Before(out) {
			out = r.Scan.StartedAt
		}
	}
	return out
}

// TestMergeKeepsSuppressedSuppressed merges a report in which an ignore
// suppresses a finding with one of the same tree without the ignore: the
// finding stays suppressed, once, with its suppression.
func TestMergeKeepsSuppressedSuppressed(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, ".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n")
	cfg := filepath.Join(t.TempDir(), "cfg.yml")
	mustWrite(t, cfg, "version: 1\nignores:\n  - rule: AR-CI-001\n    reason: accepted\n    owner: \"@platform\"\n    expires: 2099-01-01\n")
	plain, ignored := scanTo(t, root), scanTo(t, root, "--config", cfg)
	if len(readReport(t, ignored).Suppressed) == 0 {
		t.Fatal("the ignore suppressed nothing")
	}
	out := filepath.Join(t.TempDir(), "m.json")
	if res := run(t, nil, "merge", plain, ignored, "-o", "json="+out); res.code != ExitOK {
		t.Fatalf("merge: exit %d: %s", res.code, res.err)
	}
	m := readReport(t, out)
	for _, s := range m.Suppressed {
		if s.Suppression == nil || s.Suppression.Owner != "@platform" {
			t.Errorf("suppressed without its suppression: %+v", s)
		}
		for _, f := range m.Findings {
			if f.Fingerprint == s.Fingerprint {
				t.Errorf("%s is both open and suppressed", f.RuleID)
			}
		}
	}
	if len(m.Suppressed) != len(readReport(t, ignored).Suppressed) {
		t.Errorf("suppressed = %d, want %d", len(m.Suppressed), len(readReport(t, ignored).Suppressed))
	}
}

// TestMergeRefuses checks that what is not a report of this version, or
// cannot be read, stops the merge with one clear line and exit 2.
func TestMergeRefuses(t *testing.T) {
	t.Parallel()
	a, _, _ := shardTrees(t)
	good := scanTo(t, a)
	dir := t.TempDir()
	var doc map[string]any
	if err := json.Unmarshal([]byte(mustRead(t, good)), &doc); err != nil {
		t.Fatal(err)
	}
	doc["schema_version"] = 1
	v1, _ := json.Marshal(doc)
	mustWrite(t, filepath.Join(dir, "v1.json"), string(v1))
	sarif := filepath.Join(dir, "r.sarif")
	if res := run(t, nil, "scan", a, "-q", "-o", "sarif="+sarif); res.code != ExitOK {
		t.Fatalf("scan: exit %d: %s", res.code, res.err)
	}
	mustWrite(t, filepath.Join(dir, "other.json"), `{"name": "some-package", "version": "1.0.0"}`)
	out := filepath.Join(dir, "m.json")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"version 1", []string{good, filepath.Join(dir, "v1.json")}, "schema version 1, want 2"},
		{"other JSON", []string{filepath.Join(dir, "other.json"), good}, "not an agentreach JSON report"},
		{"SARIF", []string{good, sarif}, "not an agentreach JSON report"},
		{"missing", []string{good, filepath.Join(dir, "nope.json")}, "no such file"},
		{"directory", []string{dir}, "is a directory"},
		{"nothing", nil, "name at least one JSON report"},
	} {
		res := run(t, nil, append(append([]string{"merge"}, tc.args...), "-o", "json="+out)...)
		lines := strings.Split(strings.TrimSpace(res.err), "\n")
		if res.code != ExitUsage || len(lines) != 1 || !strings.HasPrefix(lines[0], "agentreach: ") || !strings.Contains(lines[0], tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and one line with %q", tc.name, res.code, res.err, tc.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: a report was written", tc.name)
		}
	}
}

// TestMergeFailOn gates the exit code of a merge as scan does: on the
// merged findings, and 3 for an incomplete shard unless --allow-partial.
func TestMergeFailOn(t *testing.T) {
	t.Parallel()
	a, b, _ := shardTrees(t)
	sa, sb := scanTo(t, a), scanTo(t, b)
	bad := t.TempDir()
	writeFile(t, bad, ".github/workflows/bad.yml", "on: [push\njobs:\n")
	partial := scanTo(t, bad)
	highest := readReport(t, sa).Highest()
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"none", []string{sa, sb, "--fail-on", "none"}, ExitOK},
		{"low", []string{sa, sb, "--fail-on", "low"}, ExitFindings},
		{"highest", []string{sa, sb, "--fail-on", string(highest)}, ExitFindings},
		{"default", []string{sa, sb}, ExitOK},
		{"bad fail-on", []string{sa, sb, "--fail-on", "severe"}, ExitUsage},
		{"partial shard", []string{sa, partial}, ExitIncomplete},
		{"partial shard allowed", []string{sa, partial, "--allow-partial"}, ExitOK},
		{"partial shard allowed, fail on low", []string{sa, partial, "--allow-partial", "--fail-on", "low"}, ExitFindings},
	} {
		res := run(t, nil, append([]string{"merge", "-q"}, tc.args...)...)
		if res.code != tc.code {
			t.Errorf("%s: exit %d, want %d; stderr %s", tc.name, res.code, tc.code, res.err)
		}
	}
	// The table goes to stdout by default, as for scan.
	if res := run(t, nil, "merge", sa, sb); res.code != ExitOK || !strings.Contains(res.out, "AR-") {
		t.Errorf("merge without -o: exit %d, stdout %q", res.code, res.out)
	}
}

// TestReadmeMergeExample runs the README's merge example on two shard
// trees: each command as written, with the trees and files in temporary
// directories.
func TestReadmeMergeExample(t *testing.T) {
	t.Parallel()
	readme := mustRead(t, "../../README.md")
	i := strings.Index(readme, "agentreach scan ./service-a")
	if i < 0 {
		t.Fatal("the README has no merge example")
	}
	block := readme[i:]
	block = block[:strings.Index(block, "```")]
	a, b, _ := shardTrees(t)
	dir := t.TempDir()
	var merged bool
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		args := strings.Fields(line)[1:]
		for j, arg := range args {
			switch {
			case arg == "./service-a":
				args[j] = a
			case arg == "./service-b":
				args[j] = b
			case strings.HasSuffix(arg, ".json") && !strings.Contains(arg, "="):
				args[j] = filepath.Join(dir, arg)
			case strings.Contains(arg, "="):
				f, file, _ := strings.Cut(arg, "=")
				args[j] = f + "=" + filepath.Join(dir, file)
			}
		}
		res := run(t, nil, args...)
		if args[0] == "merge" {
			merged = true
			// --fail-on high: the commenter-startable coding agent of a is
			// at least high.
			if res.code != ExitFindings {
				t.Errorf("%s: exit %d, want 1; stderr %s", line, res.code, res.err)
			}
			for _, f := range []string{"merged.json", "merged.sarif", "summary.md"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("%s: %v", line, err)
				}
			}
			continue
		}
		if res.code != ExitOK {
			t.Errorf("%s: exit %d; stderr %s", line, res.code, res.err)
		}
	}
	if !merged {
		t.Error("the README example merges nothing")
	}
}

// TestSARIFOverflowSaidOnStderr: a merged report over GitHub's
// results-per-run limit still uploads (the run is cut to the limit, highest
// severity first) and the cut is said on stderr, never silent.
func TestSARIFOverflowSaidOnStderr(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds a report of 25,003 findings (about 20 s under -race); CI runs it")
	}
	root := t.TempDir()
	writeFile(t, root, ".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n")
	r := readReport(t, scanTo(t, root))
	if len(r.Findings) == 0 {
		t.Fatal("the tree gave no finding to multiply")
	}
	base := r.Findings[0]
	r.Findings = r.Findings[:0]
	for i := range report.MaxSARIFResults + 3 {
		f := base
		f.Subject = fmt.Sprintf("%s#%d", base.Subject, i)
		f.Fingerprint = inventory.Fingerprint(f.RuleID, f.Subject)
		r.Findings = append(r.Findings, f)
	}
	r.Finalize()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(t.TempDir(), "big.json")
	mustWrite(t, big, string(data))
	out := filepath.Join(t.TempDir(), "big.sarif")
	res := run(t, nil, "merge", big, "-o", "sarif="+out)
	if res.code != ExitOK {
		t.Fatalf("merge: exit %d: %s", res.code, res.err)
	}
	if want := "SARIF run agentreach/files/: 3 lower-severity results left out"; !strings.Contains(res.err, want) {
		t.Errorf("stderr lacks %q:\n%s", want, res.err)
	}
	var doc struct {
		Runs []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(mustRead(t, out)), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) == 0 || len(doc.Runs[0].Results) != report.MaxSARIFResults {
		t.Errorf("runs = %d, results = %d; want %d results", len(doc.Runs), len(doc.Runs[0].Results), report.MaxSARIFResults)
	}
}
