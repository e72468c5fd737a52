package github_test

import (
	"crypto/rsa"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"net/http"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentreach/agentreach/fixtures/fakegithub"
	"github.com/agentreach/agentreach/internal/apitransport"
	"github.com/agentreach/agentreach/inventory"
	ghscan "github.com/agentreach/agentreach/scanners/github"
)

// The fault harness scans the Acme organisation once without faults (the
// reference) and once per seeded fault schedule, and checks that every
// faulty scan either reproduces the reference exactly with complete
// coverage, or names every difference with an incomplete coverage entry for
// the endpoint and repository that feeds it. A difference no entry names is
// a silent gap: the report would look whole while it is not.
//
// Which endpoints feed which fact is the table of the *Feeds functions
// below (a fact of a kind the table does not know may be explained by any
// incomplete entry of its target). Schedules run side by side, each with
// its own fake server and scanner; a panic in one of the scanner's own
// goroutines ends the test binary, and the subtest names (seed=N) tell
// which schedules were running.

var faultSchedules = flag.Int("faults.n", 0, "fault schedules TestScanOrgUnderFaults tries (0: $AGENTREACH_FAULT_SCHEDULES, else 24, or 8 with -short)")

// faultRate is the share of requests a schedule fails.
const faultRate = 0.08

// faultWorkers bounds the schedules run at once. They spend most of their
// time waiting (timeouts, backoff, Retry-After), so more than the cores.
const faultWorkers = 6

func scheduleCount(t *testing.T) int {
	n := *faultSchedules
	if n <= 0 {
		if v := os.Getenv("AGENTREACH_FAULT_SCHEDULES"); v != "" {
			var err error
			if n, err = strconv.Atoi(v); err != nil || n <= 0 {
				t.Fatalf("AGENTREACH_FAULT_SCHEDULES=%q: want a positive number", v)
			}
		}
	}
	if n <= 0 {
		n = 24
		if testing.Short() {
			n = 8
		}
	}
	return n
}

// retryProfile is how patient the scanner is in one schedule. The schedules
// cycle through them: without retries every fault is a gap that must be
// named; with one retry and a MaxRetryWait below the fake's Retry-After a
// secondary limit is given up on at once (go-github then holds the client
// back until the Retry-After has passed); with three retries and Retry-After
// honoured almost every fault is absorbed.
//
// The fake's Retry-After stays at 1 s: it sends whole seconds, as GitHub
// does, so anything shorter would be "Retry-After: 0", which no server
// sends. Waiting it out (a pause of every request of that scan) costs a
// second per secondary limit in the third profile only; the schedules run
// side by side, so the whole sample stays within a few seconds.
type retryProfile struct {
	name         string
	maxRetries   int // apitransport.Options.MaxRetries (-1: none)
	maxRetryWait time.Duration
}

var retryProfiles = []retryProfile{
	{"no-retries", -1, 2 * time.Second},
	{"one-retry,retry-after-over-max", 1, 500 * time.Millisecond},
	{"three-retries,retry-after-waited", 3, 2 * time.Second},
}

func faultRetry(p retryProfile) apitransport.Options {
	return apitransport.Options{
		MaxRetries:     p.maxRetries,
		MinBackoff:     5 * time.Millisecond,
		MaxBackoff:     40 * time.Millisecond,
		MaxRetryWait:   p.maxRetryWait,
		RequestTimeout: 300 * time.Millisecond, // the fake's slow answers take 1 s
	}
}

const faultAppID = 424242

// faultEnv is what every scan of the harness shares: the organisation's
// dates (so that two servers built at different times answer alike) and
// the App's key.
type faultEnv struct {
	now    time.Time
	key    *rsa.PrivateKey
	pemKey []byte
}

func newFaultEnv(t *testing.T) *faultEnv {
	k, p := appKey(t)
	return &faultEnv{now: time.Now(), key: k, pemKey: p}
}

func (e *faultEnv) server(opts ...fakegithub.Option) *fakegithub.Server {
	return fakegithub.New(fakegithub.AcmeAt(e.now), append([]fakegithub.Option{fakegithub.WithApp(faultAppID, &e.key.PublicKey, 0)}, opts...)...)
}

func (e *faultEnv) app() *ghscan.App { return &ghscan.App{ID: faultAppID, PrivateKey: e.pemKey} }

// safeScan is scanOrg with a panic in the scanning goroutine turned into a
// test failure (a panic in one of the scanner's own goroutines still ends
// the binary; the subtest names carry the seed for a rerun with -run).
func safeScan(t *testing.T, srv *fakegithub.Server, opts ghscan.Options) (res scanResult, panicked string) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			panicked = fmt.Sprintf("%v\n%s", r, debug.Stack())
		}
	}()
	return scanOrg(t, srv, opts, "acme"), ""
}

