package report

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

// TestProblemsCountedOnce: the per-source entry that sums the others up
// ("…; 2 problems (see the other entries)") is not a problem of its own —
// the table once said "Not read fully (3)" for 2 — and an aggregated entry
// counts its files.
func TestProblemsCountedOnce(t *testing.T) {
	t.Parallel()
	r := emptyReport()
	r.Coverage = []inventory.Coverage{
		{Source: "local", Target: ".", Status: inventory.CoveragePartial, Reason: "5 files read; 4 problems (see the other entries)", Count: 5},
		{Source: "workflows", Target: ".", Path: ".github/workflows/a.yml", Status: inventory.CoveragePartial, Reason: "invalid workflow YAML"},
		{Source: "local", Target: ".", Path: "locked.txt", Status: inventory.CoveragePartial, Reason: "unreadable: open: permission denied"},
		{Source: "local", Target: ".", Status: inventory.CoveragePartial, Reason: "unreadable: open: permission denied (further files not listed)", Count: 2},
	}
	r.Finalize()
	if _, n := r.Problems(); n != 4 {
		t.Errorf("problems = %d, want 4", n)
	}
	table := string(render(t, FormatTable, Options{}, r))
	if !strings.Contains(table, "Not read fully (4 problems):") || strings.Contains(table, "see the other entries") {
		t.Errorf("table:\n%s", table)
	}
	if !strings.Contains(table, "(2 files)") {
		t.Errorf("the aggregated entry does not say how many files:\n%s", table)
	}
	md := string(render(t, FormatMarkdown, Options{}, r))
	if strings.Contains(md, "see the other entries") {
		t.Errorf("markdown lists the summary entry as a problem:\n%s", md)
	}
}

// TestPlurals: "1 credential", "1 agent", never "1 agents".
func TestPlurals(t *testing.T) {
	t.Parallel()
	r := emptyReport()
	r.Inventory = &inventory.Inventory{
		Credentials: []inventory.Credential{{ID: "c"}},
		Agents:      []inventory.Agent{{ID: "a"}},
		Reaches:     []inventory.Reach{{Agent: "a", Credential: "c"}},
		Workflows:   []inventory.Workflow{{Path: "w"}},
	}
	r.Finalize()
	for _, f := range []Format{FormatTable, FormatMarkdown} {
		out := string(render(t, f, Options{}, r))
		for _, want := range []string{"1 credential", "1 agent", "1 reach edge", "1 workflow"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q", f, want)
			}
		}
		for _, bad := range []string{"1 credentials", "1 agents", "1 reach edges", "1 workflows"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s says %q", f, bad)
			}
		}
	}
}

// TestHomeLocationsShowTilde: a file of the home directory is shown as
// ~/.ssh/id_ed25519 in every format that prints paths, never as if it were
// .ssh/id_ed25519 of a scanned tree.
func TestHomeLocationsShowTilde(t *testing.T) {
	t.Parallel()
	r := sample(t)
	r.Scan.Targets = append(r.Scan.Targets, Target{Kind: "home", Name: inventory.HomeRoot})
	f := r.Findings[0]
	f.Location = inventory.Location{Source: inventory.HomeSourceID, Root: inventory.HomeRoot, Path: ".ssh/id_ed25519", Line: 1}
	r.Findings = append(r.Findings, f)
	r.Finalize()
	if got := r.DisplayPath(f.Location); got != "~/.ssh/id_ed25519" {
		t.Errorf("DisplayPath = %q", got)
	}
	for _, format := range []Format{FormatTable, FormatMarkdown, FormatCSV} {
		if out := string(render(t, format, Options{Width: 200}, r)); !strings.Contains(out, "~/.ssh/id_ed25519") {
			t.Errorf("%s does not show ~/.ssh/id_ed25519", format)
		}
	}
}

// TestSkippedShown: files skipped by policy that may hold credentials are a
// short section of the table and the Markdown, and the header no longer
// says plainly "complete"; skips that cannot hide a credential are not
// counted.
func TestSkippedShown(t *testing.T) {
	t.Parallel()
	r := emptyReport()
	skip := func(path, reason string, count int) inventory.Coverage {
		return inventory.Coverage{Source: "local", Target: ".", Path: path, Status: inventory.CoverageSkipped, Reason: reason, Count: count}
	}
	r.Coverage = []inventory.Coverage{
		{Source: "local", Target: ".", Status: inventory.CoverageComplete, Reason: "9 files read", Count: 9},
		skip("dump.sql", "larger than the size cap (10485760 bytes)", 0),
		skip("", "binary file", 3),
		skip("vendor", "excluded by configuration", 0),
		skip("link", "symlink to outside the scanned tree not followed", 0),
		skip("agentreach.json", "an agentreach report (values in it are redacted): not scanned", 0),
		skip("", "symlink inside the tree (its target is scanned)", 2),
		skip("fifo", "not a regular file (FIFO, socket or device)", 0),
		skip(".git", "git internals not read (.git: objects, refs, index; .git/config is read; --history reads the commits)", 0),
	}
	r.Finalize()
	if r.Scan.Status != StatusComplete {
		t.Fatalf("status %s", r.Scan.Status)
	}
	if _, n := r.Skipped(); n != 6 {
		t.Errorf("skipped files = %d, want 6", n)
	}
	table := string(render(t, FormatTable, Options{}, r))
	for _, want := range []string{"complete except 6 skipped files", "Skipped (6 files that may hold credentials):",
		"larger than the size cap (10485760 bytes): dump.sql", "binary file: 3 files", "excluded by configuration: vendor"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	for _, harmless := range []string{"agentreach.json", "fifo", "symlink inside"} {
		if strings.Contains(table, harmless) {
			t.Errorf("table lists %q, which cannot hide a credential", harmless)
		}
	}
	md := string(render(t, FormatMarkdown, Options{}, r))
	for _, want := range []string{"Complete except 6 files skipped by policy", "### Skipped", "`dump.sql`"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	// Nothing skipped: the header says complete and there is no section.
	r.Coverage = r.Coverage[:1]
	r.Finalize()
	if table := string(render(t, FormatTable, Options{}, r)); !strings.Contains(table, "· complete\n") || strings.Contains(table, "Skipped") {
		t.Errorf("clean scan:\n%s", table)
	}
}
