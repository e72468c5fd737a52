package report

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/agentreach/agentreach/inventory"
)

// Table writes a terminal summary: the scan status, a severity summary, the
// findings, inventory counts and what the scan could not read. It fits
// Width columns: cells are wrapped deliberately (text at spaces, paths after
// a "/"), below 100 columns the location moves into the finding's cell, and
// when even that does not fit — or Compact asks for it — each finding is one
// line, cut to the width.
type Table struct {
	Color       bool
	Width       int
	Compact     bool
	MinSeverity inventory.Severity // findings below it are counted, not listed
}

var _ Reporter = (*Table)(nil)

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiBlue   = "\x1b[34m"
	ansiMag    = "\x1b[35m"
)

func (t *Table) paint(code, s string) string {
	if !t.Color {
		return s
	}
	return code + s + ansiReset
}

func (t *Table) severity(s inventory.Severity) string {
	switch s {
	case inventory.SeverityCritical:
		return t.paint(ansiBold+ansiMag, string(s))
	case inventory.SeverityHigh:
		return t.paint(ansiRed, string(s))
	case inventory.SeverityMedium:
		return t.paint(ansiYellow, string(s))
	default:
		return t.paint(ansiBlue, string(s))
	}
}

// Write implements Reporter.
func (t *Table) Write(_ context.Context, w io.Writer, r *Report) error {
	width := t.Width
	if width <= 0 {
		width = 120
	}
	var targets []string
	for _, tg := range r.Scan.Targets {
		targets = append(targets, tg.Name)
	}
	status := r.Scan.Status
	skipped, skippedFiles := r.Skipped()
	switch {
	case status == StatusComplete && skippedFiles > 0:
		status = "complete except " + plural(skippedFiles, "skipped file", "skipped files") + " (see Skipped)"
	case r.Scan.Interrupted:
		status = t.paint(ansiYellow, "INTERRUPTED: the scan stopped before reading everything")
	case status == StatusPartial:
		status = t.paint(ansiYellow, "PARTIAL: some sources could not be read fully")
	}
	para(w, "", "  ", fmt.Sprintf("%s %s · %s · %s", r.Tool.Name, r.Tool.Version, strings.Join(targets, ", "), status), width)
	fmt.Fprintln(w)

	counts := make([]string, 0, 4)
	for _, s := range inventory.Severities {
		counts = append(counts, fmt.Sprintf("%d %s", r.Summary.Findings[s], t.severity(s)))
	}
	line := "Findings: " + strings.Join(counts, ", ")
	if r.Summary.Suppressed > 0 {
		line += fmt.Sprintf(" (%d suppressed by .agentreach.yml)", r.Summary.Suppressed)
	}
	if r.Scan.Baseline != "" {
		line += fmt.Sprintf(" · %d new, %d resolved since the baseline", r.Summary.New, r.Summary.Resolved)
	}
	list, hidden := shown(r.Findings, t.MinSeverity)
	if hidden > 0 {
		line += fmt.Sprintf(" · %d below %s not shown", hidden, t.MinSeverity)
	}
	para(w, "", "  ", line, width)

	if len(list) > 0 {
		fmt.Fprintln(w)
		if err := t.findings(w, r, list, width); err != nil {
			return err
		}
	}

	if len(r.Resolved) > 0 {
		fmt.Fprintf(w, "\nResolved since the baseline (%d):\n", len(r.Resolved))
		for i, f := range r.Resolved {
			if i == 10 {
				fmt.Fprintf(w, "  … %d more in the JSON report's resolved list\n", len(r.Resolved)-i)
				break
			}
			para(w, "  ", "    ", fmt.Sprintf("%s %s %s: %s", f.Severity, f.RuleID, findingWhere(r, f), f.Message), width)
		}
	}

	if lines := r.driftLines(); len(lines) > 0 {
		fmt.Fprintf(w, "\nChanged since the baseline (%d):\n", len(lines))
		for i, l := range lines {
			if i == 10 {
				fmt.Fprintf(w, "  … %d more in the JSON report's drift\n", len(lines)-i)
				break
			}
			para(w, "  ", "    ", l, width)
		}
	}

	s := r.Summary
	fmt.Fprintln(w)
	para(w, "", "  ", fmt.Sprintf("Inventory: %s, %s, %s, %s", s.inventoryCredentials(), plural(s.Agents, "agent", "agents"),
		plural(s.Reaches, "reach edge", "reach edges"), plural(s.Workflows, "workflow", "workflows")), width)
	problems, count := r.Problems()
	if len(problems) > 0 {
		para(w, "", "  ", t.paint(ansiYellow, fmt.Sprintf("Not read fully (%s):", plural(count, "problem", "problems"))), width)
		for i, c := range problems {
			if i == 10 {
				fmt.Fprintf(w, "  … %d more in the JSON report's coverage\n", len(problems)-i)
				break
			}
			where := coverageWhere(c)
			if c.Count > 1 {
				where += fmt.Sprintf(" (%d files)", c.Count)
			}
			para(w, "  ", "    ", where+": "+c.Reason, width)
		}
	}
	if skippedFiles > 0 {
		para(w, "", "  ", fmt.Sprintf("Skipped (%s that may hold credentials):", plural(skippedFiles, "file", "files")), width)
		for i, g := range skipped {
			if i == 10 {
				para(w, "  ", "    ", fmt.Sprintf("… %d more reasons in the JSON report's coverage", len(skipped)-i), width)
				break
			}
			para(w, "  ", "    ", g.Source+": "+g.Reason+": "+listPaths(g.Paths, g.Files, 3, func(p string) string { return p }), width)
		}
	}
	if s.OutOfScope > 0 {
		para(w, "", "  ", fmt.Sprintf("Out of scope, not read (%d): references beyond the scan's reach; the scan is not incomplete for them", s.OutOfScope), width)
		shown, listed := 0, 0
		for _, c := range r.Coverage {
			if !c.OutOfScope() {
				continue
			}
			listed++
			if shown == 10 {
				continue
			}
			para(w, "  ", "    ", coverageWhere(c)+": "+c.Reason, width)
			shown++
		}
		if listed > shown {
			fmt.Fprintf(w, "  … %d more in the JSON report's coverage\n", listed-shown)
		}
	}
	for _, n := range r.NotEvaluable {
		para(w, "", "  ", fmt.Sprintf("Not evaluable: %s: %s", n.RuleID, n.Reason), width)
	}
	return nil
}

