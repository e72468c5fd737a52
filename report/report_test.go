package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/agentreach/agentreach/internal/golden"
	"github.com/agentreach/agentreach/internal/sariftest"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/rules"
)

// sample builds a deterministic report through the real rules.
func sample(t *testing.T) *Report {
	t.Helper()
	inv := &inventory.Inventory{
		Credentials: []inventory.Credential{{
			ID: "embedded:00112233aabbccdd", Kind: inventory.KindEmbeddedKey, Platform: "github", Type: "github-classic-pat",
			Name: "GitHub classic personal access token", Redacted: "ghp_…Wxyz", Lifetime: inventory.LifetimeStatic,
			Reach: inventory.ReachSourceControl, ValueHMAC: "00112233aabbccdd" + strings.Repeat("0", 48),
			Locations: []inventory.Location{{Root: ".", Path: "scripts/deploy.sh", Line: 4, Column: 17, Git: inventory.GitTracked},
				{Root: ".", Path: "tests/deploy_test.sh", Line: 9, Column: 5, Git: inventory.GitTracked}},
		}, {
			ID: "embedded:44556677eeff0011", Kind: inventory.KindEmbeddedKey, Platform: "github", Type: "github-classic-pat",
			Name: "GitHub classic personal access token", Redacted: "ghp_…Abcd", Lifetime: inventory.LifetimeStatic,
			Reach: inventory.ReachSourceControl, ValueHMAC: "44556677eeff0011" + strings.Repeat("0", 48),
			Locations: []inventory.Location{{Root: ".", Path: "=cmd|' -C calc'!A0", Line: 1, Git: inventory.GitUntracked}},
		}},
		Workflows: []inventory.Workflow{{
			Platform: "github", Path: ".github/workflows/triage.yml", Root: ".",
			Triggers: []inventory.Trigger{{Event: "issue_comment", Location: inventory.Location{Path: ".github/workflows/triage.yml", Line: 3}}},
			Jobs:     []inventory.Job{{ID: "triage", Location: inventory.Location{Root: ".", Path: ".github/workflows/triage.yml", Line: 6, Column: 3}}},
		}},
	}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	findings, notes := rules.Evaluate(rules.All(), rules.Input{Inventory: inv, Now: now})
	open, suppressed := rules.ApplyIgnores(findings, []rules.Ignore{{Path: "=cmd*", Reason: "test | pipe", Owner: "@sec"}}, now)
	r := &Report{
		Tool: Tool{Name: "agentreach", Version: "1.2.3", InformationURI: "https://github.com/agentreach/agentreach"},
		Scan: Scan{Targets: []Target{{Kind: "local", Name: "."}}, StartedAt: now, FinishedAt: now.Add(time.Second), Category: "agentreach/files/"},
		Coverage: []inventory.Coverage{
			{Source: "local", Target: ".", Status: inventory.CoverageComplete, Reason: "12 files read", Count: 12},
			{Source: "local", Target: ".", Path: "secret.key", Status: inventory.CoveragePartial, Reason: "unreadable: open: permission denied"},
		},
		NotEvaluable: notes,
		Findings:     open,
		Suppressed:   suppressed,
		Inventory:    inv,
		Rules:        referencedRules(open),
	}
	r.Finalize()
	return r
}

// referencedRules are the catalog rules that findings refer to. The sample
// carries only these, so that its SARIF golden holds their metadata alone and
// editing another rule's text does not rewrite it. (The scan hands the writer
// the whole catalog, which GitHub accepts: it asks only that every result's
// ruleId be among tool.driver.rules.)
func referencedRules(fs []inventory.Finding) []*rules.Rule {
	var out []*rules.Rule
	for _, r := range rules.All() {
		if slices.ContainsFunc(fs, func(f inventory.Finding) bool { return f.RuleID == r.ID }) {
			out = append(out, r)
		}
	}
	return out
}

func render(t *testing.T, f Format, o Options, r *Report) []byte {
	t.Helper()
	rp, err := New(f, o)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rp.Write(context.Background(), &b, r); err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	return b.Bytes()
}

func TestGoldens(t *testing.T) {
	t.Parallel()
	r := sample(t)
	if len(r.Findings) != 2 || len(r.Suppressed) != 1 {
		t.Fatalf("sample: %d findings, %d suppressed", len(r.Findings), len(r.Suppressed))
	}
	for _, f := range Formats() {
		golden.Check(t, string(f)+".golden", render(t, f, Options{}, r))
	}
	golden.Check(t, "table-color.golden", render(t, FormatTable, Options{Color: true}, r))
}

