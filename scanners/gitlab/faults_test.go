package gitlab_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
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

	"github.com/agentreach/agentreach/fixtures/fakegitlab"
	"github.com/agentreach/agentreach/internal/apitransport"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/scanners/agentconfig"
	glscan "github.com/agentreach/agentreach/scanners/gitlab"
	"github.com/agentreach/agentreach/scanners/local"
	"github.com/agentreach/agentreach/scanners/secrets"
	"github.com/agentreach/agentreach/scanners/workflows"
)

// The fault harness scans the Acme group as its Owner once without faults
// (the reference) and once per seeded fault schedule, and checks that every
// faulty scan either reproduces the reference exactly with complete
// coverage, or names every difference with an incomplete coverage entry for
// the endpoint and group or project that feeds it. A difference no entry
// names is a silent gap: the report would look whole while it is not.
//
// Which endpoints feed which fact is the table of the *Feeds functions
// below (a fact of a kind the table does not know may be explained by any
// incomplete entry of its group or project). Schedules run side by side,
// each with its own fake server and scanner; a panic in one of the
// scanner's own goroutines ends the test binary, and the subtest names
// (seed=N) tell which schedules were running.
//
// Every scan of this file is also held to the scanner's promise about CI/CD
// variable values (GitLab sends them in plaintext): no 8-character run of
// any variable value of the fixture may appear in a coverage reason, in the
// scan's error or in what the scanner logs — whatever the faults did to the
// answers (a truncated variables page included).

var faultSchedules = flag.Int("faults.n", 0, "fault schedules TestScanGroupUnderFaults tries (0: $AGENTREACH_FAULT_SCHEDULES, else 24, or 8 with -short)")

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
// 429 is given up on at once (client-go then reports the 429); with three
// retries and Retry-After honoured almost every fault is absorbed.
//
// The fake's Retry-After stays at 1 s: it sends whole seconds, as GitLab
// does. Waiting it out (a pause of every request of that scan) costs a
// second per 429 in the third profile only; the schedules run side by
// side, so the whole sample stays within a few seconds.
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

// faultEnv is what every scan of the harness shares: the instance's dates
// (so that two servers built at different times answer alike), the
// detection engine's fingerprint key (so that two scans fingerprint a value
// alike) and the fixture's variable values (to look for in what a scan
// says).
type faultEnv struct {
	now    time.Time
	hasher *secrets.Hasher
	values []string
}

func newFaultEnv() *faultEnv {
	e := &faultEnv{now: time.Now(), hasher: secrets.RandomHasher()}
	inst := fakegitlab.AcmeAt(e.now)
	var vars []*fakegitlab.Variable
	for _, g := range inst.AllGroups() {
		vars = append(vars, g.Variables...)
	}
	for _, p := range inst.AllProjects() {
		vars = append(vars, p.Variables...)
	}
	for _, v := range vars {
		if v.Value != "" {
			e.values = append(e.values, v.Value)
		}
	}
	return e
}

func (e *faultEnv) server(opts ...fakegitlab.Option) *fakegitlab.Server {
	return fakegitlab.New(fakegitlab.AcmeAt(e.now), opts...)
}

// ownerToken registers a token of the group's Owner.
func ownerToken(srv *fakegitlab.Server) string {
	return srv.NewToken(fakegitlab.Token{User: "acme-owner"})
}

const glHost = "gitlab.example.com"

type scanResult struct {
	inv *inventory.Inventory
	cov []inventory.Coverage
	err error
	sc  *glscan.Scanner
	log string // what the scanner logged (debug and up)
}

