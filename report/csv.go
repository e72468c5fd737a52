package report

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// CSV writes one row per open finding. Every cell that a spreadsheet could
// read as a formula is prefixed with a quote (CWE-1236): names of secrets,
// repositories and paths are attacker-influenced.
type CSV struct{}

var _ Reporter = CSV{}

// CSVHeader are the columns, always written, even with no findings.
var CSVHeader = []string{"severity", "security_severity", "rule_id", "title", "path", "line", "subject", "credential", "agent", "message", "fingerprint", "baseline"}

// Write implements Reporter.
func (CSV) Write(_ context.Context, w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, f := range r.Findings {
		line := ""
		if f.Location.Line > 0 {
			line = strconv.Itoa(f.Location.Line)
		}
		row := []string{string(f.Severity), strconv.FormatFloat(f.Score, 'f', 1, 64), f.RuleID, f.Title,
			r.DisplayPath(f.Location), line, f.Subject, f.Credential, f.Agent, f.Message, f.Fingerprint, string(f.Baseline)}
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe neutralises formula triggers at the start of a cell.
func csvSafe(s string) string {
	if s == "" {
		return s
	}
	if strings.ContainsRune("=+-@\t\r\x00", rune(s[0])) {
		return "'" + s
	}
	return s
}
