// Package github reads a GitHub organisation (or single repositories) through
// the REST and GraphQL APIs and records what a checkout cannot show: the
// organisation's members and their roles, fine-grained PAT grants, SSO
// credential authorisations, App installations, deploy keys, Actions secrets
// at every level, organisation Actions variables that hold a credential,
// runners, webhooks and the settings that widen what a token can do or
// narrow what a workflow may run.
// Every repository's workflows and agent configuration are fetched and handed
// to the same analysers a local scan runs (through scanners/local.ScanFS), so
// that the link stage can join the secrets a workflow names to the secrets
// the organisation stores and to the people who own them.
//
// The scanner is read-only and least-privileged: it calls GET endpoints (and
// one GraphQL query per batch of repositories) only, says in coverage which
// permission each endpoint it could not read needs, and warns when its own
// token could write. It never sees a secret value: GitHub's APIs return names
// and metadata only. The one exception is organisation Actions variables,
// whose values GitHub returns in plaintext: each is handed to the value
// classifier (Options.Values) and dropped at once, so that a credential
// stored in a variable is recorded by its type, redacted preview and keyed
// fingerprint only.
package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	gh "github.com/google/go-github/v93/github"

	"github.com/agentreach/agentreach/internal/apitransport"
)

// Source is the coverage source name of the GitHub scanner.
const Source = "github"

// DefaultURL is the REST API base URL of github.com.
const DefaultURL = "https://api.github.com/"

// App is GitHub App authentication: the App's id and private key, and the
// installation to act as (0: the installation on the scanned organisation).
type App struct {
	ID             int64
	PrivateKey     []byte // PEM
	InstallationID int64
}

// Options configure a scanner.
type Options struct {
	// URL is the REST API base URL: DefaultURL, a GitHub Enterprise Server
	// "https://HOST/api/v3/", or a GHE.com "https://api.SUBDOMAIN.ghe.com/".
	URL string
	// Host names the platform host in source ids (github.com, the GHES
	// host); empty: derived from URL.
	Host string
	// Token is a PAT or OAuth token (from GITHUB_TOKEN / GH_TOKEN, never a
	// flag). App, when set, is used instead.
	Token string
	App   *App
	// CacheDir holds the ETag cache ("" : none).
	CacheDir string
	// Concurrency bounds requests in flight (0: 8).
	Concurrency int
	// Transport is the base HTTP transport (nil: the default; a test seam).
	Transport http.RoundTripper
	// Retry tunes the transport's retries (zero values: its defaults).
	Retry  apitransport.Options
	Logger *slog.Logger
	Now    func() time.Time
	// Wants reports whether a repository file is read by an analyser (the
	// files fetched through the API); nil fetches none.
	Wants func(path string) bool
	// MaxFileSize caps a fetched file (0: 1 MiB).
	MaxFileSize int64
	// Principals is the principals map of the configuration: identities
	// it names get their and their humans' repository permissions looked
	// up, for AR-PB-001.
	Principals map[string][]string
	// Values classifies the plaintext values of organisation Actions
	// variables (the detection engine); nil: variables are not read, and
	// coverage says so.
	Values Values
}

// Scanner reads GitHub through one authenticated client.
type Scanner struct {
	opts      Options
	transport *apitransport.Transport
	graphql   string // GraphQL endpoint URL
	host      string
	logger    *slog.Logger
	now       func() time.Time

	token   *ownerClient                  // token authentication
	apps    *ghinstallation.AppsTransport // App authentication
	mu      sync.Mutex
	clients map[string]*ownerClient // App installations by account
}

// New builds a scanner. It makes no request.
func New(opts Options) (*Scanner, error) {
	if opts.URL == "" {
		opts.URL = DefaultURL
	}
	if !strings.HasSuffix(opts.URL, "/") {
		opts.URL += "/"
	}
	u, err := url.Parse(opts.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("--github-url %q: not an http(s) URL", opts.URL)
	}
	if u.User != nil {
		return nil, errors.New("--github-url: credentials in the URL are not accepted; use GITHUB_TOKEN or a GitHub App")
	}
	if opts.Token == "" && opts.App == nil {
		return nil, errors.New("GitHub scan: no credential: set GITHUB_TOKEN (or GH_TOKEN), or GitHub App credentials")
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
		s.host = hostOf(u)
	}
	s.graphql = graphqlURL(u)

	to := opts.Retry
	to.CacheDir = opts.CacheDir
	to.MaxInFlight = opts.Concurrency
	to.Logger = opts.Logger
	if opts.App != nil {
		// Installation tokens change on every run; keyed by the token, a
		// re-scan would never find its cache. The App's id is what the
		// answers depend on (URLs name the organisation).
		appKey := fmt.Sprintf("github-app:%d:%d", opts.App.ID, opts.App.InstallationID)
		to.CacheIdentity = func(*http.Request) string { return appKey }
	}
	s.transport = apitransport.New(opts.Transport, to)
	if err := s.transport.CacheError(); err != nil {
		opts.Logger.Warn("API cache disabled", "reason", err.Error())
	}
	if opts.App != nil {
		itr, err := ghinstallation.NewAppsTransport(s.transport, opts.App.ID, opts.App.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("GitHub App private key: %w", errors.Unwrap(err))
		}
		itr.BaseURL = strings.TrimSuffix(opts.URL, "/")
		s.apps = itr
		s.clients = map[string]*ownerClient{}
		return s, nil
	}
	c, err := s.newClient(s.transport, opts.Token)
	if err != nil {
		return nil, err
	}
	s.token = &ownerClient{client: c, http: &http.Client{Transport: s.transport}, bearer: opts.Token}
	return s, nil
}

