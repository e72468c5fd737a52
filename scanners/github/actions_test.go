package github_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agentreach/agentreach/fixtures/fakegithub"
	"github.com/agentreach/agentreach/inventory"
	ghscan "github.com/agentreach/agentreach/scanners/github"
)

const acmeOrgSource = "github:github.com/acme"

// leaks reports the first 8-byte run of secret found in data, or "".
func leaks(data []byte, secret string) string {
	for i := 0; i+8 <= len(secret); i++ {
		if bytes.Contains(data, []byte(secret[i:i+8])) {
			return secret[i : i+8]
		}
	}
	return ""
}

// outputs renders what a scan produced: the inventory and coverage as JSON.
func outputs(t *testing.T, res scanResult) []byte {
	t.Helper()
	b, err := json.Marshal(struct {
		Inv *inventory.Inventory `json:"inventory"`
		Cov []inventory.Coverage `json:"coverage"`
	}{res.inv, res.cov})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func coverageAt(cov []inventory.Coverage, target, path string) *inventory.Coverage {
	for i := range cov {
		if cov[i].Target == target && cov[i].Path == path {
			return &cov[i]
		}
	}
	return nil
}

// TestOrgVariables: GitHub returns organisation variables with their values
// in plaintext. The one whose value is a token (RELEASE_BOT_TOKEN, a classic
// PAT the fixture generates at run time) becomes a credential with the
// engine's type, preview and fingerprint; the others are only counted. The
// value is in no output, no log line and no file of the cache, on a first
// scan and on a second one through the same cache.
func TestOrgVariables(t *testing.T) {
	key, pemKey := appKey(t)
	srv := fakegithub.New(fakegithub.Acme(), fakegithub.WithApp(424242, &key.PublicKey, 0))
	defer srv.Close()
	token := fakegithub.AcmeVariableToken()
	if !strings.HasPrefix(token, "ghp_") {
		t.Fatalf("fixture token %q…", token[:4])
	}
	cache := t.TempDir()
	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var res scanResult
	for run := range 2 {
		res = scanOrg(t, srv, ghscan.Options{App: &ghscan.App{ID: 424242, PrivateKey: pemKey}, CacheDir: cache, Logger: logger}, "acme")
		if res.err != nil {
			t.Fatal(res.err)
		}
		if inc := incomplete(res.cov); len(inc) > 0 {
			t.Fatalf("run %d: incomplete coverage:%s", run, covLines(inc))
		}
		if s := leaks(outputs(t, res), token); s != "" {
			t.Fatalf("run %d: the inventory or coverage holds %q of the variable's value", run, s)
		}
	}
	if s := leaks(log.Bytes(), token); s != "" {
		t.Fatalf("the log holds %q of the variable's value", s)
	}
	files := 0
	err := filepath.Walk(cache, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if s := leaks(data, token); s != "" {
			t.Errorf("cache file %s holds %q of the variable's value", p, s)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatal("the cache is empty: nothing was checked")
	}

	var vars []inventory.Credential
	for _, c := range res.inv.Credentials {
		if c.Type == "github-org-actions-variable" {
			vars = append(vars, c)
		}
	}
	if len(vars) != 1 {
		t.Fatalf("want 1 variable credential (RELEASE_BOT_TOKEN), got %+v", vars)
	}
	c := vars[0]
	if c.ID != acmeOrgSource+"|github-org-variable:RELEASE_BOT_TOKEN" || c.Kind != inventory.KindCIVariable || c.Name != "RELEASE_BOT_TOKEN" ||
		c.Platform != inventory.PlatformGitHub || c.Redacted == "" || len(c.ValueHMAC) != 64 || c.Revocation == "" {
		t.Errorf("variable credential %+v", c)
	}
	if c.API == nil || c.API.Variable == nil || !strings.HasPrefix(c.API.Variable.ValueType, "github") || c.API.Visibility != "selected" || c.API.UpdatedAt == nil {
		t.Errorf("variable facts %+v", c.API)
	}
	if c.Scope == nil || c.Scope.Kind != "selected-repositories" || !slices.Equal(c.Scope.Repositories, []string{"acme/agent-bot", "acme/infra"}) {
		t.Errorf("variable scope %+v", c.Scope)
	}
	if len(c.Locations) != 1 || c.Locations[0].Path != "github/acme/actions-variables/RELEASE_BOT_TOKEN" || c.Locations[0].Source != acmeOrgSource {
		t.Errorf("variable location %+v", c.Locations)
	}
	cv := coverageAt(res.cov, "github.com/acme", "/orgs/{org}/actions/variables")
	if cv == nil || cv.Status != inventory.CoverageComplete || cv.Count != 4 || !strings.Contains(cv.Reason, "a credential was recognised in 1 (inventoried), in 3 none") {
		t.Errorf("variables coverage %+v", cv)
	}
	// Variable answers are never cached: the second scan asked again and
	// was not answered 304.
	if st := srv.Requests(); st.ByTemplate["GET /orgs/{org}/actions/variables"] != 2 {
		t.Errorf("variables listed %d times in two scans", st.ByTemplate["GET /orgs/{org}/actions/variables"])
	}
}

// TestOrgVariablesWithoutClassifier: without a value classifier the
// scanner does not ask for the variables at all, and says so in a skipped
// (not incomplete) coverage entry.
func TestOrgVariablesWithoutClassifier(t *testing.T) {
	srv := fakegithub.New(fakegithub.Acme())
	defer srv.Close()
	token := srv.NewToken(fakegithub.Token{Kind: fakegithub.InstallationToken})
	res := scanOrgValues(t, srv, ghscan.Options{Token: token}, "acme", false)
	if res.err != nil {
		t.Fatal(res.err)
	}
	if n := srv.Requests().ByTemplate["GET /orgs/{org}/actions/variables"]; n != 0 {
		t.Errorf("%d requests for the variables without a classifier", n)
	}
	cv := coverageAt(res.cov, "github.com/acme", "/orgs/{org}/actions/variables")
	if cv == nil || cv.Status != inventory.CoverageSkipped || !strings.Contains(cv.Reason, "no value classifier") {
		t.Errorf("variables coverage %+v", cv)
	}
	if inc := incomplete(res.cov); len(inc) > 0 {
		t.Errorf("incomplete coverage:%s", covLines(inc))
	}
	for _, c := range res.inv.Credentials {
		if c.Kind == inventory.KindCIVariable {
			t.Errorf("a variable credential without a classifier: %s", c.ID)
		}
	}
}

// TestOrgVariablesForbidden: a token without the variables permission gets
// a failed entry naming it, and nothing of the variables.
func TestOrgVariablesForbidden(t *testing.T) {
	srv := fakegithub.New(fakegithub.Acme())
	defer srv.Close()
	token := srv.NewToken(fakegithub.Token{Kind: fakegithub.FineGrainedPAT, Forbid: map[string]string{"/orgs/{org}/actions/variables": ""}})
	res := scanOrg(t, srv, ghscan.Options{Token: token}, "acme")
	cv := coverageAt(res.cov, "github.com/acme", "/orgs/{org}/actions/variables")
	if cv == nil || cv.Status != inventory.CoverageFailed || !strings.Contains(cv.Reason, "organization_actions_variables: read") {
		t.Errorf("variables coverage %+v", cv)
	}
	if len(credentialsOfKind(res.inv, inventory.KindCIVariable)) != 0 {
		t.Error("a variable credential from a forbidden listing")
	}
}

// TestOrgWebhooks: organisation webhooks are recorded with the scheme and
// host of their URL only (Acme's second hook carries a token in its query
// string), whether payloads are signed, TLS verification and events.
func TestOrgWebhooks(t *testing.T) {
	srv := fakegithub.New(fakegithub.Acme())
	defer srv.Close()
	token := srv.NewToken(fakegithub.Token{Kind: fakegithub.InstallationToken})
	cache := t.TempDir()
	res := scanOrg(t, srv, ghscan.Options{Token: token, CacheDir: cache}, "acme")
	if res.err != nil {
		t.Fatal(res.err)
	}
	want := []inventory.Webhook{
		{Source: acmeOrgSource, ID: acmeOrgSource + "|webhook:91500001", URL: "https://hooks.acme.example", Active: true, Events: []string{"pull_request", "push"},
			HasSecret: true, Location: inventory.Location{Source: acmeOrgSource, Root: "github.com/acme", Path: "github/acme/hooks/91500001"}},
		{Source: acmeOrgSource, ID: acmeOrgSource + "|webhook:91500003", URL: "http://203.0.113.7:8080", Events: []string{"*"}, InsecureSSL: true,
			Location: inventory.Location{Source: acmeOrgSource, Root: "github.com/acme", Path: "github/acme/hooks/91500003"}},
	}
	if got := res.inv.Webhooks; mustJSON(got) != mustJSON(want) {
		t.Errorf("webhooks\n got  %s\n want %s", mustJSON(got), mustJSON(want))
	}
	q := fakegithub.AcmeHookQueryToken()
	if s := leaks(outputs(t, res), q); s != "" {
		t.Errorf("the output holds %q of the webhook URL's token", s)
	}
	_ = filepath.Walk(cache, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			if data, _ := os.ReadFile(p); leaks(data, q) != "" {
				t.Errorf("cache file %s holds the webhook URL's token", p)
			}
		}
		return nil
	})
	cv := coverageAt(res.cov, "github.com/acme", "/orgs/{org}/hooks")
	if cv == nil || cv.Status != inventory.CoverageComplete || cv.Count != 2 {
		t.Errorf("webhooks coverage %+v", cv)
	}
}

