// Package rules is agentreach's catalog: each rule's metadata sits beside its
// logic in one file, with a table-driven test beside it. Rules read the
// inventory and never do I/O; findings are made only through a rule's own
// metadata, so titles and severities cannot drift from the docs.
package rules

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/agentreach/agentreach/inventory"
)

// Framework names a standard that rules map to.
type Framework string

// Frameworks (ids explained in the catalog's frameworks reference).
const (
	OWASPNHI  Framework = "owasp-nhi"   // OWASP Non-Human Identities Top 10 2025
	OWASPASI  Framework = "owasp-asi"   // OWASP Top 10 for Agentic Applications 2026
	MAESTRO   Framework = "maestro"     // MAESTRO layer or threat
	NISTCSF   Framework = "nist-csf"    // NIST CSF 2.0
	NISTAIRMF Framework = "nist-ai-rmf" // NIST AI RMF 1.0
	CIS       Framework = "cis"
)

// Mapping is one framework reference of a rule.
type Mapping struct {
	Framework Framework
	ID        string
}

// NHI, ASI, Maestro, CSF, AIRMF and CISRef build mappings.
func NHI(n int) Mapping          { return Mapping{OWASPNHI, "NHI" + strconv.Itoa(n)} }
func ASI(n int) Mapping          { return Mapping{OWASPASI, fmt.Sprintf("ASI%02d", n)} }
func Maestro(id string) Mapping  { return Mapping{MAESTRO, id} }
func CSF(id string) Mapping      { return Mapping{NISTCSF, id} }
func AIRMF(id string) Mapping    { return Mapping{NISTAIRMF, id} }
func CISRef(id string) Mapping   { return Mapping{CIS, id} }
func (m Mapping) String() string { return string(m.Framework) + ":" + m.ID }

// Tag is the SARIF tag of the mapping, e.g. "nhi:NHI5" or "asi:ASI03".
func (m Mapping) Tag() string {
	switch m.Framework {
	case OWASPNHI:
		return "nhi:" + m.ID
	case OWASPASI:
		return "asi:" + m.ID
	default:
		return string(m.Framework) + ":" + m.ID
	}
}

// Title is the framework's human name.
func (f Framework) Title() string {
	switch f {
	case OWASPNHI:
		return "OWASP NHI Top 10 (2025)"
	case OWASPASI:
		return "OWASP Top 10 for Agentic Applications (2026)"
	case MAESTRO:
		return "MAESTRO"
	case NISTCSF:
		return "NIST CSF 2.0"
	case NISTAIRMF:
		return "NIST AI RMF 1.0"
	case CIS:
		return "CIS"
	default:
		return string(f)
	}
}

// Precision is how often a rule's results are right (SARIF precision).
type Precision string

// Precisions.
const (
	PrecisionVeryHigh Precision = "very-high"
	PrecisionHigh     Precision = "high"
	PrecisionMedium   Precision = "medium"
	PrecisionLow      Precision = "low"
)

// Metadata describes a rule. Reviewers read it next to the logic; the docs,
// `agentreach rules` and SARIF rule entries are generated from it.
type Metadata struct {
	ID          string // AR-<FAMILY>-NNN, stable, never reused
	Name        string // short kebab-case name
	Title       string
	Description string // what the rule detects and why it matters (≤ 1024 characters)
	Severity    inventory.Severity
	Score       float64 // default SARIF security-severity
	Escalation  string  // when a result is scored above or below the default
	Frameworks  []Mapping
	Source      string // where the data comes from
	Remediation string // Markdown
	Precision   Precision
	Deprecated  bool
}

// Family is the rule family of the id (PB, GH, GL, CI, AG, SC, CF).
func (m *Metadata) Family() string {
	parts := strings.Split(m.ID, "-")
	if len(parts) != 3 {
		return ""
	}
	return parts[1]
}

// Anchor is the docs anchor of the rule.
func (m *Metadata) Anchor() string { return strings.ToLower(m.ID) }

