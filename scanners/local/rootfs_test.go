//go:build unix

package local

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRootFSRefusesSpecialFiles: the file system analyzers read cross-file
// references through (issue templates, custom command files) opens regular
// files and lists directories, refuses a FIFO without blocking on it, and
// does not leave the tree.
func TestRootFSRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	tpl := filepath.Join(dir, ".github", "ISSUE_TEMPLATE")
	if err := os.MkdirAll(tpl, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tpl, "bug.md"), []byte("---\nlabels: bug\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(tpl, "pipe.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(tpl, "out.md")); err != nil {
		t.Fatal(err)
	}
	rt, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	fsys := rootFS{root: rt}
	entries, err := fs.ReadDir(fsys, ".github/ISSUE_TEMPLATE")
	if err != nil || len(entries) != 3 {
		t.Fatalf("ReadDir: %d entries, %v", len(entries), err)
	}
	if data, err := fs.ReadFile(fsys, ".github/ISSUE_TEMPLATE/bug.md"); err != nil || !strings.Contains(string(data), "labels: bug") {
		t.Errorf("a regular file: %q, %v", data, err)
	}
	if err := openWithin(t, func() (interface{ Close() error }, error) { return fsys.Open(".github/ISSUE_TEMPLATE/pipe.md") }); err == nil ||
		!strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a FIFO: %v, want not a regular file", err)
	}
	if f, err := fsys.Open(".github/ISSUE_TEMPLATE/out.md"); err == nil {
		f.Close()
		t.Error("a symlink out of the tree was followed")
	}
	if _, err := fsys.Open("../x"); err == nil {
		t.Error("a path out of the tree was opened")
	}
}

// openWithin runs open and returns its error, failing the test when it
// blocks (a FIFO opened for reading waits for a writer) instead of
// refusing.
func openWithin(t *testing.T, open func() (interface{ Close() error }, error)) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		f, err := open()
		if err == nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		t.Fatal("the open blocked")
		return nil
	}
}
