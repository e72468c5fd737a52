package report

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/rules"
)

// SARIF writes SARIF 2.1.0 ready for GitHub code scanning: one run per file
// with a stable automationDetails.id, every catalog rule with help Markdown
// and a string security-severity, and every result with a physical location
// and a primaryLocationLineHash derived from rule and subject. Suppressed
// findings stay out (GitHub ignores SARIF suppressions); the JSON report
// keeps them.
type SARIF struct{}

var _ Reporter = SARIF{}

// SchemaURI is the $schema GitHub's examples use.
const SchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

// maxOutOfScopeNotes bounds the out-of-scope coverage entries repeated as
// SARIF notifications; the JSON report lists them all.
const maxOutOfScopeNotes = 100

// GitHub's SARIF limits (docs: code-scanning "sarif-limits"): a file over
// them is rejected whole. A report has at most one run per kind of source
// (files, history, home), far under MaxSARIFRuns; a run over
// MaxSARIFResults keeps its highest-severity results and says what it left
// out, in the run and on stderr (SARIFOverflow). The JSON report keeps all.
const (
	MaxSARIFRuns    = 20
	MaxSARIFResults = 25000
)

// Write implements Reporter.
func (SARIF) Write(_ context.Context, w io.Writer, r *Report) error {
	log, err := BuildSARIF(r)
	if err != nil {
		return err
	}
	return log.PrettyWrite(w)
}

// SARIFOverflow returns, per run category, how many results a SARIF of r
// leaves out to stay under GitHub's results-per-run limit; nil when none.
func SARIFOverflow(r *Report) map[string]int {
	return r.sarifOverflow(MaxSARIFResults)
}

func (r *Report) sarifOverflow(max int) map[string]int {
	per := map[string]int{}
	for _, f := range r.Findings {
		per[r.runOf(f.Location)]++
	}
	var out map[string]int
	for kind, n := range per {
		if n > max {
			if out == nil {
				out = map[string]int{}
			}
			out[r.runCategory(kind)] = n - max
		}
	}
	return out
}

// runCategory is the automationDetails.id of a run kind.
func (r *Report) runCategory(kind string) string {
	if kind == runFiles && r.Scan.Category != "" {
		return r.Scan.Category
	}
	if kind == runGitHub || kind == runGitLab {
		// One category per set of organisations or groups (and owners of
		// named repositories), so that a scheduled scan replaces its own
		// previous results and no local scan's.
		var owners []string
		for _, t := range r.Scan.Targets {
			if apiRun(t.Kind) == kind {
				o, _, _ := strings.Cut(t.Name, "/")
				if !slices.Contains(owners, o) {
					owners = append(owners, o)
				}
			}
		}
		slices.Sort(owners)
		if len(owners) > 0 {
			return "agentreach/" + kind + "/" + strings.Join(owners, "+") + "/"
		}
	}
	return "agentreach/" + kind + "/"
}

// SARIF runs: a tree's files, its git history and the home directory are
// different things to code scanning — only the first are files of the
// repository an upload belongs to — so each is a run of its own, with its own
// category, and a scan of the tree alone keeps the category it always had.
const (
	runFiles   = "files"
	runHistory = "history"
	runHome    = "home"
	// runGitHub holds what an organisation or repository scan read through
	// the API: settings and credentials at deterministic pseudo-paths
	// (github/ORG/…), and repository files as OWNER/NAME/path — results
	// about many repositories, uploaded to one (a security repository).
	runGitHub = "github"
	runGitLab = "gitlab" // the same for a GitLab group scan (gitlab/GROUP/… pseudo-paths)
)

// apiRun is the run of a target or source kind read through a platform
// API ("" for local ones).
func apiRun[K ~string](kind K) string {
	switch string(kind) {
	case "github-org", "github-repo":
		return runGitHub
	case "gitlab-group", "gitlab-project":
		return runGitLab
	}
	return ""
}

// srcRoot is the uriBaseId of repository files: GitHub resolves it to the
// root of the checkout the SARIF is uploaded for.
const srcRoot = "%SRCROOT%"

// homeRoot is the uriBaseId of home-directory files (~/…), which no
// repository holds.
const homeRoot = "HOME"

