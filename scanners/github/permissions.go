package github

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	gh "github.com/google/go-github/v93/github"

	"github.com/agentreach/agentreach/inventory"
)

// Permission is what one endpoint the scanner reads needs: the GitHub App
// (and fine-grained PAT) permission, the classic scope, and the role of the
// user behind a user token. docs/github-permissions.md is this table.
type Permission struct {
	Endpoint string
	App      string
	Classic  string
	Role     string
	Feeds    string // what is missing without it
}

// Permissions lists every endpoint the scanner reads, from GitHub's REST
// description (the x-github permission data in @octokit/openapi); all read
// only.
var Permissions = []Permission{
	{"/orgs/{org}", "(none)", "read:org for private details", "member", "the organisation's default repository permission"},
	{"/orgs/{org}/repos", "metadata: read", "repo (private repositories)", "member", "the repository list"},
	{"/orgs/{org}/members", "members: read", "read:org", "member", "members and their roles (the principals)"},
	{"/orgs/{org}/outside_collaborators", "members: read", "read:org", "owner", "outside collaborators"},
	{"/orgs/{org}/personal-access-tokens", "organization_personal_access_tokens: read (GitHub App only)", "(not available to PATs)", "—", "fine-grained PAT grants (AR-GH-001/002/003, AR-PB-*)"},
	{"/orgs/{org}/personal-access-tokens/{pat_id}/repositories", "organization_personal_access_tokens: read (GitHub App only)", "(not available to PATs)", "—", "the repositories of subset grants"},
	{"/orgs/{org}/personal-access-token-requests", "organization_personal_access_token_requests: read (GitHub App only)", "(not available to PATs)", "—", "pending fine-grained PAT requests"},
	{"/orgs/{org}/credential-authorizations", "organization_administration: read", "read:org", "owner", "SAML SSO authorised classic PATs, OAuth app tokens and SSH keys (AR-GH-004/005/006)"},
	{"/orgs/{org}/installations", "organization_administration: read", "read:org", "owner", "App installations (AR-GH-007/008)"},
	{"/orgs/{org}/actions/secrets", "organization_secrets: read", "admin:org", "owner", "organisation secrets (AR-GH-015, shared identities)"},
	{"/orgs/{org}/actions/secrets/{secret_name}/repositories", "organization_secrets: read", "admin:org", "owner", "which repositories see a selected organisation secret"},
	{"/orgs/{org}/actions/variables", "organization_actions_variables: read", "admin:org", "owner",
		"organisation Actions variables that hold a credential (values come back in plaintext: judged by the detection engine, then dropped)"},
	{"/orgs/{org}/actions/variables/{name}/repositories", "organization_actions_variables: read", "admin:org", "owner",
		"which repositories see a selected organisation variable that holds a credential"},
	{"/orgs/{org}/actions/permissions/workflow", "organization_administration: read", "admin:org", "owner", "the organisation's GITHUB_TOKEN default (AR-GH-011/012)"},
	{"/orgs/{org}/actions/permissions", "organization_administration: read", "admin:org", "owner", "the allowed-actions policy (all, local_only, selected) and SHA pinning"},
	{"/orgs/{org}/actions/permissions/selected-actions", "organization_administration: read", "admin:org", "owner", "the actions and patterns a \"selected\" policy allows"},
	{"/orgs/{org}/hooks", "organization_hooks: read", "admin:org_hook", "owner", "organisation webhooks (URL scheme and host, events, TLS verification, whether payloads are signed)"},
	{"/orgs/{org}/actions/runners", "organization_self_hosted_runners: read", "admin:org", "owner", "self-hosted runners (AR-GH-017/018)"},
	{"/orgs/{org}/actions/runner-groups", "organization_self_hosted_runners: read", "admin:org", "owner", "runner groups (AR-GH-017/018)"},
	{"/orgs/{org}/secret-scanning/alerts", "secret_scanning_alerts: read", "repo or security_events", "owner or security manager", "open secret-scanning alerts (AR-GH-020)"},
	{"/orgs/{org}/repos (security_and_analysis)", "administration: read", "repo", "admin or security manager", "repositories' secret-scanning and push-protection settings (AR-GH-021)"},
	{"/orgs/{org}/actions/oidc/customization/sub", "organization_administration: read", "read:org", "owner", "the organisation's OIDC subject template (AR-GH-019)"},
	{"/orgs/{org}/dependabot/secrets", "organization_dependabot_secrets: read", "admin:org", "owner", "Dependabot organisation secrets"},
	{"/repos/{owner}/{repo}", "metadata: read", "repo (private repositories)", "read", "the repository"},
	{"/repos/{owner}/{repo}/git/trees/{branch}", "contents: read", "repo (private repositories)", "read", "the repository's file list"},
	{"POST /graphql", "contents: read, metadata: read", "repo (private repositories)", "read", "workflow and agent-configuration files, deploy-key counts, environments"},
	{"/repos/{owner}/{repo}/actions/secrets", "secrets: read", "repo", "admin", "repository secrets"},
	{"/repos/{owner}/{repo}/actions/permissions/workflow", "administration: read", "repo", "admin", "the repository's GITHUB_TOKEN default (AR-GH-011/012)"},
	{"/repos/{owner}/{repo}/actions/oidc/customization/sub", "actions: read", "repo", "read", "a repository's own OIDC subject template (AR-GH-019)"},
	{"/repos/{owner}/{repo}/keys", "administration: read", "repo", "admin", "deploy keys (AR-GH-009/010)"},
	{"/repos/{owner}/{repo}/environments", "actions: read", "repo", "read", "environments and their protection rules (AR-GH-016)"},
	{"/repos/{owner}/{repo}/environments/{environment_name}/secrets", "environments: read", "repo", "admin", "environment secrets"},
}