// HelpURI is the rule's page in the generated docs.
func (m *Metadata) HelpURI() string {
	return "https://github.com/agentreach/agentreach/blob/main/docs/rules.md#" + m.Anchor()
}

// Tags are the SARIF tags: security, the family, then framework ids, at most 10.
func (m *Metadata) Tags() []string {
	tags := []string{"security", "agentreach:" + strings.ToLower(m.Family())}
	for _, f := range m.Frameworks {
		if len(tags) == 10 {
			break
		}
		tags = append(tags, f.Tag())
	}
	return tags
}

// FrameworkIDs returns the mappings as strings, e.g. "owasp-nhi:NHI5".
func (m *Metadata) FrameworkIDs() []string {
	out := make([]string, len(m.Frameworks))
	for i, f := range m.Frameworks {
		out[i] = f.String()
	}
	return out
}

// Rule is metadata plus the check over an inventory.
type Rule struct {
	Metadata
	Check func(c *Context)
}

// Input is everything rules read.
type Input struct {
	Inventory *inventory.Inventory
	Coverage  []inventory.Coverage
	Ignores   []Ignore
	// Principals is the principals map of .agentreach.yml (identity
	// pattern → accountable humans). The link stage has applied it to the
	// inventory; rules read it to know whether one was given at all.
	Principals map[string][]string
	Now        time.Time
	// Thresholds are the limits of the age and lifetime rules; a zero
	// field is the catalog's default (Evaluate fills them in, so checks
	// read c.Thresholds directly).
	Thresholds Thresholds
	// ReportTestCredentials makes AR-SC-001 report a value written only in
	// test files too, ranked low (scan.test_credentials: report); by
	// default such a value is inventoried (credentials[].context), not
	// reported.
	ReportTestCredentials bool
}

// Result is what a check reports; the rule's metadata fills in the rest.
type Result struct {
	Subject    string // stable identity of what is wrong (never a line number, never a value)
	Location   inventory.Location
	Related    []inventory.Location // other places of the same subject (the finding's location is the first)
	Message    string               // first sentence: what the agent can reach and who can start it
	Score      float64              // 0: the rule's default
	Credential string
	Agent      string
	Properties map[string]string
}

// NotEvaluable is a rule that could not be checked, and why.
type NotEvaluable struct {
	RuleID string `json:"rule_id"`
	Reason string `json:"reason"`
}

// Context is handed to a check.
type Context struct {
	Input
	rule         *Rule
	findings     []inventory.Finding
	notEvaluable []NotEvaluable
}

// Report records a finding of the running rule.
func (c *Context) Report(r Result) {
	m := &c.rule.Metadata
	score := cmp.Or(r.Score, m.Score)
	loc := r.Location
	if loc.Path == "" {
		loc.Path = "agentreach/" + strings.ToLower(m.ID)
	}
	if loc.Line < 1 {
		loc.Line = 1
	}
	subject := cmp.Or(r.Subject, inventory.Scoped(loc.Source, "file:"+loc.Path))
	msg, props := r.Message, maps.Clone(r.Properties)
	if templateBound(m) {
		// What a workflow would do when it ran is hygiene when it never
		// runs: listed, scored low, and said.
		why := ""
		switch {
		case inventory.TemplateWorkflow(loc.Path):
			why = "Not a live workflow — GitHub runs only the files in the repository's .github/workflows/, and this one (an example, " +
				"template or fixture) is elsewhere; if it were copied there: "
		case c.refused(loc) != "":
			why = "Not a live workflow — GitHub refuses to run this file (" + c.refused(loc) + "), so none of its jobs runs; once " +
				"that is fixed: "
		}
		if why != "" {
			score = min(score, 3.0)
			msg = why + lowerFirst(msg)
			if props == nil {
				props = map[string]string{}
			}
			props["live"] = "false"
		}
	}
	c.findings = append(c.findings, inventory.Finding{
		RuleID:      m.ID,
		RuleName:    m.Name,
		Title:       m.Title,
		Severity:    inventory.SeverityForScore(score),
		Score:       score,
		Message:     msg,
		Subject:     subject,
		Location:    loc,
		Related:     slices.Clone(r.Related),
		Fingerprint: inventory.Fingerprint(m.ID, subject),
		Frameworks:  m.FrameworkIDs(),
		Credential:  r.Credential,
		Agent:       r.Agent,
		Properties:  props,
	})
}