// --- the canonical form ---

// fact is one canonical inventory fact: its rendering and the endpoints
// whose failure may explain that it differs from the reference.
type fact struct {
	render string
	feeds  []feed
}

// feed is an endpoint of a coverage target ("github.com/acme" for the
// organisation, "acme/NAME" for a repository). Path is a coverage path, or
// one of the classes below.
type feed struct{ target, path string }

const (
	feedGraphQL = "POST /graphql*" // either GraphQL entry
	feedFile    = "(file)"         // an entry for one fetched file
)

const orgTarget = "github.com/acme"

// repoTarget turns a repository source id into its coverage target.
func repoTarget(sourceID string) (string, bool) {
	rest, ok := strings.CutPrefix(sourceID, "github:github.com/")
	if !ok || !strings.Contains(rest, "/") {
		return "", false
	}
	return rest, true
}

func orgFeeds(paths ...string) []feed {
	out := make([]feed, len(paths))
	for i, p := range paths {
		out[i] = feed{orgTarget, p}
	}
	return out
}

// repoFeeds are the endpoints that feed every fact about a repository: the
// repository list and its GraphQL query (which counts its deploy keys and
// names its environments). Its tree feeds only what is read from its files.
func repoFeeds(repo string, paths ...string) []feed {
	out := []feed{{orgTarget, "/orgs/{org}/repos"}, {repo, feedGraphQL}}
	for _, p := range paths {
		out = append(out, feed{repo, p})
	}
	return out
}

// fileFeeds are the endpoints that feed what the analysers find in a
// repository's files: the files themselves and the GITHUB_TOKEN default
// the workflow analyser applies.
func fileFeeds(repo string) []feed {
	return append(repoFeeds(repo, "/repos/{owner}/{repo}/git/trees/{branch}", feedFile, "/repos/{owner}/{repo}/actions/permissions/workflow"),
		orgFeeds("/orgs/{org}/actions/permissions/workflow")...)
}

// principalFeeds: who is a member, and the credentials whose owners are
// principals (PAT grants, SSO authorisations, deploy keys of any repository).
func principalFeeds(id string) []feed {
	if strings.Contains(id, "|app:") {
		return orgFeeds("/orgs/{org}/installations")
	}
	f := orgFeeds("/orgs/{org}/members", "/orgs/{org}/outside_collaborators", "/orgs/{org}/personal-access-tokens",
		"/orgs/{org}/credential-authorizations", "/orgs/{org}/repos")
	return append(f, feed{"*", "/repos/{owner}/{repo}/keys"}, feed{"*", feedGraphQL})
}

// credentialFeeds names the endpoints a credential comes from, by its id.
// A kind the table does not know may be explained by any incomplete entry
// of its target.
func credentialFeeds(c inventory.Credential) []feed {
	src, local := inventory.Unscoped(c.ID)
	if src == "" && len(c.Locations) > 0 {
		src = c.Locations[0].Source
	}
	kind, _, _ := strings.Cut(local, ":")
	if repo, ok := repoTarget(src); ok {
		switch kind {
		case "deploy-key":
			return repoFeeds(repo, "/repos/{owner}/{repo}/keys")
		case "github-environment-secret":
			return repoFeeds(repo, "/repos/{owner}/{repo}/environments", "/repos/{owner}/{repo}/environments/{environment_name}/secrets")
		case "github-actions-secret":
			// The repository's own secret, or a workflow's reference
			// backed by organisation secrets — or by none (Missing, known
			// once every secret list of the repository was read,
			// environments' included).
			f := append(fileFeeds(repo), feed{repo, "/repos/{owner}/{repo}/actions/secrets"},
				feed{repo, "/repos/{owner}/{repo}/environments"}, feed{repo, "/repos/{owner}/{repo}/environments/{environment_name}/secrets"})
			return append(f, orgFeeds("/orgs/{org}/actions/secrets", "/orgs/{org}/actions/secrets/{secret_name}/repositories")...)
		case "secret-scanning-alert":
			return orgFeeds("/orgs/{org}/secret-scanning/alerts")
		}
		return fileFeeds(repo)
	}
	switch kind {
	case "fine-grained-pat":
		return orgFeeds("/orgs/{org}/personal-access-tokens", "/orgs/{org}/personal-access-tokens/{pat_id}/repositories")
	case "sso-credential":
		return orgFeeds("/orgs/{org}/credential-authorizations")
	case "app-installation":
		return orgFeeds("/orgs/{org}/installations")
	case "github-org-secret":
		return orgFeeds("/orgs/{org}/actions/secrets", "/orgs/{org}/actions/secrets/{secret_name}/repositories")
	case "github-org-variable":
		return orgFeeds("/orgs/{org}/actions/variables", "/orgs/{org}/actions/variables/{name}/repositories")
	case "github-dependabot-org-secret":
		return orgFeeds("/orgs/{org}/dependabot/secrets", "/orgs/{org}/dependabot/secrets/{secret_name}/repositories")
	case "runner":
		return orgFeeds("/orgs/{org}/actions/runners", "/orgs/{org}/actions/runner-groups")
	}
	if src == "github:"+orgTarget {
		return orgFeeds("*")
	}
	return nil // nothing may explain it
}

