package main

import (
	"encoding/json"
	"io"

	"github.com/agentreach/agentreach/rules"
)

// ruleJSON is one rule as `agentreach rules -o json` writes it: the catalog's
// metadata, for tools that map agentreach's rule ids to their own.
type ruleJSON struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Severity    string   `json:"severity"`
	Score       float64  `json:"security_severity"`
	Precision   string   `json:"precision,omitempty"`
	Frameworks  []string `json:"frameworks"`
	Tags        []string `json:"tags"`
	Remediation string   `json:"remediation"`
	HelpURI     string   `json:"help_uri"`
	Deprecated  bool     `json:"deprecated,omitempty"`
}

// writeRulesJSON writes the rules as a JSON array, or one rule as an object.
func writeRulesJSON(w io.Writer, all []*rules.Rule, one bool) error {
	out := make([]ruleJSON, 0, len(all))
	for _, r := range all {
		m := &r.Metadata
		out = append(out, ruleJSON{ID: m.ID, Name: m.Name, Title: m.Title, Description: m.Description,
			Severity: string(m.Severity), Score: m.Score, Precision: string(m.Precision),
			Frameworks: nonNil(m.FrameworkIDs()), Tags: nonNil(m.Tags()), Remediation: m.Remediation,
			HelpURI: m.HelpURI(), Deprecated: m.Deprecated})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if one {
		return enc.Encode(out[0])
	}
	return enc.Encode(out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