// syncBuffer is a bytes.Buffer for a logger written from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// scanGroup scans the fake's acme group with the analysers a local scan
// runs and the detection engine as the value classifier (as the CLI runs
// it), logging at debug level into the result. opts.Token "" is the
// Owner's.
func (e *faultEnv) scanGroup(t *testing.T, srv *fakegitlab.Server, opts glscan.Options) scanResult {
	t.Helper()
	engine := secrets.NewEngine(nil, secrets.WithHasher(e.hasher))
	ci := workflows.NewAnalyzer(workflows.Options{Values: engine})
	ag := agentconfig.NewAnalyzer(engine)
	as := []local.Analyzer{&secrets.Analyzer{Engine: engine}, ci, ag}
	if opts.Token == "" {
		opts.Token = ownerToken(srv)
	}
	if opts.Retry.MaxRetries == 0 {
		opts.Retry.MaxRetries = -1
	}
	logs := &syncBuffer{}
	opts.URL, opts.Host, opts.Values = srv.URL(), glHost, engine
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts.Wants = func(p string) bool { return ci.Wants(p, 0) || ag.Wants(p, 0) }
	sc, err := glscan.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	b := inventory.NewBuilder()
	files := func(ctx context.Context, src inventory.Source) (int, error) {
		return local.ScanFS(ctx, src, as, local.Options{}, b)
	}
	err = sc.ScanGroup(context.Background(), "acme", files, b)
	inv, cov := b.Build()
	return scanResult{inv: inv, cov: cov, err: err, sc: sc, log: logs.String()}
}

// safeScan is scanGroup with a panic in the scanning goroutine turned into
// a test failure (a panic in one of the scanner's own goroutines still
// ends the binary; the subtest names carry the seed for a rerun with -run).
func (e *faultEnv) safeScan(t *testing.T, srv *fakegitlab.Server, opts glscan.Options) (res scanResult, panicked string) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			panicked = fmt.Sprintf("%v\n%s", r, debug.Stack())
		}
	}()
	return e.scanGroup(t, srv, opts), ""
}

// reference scans without faults; its coverage must be complete.
func (e *faultEnv) reference(t *testing.T) (map[string]fact, int) {
	t.Helper()
	srv := e.server()
	res := e.scanGroup(t, srv, glscan.Options{Retry: faultRetry(retryProfiles[2])})
	srv.Close()
	if res.err != nil {
		t.Fatal(res.err)
	}
	if inc := incomplete(res.cov); len(inc) > 0 {
		t.Fatalf("the reference scan is incomplete:%s", covLines(inc))
	}
	if leak := e.valueLeak(res); leak != "" {
		t.Fatalf("the reference scan: %s", leak)
	}
	return canonical(res.inv), srv.Requests().Total
}

// valueLeak looks for an 8-character run of any of the fixture's variable
// values in every coverage reason, the scan's error and the scanner's log;
// it returns where one was found ("" when none). It never prints the run.
func (e *faultEnv) valueLeak(res scanResult) string {
	texts := map[string]string{"log": res.log}
	if res.err != nil {
		texts["error"] = res.err.Error()
	}
	for i, c := range res.cov {
		texts[fmt.Sprintf("coverage entry %d (%s %s %q)", i, c.Status, c.Target, c.Path)] = c.Reason
	}
	for _, where := range slices.Sorted(maps.Keys(texts)) {
		s := texts[where]
		for vi, v := range e.values {
			for i := 0; i+8 <= len(v); i++ {
				if strings.Contains(s, v[i:i+8]) {
					return fmt.Sprintf("the %s holds an 8-character run of variable value #%d (at offset %d of %d)", where, vi, i, len(v))
				}
			}
		}
	}
	return ""
}

// --- the canonical form ---

// fact is one canonical inventory fact: its rendering and the endpoints
// whose failure may explain that it differs from the reference.
type fact struct {
	render string
	feeds  []feed
}

// feed is an endpoint of a coverage target: a group's full path ("acme",
// "acme/platform") or a project's path with namespace; "*" is any target.
// Path is a coverage path (the scanner's endpoint templates,
// "/projects/:id/variables"), or one of the classes below.
type feed struct{ target, path string }

const (
	anyTarget = "*"
	anyPath   = "*"
	// feedFile is any entry about a project's files: a file that was not
	// fetched (its path), a note on a CI file (an include that could not
	// be read) or the analysis as a whole (no path).
	feedFile = "(file)"
)

const rootGroup = "acme"

// acmeGroups are the fixture's groups (full paths): a coverage target or a
// source that is one of them is a group, anything else a project.
var acmeGroups = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for _, g := range fakegitlab.Acme().AllGroups() {
		out[g.FullPath] = true
	}
	return out
})

// pathOf turns a source id into a group or project path.
func pathOf(sourceID string) (string, bool) {
	return strings.CutPrefix(sourceID, "gitlab:"+glHost+"/")
}

// baseFeeds feed everything: without the group nothing is read.
func baseFeeds() []feed { return []feed{{rootGroup, "/groups/:id"}} }

