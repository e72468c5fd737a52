package local

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

// histSeen records what a history-reading analyzer was handed.
type histSeen struct {
	mu    sync.Mutex
	files []inventory.Location
	data  map[string]string
}

func (h *histSeen) Name() string             { return "hist" }
func (h *histSeen) Wants(string, int64) bool { return true }
func (h *histSeen) AnalyzesHistory() bool    { return true }
func (h *histSeen) Analyze(_ context.Context, f inventory.Location, d []byte, _ *inventory.Builder) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.files = append(h.files, f)
	if h.data == nil {
		h.data = map[string]string{}
	}
	h.data[f.Path+"@"+f.Commit] = string(d)
	return nil
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).Output()
	if err != nil {
		t.Fatalf("git %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

func TestScanHistory(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	t.Parallel()
	root := t.TempDir()
	gitRun(t, root, "init", "-q")
	write(t, root, "a.txt", "first\n")
	write(t, root, "weird name\twith tab.txt", "tabbed\n")
	write(t, root, "bin.dat", "a\x00b")
	gitRun(t, root, "add", ".")
	gitRun(t, root, "commit", "-qm", "one")
	first := gitOut(t, root, "rev-parse", "HEAD")
	write(t, root, "a.txt", "second\n")
	write(t, root, "big.txt", strings.Repeat("x", 300))
	gitRun(t, root, "add", ".")
	gitRun(t, root, "commit", "-qm", "two")
	second := gitOut(t, root, "rev-parse", "HEAD")
	gitRun(t, root, "rm", "-q", "weird name\twith tab.txt", "big.txt")
	gitRun(t, root, "commit", "-qm", "three")
	// a side branch with a blob only there
	gitRun(t, root, "checkout", "-qb", "side")
	write(t, root, "side.txt", "branch only\n")
	gitRun(t, root, "add", ".")
	gitRun(t, root, "commit", "-qm", "side")
	side := gitOut(t, root, "rev-parse", "HEAD")
	gitRun(t, root, "checkout", "-q", "-")

	h := &histSeen{}
	b := inventory.NewBuilder()
	if err := ScanHistory(context.Background(), inventory.Source{Path: root}, []Analyzer{h, newSeen()}, Options{MaxFileSize: 200}, b); err != nil {
		t.Fatal(err)
	}
	_, cov := b.Build()
	want := map[string]string{
		"a.txt@" + first:                    "first\n",
		"weird name\twith tab.txt@" + first: "tabbed\n",
		"side.txt@" + side:                  "branch only\n",
	}
	if len(h.data) != len(want) {
		t.Errorf("blobs = %v, want %v", keys(h.data), keys(want))
	}
	for k, v := range want {
		if h.data[k] != v {
			t.Errorf("%q = %q, want %q", k, h.data[k], v)
		}
	}
	for _, f := range h.files {
		if f.Git != inventory.GitHistory || f.Commit == "" {
			t.Errorf("location %+v", f)
		}
	}
	_ = second // a.txt@second is in HEAD: scanned from the work tree, not history
	if c := coverageFor(cov, "larger than the size cap"); len(c) != 1 || c[0].Path != "big.txt" || c[0].Source != "local-history" {
		t.Errorf("size cap coverage = %+v", c)
	}
	if c := coverageFor(cov, "3 blobs of"); len(c) != 1 || c[0].Status != inventory.CoverageComplete {
		t.Errorf("summary = %+v (all %+v)", c, cov)
	}
}

// TestScanHistoryReadsHeadVersionsTheWorkTreeChanged: a HEAD blob is skipped
// only when the work tree has it unchanged; a locally modified or deleted
// file's HEAD version was not read by the work-tree scan.
func TestScanHistoryReadsHeadVersionsTheWorkTreeChanged(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	t.Parallel()
	for _, format := range []string{"sha1", "sha256"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			if err := exec.Command("git", "init", "-q", "--object-format="+format, root).Run(); err != nil {
				t.Skip("git cannot create a", format, "repository:", err)
			}
			write(t, root, "same.txt", "same\n")
			write(t, root, "modified.txt", "committed\n")
			write(t, root, "deleted.txt", "deleted\n")
			write(t, root, "old.txt", "old\n")
			gitRun(t, root, "add", ".")
			gitRun(t, root, "commit", "-qm", "one")
			c1 := gitOut(t, root, "rev-parse", "HEAD")
			gitRun(t, root, "rm", "-q", "old.txt")
			gitRun(t, root, "commit", "-qm", "two")
			write(t, root, "modified.txt", "changed!!\n") // same size, other content
			if err := os.Remove(filepath.Join(root, "deleted.txt")); err != nil {
				t.Fatal(err)
			}
			h := &histSeen{}
			b := inventory.NewBuilder()
			if err := ScanHistory(context.Background(), inventory.Source{Path: root}, []Analyzer{h}, Options{}, b); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"modified.txt@" + c1: "committed\n", "deleted.txt@" + c1: "deleted\n", "old.txt@" + c1: "old\n"}
			if !maps.Equal(h.data, want) {
				t.Errorf("blobs = %v, want %v", keys(h.data), keys(want))
			}
			_, cov := b.Build()
			if c := coverageFor(cov, "3 blobs of"); len(c) != 1 || c[0].Status != inventory.CoverageComplete {
				t.Errorf("coverage = %+v", cov)
			}
		})
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestScanHistoryNotARepository(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	b := inventory.NewBuilder()
	if err := ScanHistory(context.Background(), inventory.Source{Path: root}, []Analyzer{&histSeen{}}, Options{}, b); err != nil {
		t.Fatal(err)
	}
	_, cov := b.Build()
	if len(cov) != 1 || cov[0].Status != inventory.CoverageSkipped || !strings.Contains(cov[0].Reason, "not a git repository") {
		t.Errorf("coverage = %+v", cov)
	}
}

func TestBlame(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	t.Parallel()
	root := t.TempDir()
	gitRun(t, root, "init", "-q")
	write(t, root, "f.txt", "one\ntwo\n")
	write(t, root, "sub/g.txt", "x\r\nsame\r\n")
	gitRun(t, root, "add", ".")
	gitRun(t, root, "commit", "-qm", "one")
	c1 := gitOut(t, root, "rev-parse", "HEAD")
	write(t, root, "f.txt", "one\ntwo\nthree\nsame\n")
	gitRun(t, root, "commit", "-qam", "two")
	c2 := gitOut(t, root, "rev-parse", "HEAD")
	// Local changes: a line above (so committed lines move), a changed
	// line, an added one; a staged file that HEAD does not have.
	write(t, root, "f.txt", "zero\none\ntwo\nTHREE\nsame\nfour\n")
	write(t, root, "new.txt", "one\n")
	gitRun(t, root, "add", "new.txt")
	got, err := Blame(context.Background(), root, "f.txt", []int{1, 2, 3, 4, 5, 6, 7})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{1: "", 2: c1, 3: c1, 4: "", 5: c2, 6: ""}
	if !maps.Equal(got, want) {
		t.Errorf("blame = %v, want %v (c1 %s c2 %s)", got, want, c1, c2)
	}
	// Line endings differ between the work tree and HEAD (core.autocrlf).
	write(t, root, "sub/g.txt", "x\nsame\n")
	if got, err := Blame(context.Background(), root, "sub/g.txt", []int{2}); err != nil || got[2] != c1 {
		t.Errorf("blame across line endings = %v, %v", got, err)
	}
	if got, err := Blame(context.Background(), root, "new.txt", []int{1}); err != nil || !maps.Equal(got, map[int]string{1: ""}) {
		t.Errorf("blame of a file not in HEAD = %v, %v", got, err)
	}
	if _, err := Blame(context.Background(), root, "missing.txt", []int{1}); err == nil {
		t.Error("blame of a missing file succeeded")
	}
	// A repository without commits: nothing is committed.
	empty := t.TempDir()
	gitRun(t, empty, "init", "-q")
	write(t, empty, "a.txt", "a\n")
	gitRun(t, empty, "add", ".")
	if got, err := Blame(context.Background(), empty, "a.txt", []int{1}); err != nil || !maps.Equal(got, map[int]string{1: ""}) {
		t.Errorf("blame without commits = %v, %v", got, err)
	}
}

func TestMatchLines(t *testing.T) {
	t.Parallel()
	head := splitLines([]byte("a\nb\na\nc\na\n"))
	work := splitLines([]byte("x\na\nb\nc\na\na\r\n"))
	res, at := matchLines(work, head, []int{0, 1, 2, 3, 4, 5, 6, 7})
	if !maps.Equal(res, map[int]string{1: ""}) {
		t.Errorf("uncommitted = %v", res)
	}
	// nearest head line with the same content; the earlier one on a tie
	if want := map[int]int{2: 1, 3: 2, 4: 4, 5: 5, 6: 5}; !maps.Equal(at, want) {
		t.Errorf("head lines = %v, want %v", at, want)
	}
	if res, at := matchLines(work, nil, []int{2}); !maps.Equal(res, map[int]string{2: ""}) || len(at) != 0 {
		t.Errorf("no head: %v %v", res, at)
	}
}

func FuzzParseLog(f *testing.F) {
	f.Add([]byte("\x01" + strings.Repeat("a", 40) + "\x00\n:000000 100644 " + strings.Repeat("0", 40) + " " + strings.Repeat("b", 40) + " A\x00a.txt\x00"))
	f.Add([]byte("\x01c\x00\n:100644 100644 x y M\x00p\x00\x01d\x00"))
	f.Add([]byte(":::\x00\x00\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		commits, err := parseLog(strings.NewReader(string(data)), func(b historyBlob) error {
			n++
			if (len(b.id) != 40 && len(b.id) != 64) || b.commit == "" { // SHA-1 or SHA-256 object ids
				t.Fatalf("blob %+v", b)
			}
			return nil
		})
		if err != nil || commits < 0 || n > len(data) {
			t.Fatalf("commits %d blobs %d err %v", commits, n, err)
		}
	})
}

