package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
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

// TestGitConfigCredentials: a token in a remote URL and a persisted
// http.<url>.extraheader (what actions/checkout leaves without
// persist-credentials: false) in .git/config are reported — an agent in the
// checkout can read them — and .git is in coverage as read for config only.
func TestGitConfigCredentials(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	t.Parallel()
	root := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", root}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	r := faketoken.Rand(21)
	remoteTok, headerTok := faketoken.GitHub(r, "ghp"), faketoken.GitHub(r, "ghs")
	git("init", "-q")
	git("remote", "add", "origin", "https://x-access-token:"+remoteTok+"@github.com/acme/app.git")
	git("config", "http.https://github.com/.extraheader",
		"AUTHORIZATION: basic "+base64.StdEncoding.EncodeToString([]byte("x-access-token:"+headerTok)))
	writeFile(t, root, "README.md", "hello\n")

	jsonPath := filepath.Join(t.TempDir(), "r.json")
	res := run(t, nil, "scan", root, "-o", "json="+jsonPath)
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	rep := readReport(t, jsonPath)
	lines := map[int]bool{}
	for _, f := range rep.Findings {
		if f.Location.Path == ".git/config" {
			lines[f.Location.Line] = true
		} else if strings.HasPrefix(f.Location.Path, ".git/") {
			t.Errorf("a finding in git internals: %s", f.Location.Path)
		}
	}
	if len(lines) != 2 {
		t.Errorf("findings in .git/config at lines %v, want the remote URL and the extraheader", lines)
	}
	if rep.Inventory.Sources[0].ID != "repo:github.com/acme/app" {
		t.Errorf("source id %q", rep.Inventory.Sources[0].ID)
	}
	found := false
	for _, c := range rep.Coverage {
		found = found || c.Path == ".git" && strings.Contains(c.Reason, ".git/config is read")
	}
	if !found {
		t.Errorf("coverage does not say .git/config is read: %+v", rep.Coverage)
	}
	for _, text := range []string{res.out, res.err, mustRead(t, jsonPath)} {
		if strings.Contains(text, remoteTok[4:]) || strings.Contains(text, headerTok[4:]) {
			t.Error("a credential value is in the output")
		}
	}
}