// groupFeeds are endpoints of a group; a subgroup is known through the
// root's descendant_groups.
func groupFeeds(g string, paths ...string) []feed {
	f := baseFeeds()
	if g != rootGroup {
		f = append(f, feed{rootGroup, "/groups/:id/descendant_groups"})
	}
	for _, p := range paths {
		f = append(f, feed{g, p})
	}
	return f
}

// projectFeeds are endpoints of a project: the group's project list (which
// carries the project's settings) and the paths given.
func projectFeeds(p string, paths ...string) []feed {
	f := append(baseFeeds(), feed{rootGroup, "/groups/:id/projects"})
	for _, path := range paths {
		f = append(f, feed{p, path})
	}
	return f
}

// fileFeeds feed what the analysers find in a project's files: its tree
// and the files themselves (an include of another project's file is read
// for this project, and named on its CI file when it fails).
func fileFeeds(p string) []feed {
	return projectFeeds(p, "/projects/:id/repository/tree", feedFile)
}

// inheritedFeeds are the variable lists of the groups above a project
// (a project's variable may be backed by theirs).
func inheritedFeeds(p string) []feed {
	var f []feed
	for g := p; strings.Contains(g, "/"); {
		g = g[:strings.LastIndex(g, "/")]
		if acmeGroups()[g] {
			f = append(f, groupFeeds(g, "/groups/:id/variables")...)
		}
	}
	return f
}

// principalFeeds: who is a member of which group at which level, and the
// credentials whose owners are principals (access tokens' bot users, the
// owners of trigger tokens).
func principalFeeds() []feed {
	return append(groupFeeds(rootGroup, "/groups/:id/projects"),
		feed{anyTarget, "/groups/:id/members/all"}, feed{anyTarget, "/groups/:id/access_tokens"},
		feed{rootGroup, "/groups/:id/descendant_groups"},
		feed{anyTarget, "/projects/:id/access_tokens"}, feed{anyTarget, "/projects/:id/triggers"},
		// Owners outside the member lists (enterprise users) are looked
		// up by id; the credentials inventory names them.
		feed{anyTarget, "/users/:id"}, feed{anyTarget, "/groups/:id/manage/personal_access_tokens"}, feed{anyTarget, "/groups/:id/manage/ssh_keys"})
}

// credentialFeeds names the endpoints a credential comes from, by its id.
func credentialFeeds(c inventory.Credential) []feed {
	src, local := inventory.Unscoped(c.ID)
	kind, _, _ := strings.Cut(local, ":")
	owner := func(f []feed) []feed {
		if c.Owner != "" {
			f = append(f, principalFeeds()...)
		}
		return f
	}
	if p, ok := pathOf(src); ok && acmeGroups()[p] {
		switch kind {
		case "group-access-token":
			return owner(groupFeeds(p, "/groups/:id/access_tokens"))
		case "deploy-token":
			return groupFeeds(p, "/groups/:id/deploy_tokens")
		case "gitlab-group-variable":
			return groupFeeds(p, "/groups/:id/variables")
		case "runner":
			// A group runner is listed by its group and every group below
			// it; its details are read for each listing. A project runner
			// comes with the group's GraphQL runner list or, when that
			// fails, each project's REST list.
			return append(groupFeeds(rootGroup), feed{rootGroup, "/groups/:id/descendant_groups"},
				feed{anyTarget, "/groups/:id/runners"}, feed{anyTarget, "/runners/:id"}, feed{anyTarget, "/projects/:id/runners"})
		case "personal-access-token":
			if c.Type == "gitlab-enterprise-user-pat" {
				// An enterprise user's token, from the group's
				// credentials inventory.
				return owner(groupFeeds(p, "/groups/:id/manage/personal_access_tokens"))
			}
		case "ssh-key":
			return owner(groupFeeds(p, "/groups/:id/manage/ssh_keys"))
		}
		return groupFeeds(p, anyPath)
	}
	if p, ok := pathOf(src); ok {
		switch kind {
		case "project-access-token":
			return owner(projectFeeds(p, "/projects/:id/access_tokens"))
		case "deploy-token":
			return projectFeeds(p, "/projects/:id/deploy_tokens")
		case "deploy-key":
			return projectFeeds(p, "/projects/:id/deploy_keys")
		case "pipeline-trigger":
			return owner(projectFeeds(p, "/projects/:id/triggers"))
		case "gitlab-ci-variable":
			// The project's own variable, or a job's reference backed by
			// a group's: the project's list, the groups' above it (and the
			// subgroups, through descendant_groups), and the CI files.
			f := append(projectFeeds(p, "/projects/:id/variables"), inheritedFeeds(p)...)
			return append(f, fileFeeds(p)...)
		}
		return fileFeeds(p)
	}
	// Unscoped (an environment variable an agent configuration names):
	// from the files of the projects it is found in.
	var f []feed
	for _, l := range c.Locations {
		if p, ok := pathOf(l.Source); ok {
			f = append(f, fileFeeds(p)...)
		}
	}
	return f
}

