package rules

import (
	"testing"
	"time"

	"github.com/agentreach/agentreach/inventory"
)

func TestExpiredIgnoreRule(t *testing.T) {
	t.Parallel()
	exp, _ := time.Parse("2006-01-02", "2026-01-31")
	in := Input{
		Inventory: &inventory.Inventory{},
		Now:       testNow,
		Ignores: []Ignore{
			{Rule: "AR-SC-001", Reason: "old", Owner: "alice", Expires: exp, Source: inventory.Location{Path: ".agentreach.yml", Line: 7}},
			{Rule: "AR-SC-001", Reason: "current", Expires: testNow.AddDate(0, 1, 0)},
			{Rule: "AR-SC-001", Reason: "no expiry"},
		},
	}
	fs, _ := Evaluate([]*Rule{ExpiredIgnore}, in)
	if len(fs) != 1 {
		t.Fatalf("findings = %+v", fs)
	}
	if fs[0].Location.Line != 7 || fs[0].Severity != inventory.SeverityLow {
		t.Errorf("finding = %+v", fs[0])
	}
}
