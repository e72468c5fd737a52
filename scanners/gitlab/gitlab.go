// Package gitlab reads a GitLab group (with its subgroups), single
// projects or, for an administrator, the whole instance (every top-level
// group, then the instance-wide tokens, settings and OAuth applications)
// through GitLab's REST API (client-go) and records what a checkout
// cannot show: members and their access levels, service accounts, group
// and project access tokens with their bot users, deploy tokens and keys,
// CI/CD variables, pipeline trigger tokens, runners, job-token scopes and
// the project CI settings that widen what a pipeline can reach. Every project's
// .gitlab-ci.yml (with its local includes) and agent configuration are
// fetched and handed to the analysers a local scan runs, so that the link
// stage joins the variables a job names to the variables stored at project
// and group level.
//
// CI/CD variable values come back from GitLab in plaintext. The scanner
// hands a value to the detection engine (Values) to learn its shape — is it
// a token, of which kind, a static cloud key — and drops it at once: it is
// never stored, cached (internal/apitransport keeps variable endpoints out of
// its cache), logged or reported; the credential keeps the engine's redacted
// preview and keyed fingerprint only.
package gitlab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/agentreach/agentreach/internal/apitransport"
	"github.com/agentreach/agentreach/inventory"
)

// Source is the coverage source name of the GitLab scanner.
const Source = "gitlab"

// DefaultURL is GitLab.com.
const DefaultURL = "https://gitlab.com"

// Values judges a value under a key name: the detection engine (see
// secrets.Engine.Embedded).
type Values interface {
	Embedded(key string, value []byte) (c inventory.Credential, recognised bool)
}

// Options configure a scanner.
type Options struct {
	URL         string // instance base URL without /api/v4 ("" : gitlab.com)
	Host        string // host named in ids ("" : from URL)
	Token       string // GITLAB_TOKEN
	OAuth       bool   // the token is an OAuth bearer token, not a PAT
	CacheDir    string
	Concurrency int
	Transport   http.RoundTripper
	Retry       apitransport.Options
	Logger      *slog.Logger
	Now         func() time.Time
	Wants       func(path string) bool // files the analysers read
	MaxFileSize int64
	Principals  map[string][]string
	Values      Values
}

// Scanner reads GitLab through one client.
type Scanner struct {
	opts      Options
	client    *gl.Client
	transport *apitransport.Transport
	host      string
	logger    *slog.Logger
	now       func() time.Time
	gqlState  atomic.Int32 // gqlUnknown, gqlOK or gqlOff (graphql.go)
	// managedPATs are the ids of the enterprise users' tokens a group's
	// credentials inventory listed: the instance-wide listing skips them.
	managedPATs sync.Map
}