func agentFeeds(a inventory.Agent) []feed {
	src, local := inventory.Unscoped(a.ID)
	if strings.HasPrefix(local, "agent-app:") {
		return orgFeeds("/orgs/{org}/installations")
	}
	if repo, ok := repoTarget(src); ok {
		return fileFeeds(repo)
	}
	if repo, ok := repoTarget(a.Location.Source); ok {
		return fileFeeds(repo)
	}
	return nil
}

func sourceFeeds(s inventory.Source) []feed {
	if repo, ok := repoTarget(s.ID); ok {
		return fileFeeds(repo)
	}
	return orgFeeds("/orgs/{org}")
}

// settingFeeds names the endpoints a setting comes from, by its name (an
// unknown name: any incomplete entry of its target).
func settingFeeds(st inventory.Setting) []feed {
	if repo, ok := repoTarget(st.Source); ok {
		switch st.Name {
		case inventory.SettingDefaultWorkflowPermissions, inventory.SettingCanApprovePullRequests:
			return append(repoFeeds(repo, "/repos/{owner}/{repo}/actions/permissions/workflow"), orgFeeds("/orgs/{org}/actions/permissions/workflow")...)
		case inventory.SettingOIDCSubjectClaims:
			return append(repoFeeds(repo, "/repos/{owner}/{repo}/actions/oidc/customization/sub"), orgFeeds("/orgs/{org}/actions/oidc/customization/sub")...)
		case inventory.SettingSecretScanning, inventory.SettingPushProtection:
			return append(repoFeeds(repo), orgFeeds("/orgs/{org}/repos (security_and_analysis)")...)
		}
		return repoFeeds(repo, "*")
	}
	switch st.Name {
	case inventory.SettingDefaultRepoPermission:
		return orgFeeds("/orgs/{org}")
	case inventory.SettingDefaultWorkflowPermissions, inventory.SettingCanApprovePullRequests:
		return orgFeeds("/orgs/{org}/actions/permissions/workflow")
	case inventory.SettingOIDCSubjectClaims:
		return orgFeeds("/orgs/{org}/actions/oidc/customization/sub")
	case inventory.SettingAllowedActions, inventory.SettingSHAPinningRequired:
		return orgFeeds("/orgs/{org}/actions/permissions")
	case inventory.SettingAllowedActionPatterns, inventory.SettingAllowedGitHubOwned, inventory.SettingAllowedVerified:
		return orgFeeds("/orgs/{org}/actions/permissions", "/orgs/{org}/actions/permissions/selected-actions")
	}
	return orgFeeds("*")
}

