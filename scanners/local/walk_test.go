package local

import (
	"context"
	"errors"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

type seen struct {
	mu    sync.Mutex
	files map[string]inventory.GitState
	data  map[string]string
	fail  map[string]bool
	panic map[string]bool
	root  string // of the last file
}

func newSeen() *seen {
	return &seen{files: map[string]inventory.GitState{}, data: map[string]string{}, fail: map[string]bool{}, panic: map[string]bool{}}
}

func (s *seen) Name() string                 { return "test" }
func (s *seen) Wants(p string, _ int64) bool { return !strings.HasSuffix(p, ".skipme") }
func (s *seen) Analyze(_ context.Context, f inventory.Location, data []byte, _ *inventory.Builder) error {
	if s.panic[f.Path] {
		panic("analyzer bug")
	}
	s.mu.Lock()
	s.files[f.Path] = f.Git
	s.data[f.Path] = string(data)
	s.root = f.Root
	s.mu.Unlock()
	if s.fail[f.Path] {
		return errors.New("cannot parse")
	}
	return nil
}

func write(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.email=t@example.invalid", "-c", "user.name=t"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func coverageFor(cov []inventory.Coverage, reasonPrefix string) []inventory.Coverage {
	var out []inventory.Coverage
	for _, c := range cov {
		if strings.HasPrefix(c.Reason, reasonPrefix) {
			out = append(out, c)
		}
	}
	return out
}

func TestScanGitStatesAndSkips(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	t.Parallel()
	root := t.TempDir()
	gitRun(t, root, "init", "-q")
	write(t, root, ".gitignore", ".env\n")
	write(t, root, "tracked.txt", "hello\n")
	write(t, root, "sub/dir/deep.txt", "deep\n")
	gitRun(t, root, "add", ".gitignore", "tracked.txt", "sub/dir/deep.txt")
	gitRun(t, root, "commit", "-qm", "init")
	write(t, root, ".env", "KEY=value\n")
	write(t, root, "untracked.txt", "new\n")
	write(t, root, "bin.dat", "ab\x00cd")
	write(t, root, "big.txt", strings.Repeat("x", 2048))
	write(t, root, "ignored-kind.skipme", "x")
	write(t, root, "excluded/a.txt", "x")
	if err := os.Symlink(filepath.Join(root, "loop"), filepath.Join(root, "loop")); err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	write(t, outside, "secret.txt", "x")
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "outside-link")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}

	s := newSeen()
	b := inventory.NewBuilder()
	err := Scan(context.Background(), inventory.Source{Path: root}, []Analyzer{s}, Options{MaxFileSize: 1024, Exclude: []string{"excluded/**"}}, b)
	if err != nil {
		t.Fatal(err)
	}
	_, cov := b.Build()

	wantStates := map[string]inventory.GitState{
		".gitignore": inventory.GitTracked, "tracked.txt": inventory.GitTracked, "sub/dir/deep.txt": inventory.GitTracked,
		".env": inventory.GitIgnored, "untracked.txt": inventory.GitUntracked,
	}
	for p, want := range wantStates {
		if got, ok := s.files[p]; !ok || got != want {
			t.Errorf("%s: state %q (seen %v), want %q", p, got, ok, want)
		}
	}
	for p := range s.files {
		if strings.HasPrefix(p, ".git/") && p != ".git/config" {
			t.Errorf("walked into git internals: %s", p)
		}
	}
	if _, ok := s.files[".git/config"]; !ok {
		t.Error(".git/config was not read")
	}
	for _, p := range []string{"bin.dat", "big.txt", "ignored-kind.skipme", "excluded/a.txt", "loop", "outside-link", "fifo"} {
		if _, ok := s.files[p]; ok {
			t.Errorf("%s was analysed, want skipped", p)
		}
	}
	checks := map[string]string{
		"binary file":                    "",
		"larger than the size cap":       "big.txt",
		"excluded by configuration":      "excluded",
		"broken or looping symlink":      "loop",
		"symlink to outside the scanned": "outside-link",
		"not a regular file":             "fifo",
		"git internals not read":         ".git",
	}
	for reason, path := range checks {
		got := coverageFor(cov, reason)
		if len(got) == 0 {
			t.Errorf("no coverage entry for %q", reason)
			continue
		}
		if got[0].Status != inventory.CoverageSkipped {
			t.Errorf("%q: status %s, want skipped", reason, got[0].Status)
		}
		if path != "" && got[0].Path != path {
			t.Errorf("%q: path %q, want %q", reason, got[0].Path, path)
		}
	}
	summary := coverageFor(cov, "6 files read") // with .git/config
	if len(summary) != 1 || summary[0].Status != inventory.CoverageComplete {
		t.Errorf("summary = %+v (all: %+v)", summary, cov)
	}
}

