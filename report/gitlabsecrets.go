package report

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/rules"
)

// GitLabSecretsSchemaVersion is the version of GitLab's secret-detection
// report schema the gitlab-secret-detection format declares and validates
// against (GitLab ingests a report only when its version is one it knows).
const GitLabSecretsSchemaVersion = "15.2.4"

const gitLabSecretsSchemaURL = "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v" +
	GitLabSecretsSchemaVersion + "/dist/secret-detection-report-format.json"

// NoCommit is the commit sha written when neither the finding nor the run
// knows one: GitLab requires location.commit.sha, and its own secrets
// analyzer writes this placeholder for a finding of the work tree.
const NoCommit = "0000000"

// secretRules are the rules whose findings are embedded credential values,
// the findings a secret-detection report holds. Every other finding goes to
// the Code Quality report (gitlab) only.
var secretRules = []string{"AR-SC-001", "AR-CI-008", "AR-AG-001", "AR-AG-009"}

// IsSecretFinding reports whether a finding is about an embedded credential
// value (one of secretRules).
func IsSecretFinding(f inventory.Finding) bool { return slices.Contains(secretRules, f.RuleID) }

// GitLabSecrets writes a GitLab secret-detection report
// (`artifacts:reports:secret_detection`, schema 15.2.4): one vulnerability
// per embedded-credential finding. It never carries a value: no
// raw_source_code_extract, only the finding's message with the redacted
// preview.
type GitLabSecrets struct {
	// Commit is the scanned commit (CI_COMMIT_SHA in a GitLab job), used
	// when a finding's location has none; NoCommit when empty.
	Commit string
}

var _ Reporter = GitLabSecrets{}

type glSecretsReport struct {
	Version         string            `json:"version"`
	Schema          string            `json:"schema"`
	Scan            glScan            `json:"scan"`
	Vulnerabilities []glVulnerability `json:"vulnerabilities"`
}

type glScan struct {
	Analyzer  glTool      `json:"analyzer"`
	Scanner   glTool      `json:"scanner"`
	Type      string      `json:"type"`
	StartTime string      `json:"start_time"`
	EndTime   string      `json:"end_time"`
	Status    string      `json:"status"`
	Messages  []glMessage `json:"messages,omitempty"`
}

type glTool struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	URL     string   `json:"url,omitempty"`
	Version string   `json:"version"`
	Vendor  glVendor `json:"vendor"`
}

type glVendor struct {
	Name string `json:"name"`
}

type glMessage struct {
	Level string `json:"level"`
	Value string `json:"value"`
}