// BuildSARIF converts a report to a SARIF log and validates it against the
// embedded OASIS schema.
func BuildSARIF(r *Report) (*sarif.Report, error) {
	return buildSARIF(r, MaxSARIFResults)
}

func buildSARIF(r *Report, maxResults int) (*sarif.Report, error) {
	log := sarif.NewReport()
	log.Schema = SchemaURI
	kinds := r.sarifRuns()
	runs := map[string]*sarif.Run{}
	for _, kind := range kinds {
		run := sarif.NewRunWithInformationURI(r.Tool.Name, r.Tool.InformationURI)
		run.Tool.Driver.WithSemanticVersion(semver(r.Tool.Version)).WithVersion(r.Tool.Version)
		run.WithAutomationDetails(sarif.NewRunAutomationDetails().WithID(r.runCategory(kind)))
		for _, rule := range r.Rules {
			addRule(run, rule)
		}
		runs[kind] = run
	}

	// Highest severity first, so that a run cut at the limit keeps what
	// matters most (the report's findings are sorted so; a merged or
	// hand-built report may not be).
	over := r.sarifOverflow(maxResults)
	findings := r.Findings
	if over != nil {
		findings = slices.Clone(r.Findings)
		slices.SortStableFunc(findings, func(a, b inventory.Finding) int { return cmp.Compare(b.Score, a.Score) })
	}
	written := map[string]int{}
	for _, f := range findings {
		kind := r.runOf(f.Location)
		if written[kind] >= maxResults {
			continue
		}
		written[kind]++
		run := runs[kind]
		if run.GetRuleIndex(f.RuleID) < 0 {
			return nil, fmt.Errorf("finding of unknown rule %s", f.RuleID)
		}
		res := run.CreateResultForRule(f.RuleID).
			WithLevel(level(f.Severity)).
			WithMessage(sarif.NewTextMessage(f.Message + relatedLinks(r, f.Related))).
			WithPartialFingerprints(map[string]string{"primaryLocationLineHash": f.Fingerprint})
		res.AddLocation(sarif.NewLocationWithPhysicalLocation(physical(r, f.Location)))
		for i, l := range f.Related[:min(len(f.Related), inventory.MaxRelatedShown)] {
			res.AddRelatedLocation(sarif.NewLocationWithPhysicalLocation(physical(r, l)).WithID(i + 1).
				WithMessage(sarif.NewTextMessage(relatedMessage(l))))
		}
		props := sarif.NewPropertyBag().Add("subject", f.Subject).Add("security-severity", fmt.Sprintf("%.1f", f.Score))
		if f.Credential != "" {
			props.Add("credential", f.Credential)
		}
		if f.Agent != "" {
			props.Add("agent", f.Agent)
		}
		if f.Baseline != "" {
			res.WithBaselineState(baselineState(f.Baseline))
		}
		for k, v := range f.Properties {
			props.Add(k, v)
		}
		res.WithProperties(props)
	}

	inv := sarif.NewInvocation()
	inv.WithExecutionSuccessful(true)
	outside := 0
	for _, c := range r.Coverage {
		level := sarif.LevelWarning
		switch {
		case c.Incomplete():
		case c.OutOfScope():
			// Beyond the scan's reach, not missing data: a note.
			if outside++; outside > maxOutOfScopeNotes {
				continue
			}
			level = sarif.LevelNote
		default:
			continue
		}
		msg := fmt.Sprintf("%s: %s", c.Source, c.Reason)
		if c.Path != "" {
			msg = fmt.Sprintf("%s: %s: %s", c.Source, c.Path, c.Reason)
		}
		if c.OutOfScope() {
			msg = "out of scope: " + msg
		}
		inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel(level).WithMessage(sarif.NewTextMessage(msg)))
	}
	if outside > maxOutOfScopeNotes {
		inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel(sarif.LevelNote).WithMessage(sarif.NewTextMessage(
			fmt.Sprintf("out of scope: %d more references beyond the scan's reach in the JSON report's coverage", outside-maxOutOfScopeNotes))))
	}
	for _, kind := range kinds {
		if n := over[r.runCategory(kind)]; n > 0 {
			inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel(sarif.LevelWarning).WithMessage(sarif.NewTextMessage(
				fmt.Sprintf("run %s: %d lower-severity results left out: GitHub accepts at most %d results a run; the JSON report holds all %d",
					r.runCategory(kind), n, maxResults, n+maxResults))))
		}
	}
	for _, n := range r.NotEvaluable {
		inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel(sarif.LevelWarning).
			WithMessage(sarif.NewTextMessage(fmt.Sprintf("%s not evaluable: %s", n.RuleID, n.Reason))))
	}
	// What the scan could not read, and why, is told once: in the first run.
	runs[kinds[0]].AddInvocation(inv)
	for _, kind := range kinds {
		props := sarif.NewPropertyBag().Add("scan_status", r.Scan.Status)
		if n := over[r.runCategory(kind)]; n > 0 {
			props.Add("results_omitted", n)
		}
		if note := r.uriNote(kind); note != "" {
			props.Add("uri_base", note)
		}
		log.AddRun(runs[kind].WithProperties(props))
	}
	if err := log.Validate(); err != nil {
		return nil, fmt.Errorf("generated SARIF is invalid: %w", err)
	}
	return log, nil
}