// TestSARIFMatchesOASIS checks the SARIF of every sample report against the
// OASIS schema in ../shared; on a fresh clone it is skipped, saying so.
func TestSARIFMatchesOASIS(t *testing.T) {
	t.Parallel()
	for name, r := range map[string]*Report{"findings": sample(t), "empty": emptyReport(), "typed facts": factsReport(), "interrupted": interruptedReport(t)} {
		t.Run(name, func(t *testing.T) {
			sariftest.OASIS(t, render(t, FormatSARIF, Options{}, r))
		})
	}
}

func TestSARIFUploadReady(t *testing.T) {
	t.Parallel()
	for name, r := range map[string]*Report{"findings": sample(t), "empty": emptyReport(), "typed facts": factsReport(), "interrupted": interruptedReport(t)} {
		data := render(t, FormatSARIF, Options{}, r)
		for _, err := range sariftest.CheckGitHub(data) {
			t.Errorf("%s: GitHub check: %v", name, err)
		}
		if err := sariftest.ValidateEmbedded(data); err != nil {
			t.Errorf("%s: go-sarif's schema: %v", name, err)
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		run := doc["runs"].([]any)[0].(map[string]any)
		if _, ok := run["results"].([]any); !ok {
			t.Errorf("%s: no results array", name)
		}
		if run["automationDetails"].(map[string]any)["id"] != "agentreach/files/" {
			t.Errorf("%s: automationDetails = %v", name, run["automationDetails"])
		}
	}
}

func TestSARIFFingerprintsAndSuppressed(t *testing.T) {
	t.Parallel()
	r := sample(t)
	data := string(render(t, FormatSARIF, Options{}, r))
	for _, f := range r.Findings {
		if !strings.Contains(data, `"primaryLocationLineHash": "`+f.Fingerprint+`"`) {
			t.Errorf("fingerprint of %s missing", f.RuleID)
		}
	}
	if strings.Contains(data, `calc`) {
		t.Error("suppressed finding in SARIF")
	}
	// Moving a finding to another line keeps its fingerprint.
	moved := sample(t)
	moved.Inventory.Workflows[0].Jobs[0].Location.Line = 60
	if a, b := r.Findings, moved.Findings; a[0].Fingerprint != b[0].Fingerprint || a[1].Fingerprint != b[1].Fingerprint {
		t.Error("fingerprint depends on the line")
	}
}

func TestSARIFInvalidFindingRejected(t *testing.T) {
	t.Parallel()
	r := sample(t)
	r.Findings[0].RuleID = "AR-XX-999"
	if _, err := New(FormatSARIF, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := (SARIF{}).Write(context.Background(), &bytes.Buffer{}, r); err == nil {
		t.Error("finding of an unknown rule accepted")
	}
}

func emptyReport() *Report {
	r := &Report{
		Tool:  Tool{Name: "agentreach", Version: "1.2.3", InformationURI: "https://github.com/agentreach/agentreach"},
		Scan:  Scan{Targets: []Target{{Kind: "local", Name: "."}}, Category: "agentreach/files/"},
		Rules: rules.All(),
	}
	r.Finalize()
	return r
}

// factsReport is a report whose inventory holds every kind of typed fact
// that scanners record on agents and credentials.
func factsReport() *Report {
	r := emptyReport()
	at := inventory.Location{Root: ".", Path: ".mcp.json", Line: 3, Git: inventory.GitTracked}
	r.Inventory = &inventory.Inventory{
		Sources: []inventory.Source{}, Principals: []inventory.Principal{}, Reaches: []inventory.Reach{}, Workflows: []inventory.Workflow{},
		Agents: []inventory.Agent{
			{ID: "mcp-server:.mcp.json#fs", Kind: inventory.AgentMCPServer, Name: "fs", Location: at, MCP: &inventory.MCPServerFacts{
				Client: "claude-code", Transport: "stdio", Command: "npx", Package: "@x/server", Launcher: "npm", Unpinned: true,
				Toolsets: []string{"repos"}, Reach: inventory.ReachFilesystem, Roots: []string{"/"}, BroadPaths: []string{"/"},
				AutoTrustedBy: ".claude/settings.json"}},
			{ID: "agent-profile:.claude/settings.json", Kind: inventory.AgentProfile, Name: ".claude/settings.json", Location: at,
				Profile: &inventory.ProfileFacts{Client: "claude-code", BypassLine: 3, BroadPaths: []string{"~"}, BroadLine: 4,
					AutoTrustAll: true, AutoTrusted: []string{"fs"}, AutoTrustLine: 5, ProjectMCP: ".mcp.json",
					ProjectMCPGit: inventory.GitTracked, Codeowners: "absent", GuardDeny: true, ReadOnly: true, Hooks: 2},
				Attributes: map[string]string{"shell_env": "all variables, secrets included"}},
			{ID: "workflow:ci.yml#build", Kind: inventory.AgentCICodingJob, Name: "build", Location: at, CI: &inventory.CIJobFacts{
				Workflow: ".github/workflows/ci.yml", Job: "build", PermissionsSource: "workflow", Products: []string{"claude-code", "codex"},
				SelfHosted: true, Environment: "prod", CopilotSetupSteps: true}},
		},
		Credentials: []inventory.Credential{{ID: "github-oidc:ci.yml#build", Kind: inventory.KindOIDC, Platform: "github",
			Store: "gh-cli", ConfigKey: "GITHUB_TOKEN", AgentAPIKey: true, UnmaskedInput: true,
			Feeds: []string{"aws-actions/configure-aws-credentials"}, Audience: []string{"sts.amazonaws.com"},
			Attributes: map[string]string{"permissions_source": "job"}}},
	}
	return r
}

func TestJSONMatchesSchema(t *testing.T) {
	t.Parallel()
	f, err := os.Open("../docs/schema/report.v2.json")
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
	for name, r := range map[string]*Report{"findings": sample(t), "empty": emptyReport(), "out of scope": outOfScopeReport(t, 2), "typed facts": factsReport(), "interrupted": interruptedReport(t)} {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(render(t, FormatJSON, Options{}, r)))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// The schema is not vacuous: a report without findings[].rule_id fails.
	bad := `{"schema_version":2,"tool":{"name":"a","version":"1","information_uri":"x"},"scan":{"targets":[],"started_at":"2026-01-01T00:00:00Z","finished_at":"2026-01-01T00:00:00Z","status":"complete","category":"c"},"summary":{},"coverage":[],"not_evaluable":[],"findings":[{"severity":"high"}],"suppressed":[],"inventory":{}}`
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if sch.Validate(inst) == nil {
		t.Error("schema accepted a finding without rule_id")
	}
	// Nor does a version 2 report carry a plain hash of a value.
	plain := strings.Replace(strings.Replace(bad, `{"severity":"high"}`, "", 1), `"inventory":{}`,
		`"inventory":{"credentials":[{"id":"embedded:0","kind":"embedded-key","platform":"github","sha256":"`+strings.Repeat("0", 64)+`"}]}`, 1)
	inst, _ = jsonschema.UnmarshalJSON(strings.NewReader(plain))
	if err := sch.Validate(inst); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Errorf("schema accepted a credential with sha256: %v", err)
	}
	// Typed facts are typed: a line as a string fails.
	bad = strings.Replace(string(render(t, FormatJSON, Options{}, factsReport())), `"bypass_line": 3`, `"bypass_line": "3"`, 1)
	inst, _ = jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if sch.Validate(inst) == nil {
		t.Error("schema accepted a line given as a string")
	}
}

func TestCSVGuardsFormulas(t *testing.T) {
	t.Parallel()
	r := sample(t)
	r.Findings[0].Subject = "=HYPERLINK(\"http://x\")"
	r.Findings[0].Message = "+1 -2 @3"
	rows, err := csv.NewReader(bytes.NewReader(render(t, FormatCSV, Options{}, r))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(CSVHeader, ",") || len(rows) != 3 {
		t.Fatalf("rows = %v", rows)
	}
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("unguarded cell %q", cell)
			}
		}
	}
	empty := render(t, FormatCSV, Options{}, emptyReport())
	if got := strings.TrimSpace(string(empty)); got != strings.Join(CSVHeader, ",") {
		t.Errorf("empty CSV = %q", got)
	}
}

