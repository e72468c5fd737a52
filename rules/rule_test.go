package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/agentreach/agentreach/inventory"
)

var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// run evaluates one rule over an inventory.
func run(t *testing.T, r *Rule, inv *inventory.Inventory) []inventory.Finding {
	t.Helper()
	fs, notes := Evaluate([]*Rule{r}, Input{Inventory: inv, Now: testNow})
	for _, n := range notes {
		t.Logf("not evaluable: %+v", n)
	}
	return fs
}

func TestEvaluateContainsPanics(t *testing.T) {
	t.Parallel()
	bad := &Rule{Metadata: Metadata{ID: "AR-CF-999", Score: 3}, Check: func(c *Context) {
		c.Report(Result{Subject: "x"})
		panic("boom")
	}}
	good := &Rule{Metadata: Metadata{ID: "AR-CF-998", Score: 5}, Check: func(c *Context) {
		c.Report(Result{Subject: "y", Location: inventory.Location{Path: "a", Line: 0}})
		c.Report(Result{Subject: "y", Score: 6}) // same subject: deduplicated to the higher score
	}}
	fs, notes := Evaluate([]*Rule{bad, good}, Input{Now: testNow})
	if len(notes) != 1 || notes[0].RuleID != "AR-CF-999" {
		t.Errorf("notes = %+v", notes)
	}
	if len(fs) != 1 || fs[0].RuleID != "AR-CF-998" || fs[0].Score != 6 {
		t.Fatalf("findings = %+v", fs)
	}
	if fs[0].Location.Line != 1 || fs[0].Location.Path == "" {
		t.Errorf("location not defaulted: %+v", fs[0].Location)
	}
	if fs[0].Severity != inventory.SeverityMedium || fs[0].Fingerprint != inventory.Fingerprint("AR-CF-998", "y") {
		t.Errorf("finding = %+v", fs[0])
	}
}

func TestSortFindings(t *testing.T) {
	t.Parallel()
	fs := []inventory.Finding{
		{RuleID: "AR-B", Score: 5}, {RuleID: "AR-A", Score: 9.2}, {RuleID: "AR-A", Score: 5, Location: inventory.Location{Path: "b"}},
		{RuleID: "AR-A", Score: 5, Location: inventory.Location{Path: "a"}},
	}
	SortFindings(fs)
	if fs[0].Score != 9.2 || fs[1].Location.Path != "a" || fs[2].Location.Path != "b" || fs[3].RuleID != "AR-B" {
		t.Errorf("order = %+v", fs)
	}
}

// TestTemplateWorkflowsScoredLow: a workflow outside the root
// .github/workflows/ never runs as it is, so what it would do is listed at
// low severity and said; a credential written in it stays what it is.
func TestTemplateWorkflowsScoredLow(t *testing.T) {
	t.Parallel()
	const wf = "on: issue_comment\npermissions: {issues: write}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" +
		"      - run: echo \"${{ github.event.comment.body }}\"\n"
	for _, tc := range []struct {
		path string
		live bool
	}{
		{".github/workflows/ci.yml", true},
		{"docs/examples/.github/workflows/ci.yml", false},
		{"tests/fixtures/repo/.github/workflows/ci.yml", false},
	} {
		inv := ciInventory(t, map[string]string{tc.path: wf})
		fs, _ := Evaluate([]*Rule{UntrustedInjection}, Input{Inventory: inv, Now: testNow})
		if len(fs) != 1 {
			t.Fatalf("%s: findings = %+v", tc.path, fs)
		}
		// AR-CI-001 is about the token a live job gets: silent on a file
		// that does not run, and reported for the live one.
		undeclared := ciInventory(t, map[string]string{tc.path: "on: issue_comment\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n"})
		if perm, _ := Evaluate([]*Rule{WorkflowPermissions}, Input{Inventory: undeclared, Now: testNow}); len(perm) != map[bool]int{true: 1, false: 0}[tc.live] {
			t.Errorf("%s: AR-CI-001 findings = %+v", tc.path, perm)
		}
		f := fs[0]
		if got := f.Properties["live"] != "false"; got != tc.live {
			t.Errorf("%s: live = %v, want %v", tc.path, got, tc.live)
		}
		if !tc.live && (f.Score > 3.0 || !strings.HasPrefix(f.Message, "Not a live workflow")) {
			t.Errorf("%s: template finding = %.1f %q", tc.path, f.Score, f.Message)
		}
		if tc.live && f.Score < 5.0 {
			t.Errorf("%s: live finding scored %.1f", tc.path, f.Score)
		}
	}
}

func TestArticle(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Unencrypted RSA private key (PEM)":    "An unencrypted RSA private key (PEM)",
		"Secret in a configuration file":       "A secret in a configuration file",
		"npm registry credential (.npmrc)":     "An npm registry credential (.npmrc)",
		"SSH private key":                      "An SSH private key",
		"GitHub classic personal access token": "A GitHub classic personal access token",
		"OpenAI API key":                       "An OpenAI API key",
		"Azure storage account key":            "An Azure storage account key",
		"URL with basic auth":                  "A URL with basic auth",
		"Password in a .netrc":                 "A password in a .netrc",
		"embedded-key (…ab12)":                 "An embedded-key (…ab12)",
	} {
		if got := article(in); got != want {
			t.Errorf("article(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRefusedWorkflowsScoredLow: a workflow file GitHub refuses to run (a
// key defined twice) runs nothing: AR-CI-001 is silent and the other CI
// rules say so at the template band; the same file without the second key
// is live.
func TestRefusedWorkflowsScoredLow(t *testing.T) {
	t.Parallel()
	const body = "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.comment.body }}\"\n"
	for _, tc := range []struct {
		name, yaml string
		refused    bool
	}{
		{"env twice", "on: issue_comment\nenv:\n  A: \"1\"\n" + body + "env:\n  B: \"2\"\n", true},
		{"env once", "on: issue_comment\nenv:\n  A: \"1\"\n  B: \"2\"\n" + body, false},
	} {
		inv := ciInventory(t, map[string]string{wfPath: tc.yaml})
		if got := inv.Workflows[0].Refused != ""; got != tc.refused {
			t.Errorf("%s: refused %q", tc.name, inv.Workflows[0].Refused)
		}
		perm, _ := Evaluate([]*Rule{WorkflowPermissions}, Input{Inventory: inv, Now: testNow})
		inj, _ := Evaluate([]*Rule{UntrustedInjection}, Input{Inventory: inv, Now: testNow})
		if len(inj) != 1 {
			t.Fatalf("%s: AR-CI-003 findings %+v", tc.name, inj)
		}
		if tc.refused {
			if len(perm) != 0 || inj[0].Score > 3.0 || !strings.Contains(inj[0].Message, "GitHub refuses to run this file") ||
				!strings.Contains(inj[0].Message, `key "env" is defined twice`) {
				t.Errorf("%s: AR-CI-001 %d findings, AR-CI-003 %.1f %q", tc.name, len(perm), inj[0].Score, inj[0].Message)
			}
		} else if len(perm) != 1 || inj[0].Score <= 3.0 {
			t.Errorf("%s: live file: AR-CI-001 %d findings, AR-CI-003 %.1f", tc.name, len(perm), inj[0].Score)
		}
	}
}
