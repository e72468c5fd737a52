package report

import (
	"context"
	"encoding/json"
	"io"

	"github.com/agentreach/agentreach/inventory"
)

// GitLab writes a GitLab Code Quality report (`artifacts:reports:codequality`),
// the GitLab surface every tier shows in merge requests. Its fingerprint is
// the same identity as the SARIF and JSON fingerprints.
type GitLab struct{}

var _ Reporter = GitLab{}

type codeQuality struct {
	Description string            `json:"description"`
	CheckName   string            `json:"check_name"`
	Fingerprint string            `json:"fingerprint"`
	Severity    string            `json:"severity"`
	Location    codeQualityLoc    `json:"location"`
	Categories  []string          `json:"categories,omitempty"`
	Content     map[string]string `json:"content,omitempty"`
}

type codeQualityLoc struct {
	Path  string `json:"path"`
	Lines struct {
		Begin int `json:"begin"`
	} `json:"lines"`
}

// Write implements Reporter.
func (GitLab) Write(_ context.Context, w io.Writer, r *Report) error {
	out := make([]codeQuality, 0, len(r.Findings))
	for _, f := range r.Findings {
		cq := codeQuality{
			Description: f.RuleID + " " + f.Message,
			CheckName:   f.RuleID,
			Fingerprint: f.Fingerprint,
			Severity:    codeQualitySeverity(f.Severity),
			Categories:  []string{"Security"},
			Content:     map[string]string{"body": f.Title + ". See " + ruleLink(f.RuleID)},
		}
		cq.Location.Path = r.DisplayPath(f.Location)
		cq.Location.Lines.Begin = max(f.Location.Line, 1)
		out = append(out, cq)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func codeQualitySeverity(s inventory.Severity) string {
	switch s {
	case inventory.SeverityCritical:
		return "critical"
	case inventory.SeverityHigh:
		return "major"
	case inventory.SeverityMedium:
		return "minor"
	default:
		return "info"
	}
}