func settingsMap(inv *inventory.Inventory, source string) map[string]string {
	out := map[string]string{}
	for _, s := range inv.SettingsOf(source) {
		out[s.Name] = s.Value
	}
	return out
}

// TestActionsPolicy: the allowed-actions policy, SHA pinning and, for a
// "selected" policy, what it allows; a policy of more patterns than the cap
// is recorded capped and says so; "all" asks for no list.
func TestActionsPolicy(t *testing.T) {
	srv := fakegithub.New(fakegithub.Acme())
	defer srv.Close()
	token := srv.NewToken(fakegithub.Token{Kind: fakegithub.InstallationToken})
	res := scanOrg(t, srv, ghscan.Options{Token: token}, "acme")
	if res.err != nil {
		t.Fatal(res.err)
	}
	got := settingsMap(res.inv, acmeOrgSource)
	for name, want := range map[string]string{
		inventory.SettingAllowedActions:        "selected",
		inventory.SettingSHAPinningRequired:    "false",
		inventory.SettingAllowedGitHubOwned:    "true",
		inventory.SettingAllowedVerified:       "true",
		inventory.SettingAllowedActionPatterns: "anthropics/claude-code-action@*,hashicorp/setup-terraform@*,SamKirkland/FTP-Deploy-Action@*",
	} {
		if got[name] != want {
			t.Errorf("setting %s = %q, want %q", name, got[name], want)
		}
	}
	for _, s := range res.inv.SettingsOf(acmeOrgSource) {
		if s.Name == inventory.SettingAllowedActions && s.Location.Path != "github/acme/settings/actions/allowed_actions" {
			t.Errorf("allowed_actions location %+v", s.Location)
		}
	}

	srv.Update(func(o *fakegithub.Org) {
		var patterns []string
		for i := range 150 {
			patterns = append(patterns, fmt.Sprintf("acme/action-%03d@*", i))
		}
		o.Set("/orgs/acme/actions/permissions/selected-actions", map[string]any{"github_owned_allowed": false, "verified_allowed": false, "patterns_allowed": patterns})
	})
	res = scanOrg(t, srv, ghscan.Options{Token: token}, "acme")
	got = settingsMap(res.inv, acmeOrgSource)
	if v := got[inventory.SettingAllowedActionPatterns]; strings.Count(v, ",") != 100 || !strings.HasSuffix(v, ",acme/action-099@*,… (50 more)") {
		t.Errorf("capped patterns %q", v)
	}
	cv := coverageAt(res.cov, "github.com/acme", "/orgs/{org}/actions/permissions/selected-actions")
	if cv == nil || cv.Status != inventory.CoverageSkipped || cv.Count != 150 {
		t.Errorf("capped patterns coverage %+v", cv)
	}

	srv.Update(func(o *fakegithub.Org) {
		o.Set("/orgs/acme/actions/permissions", map[string]any{"enabled_repositories": "all", "allowed_actions": "all"})
	})
	srv.ResetStats()
	res = scanOrg(t, srv, ghscan.Options{Token: token}, "acme")
	got = settingsMap(res.inv, acmeOrgSource)
	if got[inventory.SettingAllowedActions] != "all" {
		t.Errorf("allowed_actions %q", got[inventory.SettingAllowedActions])
	}
	if _, ok := got[inventory.SettingSHAPinningRequired]; ok {
		t.Error("sha_pinning_required recorded though GitHub did not say")
	}
	if _, ok := got[inventory.SettingAllowedActionPatterns]; ok {
		t.Error("patterns recorded for an \"all\" policy")
	}
	if n := srv.Requests().ByTemplate["GET /orgs/{org}/actions/permissions/selected-actions"]; n != 0 {
		t.Errorf("%d requests for the selected actions of an \"all\" policy", n)
	}
}