// webhookFeeds names the endpoint a webhook comes from.
func webhookFeeds(h inventory.Webhook) []feed {
	if repo, ok := repoTarget(h.Source); ok {
		return repoFeeds(repo, "/repos/{owner}/{repo}/hooks")
	}
	return orgFeeds("/orgs/{org}/hooks")
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// canonical renders an inventory as facts by key: sources, principals
// (kind, role, state, repository permissions), credentials (everything the
// scanner and the analysers record), agents, reach edges, settings,
// webhooks and workflows. Ids, names and timestamps are deterministic for one
// organisation snapshot, so the renderings compare as strings.
func canonical(inv *inventory.Inventory) map[string]fact {
	out := map[string]fact{}
	credByID := map[string]inventory.Credential{}
	agentByID := map[string]inventory.Agent{}
	for _, s := range inv.Sources {
		s.FS = nil
		out["source "+s.ID] = fact{mustJSON(s), sourceFeeds(s)}
	}
	for _, p := range inv.Principals {
		out["principal "+p.ID] = fact{mustJSON(p), principalFeeds(p.ID)}
	}
	for _, c := range inv.Credentials {
		credByID[c.ID] = c
		slices.Sort(c.Backing)
		out["credential "+c.ID] = fact{mustJSON(c), credentialFeeds(c)}
	}
	for _, a := range inv.Agents {
		agentByID[a.ID] = a
		out["agent "+a.ID] = fact{mustJSON(a), agentFeeds(a)}
	}
	for _, r := range inv.Reaches {
		key := "reach " + r.Agent + " → " + r.Credential + " → " + r.Principal + " via " + string(r.Via)
		if r.Location != nil {
			key += fmt.Sprintf(" at %s:%d", r.Location.Path, r.Location.Line)
		}
		c, ok := credByID[r.Credential]
		if !ok {
			c = inventory.Credential{ID: r.Credential}
		}
		f := credentialFeeds(c)
		if r.Agent != "" {
			a, ok := agentByID[r.Agent]
			if !ok {
				a = inventory.Agent{ID: r.Agent}
			}
			f = append(f, agentFeeds(a)...)
		}
		out[key] = fact{mustJSON(r), f}
	}
	for _, st := range inv.Settings {
		out["setting "+st.Source+" "+st.Name] = fact{mustJSON(st), settingFeeds(st)}
	}
	for _, h := range inv.Webhooks {
		out["webhook "+h.ID] = fact{mustJSON(h), webhookFeeds(h)}
	}
	for _, w := range inv.Workflows {
		f := []feed(nil)
		if repo, ok := repoTarget(w.Source); ok {
			f = fileFeeds(repo)
		}
		out["workflow "+w.Source+" "+w.Path] = fact{mustJSON(w), f}
	}
	return out
}

// covers reports whether an incomplete coverage entry names a feed.
func covers(c inventory.Coverage, f feed) bool {
	if !c.Incomplete() || (f.target != "*" && c.Target != f.target) {
		return false
	}
	switch f.path {
	case "*":
		return true
	case feedGraphQL:
		return strings.HasPrefix(c.Path, "POST /graphql")
	case feedFile:
		return c.Path != "" && !strings.HasPrefix(c.Path, "/") && !strings.HasPrefix(c.Path, "POST ")
	}
	return c.Path == f.path
}

// diff compares a scan with the reference: the differences, and those no
// incomplete coverage entry explains.
func diff(ref, got map[string]fact, cov []inventory.Coverage) (diffs, unexplained []string) {
	keys := map[string]bool{}
	for k := range ref {
		keys[k] = true
	}
	for k := range got {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		r, inRef := ref[k]
		g, inGot := got[k]
		if inRef && inGot && r.render == g.render {
			continue
		}
		what := "changed"
		switch {
		case !inGot:
			what = "missing"
		case !inRef:
			what = "extra"
		}
		line := what + ": " + k
		diffs = append(diffs, line)
		feeds := append(slices.Clone(r.feeds), g.feeds...)
		explained := slices.ContainsFunc(cov, func(c inventory.Coverage) bool {
			return slices.ContainsFunc(feeds, func(f feed) bool { return covers(c, f) })
		})
		if !explained {
			if inRef && inGot {
				line += "\n      reference: " + r.render + "\n      got:       " + g.render
			}
			unexplained = append(unexplained, line)
		}
	}
	return diffs, unexplained
}

func incomplete(cov []inventory.Coverage) []inventory.Coverage {
	var out []inventory.Coverage
	for _, c := range cov {
		if c.Incomplete() {
			out = append(out, c)
		}
	}
	return out
}

func covLines(cov []inventory.Coverage) string {
	var b strings.Builder
	for _, c := range cov {
		fmt.Fprintf(&b, "\n    %s %s %q: %s", c.Status, c.Target, c.Path, c.Reason)
	}
	return b.String()
}

// verdict classifies one scan against the reference.
type verdict int

const (
	verdictIdentical verdict = iota // the reference, coverage complete
	verdictNamed                    // differences (or none), all named, coverage incomplete
	verdictLoud                     // the scan failed with an error that names the fault
	verdictWrong
	verdicts
)

// judge applies the harness's contract to one scan and returns the verdict
// and, when wrong, why.
func judge(ref map[string]fact, res scanResult) (verdict, string) {
	if res.err != nil {
		return verdictWrong, "scan error: " + res.err.Error()
	}
	inc := incomplete(res.cov)
	for _, c := range inc {
		if strings.TrimSpace(c.Reason) == "" {
			return verdictWrong, fmt.Sprintf("incomplete coverage entry without a reason: %+v", c)
		}
	}
	diffs, unexplained := diff(ref, canonical(res.inv), res.cov)
	switch {
	case len(unexplained) > 0:
		return verdictWrong, fmt.Sprintf("%d of %d differences named by no incomplete coverage entry (silent gaps):\n    %s\n  incomplete coverage:%s",
			len(unexplained), len(diffs), strings.Join(unexplained, "\n    "), covLines(inc))
	case len(inc) > 0:
		return verdictNamed, ""
	}
	return verdictIdentical, ""
}

// --- the harness ---

type faultTally struct {
	mu                        sync.Mutex
	tried                     int
	byVerdict                 [verdicts]int
	wrong                     []int64
	diffs                     int // differences named in all
	faults                    map[fakegithub.FaultKind]int
	requests, minReq, maxReq  int
	byProfile                 map[string][verdicts]int
	transportRetries, gaveUps int64
}

// TestScanOrgUnderFaults is the fault harness (see the top of the file).
// go test ./scanners/github -run TestScanOrgUnderFaults -v -faults.n=200 (the
// flag after the package) tries 200 schedules;
// -run 'TestScanOrgUnderFaults/seed=17$' reruns one.
func TestScanOrgUnderFaults(t *testing.T) {
	env := newFaultEnv(t)
	n := scheduleCount(t)

	// The reference: no faults.
	rsrv := env.server()
	refRes := scanOrg(t, rsrv, ghscan.Options{App: env.app(), Retry: faultRetry(retryProfiles[2])}, "acme")
	rsrv.Close()
	if refRes.err != nil {
		t.Fatal(refRes.err)
	}
	if inc := incomplete(refRes.cov); len(inc) > 0 {
		t.Fatalf("the reference scan is incomplete:%s", covLines(inc))
	}
	ref := canonical(refRes.inv)
	refReq := rsrv.Requests().Total
	t.Logf("reference: %d facts, %d requests; request bound per schedule %d", len(ref), refReq, 3*refReq)

	tally := &faultTally{faults: map[fakegithub.FaultKind]int{}, byProfile: map[string][verdicts]int{}, minReq: 1 << 30}
	seeds := make(chan int64)
	var wg sync.WaitGroup
	for range faultWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range seeds {
				t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { runSchedule(t, env, ref, refReq, seed, tally) })
			}
		}()
	}
	for seed := range int64(n) {
		seeds <- seed + 1
	}
	close(seeds)
	wg.Wait()

	tally.mu.Lock()
	defer tally.mu.Unlock()
	if tally.tried == 0 {
		return // filtered out by -run
	}
	kinds := []string{}
	for _, k := range fakegithub.AllFaultKinds {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, tally.faults[k]))
	}
	v := tally.byVerdict
	t.Logf("fault schedules tried: %d (rate %.2f; faults injected: %s)", tally.tried, faultRate, strings.Join(kinds, ", "))
	t.Logf("  inventories identical to the reference: %d", v[verdictIdentical])
	t.Logf("  gaps correctly named (coverage incomplete, every difference explained; %d differences in all): %d", tally.diffs, v[verdictNamed])
	t.Logf("  scan failed with an error naming the fault (App installation lookup): %d", v[verdictLoud])
	t.Logf("  wrong (silent gap, unexpected error, panic or retry storm): %d", v[verdictWrong])
	for _, p := range retryProfiles {
		c := tally.byProfile[p.name]
		t.Logf("    %-34s identical %3d, named %3d, failed loudly %3d, wrong %3d", p.name, c[verdictIdentical], c[verdictNamed], c[verdictLoud], c[verdictWrong])
	}
	t.Logf("  requests per schedule: min %d, mean %.1f, max %d = %.2f× the reference's %d (bound 3×); transport retries %d, gave up %d",
		tally.minReq, float64(tally.requests)/float64(tally.tried), tally.maxReq, float64(tally.maxReq)/float64(refReq), refReq,
		tally.transportRetries, tally.gaveUps)
	if len(tally.wrong) > 0 {
		slices.Sort(tally.wrong)
		t.Errorf("wrong schedules (seeds): %v", tally.wrong)
	}
}

