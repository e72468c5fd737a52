package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/agentreach/agentreach/inventory"
)

// ReadBaseline reads a previous JSON report.
func ReadBaseline(rd io.Reader) (*Report, error) {
	var prev Report
	dec := json.NewDecoder(io.LimitReader(rd, 512<<20))
	if err := dec.Decode(&prev); err != nil {
		return nil, fmt.Errorf("baseline is not an agentreach JSON report: %w", err)
	}
	if prev.SchemaVersion != SchemaVersion {
		hint := ""
		if prev.SchemaVersion == 1 {
			hint = " (version 2 identifies embedded credentials by a keyed fingerprint, so their ids changed; write a new baseline with this version)"
		}
		return nil, fmt.Errorf("baseline has schema version %d, want %d%s", prev.SchemaVersion, SchemaVersion, hint)
	}
	return &prev, nil
}

// ApplyBaseline marks each open finding new or unchanged against a previous
// report, lists as resolved the previous open findings that are gone (a
// finding that moved to suppressed is not "resolved"), and records the
// inventory's drift: new, removed and widened credentials, new App
// installations, new agents and new reach.
func (r *Report) ApplyBaseline(prev *Report) {
	r.Drift = DiffInventory(prev.Inventory, r.Inventory)
	before := map[string]bool{}
	for _, f := range prev.Findings {
		before[f.Fingerprint] = true
	}
	now := map[string]bool{}
	for i := range r.Findings {
		f := &r.Findings[i]
		now[f.Fingerprint] = true
		if before[f.Fingerprint] {
			f.Baseline = inventory.BaselineUnchanged
		} else {
			f.Baseline = inventory.BaselineNew
		}
	}
	for _, f := range r.Suppressed {
		now[f.Fingerprint] = true
	}
	r.Resolved = nil
	for _, f := range prev.Findings {
		if !now[f.Fingerprint] {
			f.Baseline = inventory.BaselineResolved
			r.Resolved = append(r.Resolved, f)
		}
	}
}
