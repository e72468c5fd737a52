package main

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// childEnv, when set, makes the test binary run the real main with its own
// arguments instead of the tests: the tests that need a real process (its
// own stdout, signals) start themselves with runChild.
const childEnv = "AGENTREACH_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// childCmd is the agentreach command line args as a process of its own,
// with the test fingerprint key and stdout/stderr captured.
func childCmd(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("no test executable: %v", err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), childEnv+"=1", hashKeyEnv+"="+testHashKey, "NO_COLOR=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	return cmd, &out, &errb
}

// runChild runs agentreach args in a process of its own and returns its
// exit code and output.
func runChild(t *testing.T, args ...string) result {
	t.Helper()
	cmd, out, errb := childCmd(t, args...)
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}
