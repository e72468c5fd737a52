//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSignalStopsARealProcess sends SIGINT and SIGTERM to agentreach running
// as a process of its own, stopped in the middle of its scan by a "git" on
// PATH that says it started and then sleeps (exec.CommandContext kills it): main turns the signal into the
// exit code (130, 143), even with --allow-partial, and the JSON report
// written is marked interrupted.
func TestSignalStopsARealProcess(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		dir := t.TempDir()
		bin := filepath.Join(dir, "bin")
		marker := filepath.Join(dir, "git-started")
		// The user's safe.directory lookup answers at once (none set); the
		// scan's own git commands hang.
		writeFile(t, bin, "git", "#!/bin/sh\ncase \"$*\" in *safe.directory*) exit 1;; esac\n: > '"+marker+"'\nexec sleep 60\n")
		if err := os.Chmod(filepath.Join(bin, "git"), 0o755); err != nil {
			t.Fatal(err)
		}
		jsonPath := filepath.Join(dir, "r.json")
		cmd, _, errb := childCmd(t, "scan", "../../fixtures/repos/demo", "--allow-partial", "-o", "json="+jsonPath)
		cmd.Env = append(cmd.Env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			if _, err := os.Stat(marker); err == nil {
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatal("the scan never started git")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: the process did not stop", sig)
		}
		if got, want := cmd.ProcessState.ExitCode(), 128+int(sig); got != want {
			t.Errorf("%v: exit %d, want %d; stderr %q", sig, got, want, errb.String())
			continue
		}
		if !strings.Contains(errb.String(), "interrupted by") {
			t.Errorf("%v: stderr %q", sig, errb.String())
		}
		if r := readReport(t, jsonPath); !r.Scan.Interrupted {
			t.Errorf("%v: the report is not marked interrupted", sig)
		}
	}
}