func TestMarkdownEscapesAndTruncates(t *testing.T) {
	t.Parallel()
	r := sample(t)
	r.Findings[0].Message = "a | b <script>alert(1)</script>\n# heading `x`"
	out := string(render(t, FormatMarkdown, Options{}, r))
	if strings.Contains(out, "<script>") || strings.Contains(out, "a | b") || strings.Contains(out, "\n# heading") {
		t.Errorf("unescaped markdown:\n%s", out)
	}
	big := sample(t)
	base := big.Findings[0]
	big.Findings = nil
	for i := range 5000 {
		f := base
		f.Subject = strings.Repeat("s", i%7)
		f.Message = strings.Repeat("long message ", 20)
		big.Findings = append(big.Findings, f)
	}
	big.Finalize()
	var b bytes.Buffer
	if err := (Markdown{Limit: 64 << 10}).Write(context.Background(), &b, big); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 64<<10 {
		t.Errorf("markdown is %d bytes, over the limit", b.Len())
	}
	if !strings.Contains(b.String(), "more findings not shown (lower severity)") {
		t.Error("truncation not announced")
	}
	if !strings.Contains(out, "partial") {
		t.Error("partial scan not announced")
	}
}

func TestTableColor(t *testing.T) {
	t.Parallel()
	r := sample(t)
	plain := render(t, FormatTable, Options{}, r)
	if bytes.Contains(plain, []byte("\x1b[")) {
		t.Error("colour without Color")
	}
	if !bytes.Contains(render(t, FormatTable, Options{Color: true}, r), []byte("\x1b[")) {
		t.Error("no colour with Color")
	}
}

