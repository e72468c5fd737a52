package inventory

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Severity is a finding's band.
type Severity string

// Severities, from the most to the least severe.
const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityMedium   Severity = "medium"
	SeverityLow      Severity = "low"
	// SeverityNone is only a --fail-on threshold: nothing fails.
	SeverityNone Severity = "none"
)

// Severities lists the finding bands from the most severe.
var Severities = []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow}

// Rank orders severities: critical 4, high 3, medium 2, low 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityCritical:
		return 4
	case SeverityHigh:
		return 3
	case SeverityMedium:
		return 2
	case SeverityLow:
		return 1
	default:
		return 0
	}
}

// ParseSeverity parses a severity name, including "none".
func ParseSeverity(s string) (Severity, error) {
	switch v := Severity(strings.ToLower(strings.TrimSpace(s))); v {
	case SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow, SeverityNone:
		return v, nil
	default:
		return "", fmt.Errorf("unknown severity %q (want critical, high, medium, low or none)", s)
	}
}

// SeverityForScore maps a security-severity score onto GitHub's bands
// (critical ≥ 9.1 in agentreach, so that 9.0's ambiguity never matters).
func SeverityForScore(score float64) Severity {
	switch {
	case score >= 9.0:
		return SeverityCritical
	case score >= 7.0:
		return SeverityHigh
	case score >= 4.0:
		return SeverityMedium
	default:
		return SeverityLow
	}
}

// BaselineState compares a finding with a previous report.
type BaselineState string

// Baseline states.
const (
	BaselineNew       BaselineState = "new"
	BaselineUnchanged BaselineState = "unchanged"
	BaselineResolved  BaselineState = "resolved"
)

// Suppression records why a finding is not reported as open.
type Suppression struct {
	Reason  string    `json:"reason"`
	Owner   string    `json:"owner,omitempty"`
	Expires time.Time `json:"expires,omitzero"`
	Match   string    `json:"match"` // what matched: rule, path glob or subject
}

// Finding is one rule result.
type Finding struct {
	RuleID   string   `json:"rule_id"`
	RuleName string   `json:"rule_name"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	Score    float64  `json:"security_severity"`
	Message  string   `json:"message"`
	Subject  string   `json:"subject"`
	Location Location `json:"location"`
	// Related are the other places of what the finding is about (the same
	// credential value written in several files): SARIF relatedLocations.
	Related     []Location        `json:"related,omitempty"`
	Fingerprint string            `json:"fingerprint"`
	Frameworks  []string          `json:"frameworks,omitempty"`
	Credential  string            `json:"credential,omitempty"`
	Agent       string            `json:"agent,omitempty"`
	Properties  map[string]string `json:"properties,omitempty"`
	Baseline    BaselineState     `json:"baseline,omitempty"`
	Suppression *Suppression      `json:"suppression,omitempty"`
}

// MaxRelatedShown caps the related locations a SARIF result lists; the JSON
// finding lists them all.
const MaxRelatedShown = 20

// Fingerprint derives a finding's stable identity from its rule and subject:
// never from line numbers and never from a secret value. The same value is
// used as SARIF primaryLocationLineHash, the JSON fingerprint and the GitLab
// primary identifier.
func Fingerprint(ruleID, subject string) string {
	sum := sha256.Sum256([]byte(ruleID + "\x00" + subject))
	return hex.EncodeToString(sum[:16])
}
