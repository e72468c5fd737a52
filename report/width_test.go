package report

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

// longReport has findings with long paths, long words and long messages.
func longReport(t *testing.T) *Report {
	r := sample(t)
	f := r.Findings[0]
	f.Location.Path = "services/payments/internal/adapters/outbound/providers/stripe/webhooks/handler_configuration.yaml"
	f.Message = "A Stripe restricted key (rk_live_…ab12) is written in " + f.Location.Path +
		" line 4: it is committed, so every agent, CI job and person with read access to the repository can use it; " +
		"averyveryverylongidentifierwithoutanyseparatorsatallthatcannotfitinanynarrowcolumnwhatsoever appears too."
	r.Findings = append(r.Findings, f)
	r.Finalize()
	return r
}

// TestTableFitsWidth: at every width every line of the table fits (it was
// 106 columns at 80), cells wrap at spaces and after "/", and a word is cut
// only when it is wider than its column.
func TestTableFitsWidth(t *testing.T) {
	t.Parallel()
	r := longReport(t)
	for _, width := range []int{40, 60, 80, 100, 120, 160, 200} {
		for _, compact := range []bool{false, true} {
			out := string(render(t, FormatTable, Options{Width: width, Compact: compact}, r))
			for _, line := range strings.Split(out, "\n") {
				if w := visibleWidth(line); w > width {
					t.Errorf("width %d (compact %v): a line of %d columns: %q", width, compact, w, line)
				}
			}
			if compact || width < 60 {
				continue
			}
			// Every word that fits a column is whole on one line.
			for _, word := range strings.Fields(r.Findings[0].Message) {
				if len(word) < 20 && !strings.Contains(out, word) {
					t.Errorf("width %d: %q was cut", width, word)
				}
			}
		}
	}
}

// TestTableCompact: one line per finding, with severity, rule and location.
func TestTableCompact(t *testing.T) {
	t.Parallel()
	r := longReport(t)
	out := string(render(t, FormatTable, Options{Width: 100, Compact: true}, r))
	n := 0
	for _, line := range strings.Split(out, "\n") {
		for _, f := range r.Findings {
			if strings.HasPrefix(line, string(f.Severity)+" ") && strings.Contains(line, f.RuleID) {
				n++
				break
			}
		}
	}
	if n != len(r.Findings) {
		t.Errorf("%d finding lines for %d findings:\n%s", n, len(r.Findings), out)
	}
	if strings.Contains(out, "+---") {
		t.Errorf("compact view drew a table:\n%s", out)
	}
}

func TestWrap(t *testing.T) {
	t.Parallel()
	if got := wrapPath(".github/workflows/triage.yml:6", 20); strings.Join(got, "|") != ".github/workflows/|triage.yml:6" {
		t.Errorf("wrapPath = %q", got)
	}
	if got := wrapText("one two three four", 9); strings.Join(got, "|") != "one two|three|four" {
		t.Errorf("wrapText = %q", got)
	}
	if got := wrapText(strings.Repeat("x", 25), 10); len(got) != 3 || got[0] != strings.Repeat("x", 10) {
		t.Errorf("a long word: %q", got)
	}
	colored := "\x1b[1mNEW\x1b[0m " + strings.Repeat("word ", 10)
	for _, l := range wrapText(colored, 12) {
		if visibleWidth(l) > 12 {
			t.Errorf("%q is wider than 12", l)
		}
	}
	if got := truncate("héllo wörld", 8); got != "héllo w…" {
		t.Errorf("truncate = %q", got)
	}
	_ = inventory.SeverityHigh
}
