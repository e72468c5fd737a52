package local

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
)

// ownReportReason is the coverage reason of a skipped agentreach report.
const ownReportReason = "an agentreach report (values in it are redacted): not scanned"

// isOwnReport recognises a report agentreach wrote — JSON, SARIF, GitLab
// Code Quality, CSV, Markdown, HTML or the table — by its structure, so that the
// README's `-o json=agentreach.json` does not turn into a finding in the
// next scan (its redacted previews and keyed fingerprints look like
// secrets). The markers are this tool's output format (package report, which
// scanners cannot import; cmd/agentreach tests that every format it writes is
// recognised).
//
// A file that is only dressed as a report must not hide a credential: one
// that holds anything shaped like an unredacted token (see tokenShaped) is
// not recognised and is scanned like any other file; Options.ownReport also
// asks the secrets engine.
func isOwnReport(data []byte) bool {
	d := bytes.TrimLeft(data, "\ufeff \t\r\n")
	if len(d) == 0 {
		return false
	}
	var ok bool
	switch d[0] {
	case '{':
		ok = ownJSON(d)
	case '[':
		ok = ownGitLab(d)
	case 's':
		ok = bytes.HasPrefix(d, []byte(csvHeader+"\n")) || bytes.HasPrefix(d, []byte(csvHeader+"\r\n"))
	case '#':
		ok = ownMarkdown(d)
	case 'a':
		ok = ownTable(d)
	case '<':
		ok = ownHTML(d)
	}
	return ok && !tokenShaped(data)
}

// ownReport is isOwnReport, and no format-anchored credential in data.
func (o Options) ownReport(data []byte) bool {
	return isOwnReport(data) && (o.HoldsCredential == nil || !o.HoldsCredential(data))
}

// csvHeader is the first line of agentreach's CSV report (report.CSVHeader).
const csvHeader = "severity,security_severity,rule_id,title,path,line,subject,credential,agent,message,fingerprint,baseline"

// ownJSON: the JSON report (schema_version, tool.name agentreach, a scan
// with an agentreach category) or SARIF whose every run is agentreach's.
func ownJSON(d []byte) bool {
	var doc struct {
		SchemaVersion int `json:"schema_version"`
		Tool          struct {
			Name string `json:"name"`
		} `json:"tool"`
		Scan struct {
			Category string `json:"category"`
		} `json:"scan"`
		Findings        []json.RawMessage `json:"findings"`
		Version         string            `json:"version"`
		Vulnerabilities []json.RawMessage `json:"vulnerabilities"`
		Runs            []struct {
			Tool struct {
				Driver struct {
					Name string `json:"name"`
				} `json:"driver"`
			} `json:"tool"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(d, &doc); err != nil {
		return false
	}
	if doc.SchemaVersion > 0 && doc.Tool.Name == "agentreach" && strings.HasPrefix(doc.Scan.Category, "agentreach/") && doc.Findings != nil {
		return true
	}
	if doc.Vulnerabilities != nil && gitLabVersion.MatchString(doc.Version) {
		return ownGitLabSecrets(d)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) == 0 {
		return false
	}
	for _, r := range doc.Runs {
		if r.Tool.Driver.Name != "agentreach" {
			return false
		}
	}
	return true
}

var gitLabVersion = regexp.MustCompile(`^\d+\.\d+\.\d+$`)

// ownGitLabSecrets: a GitLab secret-detection report whose analyzer and
// scanner are agentreach and whose every vulnerability is an agentreach rule.
func ownGitLabSecrets(d []byte) bool {
	var doc struct {
		Scan struct {
			Type     string `json:"type"`
			Analyzer struct {
				ID string `json:"id"`
			} `json:"analyzer"`
			Scanner struct {
				ID string `json:"id"`
			} `json:"scanner"`
		} `json:"scan"`
		Vulnerabilities []struct {
			Identifiers []struct {
				Value string `json:"value"`
			} `json:"identifiers"`
		} `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(d, &doc); err != nil || doc.Scan.Type != "secret_detection" ||
		doc.Scan.Analyzer.ID != "agentreach" || doc.Scan.Scanner.ID != "agentreach" {
		return false
	}
	for _, v := range doc.Vulnerabilities {
		if len(v.Identifiers) == 0 || !ruleID.MatchString(v.Identifiers[0].Value) {
			return false
		}
	}
	return true
}

var ruleID = regexp.MustCompile(`^AR-[A-Z]{2,4}-\d{3}$`)

// ownGitLab: a Code Quality report whose every entry is an agentreach rule.
func ownGitLab(d []byte) bool {
	var issues []struct {
		CheckName   string `json:"check_name"`
		Fingerprint string `json:"fingerprint"`
	}
	if err := json.Unmarshal(d, &issues); err != nil || len(issues) == 0 {
		return false
	}
	for _, is := range issues {
		if !ruleID.MatchString(is.CheckName) || is.Fingerprint == "" {
			return false
		}
	}
	return true
}

var markdownFooter = regexp.MustCompile(`(?m)^<sub>agentreach \S+ · schema v\d+</sub>\s*\z`)

// ownMarkdown: the Markdown report, from its heading to its footer.
func ownMarkdown(d []byte) bool {
	return bytes.HasPrefix(d, []byte("## agentreach: ")) && markdownFooter.Match(d)
}

var tableHead = regexp.MustCompile(`^agentreach \S+ · .* · (complete|PARTIAL|INTERRUPTED)[^\n]*\n\nFindings: \d+ critical, \d+ high, \d+ medium, \d+ low`)

// ownTable: the terminal table redirected to a file.
func ownTable(d []byte) bool {
	return tableHead.Match(d) && bytes.Contains(d, []byte("\nInventory: "))
}

// tokenShaped reports a run of 20 or more token characters that mixes upper
// and lower case letters and digits and switches between them as often as
// random characters do (camel-case names such as a test's temporary
// directory switch rarely): the shape of a random credential, which
// agentreach's reports never hold (they show a prefix and the last 4
// characters, and fingerprints in lower-case hex).
func tokenShaped(data []byte) bool {
	const (
		none = iota
		upper
		lower
		digit
	)
	run, switches, prev := 0, 0, none
	var seen [4]bool
	shaped := func() bool {
		// Random base62 switches class at about 6 of 10 characters.
		return run >= 20 && seen[upper] && seen[lower] && seen[digit] && switches*10 >= run*3
	}
	for _, c := range data {
		class := none
		switch {
		case c >= 'A' && c <= 'Z':
			class = upper
		case c >= 'a' && c <= 'z':
			class = lower
		case c >= '0' && c <= '9':
			class = digit
		case c == '_' || c == '-' || c == '+' || c == '=' || c == '/':
		default:
			if shaped() {
				return true
			}
			run, switches, prev, seen = 0, 0, none, [4]bool{}
			continue
		}
		run++
		if class != none {
			if prev != none && class != prev {
				switches++
			}
			prev = class
			seen[class] = true
		}
	}
	return shaped()
}

// htmlGenerator is the generator meta line of agentreach's HTML report
// (report/html/report.html.tmpl), within its first lines.
const htmlGenerator = `<meta name="generator" content="agentreach">`

// ownHTML: the HTML report: the doctype, agentreach's generator line in the
// head and the data block the page's script reads.
func ownHTML(d []byte) bool {
	head := d[:min(len(d), 1024)]
	return bytes.HasPrefix(d, []byte("<!DOCTYPE html>")) && bytes.Contains(head, []byte(htmlGenerator)) &&
		bytes.Contains(d, []byte(`<script type="application/json" id="data">`))
}