// runSchedule scans under one seeded fault schedule. The retry profile
// cycles with the seed; every other triple of seeds lets faults hit the App
// endpoints too (the installation lookup and the token exchange).
func runSchedule(t *testing.T, env *faultEnv, ref map[string]fact, refReq int, seed int64, tally *faultTally) {
	p := retryProfiles[int(seed)%len(retryProfiles)]
	appFaults := (seed/int64(len(retryProfiles)))%2 == 1
	name := p.name
	if appFaults {
		name += ",app-endpoints"
	}
	srv := env.server(fakegithub.WithFaults(fakegithub.Faults{Seed: seed, Rate: faultRate, RetryAfter: time.Second, SlowDelay: time.Second,
		IncludeAppAuth: appFaults}))
	defer srv.Close()
	res, panicked := safeScan(t, srv, ghscan.Options{App: env.app(), Retry: faultRetry(p)})
	st := srv.Requests()
	log := srv.FaultLog()

	v, why := verdictWrong, "panic: "+panicked
	if panicked == "" {
		v, why = judge(ref, res)
	}
	// Before it reads anything the scanner finds its App installation; when
	// that fails it stops with the error, which names the lookup.
	lookupFaulted := slices.ContainsFunc(log, func(e fakegithub.FaultEvent) bool { return e.Path == "/orgs/acme/installation" })
	if res.err != nil && panicked == "" && lookupFaulted && strings.Contains(res.err.Error(), "no installation on acme") {
		v, why = verdictLoud, ""
	}
	if v != verdictWrong && st.Total > 3*refReq {
		v, why = verdictWrong, fmt.Sprintf("retry storm: %d requests, bound %d", st.Total, 3*refReq)
	}
	var diffs []string
	if panicked == "" && res.err == nil {
		diffs, _ = diff(ref, canonical(res.inv), res.cov)
	}
	var ts apitransport.Stats
	if res.sc != nil {
		ts = res.sc.Stats()
	}
	t.Logf("seed %d [%s]: %d requests, %d faults, %d retries, %d gave up, %d differences, %d incomplete coverage entries",
		seed, name, st.Total, len(log), ts.Retries, ts.GaveUp, len(diffs), len(incomplete(res.cov)))

	tally.mu.Lock()
	defer tally.mu.Unlock()
	tally.tried++
	for k, c := range st.Faults {
		tally.faults[k] += c
	}
	tally.requests += st.Total
	tally.minReq, tally.maxReq = min(tally.minReq, st.Total), max(tally.maxReq, st.Total)
	tally.transportRetries += ts.Retries
	tally.gaveUps += ts.GaveUp
	tally.byVerdict[v]++
	c := tally.byProfile[p.name]
	c[v]++
	tally.byProfile[p.name] = c
	switch v {
	case verdictNamed:
		tally.diffs += len(diffs)
	case verdictWrong:
		tally.wrong = append(tally.wrong, seed)
		var fl strings.Builder
		for _, e := range log {
			fmt.Fprintf(&fl, "\n    #%d %s %s: %s %d", e.Seq, e.Method, e.Path, e.Kind, e.Status)
		}
		t.Errorf("seed %d [%s]: %s\n  faults:%s", seed, name, why, fl.String())
	}
}

