package report

import (
	"context"
	"encoding/json"
	"io"
)

// JSON writes the full report: the stable, documented source of truth
// (docs/schema/report.v2.json).
type JSON struct{}

var _ Reporter = JSON{}

// Write implements Reporter.
func (JSON) Write(_ context.Context, w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
