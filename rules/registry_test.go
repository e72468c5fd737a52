package rules

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

var idPattern = regexp.MustCompile(`^AR-(PB|GH|GL|CI|AG|SC|CF)-\d{3}$`)

func TestRegistry(t *testing.T) {
	t.Parallel()
	all := All()
	seenID := map[string]bool{}
	seenName := map[string]bool{}
	for i, r := range all {
		if !idPattern.MatchString(r.ID) {
			t.Errorf("%s: bad id", r.ID)
		}
		if seenID[r.ID] || seenName[r.Name] {
			t.Errorf("%s: duplicate id or name %q", r.ID, r.Name)
		}
		seenID[r.ID], seenName[r.Name] = true, true
		if i > 0 && all[i-1].ID >= r.ID {
			t.Errorf("All() is not in id order at %s", r.ID)
		}
		if r.Name == "" || r.Title == "" || r.Description == "" || r.Remediation == "" || r.Source == "" {
			t.Errorf("%s: missing required metadata", r.ID)
		}
		if len(r.Description) > 1024 || len(r.Title) > 1024 || len(r.Name) > 255 {
			t.Errorf("%s: text over SARIF limits", r.ID)
		}
		if r.Check == nil && !r.Deprecated {
			t.Errorf("%s: no check", r.ID)
		}
		if r.Score < 0.1 || r.Score > 10 {
			t.Errorf("%s: score %.1f out of range", r.ID, r.Score)
		}
		if got := inventory.SeverityForScore(r.Score); got != r.Severity {
			t.Errorf("%s: severity %s but score %.1f is %s", r.ID, r.Severity, r.Score, got)
		}
		if r.Severity == inventory.SeverityCritical && r.Score < 9.1 {
			t.Errorf("%s: critical rules use 9.1 or more", r.ID)
		}
		if len(r.Frameworks) == 0 {
			t.Errorf("%s: no framework mapping", r.ID)
		}
		if tags := r.Tags(); len(tags) > 10 || tags[0] != "security" {
			t.Errorf("%s: tags %v", r.ID, tags)
		}
		switch r.Precision {
		case PrecisionVeryHigh, PrecisionHigh, PrecisionMedium, PrecisionLow:
		default:
			t.Errorf("%s: precision %q", r.ID, r.Precision)
		}
	}
}

// TestOneRuleFilePerRule checks that every rule lives in its own file named
// after its id, with a test file beside it, and is registered in All().
func TestOneRuleFilePerRule(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("[a-z][a-z][0-9][0-9][0-9]_*.go")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range All() {
		ids[r.ID] = true
	}
	seen := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		prefix := strings.SplitN(f, "_", 2)[0]
		id := "AR-" + strings.ToUpper(prefix[:2]) + "-" + prefix[2:]
		if !ids[id] {
			t.Errorf("%s: rule %s is not registered in All()", f, id)
		}
		seen[id] = true
		if _, err := os.Stat(strings.TrimSuffix(f, ".go") + "_test.go"); err != nil {
			t.Errorf("%s: no test file beside it", f)
		}
	}
	for id := range ids {
		if !seen[id] {
			t.Errorf("%s: no rule file", id)
		}
	}
}

func TestRulesDocUpToDate(t *testing.T) {
	t.Parallel()
	want := RenderMarkdown(All())
	got, err := os.ReadFile("../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("docs/rules.md is stale: run `go generate ./rules`")
	}
}

func TestHelpAndExplain(t *testing.T) {
	t.Parallel()
	for _, r := range All() {
		h := HelpMarkdown(r)
		if !strings.Contains(h, r.HelpURI()) || !strings.Contains(h, "Remediation") {
			t.Errorf("%s: help lacks link or remediation", r.ID)
		}
		if e := Explain(r); !strings.HasPrefix(e, r.ID) {
			t.Errorf("%s: explain = %q", r.ID, e)
		}
	}
	if ByID(All(), "ar-ci-001") == nil || ByID(All(), "AR-XX-999") != nil {
		t.Error("ByID")
	}
	if !slices.Contains(WorkflowPermissions.Tags(), "nhi:NHI5") {
		t.Error("tags lack framework ids")
	}
}