func agentFeeds(a inventory.Agent) []feed {
	src, _ := inventory.Unscoped(a.ID)
	if p, ok := pathOf(src); ok {
		return fileFeeds(p)
	}
	if p, ok := pathOf(a.Location.Source); ok {
		return fileFeeds(p)
	}
	return nil
}

func sourceFeeds(s inventory.Source) []feed {
	p, ok := pathOf(s.ID)
	switch {
	case ok && !acmeGroups()[p]:
		return fileFeeds(p)
	case ok && p != rootGroup:
		return groupFeeds(p) // a subgroup: known through the descendant-group list
	}
	return baseFeeds()
}

// settingFeeds: a project's CI settings come with the project list; its
// job-token setting too, or from job_token_scope when the list lacks it.
func settingFeeds(st inventory.Setting) []feed {
	p, ok := pathOf(st.Source)
	switch {
	case !ok:
		return groupFeeds(rootGroup, anyPath)
	case acmeGroups()[p]:
		return groupFeeds(p, anyPath)
	}
	if st.Name == glscan.SettingJobTokenInbound {
		return projectFeeds(p, "/projects/:id/job_token_scope")
	}
	return projectFeeds(p)
}

// webhookFeeds: a hook comes from its group's or project's hook list
// (any incomplete entry of that group or project may explain it).
func webhookFeeds(h inventory.Webhook) []feed {
	p, ok := pathOf(h.Source)
	switch {
	case !ok:
		return groupFeeds(rootGroup, anyPath)
	case acmeGroups()[p]:
		return groupFeeds(p, anyPath)
	}
	return projectFeeds(p, anyPath)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// canonical renders an inventory as facts by key: sources, principals,
// credentials (everything the scanner and the analysers record), agents,
// reach edges, settings, webhooks and workflows. Ids, names and timestamps
// are deterministic for one instance snapshot (and fingerprints for one
// key), so the renderings compare as strings.
func canonical(inv *inventory.Inventory) map[string]fact {
	out := map[string]fact{}
	credByID := map[string]inventory.Credential{}
	agentByID := map[string]inventory.Agent{}
	for _, s := range inv.Sources {
		s.FS = nil
		out["source "+s.ID] = fact{mustJSON(s), sourceFeeds(s)}
	}
	for _, p := range inv.Principals {
		out["principal "+p.ID] = fact{mustJSON(p), principalFeeds()}
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
		if r.Principal != "" {
			f = append(f, principalFeeds()...)
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
		var f []feed
		if p, ok := pathOf(w.Source); ok {
			f = fileFeeds(p)
		}
		out["workflow "+w.Source+" "+w.Path] = fact{mustJSON(w), f}
	}
	return out
}

// covers reports whether an incomplete coverage entry names a feed. The
// scanner names a group or project by its path, the analysers by its
// source path (host/path): both are the same target.
func covers(c inventory.Coverage, f feed) bool {
	target := strings.TrimPrefix(c.Target, glHost+"/")
	if !c.Incomplete() || (f.target != anyTarget && target != f.target) {
		return false
	}
	switch f.path {
	case anyPath:
		return true
	case feedFile:
		return !strings.HasPrefix(c.Path, "/")
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
// and, when wrong, why. A scan error is wrong here: under faults the
// scanner names what it could not read and goes on (the callers decide
// which errors are loud enough).
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
	faults                    map[fakegitlab.FaultKind]int
	requests, minReq, maxReq  int
	byProfile                 map[string][verdicts]int
	transportRetries, gaveUps int64
	valuesChecked             int // coverage reasons, errors and logs searched for variable values
	varFaults, varTruncated   int // faults on the variables endpoints (and truncated answers among them)
}

// TestScanGroupUnderFaults is the fault harness (see the top of the file).
// go test ./scanners/gitlab -run TestScanGroupUnderFaults -v -faults.n=200
// (the flag after the package) tries 200 schedules;
// -run 'TestScanGroupUnderFaults/seed=17$' reruns one.
func TestScanGroupUnderFaults(t *testing.T) {
	env := newFaultEnv()
	n := scheduleCount(t)
	ref, refReq := env.reference(t)
	t.Logf("reference: %d facts, %d requests; request bound per schedule %d; %d variable values looked for", len(ref), refReq, 3*refReq, len(env.values))

	tally := &faultTally{faults: map[fakegitlab.FaultKind]int{}, byProfile: map[string][verdicts]int{}, minReq: 1 << 30}
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
	for _, k := range fakegitlab.AllFaultKinds {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, tally.faults[k]))
	}
	v := tally.byVerdict
	t.Logf("fault schedules tried: %d (rate %.2f; faults injected: %s)", tally.tried, faultRate, strings.Join(kinds, ", "))
	t.Logf("  inventories identical to the reference: %d", v[verdictIdentical])
	t.Logf("  gaps correctly named (coverage incomplete, every difference explained; %d differences in all): %d", tally.diffs, v[verdictNamed])
	t.Logf("  wrong (silent gap, scan error, panic, retry storm or a variable value in what the scan says): %d", v[verdictWrong])
	for _, p := range retryProfiles {
		c := tally.byProfile[p.name]
		t.Logf("    %-34s identical %3d, named %3d, wrong %3d", p.name, c[verdictIdentical], c[verdictNamed], c[verdictWrong])
	}
	t.Logf("  requests per schedule: min %d, mean %.1f, max %d = %.2f× the reference's %d (bound 3×); transport retries %d, gave up %d",
		tally.minReq, float64(tally.requests)/float64(tally.tried), tally.maxReq, float64(tally.maxReq)/float64(refReq), refReq,
		tally.transportRetries, tally.gaveUps)
	t.Logf("  variable values: %d texts (coverage reasons, errors, logs) searched for 8-character runs of %d values, after %d faults on the variables endpoints (%d truncated answers); none found unless listed as wrong",
		tally.valuesChecked, len(env.values), tally.varFaults, tally.varTruncated)
	if len(tally.wrong) > 0 {
		slices.Sort(tally.wrong)
		t.Errorf("wrong schedules (seeds): %v", tally.wrong)
	}
}

// runSchedule scans under one seeded fault schedule; the retry profile
// cycles with the seed.
func runSchedule(t *testing.T, env *faultEnv, ref map[string]fact, refReq int, seed int64, tally *faultTally) {
	p := retryProfiles[int(seed)%len(retryProfiles)]
	srv := env.server(fakegitlab.WithFaults(fakegitlab.Faults{Seed: seed, Rate: faultRate, RetryAfter: time.Second, SlowDelay: time.Second}))
	defer srv.Close()
	res, panicked := env.safeScan(t, srv, glscan.Options{Retry: faultRetry(p)})
	st := srv.Requests()
	log := srv.FaultLog()

	v, why := verdictWrong, "panic: "+panicked
	if panicked == "" {
		v, why = judge(ref, res)
	}
	if v != verdictWrong && st.Total > 3*refReq {
		v, why = verdictWrong, fmt.Sprintf("retry storm: %d requests, bound %d", st.Total, 3*refReq)
	}
	if leak := env.valueLeak(res); leak != "" && panicked == "" {
		v, why = verdictWrong, leak
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
		seed, p.name, st.Total, len(log), ts.Retries, ts.GaveUp, len(diffs), len(incomplete(res.cov)))

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
	tally.valuesChecked += len(res.cov) + 1
	for _, e := range log {
		if strings.HasSuffix(e.Path, "/variables") {
			tally.varFaults++
			if e.Kind == fakegitlab.FaultTruncated {
				tally.varTruncated++
			}
		}
	}
	if res.err != nil {
		tally.valuesChecked++
	}
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
		t.Errorf("seed %d [%s]: %s\n  faults:%s", seed, p.name, why, fl.String())
	}
}

