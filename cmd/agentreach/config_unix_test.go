//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestConfigDevNullAndFIFO: --config /dev/null means no configuration (the
// repository's .agentreach.yml is not read); a FIFO named as the
// configuration is refused at once, never waited on.
func TestConfigDevNullAndFIFO(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, ".agentreach.yml", "version: 7\n") // would be a usage error if read
	if res := run(t, nil, "scan", root, "--config", os.DevNull, "-q"); res.code != ExitOK {
		t.Errorf("--config %s: exit %d, stderr %q", os.DevNull, res.code, res.err)
	}
	fifo := filepath.Join(t.TempDir(), "config.yml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	res := run(t, nil, "scan", root, "--config", fifo, "-q")
	if res.code != ExitUsage || !strings.Contains(res.err, "not a regular file") {
		t.Errorf("--config FIFO: exit %d, stderr %q", res.code, res.err)
	}
}