func credential(t *testing.T, inv *inventory.Inventory, id string) *inventory.Credential {
	t.Helper()
	c := inv.Credential(id)
	if c == nil {
		t.Fatalf("no credential %s", id)
	}
	return c
}

// TestMissingSecretReference: web-app's deploy workflow names
// secrets.SLACK_WEBHOOK_URL, which neither the repository, nor an
// organisation secret visible to it, nor one of its environments holds:
// its reference is Missing. References that resolve — to the repository's
// secret, an organisation secret, an environment secret — are not. When a
// list the answer depends on could not be read, nothing is marked.
func TestMissingSecretReference(t *testing.T) {
	ref := func(repo, name string) string {
		return inventory.GitHubSecretID("github:github.com/acme/"+repo, name)
	}
	missing := func(inv *inventory.Inventory) []string {
		var out []string
		for _, c := range inv.Credentials {
			if c.Missing {
				out = append(out, c.ID)
			}
		}
		return out
	}
	srv := fakegithub.New(fakegithub.Acme())
	defer srv.Close()
	token := srv.NewToken(fakegithub.Token{Kind: fakegithub.InstallationToken})
	res := scanOrg(t, srv, ghscan.Options{Token: token}, "acme")
	if res.err != nil {
		t.Fatal(res.err)
	}
	if got, want := missing(res.inv), []string{ref("web-app", "SLACK_WEBHOOK_URL")}; !slices.Equal(got, want) {
		t.Fatalf("missing references %v, want %v", got, want)
	}
	slack := credential(t, res.inv, ref("web-app", "SLACK_WEBHOOK_URL"))
	if slack.API != nil || len(slack.Backing) != 0 || len(res.inv.AgentsReaching(slack.ID)) == 0 {
		t.Errorf("the missing reference: %+v", slack)
	}
	for _, id := range []string{ref("web-app", "NPM_TOKEN"), ref("web-app", "STAGING_DATABASE_URL"), ref("web-app", "DEPLOY_KEY"),
		ref("agent-bot", "ACME_BOT_PAT"), ref("agent-bot", "ANTHROPIC_API_KEY"), ref("infra", "TF_API_TOKEN"), ref("infra", "AWS_SECRET_ACCESS_KEY")} {
		credential(t, res.inv, id) // exists, and is not missing (above)
	}

	// Any list not read: nothing of that repository (or, for the
	// organisation's secrets, of any) is marked.
	for _, tc := range []struct {
		name   string
		forbid string
	}{
		{"environment secrets", "/repos/{owner}/{repo}/environments/{environment_name}/secrets"},
		{"environments", "/repos/{owner}/{repo}/environments"},
		{"repository secrets", "/repos/{owner}/{repo}/actions/secrets"},
		{"organisation secrets", "/orgs/{org}/actions/secrets"},
		{"selected repositories of an organisation secret", "/orgs/{org}/actions/secrets/{secret_name}/repositories"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := srv.NewToken(fakegithub.Token{Kind: fakegithub.FineGrainedPAT, Forbid: map[string]string{tc.forbid: ""}})
			res := scanOrg(t, srv, ghscan.Options{Token: tok}, "acme")
			if res.err != nil {
				t.Fatal(res.err)
			}
			if got := missing(res.inv); len(got) != 0 {
				t.Errorf("%s not read, yet references are marked missing: %v", tc.name, got)
			}
			if credential(t, res.inv, ref("web-app", "SLACK_WEBHOOK_URL")).Missing {
				t.Error("SLACK_WEBHOOK_URL marked")
			}
		})
	}

	// --github-repo reads no organisation secrets: nothing is marked.
	as, wants, _ := analysers()
	sc, err := ghscan.New(ghscan.Options{URL: srv.URL() + "/", Host: "github.com", Token: token, Wants: wants})
	if err != nil {
		t.Fatal(err)
	}
	b := inventory.NewBuilder()
	files := func(ctx context.Context, src inventory.Source) (int, error) { return scanFiles(ctx, src, as, b) }
	if err := sc.ScanRepos(context.Background(), []string{"acme/web-app"}, files, b); err != nil {
		t.Fatal(err)
	}
	inv, _ := b.Build()
	if got := missing(inv); len(got) != 0 {
		t.Errorf("--github-repo marks references missing: %v", got)
	}
}