// --- scenarios ---

// roundTripper adapts a function.
type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func baseTransport() http.RoundTripper { return http.DefaultTransport.(*http.Transport).Clone() }

// TestScanOrgTokenRevokedMidScan: the scanner's token stops working after
// N requests (revoked, or expired): every request from then on answers 401
// Bad credentials. The scan must not look clean: it fails with the 401, or
// ends with failed coverage entries that name it, and whatever it lacks is
// named.
func TestScanOrgTokenRevokedMidScan(t *testing.T) {
	env := newFaultEnv(t)
	rsrv := env.server()
	refTok := rsrv.NewToken(fakegithub.Token{Kind: fakegithub.InstallationToken})
	refRes := scanOrg(t, rsrv, ghscan.Options{Token: refTok, Retry: faultRetry(retryProfiles[2])}, "acme")
	rsrv.Close()
	if refRes.err != nil {
		t.Fatal(refRes.err)
	}
	ref := canonical(refRes.inv)
	refReq := rsrv.Requests().Total
	for _, after := range []int{0, 1, 5, 12, refReq / 2, refReq - 3} {
		t.Run(fmt.Sprintf("after=%d", after), func(t *testing.T) {
			t.Parallel()
			srv := env.server()
			defer srv.Close()
			tok := srv.NewToken(fakegithub.Token{Kind: fakegithub.InstallationToken})
			var sent atomic.Int64
			rt := baseTransport()
			tr := roundTripper(func(r *http.Request) (*http.Response, error) {
				if sent.Add(1) > int64(after) {
					r = r.Clone(r.Context())
					r.Header.Set("Authorization", "token revoked")
				}
				return rt.RoundTrip(r)
			})
			res, panicked := safeScan(t, srv, ghscan.Options{Token: tok, Transport: tr, Retry: faultRetry(retryProfiles[2])})
			if panicked != "" {
				t.Fatal(panicked)
			}
			st := srv.Requests()
			if st.Total > refReq {
				t.Errorf("%d requests after revocation at %d (reference %d): 401s are retried", st.Total, after, refReq)
			}
			if res.err != nil {
				if !strings.Contains(res.err.Error(), "401") {
					t.Errorf("scan error does not name the 401: %v", res.err)
				}
				t.Logf("revoked after %d: scan failed: %v", after, res.err)
				return
			}
			inc := incomplete(res.cov)
			named := 0
			for _, c := range inc {
				if strings.Contains(c.Reason, "401") {
					named++
				}
			}
			if named == 0 {
				t.Fatalf("revoked after %d requests: no coverage entry names the 401:%s", after, covLines(res.cov))
			}
			v, why := judge(ref, res)
			if v == verdictWrong {
				t.Fatalf("revoked after %d requests: %s", after, why)
			}
			if v == verdictIdentical {
				t.Fatalf("revoked after %d requests: a clean result", after)
			}
			t.Logf("revoked after %d requests: %d of %d requests answered 401, %d failed coverage entries name it",
				after, st.ByStatus[http.StatusUnauthorized], st.Total, named)
		})
	}
}