type glVulnerability struct {
	ID          string         `json:"id"`
	Category    string         `json:"category"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Severity    string         `json:"severity"`
	Solution    string         `json:"solution,omitempty"`
	Identifiers []glIdentifier `json:"identifiers"`
	Links       []glLink       `json:"links,omitempty"`
	Location    glLocation     `json:"location"`
}

type glIdentifier struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
	URL   string `json:"url,omitempty"`
}

type glLink struct {
	Name string `json:"name,omitempty"`
	URL  string `json:"url"`
}

type glLocation struct {
	File      string   `json:"file,omitempty"`
	StartLine int      `json:"start_line,omitempty"`
	EndLine   int      `json:"end_line,omitempty"`
	Commit    glCommit `json:"commit"`
}

type glCommit struct {
	Sha string `json:"sha"`
}

// gitLabTime is the schema's time: no zone, no fractional seconds (UTC).
const gitLabTime = "2006-01-02T15:04:05"

// Write implements Reporter.
func (g GitLabSecrets) Write(_ context.Context, w io.Writer, r *Report) error {
	tool := glTool{
		ID: "agentreach", Name: "agentreach", URL: cmp.Or(r.Tool.InformationURI, "https://github.com/agentreach/agentreach"),
		Version: cmp.Or(r.Tool.Version, "unknown"), Vendor: glVendor{Name: "agentreach"},
	}
	out := glSecretsReport{
		Version: GitLabSecretsSchemaVersion,
		Schema:  gitLabSecretsSchemaURL,
		Scan: glScan{
			Analyzer: tool, Scanner: tool, Type: "secret_detection",
			StartTime: r.Scan.StartedAt.UTC().Format(gitLabTime),
			EndTime:   r.Scan.FinishedAt.UTC().Format(gitLabTime),
			// GitLab's "failure" means the scanner failed; a partial scan
			// still produced a report, so it is a success with a warning.
			Status: "success",
		},
		Vulnerabilities: []glVulnerability{},
	}
	if r.Scan.Status == StatusPartial {
		_, n := r.Problems()
		msg := fmt.Sprintf("partial scan: %s could not be read fully; see the JSON report's coverage", plural(n, "source or file", "sources or files"))
		if r.Scan.Interrupted {
			msg = "partial scan: interrupted before it read everything"
		}
		out.Scan.Messages = append(out.Scan.Messages, glMessage{Level: "warn", Value: msg})
	}
	for _, f := range r.Findings {
		if !IsSecretFinding(f) {
			continue
		}
		out.Vulnerabilities = append(out.Vulnerabilities, g.vulnerability(r, f))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func (g GitLabSecrets) vulnerability(r *Report, f inventory.Finding) glVulnerability {
	rule := rules.ByID(r.Rules, f.RuleID)
	if rule == nil {
		rule = rules.ByID(rules.All(), f.RuleID)
	}
	name, solution, link := f.Title, "", ruleLink(f.RuleID)
	if rule != nil {
		name = cmp.Or(name, rule.Title)
		solution = truncateRunes(rule.Remediation, 7000)
		link = rule.HelpURI()
	}
	desc := f.Message
	if rule != nil && rule.Description != "" {
		desc += "\n\n" + rule.Description
	}
	v := glVulnerability{
		ID:          fingerprintUUID(f.Fingerprint),
		Category:    "secret_detection",
		Name:        truncateRunes(cmp.Or(name, f.RuleID), 255),
		Description: desc,
		Severity:    gitLabSeverity(f.Severity),
		Solution:    solution,
		Identifiers: []glIdentifier{
			{Type: "agentreach_rule_id", Name: f.RuleID + " " + cmp.Or(f.RuleName, f.RuleID), Value: f.RuleID, URL: link},
			{Type: "agentreach_fingerprint", Name: "agentreach finding " + f.Fingerprint, Value: f.Fingerprint},
		},
		Links: []glLink{{Name: f.RuleID, URL: link}},
		Location: glLocation{
			Commit: glCommit{Sha: cmp.Or(f.Location.Commit, g.Commit, NoCommit)},
		},
	}
	if f.Location.Path != "" {
		v.Location.File = r.DisplayPath(f.Location)
	}
	if f.Location.Line > 0 {
		v.Location.StartLine = f.Location.Line
		v.Location.EndLine = max(f.Location.EndLine, f.Location.Line)
	}
	return v
}

// fingerprintUUID writes a 32-hex fingerprint as a UUID (GitLab recommends
// one for vulnerability ids); any other fingerprint is used as it is.
func fingerprintUUID(fp string) string {
	if len(fp) != 32 || strings.Trim(fp, "0123456789abcdef") != "" {
		return cmp.Or(fp, "unknown")
	}
	return fp[:8] + "-" + fp[8:12] + "-" + fp[12:16] + "-" + fp[16:20] + "-" + fp[20:]
}

func gitLabSeverity(s inventory.Severity) string {
	switch s {
	case inventory.SeverityCritical:
		return "Critical"
	case inventory.SeverityHigh:
		return "High"
	case inventory.SeverityMedium:
		return "Medium"
	case inventory.SeverityLow:
		return "Low"
	default:
		return "Info"
	}
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