// TestScanReadsGitConfigOnly: of a .git directory only config is read (an
// agent in the checkout can read it, and it can hold a remote URL's token or
// a persisted extraheader), under the walker's policy: a config that is a
// symlink is not followed; objects, refs, hooks and a .git file (a
// worktree's pointer) are not read.
func TestScanReadsGitConfigOnly(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write(t, root, ".git/config", "[remote \"origin\"]\n\turl = https://example.invalid/acme/app.git\n")
	write(t, root, ".git/HEAD", "ref: refs/heads/main\n")
	write(t, root, ".git/hooks/pre-commit", "#!/bin/sh\n")
	write(t, root, ".git/refs/heads/main", "0000000000000000000000000000000000000000\n")
	write(t, root, "nested/.git/config", "[core]\n")
	write(t, root, "nested/.git/packed-refs", "x\n")
	write(t, root, "linked/.git/HEAD", "x\n")
	if err := os.Symlink(filepath.Join(root, ".git", "HEAD"), filepath.Join(root, "linked", ".git", "config")); err != nil {
		t.Fatal(err)
	}
	write(t, root, "worktree/.git", "gitdir: /elsewhere\n")
	write(t, root, "a.txt", "a\n")
	s := newSeen()
	b := inventory.NewBuilder()
	if err := Scan(context.Background(), inventory.Source{Path: root}, []Analyzer{s}, Options{}, b); err != nil {
		t.Fatal(err)
	}
	_, cov := b.Build()
	got := slices.Sorted(maps.Keys(s.files))
	if want := []string{".git/config", "a.txt", "nested/.git/config"}; !slices.Equal(got, want) {
		t.Errorf("read %v, want %v", got, want)
	}
	for path, reason := range map[string]string{
		".git": "git internals not read", "nested/.git": "git internals not read",
		"worktree/.git": "a .git file", "linked/.git/config": "not a regular file",
	} {
		found := false
		for _, c := range coverageFor(cov, reason) {
			found = found || c.Path == path && c.Status == inventory.CoverageSkipped
		}
		if !found {
			t.Errorf("no skipped coverage entry %q for %s: %+v", reason, path, cov)
		}
	}
}

func TestScanRecordsFailuresAndGoesOn(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write(t, root, "a.txt", "a")
	write(t, root, "bad.yml", "::")
	write(t, root, "crash.txt", "c")
	write(t, root, "locked.txt", "l")
	s := newSeen()
	s.fail["bad.yml"] = true
	s.panic["crash.txt"] = true
	opts := Options{openFile: func(p string) (io.ReadCloser, error) {
		if strings.HasSuffix(p, "locked.txt") {
			return nil, &os.PathError{Op: "open", Path: p, Err: syscall.EACCES}
		}
		return os.Open(p)
	}}
	b := inventory.NewBuilder()
	if err := Scan(context.Background(), inventory.Source{Path: root}, []Analyzer{s}, opts, b); err != nil {
		t.Fatal(err)
	}
	_, cov := b.Build()
	if _, ok := s.files["a.txt"]; !ok {
		t.Error("a.txt not analysed after other files failed")
	}
	byPath := map[string]inventory.Coverage{}
	for _, c := range cov {
		if c.Path != "" {
			byPath[c.Path] = c
		}
	}
	if c := byPath["locked.txt"]; c.Status != inventory.CoveragePartial || !strings.Contains(c.Reason, "permission denied") || strings.Contains(c.Reason, root) {
		t.Errorf("locked.txt coverage = %+v", c)
	}
	if c := byPath["bad.yml"]; c.Status != inventory.CoveragePartial || c.Source != "test" || c.Reason != "cannot parse" {
		t.Errorf("bad.yml coverage = %+v", c)
	}
	if c := byPath["crash.txt"]; c.Status != inventory.CoverageFailed || !strings.Contains(c.Reason, "internal error") {
		t.Errorf("crash.txt coverage = %+v", c)
	}
	var summary *inventory.Coverage
	for i := range cov {
		if cov[i].Source == Source && cov[i].Path == "" && strings.Contains(cov[i].Reason, "files read") {
			summary = &cov[i]
		}
	}
	if summary == nil || summary.Status != inventory.CoveragePartial {
		t.Errorf("summary = %+v, want partial", summary)
	}
}

