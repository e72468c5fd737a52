// Package report renders a scan's results. The JSON report is the source of
// truth; every other format is a view of the same Report. One file per
// format, each behind the one Reporter interface.
package report

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/rules"
)

// SchemaVersion is the version of the JSON report (docs/schema/report.v2.json).
// Version 2 scoped ids, subjects and fingerprints by source and replaced the
// plain SHA-256 of embedded values (sha256) by a keyed HMAC (value_hmac).
const SchemaVersion = 2

// Report is everything one scan produced.
type Report struct {
	SchemaVersion int                  `json:"schema_version"`
	Tool          Tool                 `json:"tool"`
	Scan          Scan                 `json:"scan"`
	Summary       Summary              `json:"summary"`
	Coverage      []inventory.Coverage `json:"coverage"`
	NotEvaluable  []rules.NotEvaluable `json:"not_evaluable"`
	Findings      []inventory.Finding  `json:"findings"`
	Suppressed    []inventory.Finding  `json:"suppressed"`
	Resolved      []inventory.Finding  `json:"resolved,omitempty"`
	// Drift is what changed in the inventory since the baseline
	// (--baseline only).
	Drift     *Drift               `json:"drift,omitempty"`
	Inventory *inventory.Inventory `json:"inventory"`

	// Rules is the catalog the findings refer to (for SARIF rule entries).
	Rules []*rules.Rule `json:"-"`
}

// Tool identifies the build that produced the report.
type Tool struct {
	Name           string `json:"name"`
	Version        string `json:"version"`
	Commit         string `json:"commit,omitempty"`
	InformationURI string `json:"information_uri"`
}

// Target is one thing scanned.
type Target struct {
	Kind string `json:"kind"` // local, github-org, gitlab-group
	Name string `json:"name"` // the path or org as given
	URL  string `json:"url,omitempty"`
}

