//go:build linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

// openPTY opens a new pseudo-terminal of cols columns; it returns the
// terminal side (what agentreach writes to) and the controller.
func openPTY(t *testing.T, cols uint16) (tty, ctl *os.File) {
	t.Helper()
	ctl, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { ctl.Close() })
	if err := unix.IoctlSetPointerInt(int(ctl.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(int(ctl.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("ptsname: %v", err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open the terminal side: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: cols}); err != nil {
		t.Skipf("set the size: %v", err)
	}
	return tty, ctl
}

// TestTableFitsTheRealTerminal: on a terminal the table takes the terminal's
// own width (once only an exported COLUMNS counted, and the table was 106
// columns wide at 80); an exported COLUMNS still wins, and a pipe gets 120.
func TestTableFitsTheRealTerminal(t *testing.T) {
	t.Parallel()
	tty, ctl := openPTY(t, 83)
	if got := terminalWidth(tty, testEnv(nil)); got != 83 {
		t.Errorf("width on an 83-column terminal: %d", got)
	}
	if got := terminalWidth(tty, testEnv(map[string]string{"COLUMNS": "100"})); got != 100 {
		t.Errorf("COLUMNS=100 on a terminal: %d", got)
	}
	if got := terminalWidth(&bytes.Buffer{}, testEnv(nil)); got != 120 {
		t.Errorf("width of a pipe: %d", got)
	}

	got := make(chan string, 1)
	go func() {
		var b bytes.Buffer
		_, _ = io.Copy(&b, ctl) // ends when the terminal side is closed
		got <- b.String()
	}()
	var errb bytes.Buffer
	code := Main(context.Background(), []string{"scan", "../../fixtures/repos/demo"},
		Stdio{In: strings.NewReader(""), Out: tty, Err: &errb}, testEnv(map[string]string{"NO_COLOR": "1"}))
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	tty.Close()
	out := <-got
	if !strings.Contains(out, "AR-SC-001") {
		t.Fatalf("no table on the terminal:\n%s", out)
	}
	for _, line := range strings.Split(strings.ReplaceAll(out, "\r", ""), "\n") {
		if n := utf8.RuneCountInString(line); n > 83 {
			t.Errorf("a line of %d columns on an 83-column terminal: %q", n, line)
		}
	}
}

// TestNoColorFlag: on a terminal the table is coloured unless --no-color (or
// NO_COLOR) says no.
func TestNoColorFlag(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args  []string
		env   map[string]string
		color bool
	}{
		{nil, map[string]string{"TERM": "xterm"}, true},
		{[]string{"--no-color"}, map[string]string{"TERM": "xterm"}, false},
		{nil, map[string]string{"TERM": "xterm", "NO_COLOR": "1"}, false},
	} {
		tty, ctl := openPTY(t, 120)
		got := make(chan string, 1)
		go func() {
			var b bytes.Buffer
			_, _ = io.Copy(&b, ctl)
			got <- b.String()
		}()
		var errb bytes.Buffer
		code := Main(context.Background(), append([]string{"scan", "../../fixtures/repos/demo"}, c.args...),
			Stdio{In: strings.NewReader(""), Out: tty, Err: &errb}, testEnv(c.env))
		tty.Close()
		out := <-got
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", c.args, code, errb.String())
		}
		if strings.Contains(out, "\x1b[") != c.color {
			t.Errorf("%v %v: colour %v, want %v", c.args, c.env, !c.color, c.color)
		}
	}
}
