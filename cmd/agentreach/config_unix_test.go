//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestConfigDevNullPipeAndFIFO: --config /dev/null means no configuration
// (the repository's .agentreach.yml is not read); a configuration the user
// pipes in (--config <(…)) is read; a FIFO a scanned tree names
// .agentreach.yml is never opened, so it cannot block the scan.
func TestConfigDevNullPipeAndFIFO(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, ".agentreach.yml", "version: 7\n") // a usage error if read
	if res := run(t, nil, "scan", root, "--config", os.DevNull, "-q"); res.code != ExitOK {
		t.Errorf("--config %s: exit %d, stderr %q", os.DevNull, res.code, res.err)
	}

	pipe := filepath.Join(t.TempDir(), "config.yml")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	go func() {
		if f, err := os.OpenFile(pipe, os.O_WRONLY, 0); err == nil {
			_, _ = f.WriteString("version: 7\n")
			f.Close()
		}
	}()
	if res := run(t, nil, "scan", root, "--config", pipe, "-q"); res.code != ExitUsage {
		t.Errorf("--config through a pipe: exit %d (want the usage error of its version: 7), stderr %q", res.code, res.err)
	}

	tree := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(tree, ".agentreach.yml"), 0o600); err != nil {
		t.Fatal(err)
	}
	if res := run(t, nil, "scan", tree, "-q"); res.code != ExitOK {
		t.Errorf("a FIFO named .agentreach.yml in the tree: exit %d, stderr %q", res.code, res.err)
	}
}