// Scan describes the run.
type Scan struct {
	Targets    []Target  `json:"targets"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	// Status is complete, or partial when a source could not be read fully.
	Status string `json:"status"`
	// Interrupted is true when a signal (SIGINT, SIGTERM) stopped the scan
	// before it read everything: the report holds what was found until
	// then, and the status is partial.
	Interrupted bool `json:"interrupted,omitempty"`
	// Category is the stable SARIF automationDetails.id of this scope.
	Category string `json:"category"`
	Baseline string `json:"baseline,omitempty"`
}

// Summary counts what the report holds.
type Summary struct {
	Findings    map[inventory.Severity]int `json:"findings"`
	Total       int                        `json:"total"`
	Suppressed  int                        `json:"suppressed"`
	New         int                        `json:"new,omitempty"`
	Resolved    int                        `json:"resolved,omitempty"`
	Credentials int                        `json:"credentials"`
	// TestOnly counts the embedded credentials written only in test files
	// that no finding names (credentials[].context is test): AR-SC-001
	// leaves them to the inventory unless scan.test_credentials is report.
	TestOnly   int `json:"test_only_credentials,omitempty"`
	Agents     int `json:"agents"`
	Reaches    int `json:"reaches"`
	Workflows  int `json:"workflows"`
	Incomplete int `json:"incomplete_sources"`
	// OutOfScope counts the references beyond the scan's reach that
	// coverage lists (GitLab template includes, reusable workflows in other
	// repositories, …). They never make a scan partial.
	OutOfScope int `json:"out_of_scope,omitempty"`
}

// Status values of a scan.
const (
	StatusComplete = "complete"
	StatusPartial  = "partial"
)

// Finalize fills the summary and status from the findings and coverage and
// makes nil lists empty, so that every format sees arrays.
func (r *Report) Finalize() {
	r.SchemaVersion = SchemaVersion
	if r.Inventory == nil {
		r.Inventory = &inventory.Inventory{}
	}
	for _, p := range []*[]inventory.Finding{&r.Findings, &r.Suppressed} {
		if *p == nil {
			*p = []inventory.Finding{}
		}
	}
	if r.Coverage == nil {
		r.Coverage = []inventory.Coverage{}
	}
	if r.NotEvaluable == nil {
		r.NotEvaluable = []rules.NotEvaluable{}
	}
	inv := r.Inventory
	if inv.Sources == nil {
		inv.Sources = []inventory.Source{}
	}
	for _, p := range []any{&inv.Principals, &inv.Credentials, &inv.Agents, &inv.Reaches, &inv.Workflows} {
		switch s := p.(type) {
		case *[]inventory.Principal:
			if *s == nil {
				*s = []inventory.Principal{}
			}
		case *[]inventory.Credential:
			if *s == nil {
				*s = []inventory.Credential{}
			}
		case *[]inventory.Agent:
			if *s == nil {
				*s = []inventory.Agent{}
			}
		case *[]inventory.Reach:
			if *s == nil {
				*s = []inventory.Reach{}
			}
		case *[]inventory.Workflow:
			if *s == nil {
				*s = []inventory.Workflow{}
			}
		}
	}
	s := Summary{Findings: map[inventory.Severity]int{}}
	for _, sev := range inventory.Severities {
		s.Findings[sev] = 0
	}
	for _, f := range r.Findings {
		s.Findings[f.Severity]++
		if f.Baseline == inventory.BaselineNew {
			s.New++
		}
	}
	s.Total = len(r.Findings)
	s.Suppressed = len(r.Suppressed)
	s.Resolved = len(r.Resolved)
	s.Credentials = len(inv.Credentials)
	s.TestOnly = r.testOnlyCredentials()
	s.Agents = len(inv.Agents)
	s.Reaches = len(inv.Reaches)
	s.Workflows = len(inv.Workflows)
	for _, c := range r.Coverage {
		switch {
		case c.Incomplete():
			s.Incomplete++
		case c.OutOfScope():
			s.OutOfScope += max(c.Count, 1)
		}
	}
	r.Summary = s
	r.Scan.Status = StatusComplete
	if s.Incomplete > 0 || r.Scan.Interrupted {
		r.Scan.Status = StatusPartial
	}
}

// testOnlyCredentials counts the embedded credentials written only in test
// files that no finding, open or suppressed, names — values public by
// design or made up are not counted: the inventory gives their own reason.
func (r *Report) testOnlyCredentials() int {
	named := map[string]bool{}
	for _, fs := range [][]inventory.Finding{r.Findings, r.Suppressed} {
		for _, f := range fs {
			named[f.Credential] = true
		}
	}
	n := 0
	for _, c := range r.Inventory.Credentials {
		if c.Context == inventory.ContextTest && c.Public == "" && c.Synthetic == "" && !named[c.ID] {
			n++
		}
	}
	return n
}

// inventoryCredentials renders the credential count of the summary line:
// "11 credentials (9 only in test files, not reported)".
func (s Summary) inventoryCredentials() string {
	out := plural(s.Credentials, "credential", "credentials")
	if s.TestOnly > 0 {
		out += fmt.Sprintf(" (%d only in test files, not reported)", s.TestOnly)
	}
	return out
}

// Highest returns the most severe open finding's severity, or "" when none.
func (r *Report) Highest() inventory.Severity {
	var best inventory.Severity
	for _, f := range r.Findings {
		if f.Severity.Rank() > best.Rank() {
			best = f.Severity
		}
	}
	return best
}

// HighestNew returns the most severe open finding's severity among those
// new since the baseline, or "" when none (or no baseline was applied).
func (r *Report) HighestNew() inventory.Severity {
	var best inventory.Severity
	for _, f := range r.Findings {
		if f.Baseline == inventory.BaselineNew && f.Severity.Rank() > best.Rank() {
			best = f.Severity
		}
	}
	return best
}

// Problems lists the coverage entries that say data is missing, without
// the per-source entries that only sum the others up, and counts the
// problems they stand for (an aggregated entry stands for Count files).
func (r *Report) Problems() ([]inventory.Coverage, int) {
	var out []inventory.Coverage
	n := 0
	for _, c := range r.Coverage {
		if c.Incomplete() && !sourceSummary(c) {
			out = append(out, c)
			n += max(c.Count, 1)
		}
	}
	return out, n
}

// sourceSummary reports the entry that sums a source up when it has
// problems ("12 files read; 2 problems (see the other entries)", written by
// scanners/local): it is not a problem of its own.
func sourceSummary(c inventory.Coverage) bool {
	return c.Path == "" && strings.HasSuffix(c.Reason, "(see the other entries)")
}

// shown splits the findings at a display floor: those at or above min (all
// when min is "") and how many are below it.
func shown(findings []inventory.Finding, min inventory.Severity) ([]inventory.Finding, int) {
	if min == "" || min == inventory.SeverityNone {
		return findings, 0
	}
	var out []inventory.Finding
	for _, f := range findings {
		if f.Severity.Rank() >= min.Rank() {
			out = append(out, f)
		}
	}
	return out, len(findings) - len(out)
}

// plural is "1 agent", "2 agents".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// localRoots lists the distinct local roots in the report's targets.
func (r *Report) localRoots() []string {
	var out []string
	for _, t := range r.Scan.Targets {
		if t.Kind == "local" && !slices.Contains(out, t.Name) {
			out = append(out, t.Name)
		}
	}
	return out
}

// DisplayPath is the path users see and code scanning resolves: relative to
// the scan root when one local root was scanned, prefixed with the root as
// given when several were; a home directory's files start with ~/.
func (r *Report) DisplayPath(l inventory.Location) string {
	if inventory.IsHome(l) {
		// A file of the home directory, never of a scanned tree.
		return inventory.HomeRoot + "/" + l.Path
	}
	if s := r.source(l.Source); s != nil && (s.Kind == inventory.SourceGitHubRepo || s.Kind == inventory.SourceGitLabProject) && s.Repo != nil &&
		!strings.HasPrefix(l.Path, "github/") && !strings.HasPrefix(l.Path, "gitlab/") {
		// A file read through the API: OWNER/NAME/path, as many
		// repositories are in one report.
		return s.Repo.FullName + "/" + l.Path
	}
	if l.Root == "" || len(r.localRoots()) <= 1 {
		return l.Path
	}
	root := strings.TrimPrefix(strings.TrimSuffix(strings.ReplaceAll(l.Root, "\\", "/"), "/"), "./")
	if root == "." || root == "" {
		return l.Path
	}
	return strings.TrimPrefix(root, "/") + "/" + l.Path
}

// Reporter writes a report in one format. Callers own the writer.
type Reporter interface {
	Write(ctx context.Context, w io.Writer, r *Report) error
}

// Format names an output format.
type Format string

// Formats.
const (
	FormatTable    Format = "table"
	FormatJSON     Format = "json"
	FormatSARIF    Format = "sarif"
	FormatMarkdown Format = "markdown"
	FormatCSV      Format = "csv"
	FormatGitLab   Format = "gitlab"
	// FormatGitLabSecrets is GitLab's secret-detection security report.
	FormatGitLabSecrets Format = "gitlab-secret-detection"
	FormatHTML          Format = "html"
)

// Options tune the human-facing formats.
type Options struct {
	Color   bool // ANSI colour in the table
	Width   int  // terminal width for the table (0: 120)
	Compact bool // the table's one-line-per-finding view
	// MinSeverity hides findings below it in the table and Markdown (the
	// human views); "" shows all. The other formats always hold all.
	MinSeverity inventory.Severity
	// Commit is the scanned commit (CI_COMMIT_SHA in GitLab CI), for the
	// formats that need one per finding (gitlab-secret-detection).
	Commit string
}

type entry struct {
	format Format
	help   string
	new    func(Options) Reporter
}

// registry is the one ordered list of formats: constructors, --output help
// and validation all read it.
var registry = []entry{
	{FormatTable, "a terminal summary", func(o Options) Reporter {
		return &Table{Color: o.Color, Width: o.Width, Compact: o.Compact, MinSeverity: o.MinSeverity}
	}},
	{FormatJSON, "the full report (the source of truth)", func(Options) Reporter { return JSON{} }},
	{FormatSARIF, "SARIF 2.1.0 for GitHub code scanning", func(Options) Reporter { return SARIF{} }},
	{FormatMarkdown, "job summaries and reviews (≤ 1 MiB)", func(o Options) Reporter { return Markdown{MinSeverity: o.MinSeverity} }},
	{FormatCSV, "one row per finding, formula-injection guarded", func(Options) Reporter { return CSV{} }},
	{FormatGitLab, "GitLab Code Quality report", func(Options) Reporter { return GitLab{} }},
	{FormatHTML, "one self-contained page for reviewers: summary, findings, coverage and a filterable picture of reach", func(Options) Reporter { return HTML{} }},
	{FormatGitLabSecrets, "GitLab secret-detection report (schema 15.2.4), embedded credentials only", func(o Options) Reporter { return GitLabSecrets{Commit: o.Commit} }},
}

// Formats lists the formats in order.
func Formats() []Format {
	out := make([]Format, len(registry))
	for i, e := range registry {
		out[i] = e.format
	}
	return out
}

// FormatHelp describes every format, one per line.
func FormatHelp() string {
	var b strings.Builder
	for _, e := range registry {
		fmt.Fprintf(&b, "%-9s %s\n", e.format, e.help)
	}
	return b.String()
}

// ParseFormat validates a format name.
func ParseFormat(s string) (Format, error) {
	for _, e := range registry {
		if string(e.format) == strings.ToLower(strings.TrimSpace(s)) {
			return e.format, nil
		}
	}
	names := make([]string, len(registry))
	for i, e := range registry {
		names[i] = string(e.format)
	}
	return "", fmt.Errorf("unknown output format %q (want %s)", s, strings.Join(names, ", "))
}

// New returns the reporter for a format.
func New(f Format, o Options) (Reporter, error) {
	for _, e := range registry {
		if e.format == f {
			return e.new(o), nil
		}
	}
	_, err := ParseFormat(string(f))
	return nil, err
}
