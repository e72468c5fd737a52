package local_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/hostilegit"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/scanners/agentconfig"
	"github.com/agentreach/agentreach/scanners/local"
	"github.com/agentreach/agentreach/scanners/secrets"
	"github.com/agentreach/agentreach/scanners/workflows"
)

// runGit runs git for the fixture builder with no user or system
// configuration.
func runGit(t *testing.T) hostilegit.Git {
	return func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "LC_ALL=C")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, stderr.String())
		}
		return strings.TrimSpace(string(out))
	}
}

func needGit(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the marker commands are shell scripts")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
}

// testHasher fingerprints values as a scan with a fixed key does.
var testHasher = func() *secrets.Hasher {
	h, err := secrets.NewHasher([]byte("hostile-git-test-key/hostile-git-test-key/"))
	if err != nil {
		panic(err)
	}
	return h
}()

// analyzers are the analyzers as cmd/agentreach wires them.
func analyzers() []local.Analyzer {
	e := secrets.NewEngine(nil, secrets.WithHasher(testHasher))
	s := &secrets.Analyzer{Engine: e, Blame: local.Blame}
	return []local.Analyzer{s, workflows.NewAnalyzer(workflows.Options{Values: e}), agentconfig.NewAnalyzer(e)}
}

func locationsOf(inv *inventory.Inventory, value string) []inventory.Location {
	h := testHasher.Sum([]byte(value))
	for _, c := range inv.Credentials {
		if c.ValueHMAC == h {
			return c.Locations
		}
	}
	return nil
}

// TestHostileRepositoryRunsNothing scans a repository whose configuration,
// attributes and hooks name a command for everything git can run, under an
// environment that points git at more of them, and checks that nothing ran
// and that the git states are still right.
func TestHostileRepositoryRunsNothing(t *testing.T) {
	needGit(t)
	r := hostilegit.New(t, runGit(t))
	hostilegit.SetEnv(t, r)

	ctx := context.Background()
	b := inventory.NewBuilder()
	as := analyzers()
	if err := local.Scan(ctx, local.TreeSource(ctx, r.Root), as, local.Options{}, b); err != nil {
		t.Fatal(err)
	}
	if err := local.ScanHistory(ctx, local.TreeSource(ctx, r.Root), as, local.Options{}, b); err != nil {
		t.Fatal(err)
	}
	inv, cov := b.Build()
	if fired := r.Fired(t); len(fired) > 0 {
		t.Errorf("the scan ran commands of the repository or the environment: %v", fired)
	}

	want := []struct {
		name, value string
		loc         inventory.Location
	}{
		{"committed", r.Committed, inventory.Location{Path: "app.env", Line: r.CommittedLine, Git: inventory.GitTracked, Commit: r.AddCommit}},
		{"uncommitted", r.Uncommitted, inventory.Location{Path: "app.env", Line: r.UncommittedLine, Git: inventory.GitUncommitted}},
		{"untracked", r.Untracked, inventory.Location{Path: "scratch.env", Line: 1, Git: inventory.GitUntracked}},
		{"ignored", r.Ignored, inventory.Location{Path: "debug.log", Line: 1, Git: inventory.GitIgnored}},
		{"history", r.Old, inventory.Location{Path: "old.env", Line: 1, Git: inventory.GitHistory, Commit: r.AddCommit}},
	}
	for _, w := range want {
		locs := locationsOf(inv, w.value)
		if len(locs) != 1 {
			t.Errorf("%s credential: %d locations, want 1: %+v", w.name, len(locs), locs)
			continue
		}
		got := locs[0]
		if got.Path != w.loc.Path || got.Line != w.loc.Line || got.Git != w.loc.Git || got.Commit != w.loc.Commit {
			t.Errorf("%s credential at %s:%d git %q commit %q, want %s:%d git %q commit %q", w.name,
				got.Path, got.Line, got.Git, got.Commit, w.loc.Path, w.loc.Line, w.loc.Git, w.loc.Commit)
		}
	}
	for _, c := range cov {
		if c.Status != inventory.CoverageComplete && c.Status != inventory.CoverageSkipped {
			t.Errorf("coverage %+v", c)
		}
	}
}

// TestHostilePartialCloneFetchesNothing reads the history of a partial clone
// whose promisor remotes name marker commands as their transport: the old
// blobs are missing, git must not fetch them, and coverage must say so.
func TestHostilePartialCloneFetchesNothing(t *testing.T) {
	needGit(t)
	r := hostilegit.NewPartialClone(t, runGit(t))
	hostilegit.SetEnv(t, r)

	ctx := context.Background()
	b := inventory.NewBuilder()
	as := analyzers()
	if err := local.Scan(ctx, local.TreeSource(ctx, r.Root), as, local.Options{}, b); err != nil {
		t.Fatal(err)
	}
	if err := local.ScanHistory(ctx, local.TreeSource(ctx, r.Root), as, local.Options{}, b); err != nil {
		t.Fatal(err)
	}
	inv, cov := b.Build()
	if fired := r.Fired(t); len(fired) > 0 {
		t.Errorf("the scan ran commands of the repository or the environment: %v", fired)
	}
	if locs := locationsOf(inv, r.Committed); len(locs) != 1 || locs[0].Git != inventory.GitTracked || locs[0].Line != r.CommittedLine {
		t.Errorf("committed credential: %+v", locs)
	}
	if locs := locationsOf(inv, r.Old); len(locs) != 0 {
		t.Errorf("a blob of the partial clone was fetched: %+v", locs)
	}
	summary := false
	for _, c := range cov {
		if c.Source == local.Source+"-history" && c.Path == "" && c.Count >= 0 && strings.Contains(c.Reason, "blobs of") {
			summary = true
			if c.Status == inventory.CoverageComplete {
				t.Errorf("history coverage says complete although blobs are missing: %+v", c)
			}
		}
	}
	if !summary {
		t.Errorf("no history summary in coverage %+v", cov)
	}
}
