package report

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// MaxMarkdownBytes keeps a Markdown report under GitHub's 1 MiB step-summary
// limit; findings beyond it are truncated, lowest severity first, with a
// closing line that says how many were left out.
const MaxMarkdownBytes = 1 << 20

// Markdown writes a report for job summaries, pull-request notes and reviews.
type Markdown struct {
	// Limit overrides MaxMarkdownBytes (tests).
	Limit int
	// MinSeverity hides findings below it (they are counted).
	MinSeverity inventory.Severity
}

var _ Reporter = Markdown{}

// Write implements Reporter.
func (m Markdown) Write(_ context.Context, w io.Writer, r *Report) error {
	limit := m.Limit
	if limit <= 0 {
		limit = MaxMarkdownBytes
	}
	var head bytes.Buffer
	var targets []string
	for _, t := range r.Scan.Targets {
		targets = append(targets, "`"+mdCode(t.Name)+"`")
	}
	fmt.Fprintf(&head, "## agentreach: %s\n\n", strings.Join(targets, ", "))
	if r.Scan.Interrupted {
		head.WriteString("> [!WARNING]\n> The scan was **interrupted** before it read everything: these are the findings until then. Missing data is not a clean result.\n\n")
	} else if r.Scan.Status == StatusPartial {
		head.WriteString("> [!WARNING]\n> The scan is **partial**: some sources could not be read fully (see *Not read fully* below). Missing data is not a clean result.\n\n")
	}
	skipped, skippedFiles := r.Skipped()
	if skippedFiles > 0 && r.Scan.Status != StatusPartial {
		fmt.Fprintf(&head, "> [!NOTE]\n> Complete except %s skipped by policy that may hold credentials (see *Skipped* below).\n\n",
			plural(skippedFiles, "file", "files"))
	}
	head.WriteString("| Severity | Findings |\n|---|---:|\n")
	for _, s := range inventory.Severities {
		fmt.Fprintf(&head, "| %s | %d |\n", s, r.Summary.Findings[s])
	}
	fmt.Fprintf(&head, "\n%d suppressed · %s · %s · %s · %s\n", r.Summary.Suppressed,
		r.Summary.inventoryCredentials(), plural(r.Summary.Agents, "agent", "agents"),
		plural(r.Summary.Reaches, "reach edge", "reach edges"), plural(r.Summary.Workflows, "workflow", "workflows"))
	if r.Scan.Baseline != "" {
		fmt.Fprintf(&head, "\n**%d new**, %d resolved since the baseline `%s`\n", r.Summary.New, r.Summary.Resolved, mdCode(r.Scan.Baseline))
	}

	var tail bytes.Buffer
	if lines := r.driftLines(); len(lines) > 0 {
		fmt.Fprintf(&tail, "\n### Changed since the baseline\n\nThe inventory's drift, whether or not a rule fires on it (%s).\n\n", plural(len(lines), "change", "changes"))
		for i, l := range lines {
			if i == 50 {
				fmt.Fprintf(&tail, "- … %d more in the JSON report's drift\n", len(lines)-i)
				break
			}
			fmt.Fprintf(&tail, "- %s\n", mdText(l))
		}
	}
	if len(r.Resolved) > 0 {
		tail.WriteString("\n### Resolved since the baseline\n\n| Severity | Rule | Location | Finding |\n|---|---|---|---|\n")
		for i, f := range r.Resolved {
			if i == 50 {
				fmt.Fprintf(&tail, "\n%d more resolved findings are in the JSON report.\n", len(r.Resolved)-i)
				break
			}
			fmt.Fprintf(&tail, "| %s | [%s](%s) | `%s` | %s |\n", f.Severity, f.RuleID, ruleLink(f.RuleID), mdCode(findingWhere(r, f)), mdText(f.Message))
		}
	}
	if len(r.Suppressed) > 0 {
		// Accepted risks are listed as such, never as silence: a reviewer
		// sees what was accepted, by whom and until when.
		tail.WriteString("\n### Accepted risks\n\nSuppressed by `.agentreach.yml`; not counted above, listed so that an accepted risk stays visible.\n\n| Severity | Rule | Location | Finding | Reason | Owner | Expires |\n|---|---|---|---|---|---|---|\n")
		for i, f := range r.Suppressed {
			if i == 50 {
				fmt.Fprintf(&tail, "\n%s are in the JSON report.\n", plural(len(r.Suppressed)-i, "more accepted risk", "more accepted risks"))
				break
			}
			reason, owner, expires := "", "none", "never"
			if s := f.Suppression; s != nil {
				reason = mdText(s.Reason)
				if s.Owner != "" {
					owner = mdText(s.Owner)
				}
				if !s.Expires.IsZero() {
					expires = s.Expires.Format("2006-01-02")
				}
			}
			fmt.Fprintf(&tail, "| %s | [%s](%s) | `%s` | %s | %s | %s | %s |\n", f.Severity, f.RuleID, ruleLink(f.RuleID),
				mdCode(findingWhere(r, f)), mdText(f.Message), reason, owner, expires)
		}
	}
	problems, _ := r.Problems()
	if len(problems) > 0 || len(r.NotEvaluable) > 0 {
		tail.WriteString("\n### Not read fully\n\n")
		for i, c := range problems {
			if i == 50 {
				fmt.Fprintf(&tail, "- … %d more in the JSON report\n", len(problems)-i)
				break
			}
			where := c.Source
			if c.Path != "" {
				where += " `" + mdCode(c.Path) + "`"
			}
			if c.Count > 1 {
				where += fmt.Sprintf(" (%d files)", c.Count)
			}
			fmt.Fprintf(&tail, "- %s: %s\n", where, mdText(c.Reason))
		}
		for _, n := range r.NotEvaluable {
			fmt.Fprintf(&tail, "- %s not evaluable: %s\n", n.RuleID, mdText(n.Reason))
		}
	}
	if skippedFiles > 0 {
		fmt.Fprintf(&tail, "\n### Skipped\n\n%s skipped by policy; they may hold credentials.\n\n", plural(skippedFiles, "file", "files"))
		for i, g := range skipped {
			if i == 50 {
				fmt.Fprintf(&tail, "- … %d more reasons in the JSON report\n", len(skipped)-i)
				break
			}
			fmt.Fprintf(&tail, "- %s: %s: %s\n", g.Source, mdText(g.Reason), listPaths(g.Paths, g.Files, 5, func(p string) string { return "`" + mdCode(p) + "`" }))
		}
	}
	var outside []inventory.Coverage
	for _, c := range r.Coverage {
		if c.OutOfScope() {
			outside = append(outside, c)
		}
	}
	if len(outside) > 0 {
		tail.WriteString("\n### Out of scope\n\nReferences beyond the scan's reach, not read; the scan is not incomplete for them.\n\n")
		for i, c := range outside {
			if i == 50 {
				fmt.Fprintf(&tail, "- … %d more in the JSON report\n", len(outside)-i)
				break
			}
			where := c.Source
			if c.Path != "" {
				where += " `" + mdCode(c.Path) + "`"
			}
			fmt.Fprintf(&tail, "- %s: %s\n", where, mdText(c.Reason))
		}
	}
	tail.WriteString(fmt.Sprintf("\n<sub>%s %s · schema v%d</sub>\n", r.Tool.Name, mdText(r.Tool.Version), SchemaVersion))

	list, hidden := shown(r.Findings, m.MinSeverity)
	var rows bytes.Buffer
	if hidden > 0 {
		fmt.Fprintf(&rows, "\n%s below %s not shown (--min-severity); the JSON and SARIF reports hold them.\n",
			plural(hidden, "finding", "findings"), m.MinSeverity)
	}
	if len(list) > 0 {
		rows.WriteString("\n### Findings\n\n| Severity | Rule | Location | Finding |\n|---|---|---|---|\n")
	}
	budget := limit - head.Len() - tail.Len() - rows.Len() - 200
	left := 0
	for i, f := range list {
		msg := mdText(f.Message)
		if f.Baseline == inventory.BaselineNew {
			msg = "**new** " + msg
		}
		row := fmt.Sprintf("| %s | [%s](%s) | `%s` | %s |\n", f.Severity, f.RuleID, ruleLink(f.RuleID), mdCode(findingWhere(r, f)), msg)
		if rows.Len()+len(row) > budget {
			left = len(list) - i
			break
		}
		rows.WriteString(row)
	}
	if left > 0 {
		fmt.Fprintf(&rows, "\n%s not shown (lower severity); see the JSON or SARIF report.\n", plural(left, "more finding", "more findings"))
	}
	for _, b := range []*bytes.Buffer{&head, &rows, &tail} {
		if _, err := w.Write(b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

func ruleLink(id string) string {
	return "https://github.com/agentreach/agentreach/blob/main/docs/rules.md#" + strings.ToLower(id)
}

// mdText escapes text for a Markdown table cell: pipes, HTML, backticks and
// newlines cannot break out of the cell or inject markup.
func mdText(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "|", "\\|", "<", "&lt;", ">", "&gt;", "`", "'", "\r\n", " ", "\n", " ", "\r", " ",
		"[", "\\[", "]", "\\]", "*", "\\*", "_", "\\_", "@", "@\u200b")
	return r.Replace(s)
}

// mdCode makes s safe inside a single-backtick code span in a table cell.
func mdCode(s string) string {
	r := strings.NewReplacer("`", "'", "|", "\\|", "\n", " ", "\r", " ")
	return r.Replace(s)
}
