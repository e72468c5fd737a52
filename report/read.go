package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// ReadReport reads a JSON report that this version of agentreach wrote. A
// file that is not an agentreach report, or a report of another schema
// version, is refused with an error that says which.
func ReadReport(rd io.Reader) (*Report, error) {
	var r Report
	dec := json.NewDecoder(io.LimitReader(rd, 512<<20))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("not an agentreach JSON report: %w", err)
	}
	if r.SchemaVersion == 0 || r.Inventory == nil {
		return nil, fmt.Errorf("not an agentreach JSON report (no schema_version or inventory; write one with `agentreach scan -o json=FILE`)")
	}
	if r.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("the report has schema version %d, this agentreach reads version %d; re-run the scan with this version", r.SchemaVersion, SchemaVersion)
	}
	return &r, nil
}