// needs says what an endpoint needs, for a coverage reason.
func needs(endpoint string) string {
	i := slices.IndexFunc(Permissions, func(p Permission) bool { return p.Endpoint == endpoint || strings.HasPrefix(endpoint, p.Endpoint+" ") })
	if i < 0 {
		return ""
	}
	p := Permissions[i]
	return fmt.Sprintf("%s (App / fine-grained PAT), %s (classic PAT), role %s; without it: %s", p.App, p.Classic, p.Role, p.Feeds)
}

// isStatus reports whether err is a GitHub error response with the status.
func isStatus(err error, status int) bool {
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode == status
	}
	return false
}

// describe turns a client error into a short, token-free error: the status
// and GitHub's message, the rate-limit reset, never a header or a URL query.
func describe(err error) error {
	var rl *gh.RateLimitError
	var ab *gh.AbuseRateLimitError
	var er *gh.ErrorResponse
	switch {
	case errors.As(err, &rl):
		return fmt.Errorf("primary rate limit exhausted (resets %s)", rl.Rate.Reset.UTC().Format("2006-01-02T15:04:05Z"))
	case errors.As(err, &ab):
		return errors.New("secondary rate limit: GitHub asked to slow down, retries exhausted")
	case errors.As(err, &er) && er.Response != nil:
		msg := er.Message
		if msg == "" {
			msg = http.StatusText(er.Response.StatusCode)
		}
		s := fmt.Sprintf("%d %s", er.Response.StatusCode, msg)
		if acc := er.Response.Header.Get("X-Accepted-GitHub-Permissions"); acc != "" {
			s += " (GitHub accepts: " + acc + ")"
		}
		return errors.New(s)
	}
	return errors.New(redactErr(err))
}

var secretParam = regexp.MustCompile(`(?i)([?&](?:[a-z_]*token|[a-z_]*key|[a-z_]*secret|password|sig)=)[^&\s"]*`)

// redactErr renders an error with URL query parameters that could carry a
// credential removed.
func redactErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + " " + redactURL(ue.URL) + ": " + redactErr(ue.Err)
	}
	return secretParam.ReplaceAllString(err.Error(), "${1}REDACTED")
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	u.RawQuery = ""
	return u.String()
}

// writeScopes are classic scopes that let a token change something.
var writeScopes = []string{"repo", "public_repo", "workflow", "write:org", "admin:org", "admin:repo_hook", "admin:org_hook",
	"delete_repo", "write:packages", "delete:packages", "admin:public_key", "admin:gpg_key", "admin:enterprise", "user", "gist",
	"write:discussion", "codespace", "project", "admin:ssh_signing_key", "security_events"}

