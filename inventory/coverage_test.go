package inventory

import "testing"

func TestCoverageStates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status                 CoverageStatus
		incomplete, outOfScope bool
	}{
		{CoverageComplete, false, false},
		{CoverageSkipped, false, false},
		{CoveragePartial, true, false},
		{CoverageFailed, true, false},
		{CoverageOutOfScope, false, true},
	}
	for _, tt := range tests {
		c := Coverage{Status: tt.status}
		if c.Incomplete() != tt.incomplete || c.OutOfScope() != tt.outOfScope {
			t.Errorf("%s: incomplete %v, out of scope %v; want %v, %v", tt.status, c.Incomplete(), c.OutOfScope(), tt.incomplete, tt.outOfScope)
		}
	}
}