// New builds a scanner; it makes no request.
func New(opts Options) (*Scanner, error) {
	if opts.URL == "" {
		opts.URL = DefaultURL
	}
	u, err := url.Parse(strings.TrimSuffix(opts.URL, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("--gitlab-url %q: not an http(s) URL", opts.URL)
	}
	if u.User != nil {
		return nil, errors.New("--gitlab-url: credentials in the URL are not accepted; use GITLAB_TOKEN")
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api/v4")
	if opts.Token == "" {
		return nil, errors.New("GitLab scan: no credential: set GITLAB_TOKEN to a read_api token")
	}
	if opts.Values == nil {
		return nil, errors.New("GitLab scan: no value classifier")
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = 1 << 20
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Scanner{opts: opts, logger: opts.Logger, now: opts.Now, host: opts.Host}
	if s.host == "" {
		s.host = u.Host
	}
	to := opts.Retry
	to.CacheDir = opts.CacheDir
	to.MaxInFlight = opts.Concurrency
	to.Logger = opts.Logger
	// Variables come back with their values: never cached (the default
	// NoStore of apitransport keeps every variables endpoint out).
	if to.NoStore == nil {
		to.NoStore = noStore // and the OAuth application list (instance.go)
	}
	s.transport = apitransport.New(opts.Transport, to)
	if err := s.transport.CacheError(); err != nil {
		opts.Logger.Warn("API cache disabled", "reason", err.Error())
	}
	copts := []gl.ClientOptionFunc{gl.WithBaseURL(u.String()), gl.WithHTTPClient(&http.Client{Transport: &authGuard{next: s.transport}}),
		gl.WithoutRetries(), // the transport retries
		gl.WithCustomLimiter(noLimit{}), gl.WithUserAgent("agentreach")}
	if opts.OAuth {
		s.client, err = gl.NewOAuthClient(opts.Token, copts...)
	} else {
		s.client, err = gl.NewClient(opts.Token, copts...)
	}
	if err != nil {
		return nil, fmt.Errorf("GitLab client: %w", err)
	}
	return s, nil
}

// authGuard stops the scan's requests once GitLab has rejected its token
// (a 401 — revoked, expired or deleted mid-scan): every later request is
// answered here, with a 401 that says so, instead of being sent. The
// endpoints not read are then named in coverage with the 401, as the ones
// that met it were, and the scan does not spend a request on each. The
// self-check endpoint is exempt (its 401 can mean "not a personal access
// token").
type authGuard struct {
	next     http.RoundTripper
	rejected atomic.Bool
}

const rejectedBody = `{"message":"401 Unauthorized (the token was rejected earlier in this scan: not requested)"}`

func (g *authGuard) RoundTrip(r *http.Request) (*http.Response, error) {
	if g.rejected.Load() {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return &http.Response{StatusCode: http.StatusUnauthorized, Status: "401 Unauthorized", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(rejectedBody)),
			ContentLength: int64(len(rejectedBody)), Request: r}, nil
	}
	res, err := g.next.RoundTrip(r)
	if err == nil && res.StatusCode == http.StatusUnauthorized && !strings.HasSuffix(r.URL.Path, "/personal_access_tokens/self") {
		g.rejected.Store(true)
	}
	return res, err
}

// noLimit replaces client-go's limiter, which it would configure from the
// first RateLimit-Limit header: the transport honours GitLab's limits.
type noLimit struct{}

func (noLimit) Wait(ctx context.Context) error { return ctx.Err() }

// Stats are the scanner's request counts.
func (s *Scanner) Stats() apitransport.Stats { return s.transport.Stats() }

// isStatus reports whether err is a GitLab error response with the status.
func isStatus(err error, status int) bool {
	var er *gl.ErrorResponse
	if errors.As(err, &er) {
		if er.Response != nil {
			return er.Response.StatusCode == status
		}
		return er.StatusCode == status
	}
	return false
}

// describe turns a client error into a short, token-free error.
func describe(err error) error {
	var er *gl.ErrorResponse
	if errors.As(err, &er) {
		code := er.StatusCode
		if er.Response != nil {
			code = er.Response.StatusCode
		}
		msg := strings.TrimSpace(er.Message)
		if msg == "" {
			msg = http.StatusText(code)
		}
		msg = strings.TrimPrefix(msg, fmt.Sprint(code)+" ")
		return fmt.Errorf("%d %s", code, truncate(msg, 200))
	}
	return errors.New(redact(err.Error()))
}

var secretParam = regexp.MustCompile(`(?i)([?&](?:[a-z_]*token|[a-z_]*key|[a-z_]*secret|password)=)[^&\s"]*`)

func redact(s string) string { return secretParam.ReplaceAllString(s, "${1}REDACTED") }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Permission is what one endpoint needs (docs/gitlab-permissions.md).
type Permission struct {
	Endpoint string
	Role     string
	Feeds    string
}

// Permissions lists every endpoint the scanner reads; the token needs the
// read_api scope for all of them.
var Permissions = []Permission{
	{"/personal_access_tokens/self", "any", "the scanner's own token (self-check)"},
	{"/user", "any", "whether the scanner runs as an administrator (`--gitlab-instance` needs one)"},
	{"/groups", "administrator (`--gitlab-instance`)", "the top-level groups an instance scan reads"},
	{"/groups/:id", "group member", "the group"},
	{"/groups/:id/descendant_groups", "group member", "subgroups"},
	{"/groups/:id/projects", "group member", "the project list"},
	{"/groups/:id/members/all", "group member", "members and their access levels (the principals)"},
	{"/groups/:id/access_tokens", "group Owner", "group access tokens (AR-GL-001/002/003)"},
	{"/groups/:id/deploy_tokens", "group Maintainer", "group deploy tokens (AR-GL-006)"},
	{"/groups/:id/variables", "group Owner", "group CI/CD variables (AR-GL-007/008, shared identities)"},
	{"/groups/:id/runners", "group Owner", "group runners (AR-GL-011)"},
	{"/groups/:id/service_accounts", "top-level group Owner", "the group's service accounts (principals of kind service)"},
	{"/groups/:id/service_accounts/:user_id/personal_access_tokens", "top-level group Owner", "service accounts' personal access tokens (AR-GL-001/002/003)"},
	{"/groups/:id/manage/personal_access_tokens", "top-level group Owner (GitLab.com)", "the personal access tokens of the group's enterprise users (AR-GL-001/002/003)"},
	{"/groups/:id/manage/ssh_keys", "top-level group Owner (GitLab.com)", "the SSH keys of the group's enterprise users, with their owners"},
	{"/users/:id", "any", "a service account's state (the service-account list does not carry it), and the name and state of an enterprise user whose credentials the group lists"},
	{"/runners/all", "administrator (`--gitlab-instance`)", "the instance runners every project may use (AR-GL-011)"},
	{"/runners/:id", "runner owner or administrator", "runner details: locked, run_untagged, access_level (AR-GL-011)"},
	{"/projects/:id/runners", "project Maintainer", "a project's own runners, when the group's GraphQL runner list is not available (AR-GL-011)"},
	{"/api/graphql", "Reporter (private projects); Maintainer of the group for its runners", "file lists and CI and agent-configuration files, 20 projects a query, and the project runners of the whole group in one (the REST tree, raw-file and project-runner endpoints below are the fallback)"},
	{"/projects/:id/repository/tree", "Reporter (private projects)", "the project's file list"},
	{"/projects/:id/repository/files/:file_path/raw", "Reporter (private projects)", "CI and agent-configuration files"},
	{"/templates/gitlab_ci_ymls/:key", "any", "the instance's CI/CD templates that `include: template:` names (their jobs join the project's pipeline)"},
	{"/projects/:id/variables", "project Maintainer", "project CI/CD variables (AR-GL-007/008)"},
	{"/projects/:id/access_tokens", "project Maintainer", "project access tokens (AR-GL-001/002/003)"},
	{"/projects/:id/deploy_tokens", "project Maintainer", "project deploy tokens (AR-GL-006)"},
	{"/projects/:id/deploy_keys", "project Maintainer", "deploy keys (AR-GL-005)"},
	{"/projects/:id/triggers", "project Maintainer", "pipeline trigger tokens (AR-GL-010)"},
	{"/projects/:id/job_token_scope", "project Maintainer", "the CI_JOB_TOKEN inbound allowlist (AR-GL-009)"},
	{"/application/settings", "administrator", "the instance's token-lifetime policy (AR-GL-004)"},
	{"/personal_access_tokens", "administrator (others see their own)", "every user's personal access tokens (AR-GL-001/002/003)"},
	{"/service_accounts", "administrator (`--gitlab-instance`, self-managed)", "the instance's service accounts (principals of kind service)"},
	{"/applications", "administrator", "the instance's OAuth applications (name, scopes, confidential, callback host; never the secret)"},
}

func needs(endpoint string) string {
	i := slices.IndexFunc(Permissions, func(p Permission) bool { return p.Endpoint == endpoint })
	if i < 0 {
		return "read_api"
	}
	p := Permissions[i]
	return fmt.Sprintf("read_api and role %s; without it: %s", p.Role, p.Feeds)
}

// PermissionsDoc renders docs/gitlab-permissions.md (a test keeps it current).
func PermissionsDoc() []byte {
	var b strings.Builder
	b.WriteString("# GitLab permissions agentreach needs\n\n<!-- Generated from scanners/gitlab/gitlab.go; `go test ./scanners/gitlab -run TestPermissionsDoc -update` rewrites it. -->\n\n" +
		"agentreach reads GitLab; it never writes. Give it a token with the **`read_api`** scope only (a personal, group or " +
		"project access token, or a service account's) in `GITLAB_TOKEN`; at start it reads the token's own scopes " +
		"(`/personal_access_tokens/self`) and warns when they can write (`api`, `write_repository`, `sudo`, `admin_mode`, …). " +
		"What each part needs beyond the scope is the role below: an endpoint the token's user may not read is listed in " +
		"coverage with the role it needs, and the scan exits 3 unless `--allow-partial`.\n\n" +
		"CI/CD variable values come back from GitLab in plaintext: agentreach classifies each value's shape in memory and drops " +
		"it at once — it is never stored, cached, logged or reported.\n\n| Endpoint | Role | Without it |\n|---|---|---|\n")
	for _, p := range Permissions {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", p.Endpoint, p.Role, p.Feeds)
	}
	return []byte(b.String())
}

// writeScopes are token scopes that can change something.
var writeScopes = []string{"api", "write_repository", "write_registry", "write_package_registry", "sudo", "admin_mode",
	"create_runner", "manage_runner", "k8s_proxy", "ai_features", "write_virtual_registry", "self_rotate"}
