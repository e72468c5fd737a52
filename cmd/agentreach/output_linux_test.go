//go:build linux

package main

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOutputToCharacterDevice: -o json=DEVICE writes to the device and
// leaves it a device (as root, renaming over /dev/null turned it into a
// regular file). The test makes its own null device with mknod — never
// the machine's /dev/null — so it needs root (as in CI) and a file system
// that allows device nodes.
func TestOutputToCharacterDevice(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("making a character device with mknod needs root (CI runs this test as root)")
	}
	dev := filepath.Join(t.TempDir(), "null")
	// major 1, minor 3: the null device (Linux encoding: major<<8 | minor).
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Skipf("mknod: %v", err)
	}
	if f, err := os.OpenFile(dev, os.O_WRONLY, 0); err != nil {
		t.Skipf("the temporary directory does not allow device nodes: %v", err)
	} else {
		f.Close()
	}
	res := run(t, nil, "scan", "../../fixtures/repos/demo", "-o", "json="+dev, "-o", "sarif="+filepath.Join(filepath.Dir(dev), "r.sarif"))
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	st, err := os.Lstat(dev)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode()&fs.ModeCharDevice == 0 {
		t.Errorf("the output device became %v", st.Mode())
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dev), ".agentreach-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// TestOutputToFIFO: a FIFO given as the output is written through (a reader
// gets the report) and stays a FIFO.
func TestOutputToFIFO(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		// Before the fix the FIFO was renamed over and this open never
		// returns; the goroutine is then left behind with the test's verdict.
		f, err := os.Open(fifo)
		if err != nil {
			got <- "open: " + err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	res := run(t, nil, "scan", "../../fixtures/repos/demo", "-o", "json="+fifo)
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&fs.ModeNamedPipe == 0 {
		t.Fatalf("the FIFO was replaced: %v %v", st.Mode(), err)
	}
	select {
	case out := <-got:
		if !strings.Contains(out, `"schema_version"`) {
			t.Errorf("the reader got %q", out)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("nothing read from the FIFO")
	}
}

// TestOutputThroughSymlink: a symlink given as the output stays a symlink
// and its target gets the report.
func TestOutputThroughSymlink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "reports", "agentreach.json")
	writeFile(t, dir, "reports/agentreach.json", "old")
	link := filepath.Join(dir, "latest.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	res := run(t, nil, "scan", "../../fixtures/repos/demo", "-o", "json="+link)
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced (%v)", err)
	}
	if !strings.Contains(mustRead(t, target), `"schema_version"`) {
		t.Error("the symlink's target did not get the report")
	}
}

// TestOutputToProcStdout: -o json=/dev/stdout works (a rename's temporary
// file cannot be made in /dev as a normal user, and as root the rename would
// replace /dev/stdout). /dev/stdout is a symlink to /proc/self/fd/1; the test
// names the latter, which is the same symlink-to-a-pipe for the writer and
// cannot be renamed over, so that a regression can never damage the
// machine's /dev. It runs agentreach as a process of its own, stdout a pipe.
func TestOutputToProcStdout(t *testing.T) {
	t.Parallel()
	if _, err := os.Lstat("/proc/self/fd/1"); err != nil {
		t.Skip("no /proc/self/fd")
	}
	res := runChild(t, "scan", "../../fixtures/repos/demo", "-o", "json=/proc/self/fd/1")
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	if !strings.HasPrefix(res.out, "{") || !strings.Contains(res.out, `"schema_version"`) {
		t.Errorf("stdout = %.200q", res.out)
	}
}

// TestOutputTargetsCheckedFirst: an output path that cannot be written — a
// missing directory, a directory, the same file twice (also through another
// name) — is one clear line and exit 2 before anything is scanned or
// written.
func TestOutputTargetsCheckedFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Symlink(dir, filepath.Join(dir, "again")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "dangling")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "old.json", "{}")
	if err := os.Symlink(filepath.Join(dir, "old.json"), filepath.Join(dir, "old-link.json")); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		outputs []string
		want    string
	}{
		"missing directory":      {[]string{"json=" + filepath.Join(dir, "no", "such", "r.json")}, "does not exist"},
		"a directory":            {[]string{"json=" + dir}, "is a directory"},
		"a symlink to a dir":     {[]string{"json=" + filepath.Join(dir, "again")}, "directory"},
		"a broken symlink":       {[]string{"json=" + filepath.Join(dir, "dangling")}, "broken symlink"},
		"the same new file":      {[]string{"json=" + filepath.Join(dir, "r"), "sarif=" + filepath.Join(dir, "again", "r")}, "same file"},
		"the same existing file": {[]string{"json=" + filepath.Join(dir, "old.json"), "csv=" + filepath.Join(dir, "old-link.json")}, "same file"},
	}
	for name, c := range cases {
		ok := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".md")
		args := append([]string{"scan", "../../fixtures/repos/demo", "-o", "markdown=" + ok}, outputArgs(c.outputs)...)
		res := run(t, nil, args...)
		if res.code != ExitUsage || strings.Count(strings.TrimSpace(res.err), "\n") != 0 || !strings.Contains(res.err, c.want) {
			t.Errorf("%s: exit %d, stderr %q (want one line with %q)", name, res.code, res.err, c.want)
		}
		if _, err := os.Lstat(ok); err == nil {
			t.Errorf("%s: the scan ran and wrote %s before failing", name, ok)
		}
	}
	if got := mustRead(t, filepath.Join(dir, "old.json")); got != "{}" {
		t.Errorf("old.json was overwritten: %.40q", got)
	}
}

func outputArgs(outs []string) []string {
	var args []string
	for _, o := range outs {
		args = append(args, "-o", o)
	}
	return args
}

// TestOutputKeepsPermissions: replacing an existing report keeps its mode
// (a 0600 report does not become world-readable).
func TestOutputKeepsPermissions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "r.json")
	if err := os.WriteFile(p, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if res := run(t, nil, "scan", "../../fixtures/repos/demo", "-o", "json="+p); res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v (%v), want 0600", st.Mode(), err)
	}
}
