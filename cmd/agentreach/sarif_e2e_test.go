package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/internal/sariftest"
)

type sarifRun struct {
	AutomationDetails struct {
		ID string `json:"id"`
	} `json:"automationDetails"`
	Results []struct {
		RuleID    string `json:"ruleId"`
		Locations []struct {
			PhysicalLocation struct {
				ArtifactLocation struct {
					URI       string `json:"uri"`
					URIBaseID string `json:"uriBaseId"`
				} `json:"artifactLocation"`
			} `json:"physicalLocation"`
		} `json:"locations"`
	} `json:"results"`
}

// sarifRuns scans args into SARIF and returns its runs by category, each
// run's result URIs (uriBaseId:uri) sorted.
func sarifRuns(t *testing.T, env map[string]string, args ...string) map[string][]string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "r.sarif")
	res := run(t, env, append(append([]string{"scan"}, args...), "-o", "sarif="+p)...)
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	data := []byte(mustRead(t, p))
	for _, err := range sariftest.CheckGitHub(data) {
		t.Errorf("GitHub check: %v", err)
	}
	if err := sariftest.ValidateEmbedded(data); err != nil {
		t.Errorf("go-sarif's schema: %v", err)
	}
	var log struct{ Runs []sarifRun }
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, r := range log.Runs {
		if _, dup := out[r.AutomationDetails.ID]; dup {
			t.Errorf("two runs with the category %s", r.AutomationDetails.ID)
		}
		uris := []string{}
		for _, res := range r.Results {
			a := res.Locations[0].PhysicalLocation.ArtifactLocation
			uris = append(uris, a.URIBaseID+":"+a.URI)
		}
		sort.Strings(uris)
		out[r.AutomationDetails.ID] = uris
	}
	return out
}

func gitInit(t *testing.T, root string) {
	t.Helper()
	gitIn(t, root, "init", "-q")
	gitIn(t, root, "remote", "add", "origin", "https://github.com/acme/app.git")
}

func gitIn(t *testing.T, root string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	cmd := exec.Command("git", append([]string{"-C", root, "-c", "user.email=t@example.invalid", "-c", "user.name=t"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// TestSARIFURIsRelativeToTheRepository: `scan sub/dir` once wrote
// `uri: scripts/deploy.sh`, and two roots an `a/` prefix of the path as
// given; GitHub resolves URIs against the repository root, so they are
// relative to the git top level, with uriBaseId %SRCROOT%.
func TestSARIFURIsRelativeToTheRepository(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	gitInit(t, root)
	r := faketoken.Rand(41)
	writeFile(t, root, "services/api/scripts/deploy.sh", "export GH_TOKEN="+faketoken.GitHub(r, "ghp")+"\n")
	writeFile(t, root, "services/web/run.sh", "export GH_TOKEN="+faketoken.GitHub(r, "ghp")+"\n")

	got := sarifRuns(t, nil, filepath.Join(root, "services", "api"))
	want := []string{"%SRCROOT%:services/api/scripts/deploy.sh"}
	if len(got) != 1 || !equal(got["agentreach/files/"], want) {
		t.Errorf("scan services/api: runs %v, want files: %v", got, want)
	}
	got = sarifRuns(t, nil, filepath.Join(root, "services", "api"), filepath.Join(root, "services", "web"))
	want = []string{"%SRCROOT%:services/api/scripts/deploy.sh", "%SRCROOT%:services/web/run.sh"}
	if len(got) != 1 || !equal(got["agentreach/files/"], want) {
		t.Errorf("scan of two roots: runs %v, want files: %v", got, want)
	}
}

// TestSARIFHomeAndHistoryInTheirOwnRuns: --home and --history findings are
// not files of the repository: each kind is a run with a category of its own,
// never mixed into the files' run.
func TestSARIFHomeAndHistoryInTheirOwnRuns(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	r := faketoken.Rand(42)
	writeFile(t, root, "old.env", "GH_TOKEN="+faketoken.GitHub(r, "ghp")+"\n")
	gitInit(t, root)
	gitIn(t, root, "add", "old.env")
	gitIn(t, root, "commit", "-qm", "add")
	gitIn(t, root, "rm", "-q", "old.env")
	gitIn(t, root, "commit", "-qm", "remove")
	writeFile(t, root, "deploy.sh", "export GH_TOKEN="+faketoken.GitHub(r, "ghp")+"\n")
	home := t.TempDir()
	writeFile(t, home, ".git-credentials", "https://x:"+faketoken.GitHub(r, "ghp")+"@github.com\n")

	got := sarifRuns(t, map[string]string{"HOME": home}, root, "--history", "--home")

	want := map[string][]string{
		"agentreach/files/":   {"%SRCROOT%:deploy.sh"},
		"agentreach/history/": {"%SRCROOT%:old.env"},
		"agentreach/home/":    {"HOME:.git-credentials"},
	}
	if len(got) != len(want) {
		t.Errorf("runs %v, want %v", got, want)
	}
	for cat, w := range want {
		if !equal(got[cat], w) {
			t.Errorf("%s: %v, want %v", cat, got[cat], w)
		}
	}
	// A clean home still has its run, so that its old alerts close.
	empty := t.TempDir()
	if got := sarifRuns(t, map[string]string{"HOME": empty}, root, "--home"); got["agentreach/home/"] == nil || len(got["agentreach/home/"]) != 0 {
		t.Errorf("clean home: runs %v", got)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
