package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/internal/sariftest"
	"github.com/agentreach/agentreach/inventory"
)

// outOfScopeReport is an empty scan whose coverage lists only references
// beyond its reach.
func outOfScopeReport(t *testing.T, n int) *Report {
	t.Helper()
	r := emptyReport()
	r.Coverage = []inventory.Coverage{{Source: "local", Target: ".", Status: inventory.CoverageComplete, Reason: "3 files read", Count: 3}}
	for i := range n {
		r.Coverage = append(r.Coverage, inventory.Coverage{Source: "workflows", Target: ".", Path: ".gitlab-ci.yml",
			Status: inventory.CoverageOutOfScope, Reason: fmt.Sprintf("include template: T%d.gitlab-ci.yml is outside the scanned tree and was not read", i)})
	}
	r.Finalize()
	return r
}

func TestOutOfScopeIsNotIncomplete(t *testing.T) {
	t.Parallel()
	r := outOfScopeReport(t, 2)
	if r.Scan.Status != StatusComplete || r.Summary.Incomplete != 0 || r.Summary.OutOfScope != 2 {
		t.Fatalf("status %s, incomplete %d, out of scope %d", r.Scan.Status, r.Summary.Incomplete, r.Summary.OutOfScope)
	}

	table := string(render(t, FormatTable, Options{}, r))
	if strings.Contains(table, "PARTIAL") || strings.Contains(table, "Not read fully") {
		t.Errorf("table calls the scan partial:\n%s", table)
	}
	if !strings.Contains(table, "Out of scope, not read (2)") || !strings.Contains(table, "workflows .gitlab-ci.yml: include template: T1.gitlab-ci.yml") {
		t.Errorf("table does not list the out-of-scope references:\n%s", table)
	}

	md := string(render(t, FormatMarkdown, Options{}, r))
	if strings.Contains(md, "partial") || strings.Contains(md, "Not read fully") {
		t.Errorf("markdown calls the scan partial:\n%s", md)
	}
	if !strings.Contains(md, "### Out of scope") || !strings.Contains(md, "T0.gitlab-ci.yml") {
		t.Errorf("markdown does not list the out-of-scope references:\n%s", md)
	}
}

func TestSARIFOutOfScopeNotes(t *testing.T) {
	t.Parallel()
	r := outOfScopeReport(t, maxOutOfScopeNotes+5)
	r.Coverage = append(r.Coverage, inventory.Coverage{Source: "local", Target: ".", Path: "k", Status: inventory.CoveragePartial, Reason: "unreadable"})
	r.Finalize()
	data := render(t, FormatSARIF, Options{}, r)
	for _, err := range sariftest.CheckGitHub(data) {
		t.Errorf("GitHub check: %v", err)
	}
	var doc struct {
		Runs []struct {
			Invocations []struct {
				Notifications []struct {
					Level   string `json:"level"`
					Message struct {
						Text string `json:"text"`
					} `json:"message"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	levels := map[string]int{}
	for _, n := range doc.Runs[0].Invocations[0].Notifications {
		levels[n.Level]++
		if strings.HasPrefix(n.Message.Text, "out of scope: ") != (n.Level == "note") {
			t.Errorf("%s notification %q", n.Level, n.Message.Text)
		}
	}
	// One warning for the partial entry; the out-of-scope entries as notes,
	// bounded, with one note counting the rest.
	if levels["warning"] != 1 || levels["note"] != maxOutOfScopeNotes+1 || len(levels) != 2 {
		t.Errorf("notification levels = %v", levels)
	}
}
