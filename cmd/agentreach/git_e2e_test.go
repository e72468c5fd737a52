package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/hostilegit"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/report"
	"github.com/agentreach/agentreach/scanners/secrets"
)

// TestScanHostileRepositoryRunsNothing runs `agentreach scan --history` on
// a repository (reached through a symlink) whose configuration, attributes,
// hooks and environment name a command for everything git can run: none
// runs, and every credential keeps its git state and commit.
func TestScanHostileRepositoryRunsNothing(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the marker commands are shell scripts")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	r := hostilegit.New(t, func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "LC_ALL=C")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, stderr.String())
		}
		return strings.TrimSpace(string(out))
	})
	link := filepath.Join(t.TempDir(), "checkout")
	if err := os.Symlink(r.Root, link); err != nil {
		t.Skip("no symlinks:", err)
	}
	hostilegit.SetEnv(t, r)

	jsonPath := filepath.Join(t.TempDir(), "r.json")
	res := run(t, nil, "scan", link, "--history", "-o", "json="+jsonPath, "--fail-on", "none")
	if fired := r.Fired(t); len(fired) > 0 {
		t.Errorf("the scan ran commands of the repository or the environment: %v", fired)
	}
	if res.code != ExitOK {
		t.Fatalf("exit %d; stderr %s", res.code, res.err)
	}
	rep := readReport(t, jsonPath)
	if rep.Scan.Status != report.StatusComplete {
		t.Errorf("scan status %s; coverage %+v", rep.Scan.Status, rep.Coverage)
	}
	want := map[string]inventory.Location{
		r.Committed:   {Path: "app.env", Git: inventory.GitTracked, Commit: r.AddCommit},
		r.Uncommitted: {Path: "app.env", Git: inventory.GitUncommitted},
		r.Untracked:   {Path: "scratch.env", Git: inventory.GitUntracked},
		r.Ignored:     {Path: "debug.log", Git: inventory.GitIgnored},
		r.Old:         {Path: "old.env", Git: inventory.GitHistory, Commit: r.AddCommit},
	}
	for value, w := range want {
		h, err := secrets.NewHasher([]byte(testHashKey))
		if err != nil {
			t.Fatal(err)
		}
		var locs []inventory.Location
		for _, c := range rep.Inventory.Credentials {
			if c.ValueHMAC == h.Sum([]byte(value)) {
				locs = c.Locations
			}
		}
		if len(locs) != 1 || locs[0].Root != link || locs[0].Path != w.Path || locs[0].Git != w.Git || locs[0].Commit != w.Commit {
			t.Errorf("credential in %s (%s): locations %+v", w.Path, w.Git, locs)
		}
	}
	for _, text := range []string{res.out, res.err, mustRead(t, jsonPath)} {
		for value := range want {
			if strings.Contains(text, value[4:]) {
				t.Error("a credential value is in the output")
			}
		}
	}
}