func TestScanNotARepository(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write(t, root, "a.txt", "a")
	s := newSeen()
	if err := Scan(context.Background(), inventory.Source{Path: root}, []Analyzer{s}, Options{}, inventory.NewBuilder()); err != nil {
		t.Fatal(err)
	}
	if got := s.files["a.txt"]; got != inventory.GitNone && got != inventory.GitUnknown {
		t.Errorf("state = %s", got)
	}
}

func TestScanBadRoot(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, dir, "file.txt", "x")
	for _, root := range []string{filepath.Join(dir, "missing"), filepath.Join(dir, "file.txt")} {
		if err := Scan(context.Background(), inventory.Source{Path: root}, nil, Options{}, inventory.NewBuilder()); err == nil {
			t.Errorf("Scan(%s) succeeded", root)
		}
	}
	if err := Scan(context.Background(), inventory.Source{Path: dir}, nil, Options{Exclude: []string{"a/["}}, inventory.NewBuilder()); err == nil {
		t.Error("bad exclude glob accepted")
	}
}

func TestScanCancelled(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for i := range 50 {
		write(t, root, filepath.Join("d", strings.Repeat("x", i+1)), "x")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b := inventory.NewBuilder()
	if err := Scan(ctx, inventory.Source{Path: root}, []Analyzer{newSeen()}, Options{}, b); err != nil {
		t.Fatal(err)
	}
	_, cov := b.Build()
	if !slices.ContainsFunc(cov, func(c inventory.Coverage) bool { return c.Status == inventory.CoverageFailed }) {
		t.Errorf("cancelled scan not marked failed: %+v", cov)
	}
}

func TestReadAllLimit(t *testing.T) {
	t.Parallel()
	data, err := readAll(strings.NewReader(strings.Repeat("a", 5000)), nil, 1001)
	if err != nil || len(data) != 1001 {
		t.Errorf("len = %d, err = %v", len(data), err)
	}
}

// TestScanThroughSymlinkedRoot: a root that is a symlink to a directory is
// walked like the directory; locations keep the root as given.
func TestScanThroughSymlinkedRoot(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	real := filepath.Join(base, "real")
	write(t, real, "a.txt", "a\n")
	write(t, real, "sub/b.txt", "b\n")
	write(t, base, "outside.txt", "o\n")
	if err := os.Symlink(filepath.Join("..", "outside.txt"), filepath.Join(real, "out-link")); err != nil {
		t.Skip("no symlinks:", err)
	}
	if err := os.Symlink("real", filepath.Join(base, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("link", filepath.Join(base, "link2")); err != nil {
		t.Fatal(err)
	}
	scan := func(root string) (*seen, []inventory.Coverage) {
		s := newSeen()
		b := inventory.NewBuilder()
		if err := Scan(context.Background(), inventory.Source{Path: root}, []Analyzer{s}, Options{}, b); err != nil {
			t.Fatal(err)
		}
		_, cov := b.Build()
		return s, cov
	}
	want, _ := scan(real)
	for _, root := range []string{filepath.Join(base, "link"), filepath.Join(base, "link2")} {
		got, cov := scan(root)
		if !maps.Equal(got.data, want.data) || len(got.data) != 2 {
			t.Errorf("%s: read %v, want %v", root, keysOf(got.data), keysOf(want.data))
		}
		if got.root != root {
			t.Errorf("location root %q, want the root as given %q", got.root, root)
		}
		if c := coverageFor(cov, "symlink to outside the scanned tree not followed"); len(c) != 1 || c[0].Path != "out-link" {
			t.Errorf("%s: symlink coverage %+v", root, cov)
		}
		for _, c := range cov {
			if c.Target != root {
				t.Errorf("coverage target %q, want the root as given %q", c.Target, root)
			}
		}
	}
}

func keysOf(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

// TestSymlinkNamedForItsRole: a link inside the tree whose name gives the
// file its meaning (.mcp.json → .claude/mcp.json) is read under the link's
// path; a link of the same kind as its target is not read twice.
func TestSymlinkNamedForItsRole(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write(t, root, ".claude/mcp.json", `{"mcpServers": {}}`)
	write(t, root, "docs/a.md", "x")
	for link, target := range map[string]string{".mcp.json": ".claude/mcp.json", "docs/b.md": "a.md"} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	s := newSeen()
	if err := Scan(context.Background(), inventory.Source{Path: root}, []Analyzer{s}, Options{}, inventory.NewBuilder()); err != nil {
		t.Fatal(err)
	}
	_, link := s.files[".mcp.json"]
	_, target := s.files[".claude/mcp.json"]
	_, twice := s.files["docs/b.md"]
	if !link || !target || twice || s.data[".mcp.json"] != `{"mcpServers": {}}` {
		t.Errorf("read %v", s.files)
	}
}

// TestTrackedButAbsent: a file git tracks that is not in the work tree is
// listed in coverage, not silently unread.
func TestTrackedButAbsent(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	t.Parallel()
	root := t.TempDir()
	gitRun(t, root, "init", "-q")
	write(t, root, "kept.txt", "a\n")
	write(t, root, "gone.env", "b\n")
	gitRun(t, root, "add", ".")
	gitRun(t, root, "commit", "-qm", "one")
	if err := os.Remove(filepath.Join(root, "gone.env")); err != nil {
		t.Fatal(err)
	}
	b := inventory.NewBuilder()
	if err := Scan(context.Background(), inventory.Source{Path: root}, []Analyzer{newSeen()}, Options{}, b); err != nil {
		t.Fatal(err)
	}
	_, cov := b.Build()
	var listed, kept bool
	for _, c := range cov {
		if c.Path == "gone.env" && c.Status == inventory.CoverageSkipped && strings.Contains(c.Reason, "not in the work tree") {
			listed = true
		}
		if c.Path == "kept.txt" {
			kept = true
		}
	}
	if !listed || kept {
		t.Errorf("coverage = %+v", cov)
	}
}

// TestScanNamedFilesOnly: with Options.Files only those files are read, the
// rest of the tree is one coverage entry, and tracked files that were not
// visited are not reported as missing from the work tree.
func TestScanNamedFilesOnly(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	t.Parallel()
	root := t.TempDir()
	gitRun(t, root, "init", "-q")
	write(t, root, "a.txt", "a\n")
	write(t, root, "sub/b.txt", "b\n")
	gitRun(t, root, "add", "a.txt", "sub/b.txt")
	gitRun(t, root, "commit", "-qm", "init")
	s := newSeen()
	b := inventory.NewBuilder()
	if err := Scan(context.Background(), inventory.Source{Path: root}, []Analyzer{s}, Options{Files: []string{"sub/b.txt"}}, b); err != nil {
		t.Fatal(err)
	}
	_, cov := b.Build()
	if got := slices.Sorted(maps.Keys(s.files)); !slices.Equal(got, []string{"sub/b.txt"}) || s.files["sub/b.txt"] != inventory.GitTracked {
		t.Errorf("read %v (%v)", got, s.files)
	}
	if c := coverageFor(cov, "the rest of the tree not scanned"); len(c) != 1 {
		t.Errorf("coverage %+v", cov)
	}
	if c := coverageFor(cov, "tracked in git but not in the work tree"); len(c) != 0 {
		t.Errorf("a tracked file that was not named is reported missing: %+v", c)
	}
}
