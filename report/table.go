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
// findings, inventory counts and what the scan could not read.
type Table struct {
	Color bool
	Width int
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
	switch {
	case r.Scan.Interrupted:
		status = t.paint(ansiYellow, "INTERRUPTED: the scan stopped before reading everything")
	case status == StatusPartial:
		status = t.paint(ansiYellow, "PARTIAL: some sources could not be read fully")
	}
	fmt.Fprintf(w, "%s %s · %s · %s\n\n", r.Tool.Name, r.Tool.Version, strings.Join(targets, ", "), status)

	counts := make([]string, 0, 4)
	for _, s := range inventory.Severities {
		counts = append(counts, fmt.Sprintf("%d %s", r.Summary.Findings[s], t.severity(s)))
	}
	fmt.Fprintf(w, "Findings: %s", strings.Join(counts, ", "))
	if r.Summary.Suppressed > 0 {
		fmt.Fprintf(w, " (%d suppressed by .agentreach.yml)", r.Summary.Suppressed)
	}
	if r.Scan.Baseline != "" {
		fmt.Fprintf(w, " · %d new, %d resolved since the baseline", r.Summary.New, r.Summary.Resolved)
	}
	fmt.Fprintln(w)

	if len(r.Findings) > 0 {
		fmt.Fprintln(w)
		tbl := tablewriter.NewTable(w,
			tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
			tablewriter.WithHeaderAutoFormat(tw.Off),
			tablewriter.WithRowAutoWrap(tw.WrapNormal),
			tablewriter.WithMaxWidth(width),
			tablewriter.WithTrimSpace(tw.On),
			tablewriter.WithHeaderAlignment(tw.AlignLeft),
			tablewriter.WithRowAlignment(tw.AlignLeft),
			tablewriter.WithColumnWidths(tw.NewMapper[int, int]().Set(3, max(30, width/2))),
		)
		tbl.Header("Severity", "Rule", "Location", "Finding")
		for _, f := range r.Findings {
			loc := findingWhere(r, f)
			msg := f.Message
			if f.Baseline == inventory.BaselineNew {
				msg = t.paint(ansiBold, "NEW") + " " + msg
			}
			if err := tbl.Append(t.severity(f.Severity), f.RuleID, loc, msg); err != nil {
				return fmt.Errorf("table: %w", err)
			}
		}
		if err := tbl.Render(); err != nil {
			return fmt.Errorf("table: %w", err)
		}
	}

	if len(r.Resolved) > 0 {
		fmt.Fprintf(w, "\nResolved since the baseline (%d):\n", len(r.Resolved))
		for i, f := range r.Resolved {
			if i == 10 {
				fmt.Fprintf(w, "  … %d more in the JSON report's resolved list\n", len(r.Resolved)-i)
				break
			}
			fmt.Fprintf(w, "  %s %s %s: %s\n", f.Severity, f.RuleID, findingWhere(r, f), f.Message)
		}
	}

	s := r.Summary
	fmt.Fprintf(w, "\nInventory: %s, %s, %s, %s\n", plural(s.Credentials, "credential", "credentials"), plural(s.Agents, "agent", "agents"),
		plural(s.Reaches, "reach edge", "reach edges"), plural(s.Workflows, "workflow", "workflows"))
	problems, count := r.Problems()
	if len(problems) > 0 {
		fmt.Fprintf(w, "%s\n", t.paint(ansiYellow, fmt.Sprintf("Not read fully (%s):", plural(count, "problem", "problems"))))
		for i, c := range problems {
			if i == 10 {
				fmt.Fprintf(w, "  … %d more in the JSON report's coverage\n", len(problems)-i)
				break
			}
			where := coverageWhere(c)
			if c.Count > 1 {
				where += fmt.Sprintf(" (%d files)", c.Count)
			}
			fmt.Fprintf(w, "  %s: %s\n", where, c.Reason)
		}
	}
	if s.OutOfScope > 0 {
		fmt.Fprintf(w, "Out of scope, not read (%d): references beyond the scan's reach; the scan is not incomplete for them\n", s.OutOfScope)
		shown, listed := 0, 0
		for _, c := range r.Coverage {
			if !c.OutOfScope() {
				continue
			}
			listed++
			if shown == 10 {
				continue
			}
			fmt.Fprintf(w, "  %s: %s\n", coverageWhere(c), c.Reason)
			shown++
		}
		if listed > shown {
			fmt.Fprintf(w, "  … %d more in the JSON report's coverage\n", listed-shown)
		}
	}
	for _, n := range r.NotEvaluable {
		fmt.Fprintf(w, "Not evaluable: %s: %s\n", n.RuleID, n.Reason)
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

// findingWhere is a finding's display path and line.
func findingWhere(r *Report, f inventory.Finding) string {
	loc := r.DisplayPath(f.Location)
	if f.Location.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, f.Location.Line)
	}
	return loc
}