// lowerFirst lower-cases the first letter of a sentence that follows a colon.
func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// templateBound reports a rule about what a workflow does when it runs (the
// CI, privilege and GitHub families), as opposed to a credential written in
// the file (AR-CI-008), which is exposed whether the file runs or not.
// refused says why GitHub refuses to run the workflow file a location is
// in (inventory.Workflow.Refused), "" when it runs or is no workflow.
func (c *Context) refused(loc inventory.Location) string {
	if c.Inventory == nil {
		return ""
	}
	for i := range c.Inventory.Workflows {
		if wf := &c.Inventory.Workflows[i]; wf.Refused != "" && wf.Path == loc.Path && wf.Source == loc.Source {
			return wf.Refused
		}
	}
	return ""
}

func templateBound(m *Metadata) bool {
	switch m.Family() {
	case "CI", "PB", "GH":
		return m.ID != "AR-CI-008"
	}
	return false
}

// NotEvaluable records that the running rule lacked data.
func (c *Context) NotEvaluable(reason string) {
	c.notEvaluable = append(c.notEvaluable, NotEvaluable{RuleID: c.rule.ID, Reason: reason})
}

// Evaluate runs rules over the input and returns sorted findings and the
// rules that could not be evaluated. A panicking check is contained: it is
// reported as not evaluable and the other rules still run.
func Evaluate(rules []*Rule, in Input) ([]inventory.Finding, []NotEvaluable) {
	if in.Inventory == nil {
		in.Inventory = &inventory.Inventory{}
	}
	if in.Now.IsZero() {
		in.Now = time.Now()
	}
	in.Thresholds = in.Thresholds.WithDefaults()
	var findings []inventory.Finding
	var notes []NotEvaluable
	for _, r := range rules {
		if r.Deprecated || r.Check == nil {
			continue
		}
		c := &Context{Input: in, rule: r}
		func() {
			defer func() {
				if p := recover(); p != nil {
					c.findings = nil
					c.NotEvaluable(fmt.Sprintf("internal error in rule: %v", p))
				}
			}()
			r.Check(c)
		}()
		findings = append(findings, c.findings...)
		notes = append(notes, c.notEvaluable...)
	}
	findings = dedupe(findings)
	SortFindings(findings)
	return findings, notes
}

// dedupe keeps the first finding per fingerprint, and the highest score.
func dedupe(in []inventory.Finding) []inventory.Finding {
	seen := map[string]int{}
	out := in[:0]
	for _, f := range in {
		if i, ok := seen[f.Fingerprint]; ok {
			if f.Score > out[i].Score {
				out[i] = f
			}
			continue
		}
		seen[f.Fingerprint] = len(out)
		out = append(out, f)
	}
	return out
}

// SortFindings orders findings by severity (highest first), rule, path, line
// and subject.
func SortFindings(fs []inventory.Finding) {
	slices.SortStableFunc(fs, func(a, b inventory.Finding) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.RuleID, b.RuleID),
			cmp.Compare(a.Location.Root, b.Location.Root), cmp.Compare(a.Location.Path, b.Location.Path),
			cmp.Compare(a.Location.Line, b.Location.Line), cmp.Compare(a.Subject, b.Subject))
	})
}

// ByID returns the rule with the given id (case-insensitive), or nil.
func ByID(rules []*Rule, id string) *Rule {
	for _, r := range rules {
		if strings.EqualFold(r.ID, id) {
			return r
		}
	}
	return nil
}