// ownerClient is an authenticated client: the token's, or an App
// installation's for one account.
type ownerClient struct {
	client *gh.Client
	http   *http.Client // for GraphQL
	bearer string       // the token, for GraphQL; empty when inst is set
	inst   *ghinstallation.Transport
	gql    gqlBudget // the credential's GraphQL rate limit, as its last answer told
}

func (s *Scanner) newClient(rt http.RoundTripper, token string) (*gh.Client, error) {
	base := s.opts.URL
	gopts := []gh.ClientOptionsFunc{gh.WithHTTPClient(&http.Client{Transport: rt}), gh.WithURLs(&base, &base), gh.WithUserAgent("agentreach")}
	if token != "" {
		gopts = append(gopts, gh.WithAuthToken(token))
	}
	c, err := gh.NewClient(gopts...)
	if err != nil {
		return nil, fmt.Errorf("GitHub client: %w", err)
	}
	return c, nil
}

// clientFor returns the client that reads an account (an organisation or a
// repository owner): the token's, or the App's installation on it (found
// through the App's JWT when no installation id was given).
func (s *Scanner) clientFor(ctx context.Context, owner, repo string) (*ownerClient, error) {
	if s.token != nil {
		return s.token, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.clients[owner]; ok {
		return c, nil
	}
	id := s.opts.App.InstallationID
	if id == 0 {
		appc, err := s.newClient(s.apps, "")
		if err != nil {
			return nil, err
		}
		var inst *gh.Installation
		if repo != "" {
			inst, _, err = appc.Apps.GetRepositoryInstallation(ctx, owner, repo)
		} else {
			inst, _, err = appc.Apps.GetOrganizationInstallation(ctx, owner)
		}
		if err != nil {
			return nil, fmt.Errorf("GitHub App %d: no installation on %s: %w", s.opts.App.ID, owner, describe(err))
		}
		id = inst.GetID()
	}
	itr := ghinstallation.NewFromAppsTransport(s.apps, id)
	itr.BaseURL = s.apps.BaseURL
	c, err := s.newClient(itr, "")
	if err != nil {
		return nil, err
	}
	oc := &ownerClient{client: c, http: &http.Client{Transport: itr}, inst: itr}
	s.clients[owner] = oc
	return oc, nil
}

// Stats are the scanner's request counts (from its transport).
func (s *Scanner) Stats() apitransport.Stats { return s.transport.Stats() }

// hostOf names the platform host of an API base URL: api.github.com is
// github.com, api.X.ghe.com is X.ghe.com, a GHES https://HOST/api/v3/ is HOST.
func hostOf(u *url.URL) string {
	h := u.Host
	if h == "api.github.com" {
		return "github.com"
	}
	return strings.TrimPrefix(h, "api.")
}

// graphqlURL is the GraphQL endpoint beside a REST base URL: /graphql on
// github.com and GHE.com, /api/graphql on GHES (whose REST base is /api/v3/).
func graphqlURL(u *url.URL) string {
	g := *u
	if strings.HasSuffix(g.Path, "/api/v3/") {
		g.Path = strings.TrimSuffix(g.Path, "v3/") + "graphql"
	} else {
		g.Path = strings.TrimSuffix(g.Path, "/") + "/graphql"
	}
	return g.String()
}

// AppFromEnv reads GitHub App credentials from the environment:
// AGENTREACH_GITHUB_APP_ID, AGENTREACH_GITHUB_APP_KEY_FILE (a PEM file; never
// the key in a variable) and optionally AGENTREACH_GITHUB_INSTALLATION_ID.
// It returns nil when no App id is set.
func AppFromEnv(getenv func(string) string) (*App, error) {
	id := strings.TrimSpace(getenv("AGENTREACH_GITHUB_APP_ID"))
	if id == "" {
		return nil, nil
	}
	var app App
	if _, err := fmt.Sscan(id, &app.ID); err != nil || app.ID <= 0 {
		return nil, fmt.Errorf("AGENTREACH_GITHUB_APP_ID: %q is not an App id", id)
	}
	keyFile := strings.TrimSpace(getenv("AGENTREACH_GITHUB_APP_KEY_FILE"))
	if keyFile == "" {
		return nil, errors.New("AGENTREACH_GITHUB_APP_ID is set but AGENTREACH_GITHUB_APP_KEY_FILE (the App's private key file) is not")
	}
	key, err := os.ReadFile(keyFile) // #nosec G304 -- the App key file the user names in AGENTREACH_GITHUB_APP_KEY_FILE
	if err != nil {
		return nil, fmt.Errorf("AGENTREACH_GITHUB_APP_KEY_FILE: %w", err)
	}
	app.PrivateKey = key
	if inst := strings.TrimSpace(getenv("AGENTREACH_GITHUB_INSTALLATION_ID")); inst != "" {
		if _, err := fmt.Sscan(inst, &app.InstallationID); err != nil || app.InstallationID <= 0 {
			return nil, fmt.Errorf("AGENTREACH_GITHUB_INSTALLATION_ID: %q is not an installation id", inst)
		}
	}
	return &app, nil
}
