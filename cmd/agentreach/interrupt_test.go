package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/agentreach/agentreach/report"
)

// TestInterruptedExitsWhateverTheFlags: a scan stopped by SIGINT or SIGTERM
// exits 130 or 143 — also with --allow-partial, which once made it exit 0
// with a partial report — and the report it writes is marked interrupted.
func TestInterruptedExitsWhateverTheFlags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		sig   syscall.Signal
		flags []string
		code  int
	}{
		{syscall.SIGINT, nil, 130},
		{syscall.SIGINT, []string{"--allow-partial"}, 130},
		{syscall.SIGTERM, []string{"--allow-partial", "--fail-on", "none"}, 143},
		{syscall.SIGTERM, []string{"--fail-on", "low"}, 143},
	}
	for _, c := range cases {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(&interrupted{sig: c.sig})
		jsonPath := filepath.Join(t.TempDir(), "r.json")
		args := append([]string{"scan", "../../fixtures/repos/demo", "-o", "json=" + jsonPath}, c.flags...)
		var out, errb bytes.Buffer
		code := Main(ctx, args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb}, testEnv(nil))
		if code != c.code {
			t.Errorf("%v %v: exit %d, want %d; stderr %q", c.sig, c.flags, code, c.code, errb.String())
			continue
		}
		if lines := strings.Split(strings.TrimSpace(errb.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "interrupted by SIG") {
			t.Errorf("%v: stderr %q", c.sig, errb.String())
		}
		r := readReport(t, jsonPath)
		if !r.Scan.Interrupted || r.Scan.Status != report.StatusPartial {
			t.Errorf("%v: report interrupted=%v status=%s", c.sig, r.Scan.Interrupted, r.Scan.Status)
		}
	}
}

// TestNotInterruptedNotMarked: a scan that ran to its end is not marked.
func TestNotInterruptedNotMarked(t *testing.T) {
	t.Parallel()
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	if res := run(t, nil, "scan", "../../fixtures/repos/demo", "-o", "json="+jsonPath); res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	if strings.Contains(mustRead(t, jsonPath), `"interrupted"`) {
		t.Error("a complete scan is marked interrupted")
	}
	if _, err := os.Stat(jsonPath); err != nil {
		t.Fatal(err)
	}
}