// physical is the SARIF physical location of l: its URI (see sarifURI) and
// region.
func physical(r *Report, l inventory.Location) *sarif.PhysicalLocation {
	region := sarif.NewRegion().WithStartLine(max(l.Line, 1))
	if l.Column > 0 {
		region.WithStartColumn(l.Column)
	}
	if l.EndLine >= max(l.Line, 1) {
		region.WithEndLine(l.EndLine)
		if l.EndColumn > 0 {
			region.WithEndColumn(l.EndColumn)
		}
	}
	uri, base := r.sarifURI(l)
	return sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri).WithURIBaseID(base)).WithRegion(region)
}

// relatedLinks names the related locations that a result lists, as the
// links ("[path line 3](1)") through which code scanning shows them.
func relatedLinks(r *Report, related []inventory.Location) string {
	if len(related) == 0 {
		return ""
	}
	esc := strings.NewReplacer("[", "\\[", "]", "\\]")
	var b strings.Builder
	b.WriteString(" Other places:")
	for i, l := range related[:min(len(related), inventory.MaxRelatedShown)] {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " [%s line %d](%d)", esc.Replace(r.DisplayPath(l)), max(l.Line, 1), i+1)
	}
	if n := len(related) - inventory.MaxRelatedShown; n > 0 {
		fmt.Fprintf(&b, " and %d more", n)
	}
	return b.String() + "."
}

// relatedMessage describes another place of a finding's subject.
func relatedMessage(l inventory.Location) string {
	msg := "The same value"
	if l.Git == inventory.GitHistory && l.Commit != "" {
		msg += " in commit " + l.Commit[:min(12, len(l.Commit))]
	}
	return msg + "."
}

func addRule(run *sarif.Run, r *rules.Rule) {
	m := &r.Metadata
	props := sarif.NewPropertyBag().
		Add("security-severity", fmt.Sprintf("%.1f", m.Score)).
		Add("precision", string(m.Precision)).
		Add("frameworks", m.FrameworkIDs()).
		WithTags(m.Tags())
	run.AddRule(m.ID).
		WithName(m.Name).
		WithShortDescription(sarif.NewMultiformatMessageString().WithText(m.Title)).
		WithFullDescription(sarif.NewMultiformatMessageString().WithText(m.Description)).
		WithHelp(sarif.NewMultiformatMessageString().
			WithText(m.Description + "\n\nRemediation:\n" + strings.TrimSpace(m.Remediation)).
			WithMarkdown(rules.HelpMarkdown(r))).
		WithHelpURI(m.HelpURI()).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(level(m.Severity))).
		WithProperties(props)
}