// TestGraphQLRateLimit: the scanner reads each answer's rateLimit. With
// fewer points left than the next query costs it waits for the reset when
// that is within MaxRetryWait — and every repository is read — and
// otherwise sends nothing more: the repositories it did not query get a
// failed entry that names the limit, and no query is refused.
func TestGraphQLRateLimit(t *testing.T) {
	const repos = 45 // three chunks of repositories
	t.Run("reset beyond the wait", func(t *testing.T) {
		t.Parallel()
		srv := fakegithub.New(fakegithub.Generate(repos, 1))
		defer srv.Close()
		token := srv.NewToken(fakegithub.Token{Kind: fakegithub.InstallationToken, GraphQLRateLimit: 2})
		var log bytes.Buffer
		res := scanOrg(t, srv, ghscan.Options{Token: token, Retry: faultRetry(retryProfiles[2]), Logger: slog.New(slog.NewTextHandler(&log, nil))}, "synth")
		if res.err != nil {
			t.Fatal(res.err)
		}
		st := srv.Requests()
		if st.GraphQL != 2 || st.RateLimited != 0 {
			t.Errorf("%d GraphQL queries (want the 2 the limit allows), %d refused (want none)", st.GraphQL, st.RateLimited)
		}
		limited := map[string]bool{}
		for _, c := range res.cov {
			if c.Path == "POST /graphql" && c.Status == inventory.CoverageFailed {
				if !strings.Contains(c.Reason, "GraphQL rate limit: 0 points remaining") || !strings.Contains(c.Reason, "not queried") {
					t.Errorf("failed GraphQL entry: %s", c.Reason)
				}
				limited[c.Target] = true
			} else if c.Incomplete() {
				t.Errorf("unexpected incomplete entry %+v", c)
			}
		}
		read := map[string]bool{}
		for _, w := range res.inv.Workflows {
			if r, ok := strings.CutPrefix(w.Source, "github:github.com/"); ok {
				read[r] = true
			}
		}
		if len(limited) == 0 || len(read) == 0 || len(limited)+len(read) != repos {
			t.Errorf("%d repositories named as not queried, %d read; want all %d, each one way", len(limited), len(read), repos)
		}
		for r := range read {
			if limited[r] {
				t.Errorf("%s read and named as not queried", r)
			}
		}
		if !strings.Contains(log.String(), "github GraphQL rate limit") || !strings.Contains(log.String(), "cost=1") {
			t.Errorf("the rate limit is not logged: %s", log.String())
		}
	})
	t.Run("reset within the wait", func(t *testing.T) {
		t.Parallel()
		srv := fakegithub.New(fakegithub.Generate(repos, 1), fakegithub.WithRateWindow(2*time.Second))
		defer srv.Close()
		token := srv.NewToken(fakegithub.Token{Kind: fakegithub.InstallationToken, GraphQLRateLimit: 2})
		var log bytes.Buffer
		retry := faultRetry(retryProfiles[2])
		retry.MaxRetryWait = 10 * time.Second
		res := scanOrg(t, srv, ghscan.Options{Token: token, Retry: retry, Logger: slog.New(slog.NewTextHandler(&log, nil))}, "synth")
		if res.err != nil {
			t.Fatal(res.err)
		}
		if inc := incomplete(res.cov); len(inc) > 0 {
			t.Errorf("incomplete coverage:%s", covLines(inc))
		}
		st := srv.Requests()
		if st.GraphQL < 3 || st.RateLimited != 0 {
			t.Errorf("%d GraphQL queries, %d refused", st.GraphQL, st.RateLimited)
		}
		if !strings.Contains(log.String(), "waiting for the reset") {
			t.Errorf("no wait logged: %s", log.String())
		}
	})
}

// TestQueryCost: the estimate follows GitHub's formula for BuildQuery.
func TestQueryCost(t *testing.T) {
	for n, want := range map[int]int{1: 1, 20: 1, 25: 1, 75: 2, 100: 2, 200: 4} {
		if got := ghscan.QueryCost(n); got != want {
			t.Errorf("QueryCost(%d) = %d, want %d", n, got, want)
		}
	}
}
