package gitlab_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/fakegitlab"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/scanners/agentconfig"
	glscan "github.com/agentreach/agentreach/scanners/gitlab"
	"github.com/agentreach/agentreach/scanners/local"
	"github.com/agentreach/agentreach/scanners/secrets"
	"github.com/agentreach/agentreach/scanners/workflows"
)

// scanner builds a scanner acting as user, with the file analysers a scan
// runs (cacheDir "" : no cache; rt nil: the default transport).
func scanner(t *testing.T, srv *fakegitlab.Server, user, cacheDir string, rt http.RoundTripper) (*glscan.Scanner, glscan.FileScanner, *inventory.Builder) {
	t.Helper()
	engine := secrets.NewEngine(nil)
	ci := workflows.NewAnalyzer(workflows.Options{Values: engine})
	ag := agentconfig.NewAnalyzer(engine)
	as := []local.Analyzer{&secrets.Analyzer{Engine: engine}, ci, ag}
	sc, err := glscan.New(glscan.Options{URL: srv.URL(), Host: "gitlab.example.com", Token: srv.NewToken(fakegitlab.Token{User: user}),
		Values: engine, Retry: apiNoRetry(), CacheDir: cacheDir, Transport: rt, Wants: func(p string) bool { return ci.Wants(p, 0) || ag.Wants(p, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	b := inventory.NewBuilder()
	files := func(ctx context.Context, src inventory.Source) (int, error) {
		return local.ScanFS(ctx, src, as, local.Options{}, b)
	}
	return sc, files, b
}

const instanceSrc = "gitlab:gitlab.example.com/instance"

type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func requireComplete(t *testing.T, cov []inventory.Coverage) {
	t.Helper()
	for _, c := range cov {
		if c.Incomplete() {
			t.Errorf("incomplete: %+v", c)
		}
	}
}

// TestServiceAccountsAsOwner: the top-level group's service accounts are
// principals of kind service with their state (the blocked one suspended),
// merged with their memberships; their active tokens are personal access
// tokens owned by them, revoked ones left out.
func TestServiceAccountsAsOwner(t *testing.T) {
	srv := fakegitlab.New(fakegitlab.Acme())
	defer srv.Close()
	inv, cov, _ := scanAcme(t, srv, "acme-owner")
	requireComplete(t, cov)
	renovate := inv.PrincipalByID(acmeSrc + "|user:" + fakegitlab.ServiceAccountUsername(fakegitlab.AcmeGroupID, 1))
	release := inv.PrincipalByID(acmeSrc + "|user:" + fakegitlab.ServiceAccountUsername(fakegitlab.AcmeGroupID, 2))
	if renovate == nil || renovate.Kind != inventory.PrincipalService || renovate.State != inventory.StateActive || renovate.Role != "developer" {
		t.Fatalf("Renovate: %+v", renovate)
	}
	if release == nil || release.Kind != inventory.PrincipalService || release.State != inventory.StateSuspended {
		t.Fatalf("the release bot (blocked): %+v", release)
	}
	tok := inv.Credential(acmeSrc + "|personal-access-token:3006")
	if tok == nil || tok.Type != "gitlab-service-account-token" || tok.Kind != inventory.KindPersonalAccessToken || tok.Owner != renovate.ID ||
		tok.ExpiresAt != nil || tok.Name != "renovate" || !strings.Contains(tok.Revocation, "/service_accounts/57/personal_access_tokens/3006") ||
		tok.Scope == nil || tok.Scope.Target != "acme" {
		t.Errorf("Renovate's token 3006: %+v", tok)
	}
	if tok := inv.Credential(acmeSrc + "|personal-access-token:3007"); tok == nil || tok.Owner != release.ID || tok.ExpiresAt == nil {
		t.Errorf("the release bot's token 3007: %+v", tok)
	}
	if tok := inv.Credential(acmeSrc + "|personal-access-token:3008"); tok != nil {
		t.Errorf("the revoked token 3008 is listed: %+v", tok)
	}
	for _, c := range inv.Credentials {
		if c.Kind == glscan.KindOAuthApplication {
			t.Errorf("a group Owner's scan lists an OAuth application: %s", c.ID)
		}
	}
}

// TestServiceAccountsAsDeveloper: a Developer may not list service
// accounts; coverage says so with the role it needs.
func TestServiceAccountsAsDeveloper(t *testing.T) {
	srv := fakegitlab.New(fakegitlab.Acme())
	defer srv.Close()
	_, cov, _ := scanAcme(t, srv, "carol")
	found := false
	for _, c := range cov {
		if c.Path == "/groups/:id/service_accounts" && c.Target == "acme" && c.Status == inventory.CoverageFailed {
			found = strings.Contains(c.Reason, "403") && strings.Contains(c.Reason, "role top-level group Owner")
			if !found {
				t.Errorf("reason: %q", c.Reason)
			}
		}
	}
	if !found {
		t.Error("no failed coverage entry for /groups/:id/service_accounts")
	}
}

// TestScanInstance: an administrator's instance scan reads every top-level
// group (acme and beta) as a group scan does, and the instance's settings,
// personal access tokens and OAuth applications once; a service account's
// token is listed with its group only.
func TestScanInstance(t *testing.T) {
	srv := fakegitlab.New(fakegitlab.AddBeta(fakegitlab.Acme()))
	defer srv.Close()
	sc, files, b := scanner(t, srv, "root", "", nil)
	if err := sc.ScanInstance(context.Background(), files, b); err != nil {
		t.Fatal(err)
	}
	inv, cov := b.Build()
	requireComplete(t, cov)
	for _, id := range []string{acmeSrc, acmeSrc + "/apps/agent-bot", "gitlab:gitlab.example.com/beta", "gitlab:gitlab.example.com/beta/tools", instanceSrc} {
		if inv.SourceByID(id) == nil {
			t.Errorf("no source %s", id)
		}
	}
	if inv.Credential("gitlab:gitlab.example.com/beta|gitlab-group-variable:BETA_REGISTRY_TOKEN@*") == nil {
		t.Error("beta's group variable is missing")
	}
	if inv.Agent(acmeSrc+"/apps/agent-bot|gitlab-ci:.gitlab-ci.yml#claude") == nil {
		t.Error("acme's agent job is missing")
	}
	deployer := inv.PrincipalByID("gitlab:gitlab.example.com/beta|user:" + fakegitlab.ServiceAccountUsername(fakegitlab.BetaGroupID, 1))
	if deployer == nil || deployer.Kind != inventory.PrincipalService || deployer.State != inventory.StateActive || deployer.Role != "maintainer" {
		t.Errorf("beta's service account: %+v", deployer)
	}
	if tok := inv.Credential("gitlab:gitlab.example.com/beta|personal-access-token:3010"); tok == nil || tok.Owner != deployer.ID {
		t.Errorf("beta's service-account token: %+v", tok)
	}
	for _, id := range []string{"3006", "3007", "3010"} {
		if c := inv.Credential(instanceSrc + "|personal-access-token:" + id); c != nil {
			t.Errorf("service-account token %s listed again with the instance: %+v", id, c)
		}
	}
	// erin is an enterprise user of acme: her token is listed once, with
	// the group whose credentials inventory holds it; oscar's (no
	// enterprise group) with the instance.
	if c := inv.Credential(instanceSrc + "|personal-access-token:3004"); c != nil {
		t.Errorf("erin's PAT listed again with the instance: %+v", c)
	}
	if c := inv.Credential("gitlab:gitlab.example.com/acme|personal-access-token:3004"); c == nil || c.Type != "gitlab-enterprise-user-pat" || c.Owner == "" {
		t.Errorf("erin's PAT: %+v", c)
	}
	if c := inv.Credential(instanceSrc + "|personal-access-token:3001"); c == nil || c.Type != "gitlab-personal-access-token" || c.Owner == "" {
		t.Errorf("root's PAT: %+v", c)
	} else if p := inv.PrincipalByID(c.Owner); p == nil || p.Login != "root" || p.State != inventory.StateActive {
		t.Errorf("root's PAT: owner %+v, want root (looked up by id), active", p)
	}
	// The instance runner every project may use, with its details.
	if r := inv.Credential(instanceSrc + "|runner:9003"); r == nil || r.Scope == nil || r.Scope.Kind != "instance" || r.API == nil ||
		r.API.Runner == nil || !r.API.Runner.Details || !r.API.Runner.RunUntagged {
		t.Errorf("instance runner 9003: %+v", r)
	}
	// The instance's service account (GET /service_accounts) owns 3011.
	if c := inv.Credential(instanceSrc + "|personal-access-token:3011"); c == nil {
		t.Error("the instance service account's PAT 3011 is missing")
	} else if p := inv.PrincipalByID(c.Owner); p == nil || p.Kind != inventory.PrincipalService || p.Login != "service_account_6f1c2a9d" {
		t.Errorf("PAT 3011: owner %+v, want the instance service account", p)
	}
	if n := len(inv.SettingsOf(instanceSrc)); n != 3 {
		t.Errorf("%d instance settings, want 3", n)
	}
	reads := map[string]int{}
	for _, c := range cov {
		reads[c.Path]++
	}
	if reads["/personal_access_tokens"] != 1 || reads["/applications"] != 1 || reads["/groups"] != 1 {
		t.Errorf("instance-level coverage entries: %v", reads)
	}
	st := srv.Requests()
	for _, k := range []string{"GET /application/settings", "GET /personal_access_tokens", "GET /applications", "GET /groups"} {
		if st.ByTemplate[k] != 1 {
			t.Errorf("%s: %d requests, want 1", k, st.ByTemplate[k])
		}
	}
	if st.ByTemplate["GET /groups/:id/service_accounts"] != 2 {
		t.Errorf("service accounts read for %d groups, want 2 (the top-level ones)", st.ByTemplate["GET /groups/:id/service_accounts"])
	}
}

// TestScanInstanceNotAdmin: a token whose user is not an administrator is
// refused, naming why, before anything but /user is read.
func TestScanInstanceNotAdmin(t *testing.T) {
	srv := fakegitlab.New(fakegitlab.Acme())
	defer srv.Close()
	sc, files, b := scanner(t, srv, "acme-owner", "", nil)
	err := sc.ScanInstance(context.Background(), files, b)
	if !errors.Is(err, glscan.ErrNotAdmin) || !strings.Contains(err.Error(), "needs an administrator's token") || !strings.Contains(err.Error(), "acme-owner") {
		t.Fatalf("err = %v", err)
	}
	if st := srv.Requests(); st.Total != 1 || st.ByTemplate["GET /user"] != 1 {
		t.Errorf("requests: %+v", st.ByTemplate)
	}
}

// TestApplicationsWithoutSecret: OAuth applications are credentials with
// their name, scopes, confidentiality and callback origins; an application
// secret that the API sends anyway reaches neither the inventory nor the
// cache, and neither does a callback's path, query or userinfo.
func TestApplicationsWithoutSecret(t *testing.T) {
	inst := fakegitlab.Acme()
	inst.Applications = append(inst.Applications, &fakegitlab.Application{ID: 3, Name: "mobile",
		CallbackURL: "https://user:pw@Auth.Example.com:8443/cb?state=x com.example.app:/oauth2redirect https://auth.example.com/other"})
	for _, a := range inst.Applications {
		a.ListSecret = true
	}
	srv := fakegitlab.New(inst)
	defer srv.Close()
	// The fake sends no ETag, so nothing would be cached: one on every
	// answer makes the cache store whatever NoStore lets through.
	cache := t.TempDir()
	etag := transportFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err == nil {
			resp.Header.Set("ETag", `W/"fake"`)
		}
		return resp, err
	})
	sc, files, b := scanner(t, srv, "root", cache, etag)
	if err := sc.ScanGroup(context.Background(), "acme", files, b); err != nil {
		t.Fatal(err)
	}
	inv, cov := b.Build()
	requireComplete(t, cov)
	want := map[string]struct{ name, conf, cb, scopes string }{
		"1": {"Grafana", "true", "https://grafana.acme.example", "read_api openid email"},
		"2": {"agent-desktop", "false", "http://127.0.0.1 https://agents.acme.example", "api"},
		"3": {"mobile", "false", "https://auth.example.com com.example.app:", ""},
	}
	for id, w := range want {
		c := inv.Credential(instanceSrc + "|oauth-application:" + id)
		if c == nil {
			t.Errorf("no OAuth application %s", id)
			continue
		}
		if c.Kind != glscan.KindOAuthApplication || c.Type != "gitlab-oauth-application" || c.Name != w.name || c.Attributes["confidential"] != w.conf ||
			c.Attributes["callback_url"] != w.cb || c.API == nil || strings.Join(c.API.Scopes, " ") != w.scopes || c.Redacted != "" || c.ValueHMAC != "" ||
			c.Revocation == "" || len(c.Attributes) > 2 {
			t.Errorf("application %s: %+v (attributes %v)", id, c, c.Attributes)
		}
	}
	out, err := json.Marshal(struct {
		I *inventory.Inventory
		C []inventory.Coverage
	}{inv, cov})
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"state=x", "user:pw", "/login/gitlab", "tenant=acme", "gloas-"} {
		if strings.Contains(string(out), leak) {
			t.Errorf("the scan's output holds %q", leak)
		}
	}
	var secretsSent, ids []string
	for _, a := range inst.Applications {
		secretsSent, ids = append(secretsSent, a.Secret), append(ids, a.ApplicationID)
	}
	var cached []byte
	if err := filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, rerr := os.ReadFile(p)
			cached = append(cached, data...)
			return rerr
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, s := range append(secretsSent, ids...) {
		if len(s) < 16 {
			t.Fatalf("fixture application value too short: %q", s)
		}
		for i := 0; i+8 <= len(s); i++ {
			if strings.Contains(string(out), s[i:i+8]) {
				t.Fatal("an 8-character run of an application's secret or client id is in the scan's output")
			}
		}
		if strings.Contains(string(cached), s[6:]) {
			t.Fatal("an application's secret or client id is in the API cache")
		}
	}
	if !strings.Contains(string(cached), "acme-automation") {
		t.Fatal("the cache holds no group access token list: the check above proves nothing")
	}
}