// cloneRepo adds repository name to the organisation as a copy of from
// (files, settings, list entry), at the front of the repository list (as
// GitHub lists an organisation's newest repository first) or at its end.
func cloneRepo(o *fakegithub.Org, from, name string, front bool) {
	fromFull, full := "/repos/acme/"+from, "/repos/acme/"+name
	for k, v := range o.REST {
		if k == fromFull || strings.HasPrefix(k, fromFull+"/") {
			o.REST[full+strings.TrimPrefix(k, fromFull)] = json.RawMessage(strings.ReplaceAll(string(v), "acme/"+from, "acme/"+name))
		}
	}
	rd := *o.Repos[from]
	rd.Name = name
	o.Repos[name] = &rd
	list := o.Get("/orgs/acme/repos").([]any)
	var entry map[string]any
	for _, it := range list {
		if m := it.(map[string]any); m["name"] == from {
			entry = m
		}
	}
	var added map[string]any
	if err := json.Unmarshal([]byte(strings.ReplaceAll(mustJSON(entry), "acme/"+from, "acme/"+name)), &added); err != nil {
		panic(err)
	}
	added["name"], added["id"] = name, 91299999
	entry = added
	if front {
		list = append([]any{entry}, list...)
	} else {
		list = append(list, entry)
	}
	o.Set("/orgs/acme/repos", list)
}

// TestScanOrgRepoAddedBetweenPages: a repository is created while the
// scanner pages through /orgs/{org}/repos (two per page here). Created at
// the front of the list, it shifts the pages: one repository is listed
// twice and the new one not at all; at the end it is on the last page. The
// scan must not crash, must read every old repository as the reference
// does, and must either include the new one whole or leave no trace of it.
func TestScanOrgRepoAddedBetweenPages(t *testing.T) {
	env := newFaultEnv(t)
	rsrv := env.server()
	refRes := scanOrg(t, rsrv, ghscan.Options{App: env.app(), Retry: faultRetry(retryProfiles[2])}, "acme")
	rsrv.Close()
	if refRes.err != nil {
		t.Fatal(refRes.err)
	}
	ref := canonical(refRes.inv)
	for _, front := range []bool{true, false} {
		t.Run(fmt.Sprintf("front=%v", front), func(t *testing.T) {
			t.Parallel()
			srv := env.server()
			defer srv.Close()
			const added = "zz-added"
			var pages atomic.Int64
			rt := baseTransport()
			tr := roundTripper(func(r *http.Request) (*http.Response, error) {
				if r.URL.Path != "/orgs/acme/repos" {
					return rt.RoundTrip(r)
				}
				r = r.Clone(r.Context())
				q := r.URL.Query()
				q.Set("per_page", "2")
				r.URL.RawQuery = q.Encode()
				resp, err := rt.RoundTrip(r)
				if err == nil && pages.Add(1) == 1 {
					srv.Update(func(o *fakegithub.Org) { cloneRepo(o, "mcp-tools", added, front) })
				}
				return resp, err
			})
			res, panicked := safeScan(t, srv, ghscan.Options{App: env.app(), Transport: tr, Retry: faultRetry(retryProfiles[2])})
			if panicked != "" {
				t.Fatal(panicked)
			}
			if res.err != nil {
				t.Fatal(res.err)
			}
			if p := pages.Load(); p < 3 {
				t.Fatalf("the repository list took %d pages; want several", p)
			}
			if inc := incomplete(res.cov); len(inc) > 0 {
				t.Errorf("incomplete coverage:%s", covLines(inc))
			}
			// The facts of the added repository, and what the old ones
			// look like without it.
			got := canonical(res.inv)
			addedSrc := "github:github.com/acme/" + added
			var mine []string
			for k, f := range got {
				if strings.Contains(k, addedSrc) {
					mine = append(mine, k)
					delete(got, k)
				} else if strings.Contains(f.render, addedSrc) {
					// A fact the new repository adds to (a credential
					// it references too): compare its reference form.
					got[k] = fact{render: "(touched by " + added + ")"}
				}
			}
			diffs, _ := diff(ref, got, nil)
			for _, d := range diffs {
				k := strings.TrimPrefix(d, "changed: ")
				if got[k].render == "(touched by "+added+")" {
					continue
				}
				t.Errorf("an old repository differs from the reference: %s", d)
			}
			// The added repository, if listed, is read whole: the facts of
			// the repository it copies.
			var want []string
			for k := range ref {
				if strings.Contains(k, "github:github.com/acme/mcp-tools") {
					want = append(want, strings.ReplaceAll(k, "github:github.com/acme/mcp-tools", addedSrc))
				}
			}
			slices.Sort(want)
			slices.Sort(mine)
			included := len(mine) > 0
			if included && !slices.Equal(mine, want) {
				t.Errorf("%s is included but not whole:\n  got  %v\n  want %v", added, mine, want)
			}
			// Each repository is read once, however often the shifting
			// pages listed it.
			repos := 0
			for _, src := range res.inv.Sources {
				if src.Kind == inventory.SourceGitHubRepo {
					repos++
				}
			}
			for _, c := range res.cov {
				if c.Target == orgTarget && c.Path == "" {
					t.Logf("front=%v: %s included=%v; summary: %s", front, added, included, c.Reason)
					if want := fmt.Sprintf("%d of %d repositories", repos, repos); c.Count != repos || !strings.HasPrefix(c.Reason, want) {
						t.Errorf("summary %q (count %d), want %q: a repository listed twice was read twice", c.Reason, c.Count, want)
					}
				}
			}
		})
	}
}

