package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/internal/gitlabtest"
	"github.com/agentreach/agentreach/inventory"
)

func gitLabSecretsReports(t *testing.T) map[string]*Report {
	return map[string]*Report{"findings": sample(t), "empty": emptyReport(), "typed facts": factsReport(), "interrupted": interruptedReport(t)}
}

// TestGitLabSecretsMatchesSchema validates every sample against GitLab's
// secret-detection schema 15.2.4 in ../shared; skipped, saying so, without it.
func TestGitLabSecretsMatchesSchema(t *testing.T) {
	t.Parallel()
	for name, r := range gitLabSecretsReports(t) {
		t.Run(name, func(t *testing.T) {
			gitlabtest.Schema(t, render(t, FormatGitLabSecrets, Options{}, r))
		})
	}
	// The schema is not vacuous: a zoned time, as GitLab rejects it, fails.
	bad := strings.Replace(string(render(t, FormatGitLabSecrets, Options{}, sample(t))), `"start_time": "2026-11-25T12:00:00"`, `"start_time": "2026-11-25T12:00:00Z"`, 1)
	if err := gitlabtest.ValidateSchema([]byte(bad)); err == nil {
		t.Error("the schema accepted a start_time with a zone")
	}
}

// TestGitLabSecretsIngestible is the check that needs no ../shared.
func TestGitLabSecretsIngestible(t *testing.T) {
	t.Parallel()
	for name, r := range gitLabSecretsReports(t) {
		for _, err := range gitlabtest.Check(render(t, FormatGitLabSecrets, Options{}, r)) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// The check is not vacuous.
	good := string(render(t, FormatGitLabSecrets, Options{}, sample(t)))
	for what, bad := range map[string]string{
		"a zoned time":     strings.Replace(good, `"start_time": "2026-11-25T12:00:00"`, `"start_time": "2026-11-25T12:00:00Z"`, 1),
		"a source extract": strings.Replace(good, `"category": "secret_detection"`, `"raw_source_code_extract": "x", "category": "secret_detection"`, 1),
		"no commit sha":    strings.Replace(good, `"sha": "0000000"`, `"sha": ""`, 1),
		"no identifiers":   strings.Replace(good, `"identifiers": [`, `"identifiers": [], "x": [`, 1),
		"a lower severity": strings.Replace(good, `"severity": "Critical"`, `"severity": "critical"`, 1),
	} {
		if bad == good {
			t.Fatalf("%s: the replacement did not apply", what)
		}
		if len(gitlabtest.Check([]byte(bad))) == 0 {
			t.Errorf("the check accepted %s", what)
		}
	}
}

func TestGitLabSecretsContent(t *testing.T) {
	t.Parallel()
	r := sample(t)
	var doc struct {
		Scan struct {
			Status   string `json:"status"`
			Messages []struct{ Level, Value string }
		} `json:"scan"`
		Vulnerabilities []map[string]any `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(render(t, FormatGitLabSecrets, Options{Commit: "cafe1234"}, r), &doc); err != nil {
		t.Fatal(err)
	}
	// Only the embedded credential: the workflow-permissions finding is Code
	// Quality's, and the suppressed credential is not reported.
	var secrets []inventory.Finding
	for _, f := range r.Findings {
		if IsSecretFinding(f) {
			secrets = append(secrets, f)
		}
	}
	if len(secrets) != 1 || len(doc.Vulnerabilities) != 1 || len(r.Findings) != 2 {
		t.Fatalf("%d secret findings of %d, %d vulnerabilities", len(secrets), len(r.Findings), len(doc.Vulnerabilities))
	}
	v, f := doc.Vulnerabilities[0], secrets[0]
	if id := strings.ReplaceAll(v["id"].(string), "-", ""); id != f.Fingerprint {
		t.Errorf("id %v is not the fingerprint %s", v["id"], f.Fingerprint)
	}
	loc := v["location"].(map[string]any)
	if loc["file"] != "scripts/deploy.sh" || loc["start_line"] != 4.0 || loc["end_line"] != 4.0 || loc["commit"].(map[string]any)["sha"] != "cafe1234" {
		t.Errorf("location %v", loc)
	}
	ids := v["identifiers"].([]any)
	if first := ids[0].(map[string]any); first["value"] != "AR-SC-001" || first["type"] != "agentreach_rule_id" {
		t.Errorf("primary identifier %v", first)
	}
	if v["severity"] != "Critical" || !strings.Contains(v["description"].(string), "ghp_…Wxyz") {
		t.Errorf("severity %v, description %v", v["severity"], v["description"])
	}
	if _, ok := v["raw_source_code_extract"]; ok {
		t.Error("raw_source_code_extract is set")
	}
	if doc.Scan.Status != "success" || len(doc.Scan.Messages) != 1 || doc.Scan.Messages[0].Level != "warn" {
		t.Errorf("a partial scan: status %s, messages %v", doc.Scan.Status, doc.Scan.Messages)
	}

	// A finding of git history keeps its own commit.
	r.Findings[slicesIndex(r.Findings, f)].Location.Commit = "0123abcd"
	out := string(render(t, FormatGitLabSecrets, Options{Commit: "cafe1234"}, r))
	if !strings.Contains(out, `"sha": "0123abcd"`) || strings.Contains(out, "cafe1234") {
		t.Errorf("the location's commit is not used:\n%s", out)
	}
}

func slicesIndex(fs []inventory.Finding, f inventory.Finding) int {
	for i := range fs {
		if fs[i].Fingerprint == f.Fingerprint {
			return i
		}
	}
	return -1
}

func TestGitLabSeverity(t *testing.T) {
	t.Parallel()
	for in, want := range map[inventory.Severity]string{inventory.SeverityCritical: "Critical", inventory.SeverityHigh: "High",
		inventory.SeverityMedium: "Medium", inventory.SeverityLow: "Low", "": "Info"} {
		if got := gitLabSeverity(in); got != want {
			t.Errorf("%q: %s, want %s", in, got, want)
		}
	}
}
