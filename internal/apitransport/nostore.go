package apitransport

import (
	"net/http"
	"strings"
)

// noStoreSegments are path segments whose endpoints return secret values
// on GitHub or GitLab:
//
//   - variables: GitLab CI/CD variables (instance, group, project, pipeline)
//     come back in plaintext; GitHub Actions configuration variables are
//     plaintext by design and people still put secrets in them.
//   - pipeline_schedules: GitLab schedules embed their variables.
//   - triggers: GitLab pipeline trigger tokens (whole for their owner).
//   - hooks: webhook URLs are often bearer URLs (Slack, Teams, Discord).
//   - integrations, services: GitLab integration settings.
var noStoreSegments = map[string]bool{
	"variables":          true,
	"pipeline_schedules": true,
	"triggers":           true,
	"hooks":              true,
	"integrations":       true,
	"services":           true,
	// GitHub's secret-scanning alerts carry the leaked value in "secret"
	// (the scanner asks hide_secret=true; this is the second guard).
	"secret-scanning": true,
}

// DefaultNoStore is the NoStore used when Options.NoStore is nil. It keeps
// out of the cache every endpoint known to return secret values:
//
//   - any path with a segment variables, pipeline_schedules, triggers,
//     hooks, integrations or services (GitLab CI/CD variables and
//     schedules, trigger tokens, webhook URLs, integration settings;
//     GitHub Actions variables and webhooks);
//   - GitLab /application/settings (instance secrets such as API keys);
//   - GitLab /runners/:id (runner details carried the runner token in
//     older versions).
//
// A caller that wants more excluded wraps it:
//
//	NoStore: func(r *http.Request) bool { return apitransport.DefaultNoStore(r) || mine(r) }
func DefaultNoStore(r *http.Request) bool {
	if r == nil || r.URL == nil {
		return true
	}
	segs := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	for i, s := range segs {
		s = strings.ToLower(s)
		if noStoreSegments[s] {
			return true
		}
		if s == "application" && i+1 < len(segs) && strings.EqualFold(segs[i+1], "settings") {
			return true
		}
		if s == "runners" && i+1 < len(segs) && isDigits(segs[i+1]) {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
