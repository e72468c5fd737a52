package report

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"path"
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

// Write implements Reporter.
func (SARIF) Write(_ context.Context, w io.Writer, r *Report) error {
	log, err := BuildSARIF(r)
	if err != nil {
		return err
	}
	return log.PrettyWrite(w)
}

// BuildSARIF converts a report to a SARIF log and validates it against the
// embedded OASIS schema.
func BuildSARIF(r *Report) (*sarif.Report, error) {
	log := sarif.NewReport()
	log.Schema = SchemaURI
	run := sarif.NewRunWithInformationURI(r.Tool.Name, r.Tool.InformationURI)
	run.Tool.Driver.WithSemanticVersion(semver(r.Tool.Version)).WithVersion(r.Tool.Version)
	run.WithAutomationDetails(sarif.NewRunAutomationDetails().WithID(r.Scan.Category))

	for _, rule := range r.Rules {
		addRule(run, rule)
	}
	for _, f := range r.Findings {
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
	for _, n := range r.NotEvaluable {
		inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel(sarif.LevelWarning).
			WithMessage(sarif.NewTextMessage(fmt.Sprintf("%s not evaluable: %s", n.RuleID, n.Reason))))
	}
	run.AddInvocation(inv)
	run.WithProperties(sarif.NewPropertyBag().Add("scan_status", r.Scan.Status))
	log.AddRun(run)
	if err := log.Validate(); err != nil {
		return nil, fmt.Errorf("generated SARIF is invalid: %w", err)
	}
	return log, nil
}

// physical is the SARIF physical location of l: its display path and region.
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
	return sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(URI(r.DisplayPath(l)))).WithRegion(region)
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