func TestGitLabCodeQuality(t *testing.T) {
	t.Parallel()
	var items []map[string]any
	if err := json.Unmarshal(render(t, FormatGitLab, Options{}, sample(t)), &items); err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 {
		t.Fatalf("items = %d", len(items))
	}
	for _, it := range items {
		for _, k := range []string{"description", "check_name", "fingerprint", "severity", "location"} {
			if it[k] == nil || it[k] == "" {
				t.Errorf("missing %s: %v", k, it)
			}
		}
		begin := it["location"].(map[string]any)["lines"].(map[string]any)["begin"].(float64)
		if begin < 1 {
			t.Errorf("lines.begin = %v", begin)
		}
	}
	if got := strings.TrimSpace(string(render(t, FormatGitLab, Options{}, emptyReport()))); got != "[]" {
		t.Errorf("empty gitlab = %q", got)
	}
}

func TestFormatRegistry(t *testing.T) {
	t.Parallel()
	for _, f := range Formats() {
		if _, err := ParseFormat(strings.ToUpper(string(f))); err != nil {
			t.Error(err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), "sarif") {
		t.Errorf("unknown format error = %v", err)
	}
	if _, err := New("xml", Options{}); err == nil {
		t.Error("New accepted an unknown format")
	}
}

func TestBaseline(t *testing.T) {
	t.Parallel()
	prev := sample(t)
	cur := sample(t)
	gone := prev.Findings[0]
	cur.Findings = cur.Findings[1:]
	extra := gone
	extra.Subject, extra.Fingerprint = "file:new", inventory.Fingerprint(gone.RuleID, "file:new")
	cur.Findings = append(cur.Findings, extra)
	var b bytes.Buffer
	if err := (JSON{}).Write(context.Background(), &b, prev); err != nil {
		t.Fatal(err)
	}
	back, err := ReadBaseline(&b)
	if err != nil {
		t.Fatal(err)
	}
	cur.ApplyBaseline(back)
	cur.Finalize()
	if cur.Findings[0].Baseline != inventory.BaselineUnchanged || cur.Findings[1].Baseline != inventory.BaselineNew {
		t.Errorf("baseline states: %s %s", cur.Findings[0].Baseline, cur.Findings[1].Baseline)
	}
	if len(cur.Resolved) != 1 || cur.Resolved[0].Fingerprint != gone.Fingerprint || cur.Summary.New != 1 || cur.Summary.Resolved != 1 {
		t.Errorf("resolved = %+v summary = %+v", cur.Resolved, cur.Summary)
	}
	if _, err := ReadBaseline(strings.NewReader(`{"schema_version": 99}`)); err == nil {
		t.Error("wrong schema version accepted")
	}
	if _, err := ReadBaseline(strings.NewReader(`{"schema_version": 1}`)); err == nil || !strings.Contains(err.Error(), "write a new baseline") {
		t.Errorf("a version 1 baseline: %v", err)
	}
	if _, err := ReadBaseline(strings.NewReader(`not json`)); err == nil {
		t.Error("garbage accepted")
	}
}

func TestDisplayPathMultiRoot(t *testing.T) {
	t.Parallel()
	r := &Report{Scan: Scan{Targets: []Target{{Kind: "local", Name: "a"}, {Kind: "local", Name: "./b/"}}}}
	if got := r.DisplayPath(inventory.Location{Root: "./b/", Path: "x.yml"}); got != "b/x.yml" {
		t.Errorf("got %q", got)
	}
	r.Scan.Targets = r.Scan.Targets[:1]
	if got := r.DisplayPath(inventory.Location{Root: "a", Path: "x.yml"}); got != "x.yml" {
		t.Errorf("single root: %q", got)
	}
	if got := URI("dir with space/ä.yml"); got != "dir%20with%20space/%C3%A4.yml" {
		t.Errorf("URI = %q", got)
	}
}

func interruptedReport(t *testing.T) *Report {
	r := sample(t)
	r.Scan.Interrupted = true
	r.Finalize()
	return r
}

// TestInterruptedShown: an interrupted scan says so in JSON, table and
// Markdown, and its status is partial.
func TestInterruptedShown(t *testing.T) {
	t.Parallel()
	r := interruptedReport(t)
	if r.Scan.Status != StatusPartial {
		t.Errorf("status %s", r.Scan.Status)
	}
	for f, want := range map[Format]string{FormatJSON: `"interrupted": true`, FormatTable: "INTERRUPTED", FormatMarkdown: "**interrupted**"} {
		if out := string(render(t, f, Options{}, r)); !strings.Contains(out, want) {
			t.Errorf("%s lacks %q", f, want)
		}
	}
}

// TestSARIFRelatedLocations: one value in many places is one result whose
// other places are relatedLocations, capped, each with an id and a message.
func TestSARIFRelatedLocations(t *testing.T) {
	t.Parallel()
	r := emptyReport()
	var locs []inventory.Location
	for i := range 30 {
		locs = append(locs, inventory.Location{Root: ".", Path: fmt.Sprintf("vendor/vectors/v%02d.json", i), Line: i + 1,
			Git: inventory.GitHistory, Commit: fmt.Sprintf("%040x", i)})
	}
	r.Inventory = &inventory.Inventory{Credentials: []inventory.Credential{{
		ID: "embedded:8899aabbccddeeff", Kind: inventory.KindEmbeddedKey, Platform: "crypto", Type: "private-key-rsa",
		Name: "Unencrypted RSA private key (PEM)", Redacted: pemHeader + "…AB==", Lifetime: inventory.LifetimeStatic,
		Reach: inventory.ReachCrypto, Locations: locs,
	}}}
	r.Findings, r.NotEvaluable = rules.Evaluate(rules.All(), rules.Input{Inventory: r.Inventory})
	r.Finalize()
	var sc []inventory.Finding
	for _, f := range r.Findings {
		if f.RuleID == "AR-SC-001" {
			sc = append(sc, f)
		}
	}
	if len(sc) != 1 || len(sc[0].Related) != 29 {
		t.Fatalf("AR-SC-001 findings: %+v", sc)
	}
	data := render(t, FormatSARIF, Options{}, r)
	for _, err := range sariftest.CheckGitHub(data) {
		t.Errorf("GitHub check: %v", err)
	}
	var doc struct {
		Runs []struct {
			Results []struct {
				RuleID  string `json:"ruleId"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
				RelatedLocations []struct {
					ID      int `json:"id"`
					Message struct {
						Text string `json:"text"`
					} `json:"message"`
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"relatedLocations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, run := range doc.Runs { // the value lies in history: its run is agentreach/history/
		for _, res := range run.Results {
			if res.RuleID != "AR-SC-001" {
				continue
			}
			seen++
			if !strings.Contains(res.Message.Text, "Other places: [vendor/vectors/v01.json line 2](1),") || !strings.Contains(res.Message.Text, "and 9 more.") {
				t.Errorf("message does not link the related locations: %s", res.Message.Text)
			}
			rel := res.RelatedLocations
			if len(rel) != inventory.MaxRelatedShown || rel[0].ID != 1 || rel[0].PhysicalLocation.ArtifactLocation.URI != "vendor/vectors/v01.json" ||
				!strings.Contains(rel[0].Message.Text, "commit 000000000000") {
				t.Errorf("related locations: %+v", rel)
			}
		}
	}
	if seen != 1 {
		t.Errorf("%d AR-SC-001 results in the SARIF, want 1", seen)
	}
	if data := render(t, FormatJSON, Options{}, r); !strings.Contains(string(data), "vendor/vectors/v29.json") {
		t.Error("the JSON finding does not list every place")
	}
}

// TestMarkdownListsAcceptedRisks: a suppression is an accepted risk with an
// owner and an expiry, listed as such, never as silence.
func TestMarkdownListsAcceptedRisks(t *testing.T) {
	t.Parallel()
	r := sample(t)
	accepted := r.Findings[0]
	accepted.Message = "accepted | risk"
	accepted.Suppression = &inventory.Suppression{Reason: "vendor test key <b>", Owner: "team-sec",
		Expires: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC), Match: "rule " + accepted.RuleID}
	forever := r.Findings[1]
	forever.Suppression = &inventory.Suppression{Reason: "fixture", Match: "path fixtures/**"}
	r.Suppressed = []inventory.Finding{accepted, forever}
	r.Finalize()
	out := string(render(t, FormatMarkdown, Options{}, r))
	_, section, ok := strings.Cut(out, "### Accepted risks")
	if !ok {
		t.Fatalf("no accepted-risks section:\n%s", out)
	}
	for _, want := range []string{"accepted \\| risk", "vendor test key &lt;b&gt;", "| team-sec | 2027-06-30 |", "| fixture | none | never |"} {
		if !strings.Contains(section, want) {
			t.Errorf("accepted risks lack %q:\n%s", want, section)
		}
	}
	if !strings.Contains(out, "2 suppressed") {
		t.Errorf("summary does not count the suppressed findings:\n%s", out)
	}
	clean := sample(t)
	clean.Suppressed = nil
	clean.Finalize()
	if none := string(render(t, FormatMarkdown, Options{}, clean)); strings.Contains(none, "Accepted risks") {
		t.Error("accepted-risks section without suppressions")
	}
}

// TestSARIFResultsLimit: a run over GitHub's results-per-run limit keeps its
// highest-severity results, says in the run how many it left out, and stays
// a valid upload.
func TestSARIFResultsLimit(t *testing.T) {
	t.Parallel()
	r := sample(t)
	base := r.Findings[0]
	r.Findings = nil
	for i := range 12 {
		f := base
		f.Subject = fmt.Sprintf("subject-%02d", i)
		f.Score = float64(i%10) + 0.5 // unsorted on purpose: a merged report may be
		f.Fingerprint = inventory.Fingerprint(f.RuleID, f.Subject)
		r.Findings = append(r.Findings, f)
	}
	r.Finalize()
	if got := SARIFOverflow(r); got != nil {
		t.Errorf("12 results overflow the real limit: %v", got)
	}
	log, err := buildSARIF(r, 5)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := log.PrettyWrite(&buf); err != nil {
		t.Fatal(err)
	}
	sariftest.OASIS(t, buf.Bytes())
	for _, err := range sariftest.CheckGitHub(buf.Bytes()) {
		t.Errorf("GitHub check: %v", err)
	}
	if got := r.sarifOverflow(5); got["agentreach/files/"] != 7 {
		t.Errorf("overflow = %v, want 7 in agentreach/files/", got)
	}
	run := log.Runs[0]
	if len(run.Results) != 5 {
		t.Fatalf("results = %d, want 5", len(run.Results))
	}
	kept := map[string]bool{}
	for _, res := range run.Results {
		kept[fmt.Sprint(res.Properties.Properties["subject"])] = true
	}
	// Scores 9.5, 8.5, 7.5, 6.5, 5.5 belong to subjects 09, 08, 07, 06, 05.
	for _, s := range []string{"subject-09", "subject-08", "subject-07", "subject-06", "subject-05"} {
		if !kept[s] {
			t.Errorf("highest-severity %s left out; kept %v", s, kept)
		}
	}
	text := buf.String()
	if !strings.Contains(text, "7 lower-severity results left out") || !strings.Contains(text, `"results_omitted": 7`) {
		t.Errorf("truncation not said in the run:\n%s", text)
	}
}

// pemHeader is a PEM private-key header made at run time: the repository
// holds no literal shaped like key material.
var pemHeader = "-----BEGIN RSA " + "PRIVATE KEY-----"