// --- scenarios ---

// roundTripper adapts a function.
type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func baseTransport() http.RoundTripper { return http.DefaultTransport.(*http.Transport).Clone() }

// TestScanGroupTokenRevokedMidScan: the scanner's token is revoked after N
// requests (the transport swaps in a revoked token of the same user, so
// that the fake answers as GitLab does: 401 invalid_token, "Token was
// revoked"). The scan must not look clean: it fails with the 401, or ends
// with incomplete coverage entries that name it, and whatever it lacks is
// named.
func TestScanGroupTokenRevokedMidScan(t *testing.T) {
	env := newFaultEnv()
	ref, refReq := env.reference(t)
	for _, after := range []int{0, 1, 2, 5, 12, refReq / 2, refReq - 3, refReq - 1} {
		t.Run(fmt.Sprintf("after=%d", after), func(t *testing.T) {
			t.Parallel()
			srv := env.server()
			defer srv.Close()
			tok := ownerToken(srv)
			revoked := srv.NewToken(fakegitlab.Token{User: "acme-owner", Name: "revoked", Revoked: true})
			var sent atomic.Int64
			rt := baseTransport()
			tr := roundTripper(func(r *http.Request) (*http.Response, error) {
				if sent.Add(1) > int64(after) {
					r = r.Clone(r.Context())
					r.Header.Set("Private-Token", revoked)
				}
				return rt.RoundTrip(r)
			})
			res, panicked := env.safeScan(t, srv, glscan.Options{Token: tok, Transport: tr, Retry: faultRetry(retryProfiles[2])})
			if panicked != "" {
				t.Fatal(panicked)
			}
			if leak := env.valueLeak(res); leak != "" {
				t.Error(leak)
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
				t.Fatalf("revoked after %d requests: no incomplete coverage entry names the 401:%s", after, covLines(res.cov))
			}
			v, why := judge(ref, res)
			if v == verdictWrong {
				t.Fatalf("revoked after %d requests: %s", after, why)
			}
			if v == verdictIdentical {
				t.Fatalf("revoked after %d requests: a clean result", after)
			}
			t.Logf("revoked after %d requests: %d of %d requests answered 401, %d incomplete coverage entries name it",
				after, st.ByStatus[http.StatusUnauthorized], st.Total, named)
		})
	}
}