func FuzzParseBlame(f *testing.F) {
	f.Add([]byte(strings.Repeat("a", 40) + " 1 2 1\nauthor x\nfilename f\n" + strings.Repeat("0", 40) + " 3 3 2\n"))
	f.Add([]byte(strings.Repeat("f", 40) + " 1 -5 99999999999\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for l, sha := range parseBlame(data) {
			if l < 1 || (sha != "" && len(sha) != 40 && len(sha) != 64) {
				t.Fatalf("line %d sha %q", l, sha)
			}
		}
	})
}

// TestScanHistoryOfSubdirectory: a scan root below the work tree's top level
// reads its own part of the history, with paths relative to that root.
func TestScanHistoryOfSubdirectory(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	t.Parallel()
	root := t.TempDir()
	gitRun(t, root, "init", "-q")
	write(t, root, "svc/app.txt", "old\n")
	write(t, root, "other/secret.txt", "elsewhere\n")
	gitRun(t, root, "add", ".")
	gitRun(t, root, "commit", "-qm", "one")
	write(t, root, "svc/app.txt", "new\n")
	gitRun(t, root, "commit", "-qam", "two")

	sub := filepath.Join(root, "svc")
	src := TreeSource(context.Background(), sub)
	if src.Subdir != "svc" {
		t.Fatalf("subdir = %q, want svc", src.Subdir)
	}
	h := &histSeen{}
	if err := ScanHistory(context.Background(), src, []Analyzer{h}, Options{}, inventory.NewBuilder()); err != nil {
		t.Fatal(err)
	}
	if len(h.files) != 1 || h.files[0].Path != "app.txt" || h.data["app.txt@"+h.files[0].Commit] != "old\n" || h.files[0].Source != HistorySource(src).ID {
		t.Errorf("history of svc = %+v (%v), want only the old app.txt, relative to svc", h.files, h.data)
	}
}