// TestScanOrgGraphQLPartialError: a repository disappears between the REST
// listing and the GraphQL query (deleted, or renamed), so GraphQL answers
// its alias null with a NOT_FOUND error beside the other repositories'
// data. That repository's files, deploy keys and environments are missing
// and must be named for it alone; the others are read as in the reference.
func TestScanOrgGraphQLPartialError(t *testing.T) {
	env := newFaultEnv(t)
	rsrv := env.server()
	refRes := scanOrg(t, rsrv, ghscan.Options{App: env.app(), Retry: faultRetry(retryProfiles[2])}, "acme")
	rsrv.Close()
	if refRes.err != nil {
		t.Fatal(refRes.err)
	}
	ref := canonical(refRes.inv)

	srv := env.server()
	defer srv.Close()
	const gone = "web-app"
	var once sync.Once
	rt := baseTransport()
	tr := roundTripper(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == "/graphql" {
			once.Do(func() {
				srv.Update(func(o *fakegithub.Org) {
					delete(o.Repos, gone)
					for k := range o.REST {
						if k == "/repos/acme/"+gone || strings.HasPrefix(k, "/repos/acme/"+gone+"/") {
							delete(o.REST, k)
						}
					}
					list := o.Get("/orgs/acme/repos").([]any)
					list = slices.DeleteFunc(list, func(it any) bool { return it.(map[string]any)["name"] == gone })
					o.Set("/orgs/acme/repos", list)
				})
			})
		}
		return rt.RoundTrip(r)
	})
	res, panicked := safeScan(t, srv, ghscan.Options{App: env.app(), Transport: tr, Retry: faultRetry(retryProfiles[2])})
	if panicked != "" {
		t.Fatal(panicked)
	}
	v, why := judge(ref, res)
	if v != verdictNamed {
		t.Fatalf("verdict %d: %s", v, why)
	}
	inc := incomplete(res.cov)
	for _, c := range inc {
		if c.Target != "acme/"+gone {
			t.Errorf("incomplete coverage for another target: %+v", c)
		}
	}
	named := slices.ContainsFunc(inc, func(c inventory.Coverage) bool {
		return c.Path == "POST /graphql" && c.Status == inventory.CoverageFailed && strings.Contains(c.Reason, "NOT_FOUND")
	})
	if !named {
		t.Fatalf("no failed GraphQL entry names the NOT_FOUND of acme/%s:%s", gone, covLines(inc))
	}
	diffs, _ := diff(ref, canonical(res.inv), res.cov)
	for _, d := range diffs {
		if !strings.Contains(d, "acme/"+gone) {
			t.Errorf("a difference outside acme/%s: %s", gone, d)
		}
	}
	if len(diffs) == 0 {
		t.Error("no difference: the repository's files were read after all?")
	}
	t.Logf("GraphQL partial error: %d differences, all named by:%s", len(diffs), covLines(inc))
}
