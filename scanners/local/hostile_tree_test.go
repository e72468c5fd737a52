//go:build unix

package local_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/scanners/local"
)

// TestHostileTree scans a tree of everything a hostile checkout can hold —
// YAML alias bombs, deeply nested JSON, a file of 4 GB (sparse), a line of
// 8 MiB, binary and invalid-UTF-8 files and names, symlink loops, a FIFO, a
// link to a device, an unreadable directory — with the analyzers the CLI
// runs. The scan must end (a hang is a failure after a generous deadline,
// not a speed check: fixtures/bench/hostile measures time and memory), name
// every skip in coverage, and lose nothing else: the credential in an
// ordinary file beside them is still found, and so is the one at the end of
// the long line.
func TestHostileTree(t *testing.T) {
	root := t.TempDir()
	put := func(rel string, data []byte) {
		t.Helper()
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := faketoken.Rand(uint64(time.Now().UnixNano()))
	plain := faketoken.GitHub(r, "ghp_")
	atEnd := faketoken.GitHub(r, "ghp_")
	inBadName := faketoken.GitHub(r, "ghp_")

	bomb := "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	for i := 'b'; i <= 'z'; i++ {
		bomb += fmt.Sprintf("%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	put(".github/workflows/bomb.yml", []byte("on: push\n"+bomb+"jobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo *z\n"))
	put(".gitlab-ci.yml", []byte(bomb+"job:\n  script: *z\n"))
	put(".mcp.json", []byte(strings.Repeat("[", 200_000)+strings.Repeat("]", 200_000)))
	put(".claude/settings.json", []byte("{\"env\": {\"X\": \"\xff\xfe\xfd\"}, \"permissions\": {\"allow\": [\"Bash(\xc3\x28:*)\"]}}"))
	put("bin.env", []byte("TOKEN=\x00\x01\x02"+plain))
	put("long.env", append([]byte(strings.Repeat("x", 8<<20)), []byte(" GITHUB_TOKEN="+atEnd+"\n")...))
	put("bad\xff\xfename.env", []byte("GITHUB_TOKEN="+inBadName+"\n"))
	put("app/config.env", []byte("GITHUB_TOKEN="+plain+"\n"))

	huge := filepath.Join(root, "huge.env")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(4 << 30); err != nil { // sparse: no 4 GB written
		t.Skipf("sparse file: %v", err)
	}
	f.Close()
	for _, l := range [][2]string{{"loop1.env", "loop2.env"}, {"loop2.env", "loop1.env"}, {"dir/up", ".."}, {"zero.env", "/dev/zero"}} {
		p := filepath.Join(root, l[0])
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.Symlink(l[1], p); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(root, "pipe.env"), 0o644); err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(root, "locked")
	put("locked/secret.env", []byte("GITHUB_TOKEN="+plain+"\n"))
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(locked, 0o755) })

	b := inventory.NewBuilder()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- local.Scan(ctx, inventory.Source{ID: "hostile", Path: root}, analyzers(), local.Options{}, b)
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("scan: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("the scan did not end: something blocked (a FIFO, a loop) or never stopped")
	}
	inv, cov := b.Build()

	named := func(path, reason string) {
		t.Helper()
		for _, c := range cov {
			if strings.Contains(c.Reason, reason) && (path == "" || c.Path == path || strings.Contains(c.Reason, path)) {
				return
			}
		}
		var lines []string
		for _, c := range cov {
			lines = append(lines, fmt.Sprintf("%s %s %q: %s", c.Status, c.Source, c.Path, c.Reason))
		}
		t.Errorf("no coverage entry for %q with %q:\n  %s", path, reason, strings.Join(lines, "\n  "))
	}
	named("huge.env", "larger than the size cap")
	named("pipe.env", "not a regular file")
	named("loop1.env", "broken or looping symlink")
	named("zero.env", "symlink to outside the scanned tree")
	named("", "binary file")
	named(".mcp.json", "nesting deeper than")
	named(".github/workflows/bomb.yml", "alias bomb")
	named(".gitlab-ci.yml", "alias bomb")
	if os.Geteuid() != 0 {
		named("locked", "unreadable")
	} else {
		t.Log("running as root: the unreadable directory is readable; not checked")
	}
	if len(locationsOf(inv, plain)) == 0 {
		t.Error("the token in app/config.env was lost beside the hostile files")
	}
	if len(locationsOf(inv, atEnd)) == 0 {
		t.Error("the token at the end of the 8 MiB line was not found")
	}
	if len(locationsOf(inv, inBadName)) == 0 {
		t.Error("the token in the file with an invalid UTF-8 name was not found")
	}
}

// TestOpenRegularRefusesSwaps: the read path's open refuses what a hostile
// tree can swap in after the walk — a FIFO (without blocking), a symlink
// (unless the walk chose to follow it) — and opens regular files.
func TestOpenRegularRefusesSwaps(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := local.OpenRegular(fifo, false)
		if f != nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("a FIFO: %v, want not a regular file", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("opening a FIFO blocked")
	}
	reg := filepath.Join(dir, "file")
	if err := os.WriteFile(reg, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(reg, link); err != nil {
		t.Fatal(err)
	}
	if f, err := local.OpenRegular(link, false); err == nil {
		f.Close()
		t.Error("a symlink swapped in was followed")
	}
	for _, p := range []string{reg, link} {
		f, err := local.OpenRegular(p, p == link)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		f.Close()
	}
}
