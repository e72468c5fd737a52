package github_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/fakegithub"
	"github.com/agentreach/agentreach/inventory"
	ghscan "github.com/agentreach/agentreach/scanners/github"
)

// TestClassicTokenThatCanWrite: a classic PAT with repo and admin:org can
// write; the scan records its scopes and warns — agentreach needs read only.
func TestClassicTokenThatCanWrite(t *testing.T) {
	srv := fakegithub.New(fakegithub.Acme())
	defer srv.Close()
	token := srv.NewToken(fakegithub.Token{Kind: fakegithub.ClassicPAT, Scopes: []string{"repo", "admin:org", "read:user"}})
	var log bytes.Buffer
	res := scanOrg(t, srv, ghscan.Options{Token: token, Logger: slog.New(slog.NewTextHandler(&log, nil))}, "acme")
	if res.err != nil {
		t.Fatal(res.err)
	}
	var self string
	for _, c := range res.cov {
		if c.Path == "scanner credential" {
			self = c.Reason
		}
	}
	if !strings.Contains(self, "classic token with scopes: repo, admin:org, read:user") || !strings.Contains(self, "WARNING: the scanner's credential can write (repo, admin:org)") {
		t.Errorf("self-check: %q", self)
	}
	if !strings.Contains(log.String(), "can write") {
		t.Errorf("no warning logged: %s", log.String())
	}
	if strings.Contains(log.String(), token) {
		t.Error("the log holds the token")
	}
}

// TestScanRepos: --github-repo reads the named repositories only, says the
// organisation-level inventory was not read, and rejects a malformed name.
func TestScanRepos(t *testing.T) {
	srv := fakegithub.New(fakegithub.Acme())
	defer srv.Close()
	token := srv.NewToken(fakegithub.Token{Kind: fakegithub.FineGrainedPAT})
	as, wants, _ := analysers()
	sc, err := ghscan.New(ghscan.Options{URL: srv.URL() + "/", Host: "github.com", Token: token, Wants: wants})
	if err != nil {
		t.Fatal(err)
	}
	b := inventory.NewBuilder()
	files := func(ctx context.Context, src inventory.Source) (int, error) { return scanFiles(ctx, src, as, b) }
	if err := sc.ScanRepos(context.Background(), []string{"acme/agent-bot", "acme/gone"}, files, b); err != nil {
		t.Fatal(err)
	}
	inv, cov := b.Build()
	var agent bool
	for _, a := range inv.Agents {
		if strings.HasPrefix(a.ID, "github:github.com/acme/agent-bot|") && a.Kind == inventory.AgentCICodingJob {
			agent = true
		}
		if strings.HasPrefix(a.ID, "github:github.com/acme|") {
			t.Errorf("organisation-level agent in a repository scan: %s", a.ID)
		}
	}
	if !agent {
		t.Error("the coding agent of acme/agent-bot is missing")
	}
	var gone, skipped bool
	for _, c := range cov {
		if c.Target == "acme/gone" && c.Status == inventory.CoverageFailed && strings.Contains(c.Reason, "404") {
			gone = true
		}
		if c.Status == inventory.CoverageSkipped && strings.Contains(c.Reason, "organisation-level credentials") {
			skipped = true
		}
	}
	if !gone || !skipped {
		t.Errorf("coverage: missing repository named %v, org-level data said not read %v: %+v", gone, skipped, cov)
	}
	if err := sc.ScanRepos(context.Background(), []string{"acme"}, files, b); err == nil {
		t.Error("a name without a slash must be an error")
	}
}

// TestEnterpriseURLs: GHES serves REST under /api/v3/ and GraphQL at
// /api/graphql; ids name the GHES host.
func TestEnterpriseURLs(t *testing.T) {
	for _, tc := range []struct{ url, host string }{
		{"https://api.github.com/", "github.com"},
		{"https://ghe.example.com/api/v3/", "ghe.example.com"},
		{"https://api.acme.ghe.com/", "acme.ghe.com"},
	} {
		if got := ghscan.HostOf(tc.url); got != tc.host {
			t.Errorf("%s: host %q, want %q", tc.url, got, tc.host)
		}
	}
	if got := ghscan.GraphQLURL("https://ghe.example.com/api/v3/"); got != "https://ghe.example.com/api/graphql" {
		t.Errorf("GHES GraphQL URL %q", got)
	}
	if got := ghscan.GraphQLURL("https://api.github.com/"); got != "https://api.github.com/graphql" {
		t.Errorf("github.com GraphQL URL %q", got)
	}
	for _, bad := range []string{"ftp://x/", "https://user:pw@ghe.example.com/api/v3/", "::"} {
		if _, err := ghscan.New(ghscan.Options{URL: bad, Token: "x"}); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}
