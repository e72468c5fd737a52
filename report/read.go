package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxReportBytes bounds a report read back (a baseline, a shard to merge).
const maxReportBytes = 512 << 20

// ErrNotReport marks input that is not an agentreach JSON report.
var ErrNotReport = errors.New("not an agentreach JSON report")

// VersionError is a report of another schema version than this build's.
type VersionError struct{ Got int }

func (e *VersionError) Error() string {
	hint := ""
	if e.Got == 1 {
		hint = " (version 2 identifies embedded credentials by a keyed fingerprint, so their ids changed; scan again with this version)"
	}
	return fmt.Sprintf("schema version %d, want %d%s", e.Got, SchemaVersion, hint)
}

// ReadReport reads an agentreach JSON report of this schema version. Input
// that is not one (other JSON, no tool name "agentreach", no schema
// version) is ErrNotReport; a report of another version is a *VersionError.
func ReadReport(rd io.Reader) (*Report, error) {
	data, err := io.ReadAll(io.LimitReader(rd, maxReportBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxReportBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrNotReport, maxReportBytes)
	}
	var probe struct {
		SchemaVersion *int `json:"schema_version"`
		Tool          struct {
			Name string `json:"name"`
		} `json:"tool"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotReport, err)
	}
	if probe.SchemaVersion == nil || probe.Tool.Name != "agentreach" {
		return nil, fmt.Errorf("%w (no schema_version or tool.name \"agentreach\")", ErrNotReport)
	}
	if *probe.SchemaVersion != SchemaVersion {
		return nil, &VersionError{Got: *probe.SchemaVersion}
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotReport, err)
	}
	return &r, nil
}
