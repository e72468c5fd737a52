//go:build unix

package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestScanNotAFileOrDirectory: a FIFO named as a scan path is refused before
// anything is read (opening it would block).
func TestScanNotAFileOrDirectory(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	res := run(t, nil, "scan", fifo)
	if res.code != ExitUsage || !strings.Contains(res.err, "not a regular file or a directory") {
		t.Errorf("exit %d, stderr %q", res.code, res.err)
	}
}
