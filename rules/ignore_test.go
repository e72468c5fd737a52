package rules

import (
	"testing"
	"time"

	"github.com/agentreach/agentreach/inventory"
)

func TestIgnoreValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ig Ignore
		ok bool
	}{
		{Ignore{Rule: "AR-SC-001", Reason: "fixture"}, true},
		{Ignore{Path: "fixtures/**", Reason: "fixture"}, true},
		{Ignore{Subject: "workflow:*", Reason: "r"}, true},
		{Ignore{Reason: "nothing to match"}, false},
		{Ignore{Rule: "AR-SC-001"}, false},
		{Ignore{Path: "a/[", Reason: "r"}, false},
		{Ignore{Rule: "SC-001", Reason: "r"}, false},
	}
	for _, tt := range tests {
		if err := tt.ig.Validate(); (err == nil) != tt.ok {
			t.Errorf("%+v: err = %v, want ok=%v", tt.ig, err, tt.ok)
		}
	}
}

func TestApplyIgnores(t *testing.T) {
	t.Parallel()
	now := testNow
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	f1 := inventory.Finding{RuleID: "AR-SC-001", Subject: "file:fixtures/a.env#x", Location: inventory.Location{Path: "fixtures/repos/demo/a.env"}}
	f2 := inventory.Finding{RuleID: "AR-CI-001", Subject: "workflow:.github/workflows/ci.yml#jobs.build", Location: inventory.Location{Path: ".github/workflows/ci.yml"}}
	f3 := inventory.Finding{RuleID: "AR-SC-001", Subject: "file:src/k.go#y", Location: inventory.Location{Path: "src/k.go"}}
	f4 := inventory.Finding{RuleID: "AR-CF-001", Subject: "ignore:x", Location: inventory.Location{Path: ".agentreach.yml"}}
	ignores := []Ignore{
		{Path: "fixtures/**", Reason: "test fixtures", Owner: "sec", Expires: day("2027-01-01")},
		{Rule: "AR-CI-001", Subject: "workflow:*#jobs.build", Reason: "expired", Expires: day("2026-11-24")},
		{Path: "**", Reason: "everything"},
	}
	open, suppressed := ApplyIgnores([]inventory.Finding{f1, f2, f3, f4}, ignores[:2], now)
	if len(open) != 3 || len(suppressed) != 1 || suppressed[0].Subject != f1.Subject {
		t.Fatalf("open=%v suppressed=%v", open, suppressed)
	}
	if s := suppressed[0].Suppression; s == nil || s.Reason != "test fixtures" || s.Owner != "sec" || s.Match != "path fixtures/**" {
		t.Errorf("suppression = %+v", s)
	}
	// The everything-ignore suppresses all but the finding about ignores.
	open, _ = ApplyIgnores([]inventory.Finding{f1, f2, f3, f4}, ignores[2:], now)
	if len(open) != 1 || open[0].RuleID != "AR-CF-001" {
		t.Errorf("open = %v", open)
	}
	// An ignore is valid through its expiry day.
	if (Ignore{Expires: day("2026-11-25")}).Expired(now) || !(Ignore{Expires: day("2026-11-24")}).Expired(now) {
		t.Error("expiry boundary")
	}
}