// coverageWhere names a coverage entry's source and path.
func coverageWhere(c inventory.Coverage) string {
	if c.Path != "" {
		return c.Source + " " + c.Path
	}
	return c.Source
}

// findings writes the findings as a table, or one line each.
func (t *Table) findings(w io.Writer, r *Report, list []inventory.Finding, width int) error {
	const sevW = len("critical")
	ruleW := len("Rule")
	locMax := len("Location")
	for _, f := range list {
		ruleW = max(ruleW, visibleWidth(f.RuleID))
		locMax = max(locMax, visibleWidth(findingWhere(r, f)))
	}
	wide := width >= 100
	var locW, msgW int
	if wide {
		avail := width - 13 - sevW - ruleW // "| " + " | "×3 + " |"
		locW = min(locMax, max(20, avail*2/5))
		msgW = avail - locW
	} else {
		msgW = width - 10 - sevW - ruleW // "| " + " | "×2 + " |"
	}
	if t.Compact || msgW < 24 {
		t.compact(w, r, list, width, ruleW)
		return nil
	}
	tbl := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.On),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	)
	if wide {
		tbl.Header("Severity", "Rule", "Location", "Finding")
	} else {
		tbl.Header("Severity", "Rule", "Finding")
	}
	for _, f := range list {
		msg := f.Message
		if f.Baseline == inventory.BaselineNew {
			msg = t.paint(ansiBold, "NEW") + " " + msg
		}
		var err error
		if wide {
			err = tbl.Append(t.severity(f.Severity), f.RuleID,
				strings.Join(wrapPath(findingWhere(r, f), locW), "\n"), strings.Join(wrapText(msg, msgW), "\n"))
		} else {
			cell := append(wrapPath(findingWhere(r, f), msgW), wrapText(msg, msgW)...)
			err = tbl.Append(t.severity(f.Severity), f.RuleID, strings.Join(cell, "\n"))
		}
		if err != nil {
			return fmt.Errorf("table: %w", err)
		}
	}
	if err := tbl.Render(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	return nil
}

// compact writes one line per finding: severity, rule, location and the
// message, cut to the width.
func (t *Table) compact(w io.Writer, r *Report, list []inventory.Finding, width, ruleW int) {
	for _, f := range list {
		head := fmt.Sprintf("%-8s %-*s %s  ", f.Severity, ruleW, f.RuleID, findingWhere(r, f))
		if f.Baseline == inventory.BaselineNew {
			head += "NEW "
		}
		line := truncate(head+strings.Join(strings.Fields(f.Message), " "), width)
		// Colour after cutting, so that the cut never splits a sequence.
		if sev := string(f.Severity); strings.HasPrefix(line, sev) {
			line = t.severity(f.Severity) + line[len(sev):]
		}
		fmt.Fprintln(w, line)
	}
}

// para writes text wrapped to width, its first line after first and the
// others after rest.
func para(w io.Writer, first, rest, text string, width int) {
	lines := wrapText(text, width-max(len(first), len(rest)))
	for i, l := range lines {
		if i == 0 {
			fmt.Fprintln(w, first+l)
		} else {
			fmt.Fprintln(w, rest+l)
		}
	}
}

// findingWhere is a finding's display path and line.
func findingWhere(r *Report, f inventory.Finding) string {
	loc := r.DisplayPath(f.Location)
	if f.Location.Line > 0 && !r.pseudoPath(f.Location) {
		loc = fmt.Sprintf("%s:%d", loc, f.Location.Line)
	}
	return loc
}

// pseudoPath reports a location that names an organisation, group or
// credential setting read through an API (github/ORG/…, gitlab/GROUP/…):
// no file, so no line (SARIF still gets line 1, which it requires).
func (r *Report) pseudoPath(l inventory.Location) bool {
	s := r.source(l.Source)
	return s != nil && apiRun(s.Kind) != "" && (strings.HasPrefix(l.Path, "github/") || strings.HasPrefix(l.Path, "gitlab/"))
}