// sarifRuns lists the runs of the report's SARIF, files first: one per kind
// of source scanned (an empty run still closes the alerts of its category),
// and one for every kind a finding belongs to.
func (r *Report) sarifRuns() []string {
	want := map[string]bool{}
	for _, t := range r.Scan.Targets {
		switch t.Kind {
		case "home":
			want[runHome] = true
		case "github-org", "github-repo", "gitlab-group", "gitlab-project":
			want[apiRun(t.Kind)] = true
		default:
			want[runFiles] = true
		}
	}
	if r.Inventory != nil {
		for _, s := range r.Inventory.Sources {
			if s.Kind == inventory.SourceHistory {
				want[runHistory] = true
			}
		}
	}
	for _, f := range r.Findings {
		want[r.runOf(f.Location)] = true
	}
	var out []string
	for _, k := range []string{runFiles, runHistory, runHome, runGitHub, runGitLab} {
		if want[k] {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		out = []string{runFiles}
	}
	return out
}

// runOf names the run a location's result belongs to.
func (r *Report) runOf(l inventory.Location) string {
	switch {
	case inventory.IsHome(l):
		return runHome
	case l.Git == inventory.GitHistory:
		return runHistory
	}
	if s := r.source(l.Source); s != nil {
		switch s.Kind {
		case inventory.SourceHistory:
			return runHistory
		case inventory.SourceGitHubOrg, inventory.SourceGitHubRepo, inventory.SourceGitLabGroup, inventory.SourceGitLabProject:
			return apiRun(s.Kind)
		}
	}
	return runFiles
}

// source returns the inventory source with the id, or nil.
func (r *Report) source(id string) *inventory.Source {
	if r.Inventory == nil || id == "" {
		return nil
	}
	for i := range r.Inventory.Sources {
		if r.Inventory.Sources[i].ID == id {
			return &r.Inventory.Sources[i]
		}
	}
	return nil
}

// sarifURI is a location's artifact URI and its uriBaseId. A file of a tree
// (or of its history) is relative to the git work tree's top level — the
// scan root's place below it (Source.Subdir) joined to the path — so that
// `scan sub/dir` and scans of several roots point at the repository's files.
// A tree git does not know is relative to its root (prefixed with the root
// as given when several were scanned, as everywhere); a home file is
// relative to the home directory.
func (r *Report) sarifURI(l inventory.Location) (string, string) {
	if inventory.IsHome(l) {
		return URI(l.Path), homeRoot
	}
	if s := r.source(l.Source); s != nil && apiRun(s.Kind) != "" {
		return URI(r.DisplayPath(l)), srcRoot
	}
	if s := r.source(l.Source); s != nil && (s.Subdir != "" || s.Remote != "") {
		return URI(path.Join(s.Subdir, l.Path)), srcRoot
	}
	return URI(r.DisplayPath(l)), srcRoot
}

// uriNote says what the URIs of a run are relative to, when that is not
// simply the repository's root.
func (r *Report) uriNote(kind string) string {
	switch kind {
	case runHome:
		return "HOME: the scanned home directory; these are not files of a repository"
	case runHistory:
		return srcRoot + ": the repository root; paths are as they were in past commits (see each result's commit)"
	case runGitHub:
		return srcRoot + ": not a checkout — repository files are OWNER/NAME/path as read through the GitHub API, and organisation, " +
			"repository and credential settings are pseudo-paths github/ORG/…"
	case runGitLab:
		return srcRoot + ": not a checkout — project files are GROUP/NAME/path as read through the GitLab API, and group, " +
			"project and credential settings are pseudo-paths gitlab/GROUP/…"
	}
	if r.Inventory == nil {
		return ""
	}
	for _, s := range r.Inventory.Sources {
		if s.Kind == inventory.SourceTree && s.Remote == "" && s.Subdir == "" {
			return srcRoot + ": the git work tree's top level where git knows it; " + s.Path +
				" was not identified as a git work tree with a remote, so its paths are relative to it as scanned"
		}
	}
	return ""
}

// URI makes a relative, slash-separated, percent-escaped artifact URI.
func URI(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "" || p == "." {
		p = "agentreach"
	}
	return (&url.URL{Path: p}).EscapedPath()
}

func level(s inventory.Severity) string {
	switch s {
	case inventory.SeverityCritical, inventory.SeverityHigh:
		return sarif.LevelError
	case inventory.SeverityMedium:
		return sarif.LevelWarning
	default:
		return sarif.LevelNote
	}
}

func baselineState(b inventory.BaselineState) string {
	switch b {
	case inventory.BaselineNew:
		return "new"
	case inventory.BaselineUnchanged:
		return "unchanged"
	default:
		return "absent"
	}
}

// semver trims a version to what SARIF's semanticVersion expects.
func semver(v string) string {
	v = strings.TrimPrefix(v, "v")
	if v == "" || v == "dev" || v == "(devel)" {
		return "0.0.0-dev"
	}
	return v
}