// selfCheck inspects the scanner's own credential once, from the first
// answer: a classic token's scopes (X-OAuth-Scopes), an App installation's
// permissions. It records what it found in coverage and warns when the
// credential can write: agentreach needs read access only.
func (col *collector) selfCheck(resp *gh.Response) {
	col.mu.Lock()
	done := col.selfChecked
	col.selfChecked = true
	col.mu.Unlock()
	if done {
		return
	}
	var reason string
	var writes []string
	switch {
	case col.c.inst != nil:
		perms, err := col.c.inst.Permissions()
		if err != nil {
			reason = "GitHub App installation (its permissions could not be read)"
			break
		}
		m := map[string]string{}
		if b, err := json.Marshal(perms); err == nil {
			_ = json.Unmarshal(b, &m)
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if m[k] == "write" || m[k] == "admin" {
				writes = append(writes, k+": "+m[k])
			}
		}
		reason = "GitHub App installation"
	case resp != nil && resp.Response != nil && resp.Header.Values("X-OAuth-Scopes") != nil:
		var scopes []string
		for _, s := range strings.Split(resp.Header.Get("X-OAuth-Scopes"), ",") {
			if s = strings.TrimSpace(s); s != "" {
				scopes = append(scopes, s)
			}
		}
		for _, s := range scopes {
			if slices.Contains(writeScopes, s) {
				writes = append(writes, s)
			}
		}
		reason = "classic token with scopes: " + orDefault(strings.Join(scopes, ", "), "(none)")
		if slices.Contains(scopes, "repo") {
			reason += " (GitHub has no read-only scope for private repositories: a read-only fine-grained PAT or App is the least privilege)"
		}
	default:
		reason = "fine-grained PAT or other token (its permissions are not in the answer; PAT grants are listed only to a GitHub App)"
	}
	if len(writes) > 0 {
		reason += "; WARNING: the scanner's credential can write (" + strings.Join(writes, ", ") + "): agentreach needs read access only — see docs/github-permissions.md"
		col.s.logger.Warn("the GitHub credential agentreach runs with can write; it needs read access only (docs/github-permissions.md)", "write", strings.Join(writes, ", "))
	}
	col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Path: "scanner credential", Status: inventory.CoverageComplete, Reason: reason})
}

// PermissionsDoc renders docs/github-permissions.md from Permissions (a
// test keeps the file current).
func PermissionsDoc() []byte {
	var b strings.Builder
	b.WriteString(`# GitHub permissions agentreach needs

<!-- Generated from scanners/github/permissions.go; ` + "`go test ./scanners/github -run TestPermissionsDoc -update`" + ` rewrites it. -->

agentreach reads GitHub; it never writes. Every endpoint it calls is a GET, plus one GraphQL query per
batch of repositories. Give it the least that covers what you want to see:

- **A GitHub App installed on the organisation (recommended).** Read-only permissions below. It is the
  only credential that can list fine-grained PAT grants, and App installations get the larger rate limit.
  Set ` + "`AGENTREACH_GITHUB_APP_ID`" + ` and ` + "`AGENTREACH_GITHUB_APP_KEY_FILE`" + ` (the private key file; never the key
  itself in a variable); ` + "`AGENTREACH_GITHUB_INSTALLATION_ID`" + ` is optional (found through the App otherwise).
- **A fine-grained PAT** with the same read permissions, owned by an organisation owner for the
  owner-only parts, in ` + "`GITHUB_TOKEN`" + ` or ` + "`GH_TOKEN`" + `.
- **A classic PAT** only if nothing else is possible: GitHub has no read-only classic scope for private
  repositories or organisation secrets (` + "`repo`" + `, ` + "`admin:org`" + ` can write), and agentreach warns about it.

Whatever it lacks, it says in coverage which endpoint failed, what it needs and which findings that makes
unavailable, and the scan exits 3 unless ` + "`--allow-partial`" + `. At start it records what its own credential is
(the classic scopes GitHub reports in ` + "`X-OAuth-Scopes`" + `, or the App installation's permissions) and warns when
that credential can write.

Organisation Actions variables are the one answer that carries values: GitHub returns them in plaintext. Each
value is handed to the detection engine and dropped at once (never cached, logged or reported); a variable is
inventoried only when the engine recognises a credential in it, by its type, redacted preview and keyed
fingerprint. Webhook URLs are kept to their scheme and host, and webhook answers are never cached either.
The GraphQL query reports its cost and the points left: when they do not cover the next query, the scan waits
for the reset if it is no further away than the retry wait (60 s by default), and otherwise names the limit in
coverage for the repositories it did not query. A workflow's secret reference is marked missing (no stored
secret holds its name) only where the repository's secrets, the organisation's secrets with the repositories
of the selected ones, and every environment's secrets were all read.

| Endpoint | GitHub App / fine-grained PAT permission | Classic PAT scope | Role of a user token | Without it |
|---|---|---|---|---|
`)
	for _, p := range Permissions {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", p.Endpoint, p.App, p.Classic, p.Role, p.Feeds)
	}
	b.WriteString(`
Not collected yet (planned): repository webhooks, repository and environment Actions variables, repository
Dependabot secrets, Codespaces secrets (not callable by GitHub Apps), teams, the audit log.
`)
	return []byte(b.String())
}