// addProject adds project name to acme/apps as a copy of mcp-tools (files,
// CI settings), created now (the newest project, first in GitLab's
// default order, created_at descending) or before every other (last).
func addProject(in *fakegitlab.Instance, name string, newest bool) {
	from := in.Project("acme/apps/mcp-tools")
	apps := in.Group("acme/apps")
	p := &fakegitlab.Project{ID: 1099, Path: name, Name: name, Description: from.Description, Visibility: from.Visibility,
		DefaultBranch: from.DefaultBranch, CI: from.CI, Files: maps.Clone(from.Files), CreatedAt: in.Now, LastActivityAt: in.Now}
	if !newest {
		p.CreatedAt = in.Now.AddDate(-30, 0, 0)
		p.LastActivityAt = p.CreatedAt
	}
	apps.Projects = append(apps.Projects, p)
}

// TestScanGroupProjectAddedBetweenPages: a project is created while the
// scanner pages through /groups/:id/projects (two per page here). Created
// as the newest it goes to the front of the list and shifts the pages: one
// project is listed twice and the new one not at all; created as the
// oldest it is on the last page. The scan must not crash, must read every
// old project as the reference does (once), and must either include the new
// one whole or leave no trace of it.
func TestScanGroupProjectAddedBetweenPages(t *testing.T) {
	env := newFaultEnv()
	ref, _ := env.reference(t)
	for _, newest := range []bool{true, false} {
		t.Run(fmt.Sprintf("newest=%v", newest), func(t *testing.T) {
			t.Parallel()
			srv := env.server()
			defer srv.Close()
			const added = "zz-added"
			var pages atomic.Int64
			var listedMu sync.Mutex
			var listed []int64 // project ids as the pages listed them
			rt := baseTransport()
			listing := fmt.Sprintf("/api/v4/groups/%d/projects", fakegitlab.AcmeGroupID)
			tr := roundTripper(func(r *http.Request) (*http.Response, error) {
				if r.URL.Path != listing {
					return rt.RoundTrip(r)
				}
				r = r.Clone(r.Context())
				q := r.URL.Query()
				q.Set("per_page", "2")
				r.URL.RawQuery = q.Encode()
				resp, err := rt.RoundTrip(r)
				if err != nil {
					return resp, err
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					return nil, err
				}
				resp.Body = io.NopCloser(bytes.NewReader(body))
				var page []struct{ ID int64 }
				if json.Unmarshal(body, &page) == nil {
					listedMu.Lock()
					for _, p := range page {
						listed = append(listed, p.ID)
					}
					listedMu.Unlock()
				}
				if pages.Add(1) == 1 {
					srv.Update(func(in *fakegitlab.Instance) { addProject(in, added, newest) })
				}
				return resp, nil
			})
			res, panicked := env.safeScan(t, srv, glscan.Options{Transport: tr, Retry: faultRetry(retryProfiles[2])})
			if panicked != "" {
				t.Fatal(panicked)
			}
			if res.err != nil {
				t.Fatal(res.err)
			}
			if leak := env.valueLeak(res); leak != "" {
				t.Error(leak)
			}
			if p := pages.Load(); p < 3 {
				t.Fatalf("the project list took %d pages; want several", p)
			}
			distinct := len(slices.Compact(slices.Sorted(slices.Values(listed))))
			t.Logf("newest=%v: %d pages listed %d entries, %d distinct projects", newest, pages.Load(), len(listed), distinct)
			if newest && len(listed) == distinct {
				t.Fatalf("the pages did not shift (no project listed twice): the scenario was not exercised")
			}
			if inc := incomplete(res.cov); len(inc) > 0 {
				t.Errorf("incomplete coverage:%s", covLines(inc))
			}
			// The facts of the added project, and what the old ones look
			// like without it.
			got := canonical(res.inv)
			const from = "acme/apps/mcp-tools"
			addedPath := "acme/apps/" + added
			addedSrc := "gitlab:" + glHost + "/" + addedPath
			var mine []string
			for k, f := range got {
				if strings.Contains(k, addedSrc) {
					mine = append(mine, k)
					delete(got, k)
				} else if strings.Contains(f.render, addedPath) {
					// A fact the new project adds to (a credential it
					// names too): compared in its reference form below.
					got[k] = fact{render: "(touched by " + added + ")"}
				}
			}
			diffs, _ := diff(ref, got, nil)
			for _, d := range diffs {
				k := strings.TrimPrefix(d, "changed: ")
				if got[k].render == "(touched by "+added+")" {
					continue
				}
				t.Errorf("an old project differs from the reference: %s", d)
			}
			included := len(mine) > 0
			if !included {
				// Left out cleanly: no fact names it.
				for k, f := range got {
					if f.render == "(touched by "+added+")" {
						t.Errorf("%s is not included, yet %s names it", added, k)
					}
				}
			}
			// The added project, if listed, is read whole: the facts of
			// the project it copies.
			var want []string
			for k := range ref {
				if strings.Contains(k, "gitlab:"+glHost+"/"+from) {
					want = append(want, strings.ReplaceAll(k, from, addedPath))
				}
			}
			slices.Sort(want)
			slices.Sort(mine)
			if included && !slices.Equal(mine, want) {
				t.Errorf("%s is included but not whole:\n  got  %v\n  want %v", added, mine, want)
			}
			// Each project is read once, however often the shifting pages
			// listed it.
			projects := 0
			for _, src := range res.inv.Sources {
				if src.Kind == inventory.SourceGitLabProject {
					projects++
				}
			}
			summaries := 0
			for _, c := range res.cov {
				if c.Target == glHost+"/"+rootGroup && c.Path == "" {
					summaries++
					t.Logf("newest=%v: %s included=%v; summary: %s", newest, added, included, c.Reason)
					if want := fmt.Sprintf("%d of %d projects", projects, projects); c.Count != projects || !strings.HasPrefix(c.Reason, want) {
						t.Errorf("summary %q (count %d), want %q: a project listed twice was read twice", c.Reason, c.Count, want)
					}
				}
			}
			if summaries != 1 {
				t.Errorf("%d summary entries, want 1", summaries)
			}
		})
	}
}
