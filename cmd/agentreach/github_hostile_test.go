package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/fakegithub"
	"github.com/agentreach/agentreach/fixtures/faketoken"
)

// TestGitHubHostileNames: a repository of a scanned organisation named like
// a live token (a valid-checksum ghp_ value made at run time), with a
// workflow file under that name, is reported without the token in any
// output format or the log — the sanitizer at the report boundary redacts
// names as it redacts values.
func TestGitHubHostileNames(t *testing.T) {
	token := faketoken.GitHub(faketoken.Rand(7), "ghp")
	org := fakegithub.Acme()
	var repos []map[string]any
	if err := json.Unmarshal(org.REST["/orgs/acme/repos"], &repos); err != nil {
		t.Fatal(err)
	}
	clone := map[string]any{}
	for k, v := range repos[0] {
		clone[k] = v
	}
	clone["id"], clone["name"], clone["full_name"] = 999001, token, "acme/"+token
	repos = append(repos, clone)
	org.Set("/orgs/acme/repos", repos)
	org.Repos[token] = &fakegithub.RepoData{Name: token, Files: map[string][]byte{
		".github/workflows/" + token + ".yml": []byte("on: issue_comment\njobs:\n  " + token + ":\n    runs-on: ubuntu-latest\n    steps:\n      - run: claude -p fix\n        env:\n          GH_TOKEN: ${{ secrets.ACME_BOT_PAT }}\n"),
	}}
	srv := fakegithub.New(org)
	defer srv.Close()
	scanToken := srv.NewToken(fakegithub.Token{Kind: fakegithub.InstallationToken})
	dir := t.TempDir()
	var args []string
	for _, f := range []string{"json", "sarif", "markdown", "csv", "gitlab", "html"} {
		args = append(args, "-o", f+"="+filepath.Join(dir, "r."+f))
	}
	res := run(t, map[string]string{"GITHUB_TOKEN": scanToken}, append([]string{"scan", "--github-org", "acme", "--github-url", srv.URL() + "/",
		"--no-cache", "--allow-partial", "-v", "-o", "table"}, args...)...)
	if res.code != ExitOK && res.code != ExitFindings {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	rep := readReport(t, filepath.Join(dir, "r.json"))
	repoSources, hostileAgent := 0, false
	for _, s := range rep.Inventory.Sources {
		if s.Kind == "github-repo" {
			repoSources++
		}
	}
	for _, a := range rep.Inventory.Agents {
		if a.Product == "claude-code" && strings.Contains(a.ID, "ghp_") {
			hostileAgent = true // its id holds the redacted name
		}
	}
	if repoSources != len(repos) || !hostileAgent {
		t.Fatalf("the hostile repository was not scanned: %d repository sources of %d, its agent found %v", repoSources, len(repos), hostileAgent)
	}
	outs := map[string]string{"stdout": res.out, "stderr": res.err}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		outs[e.Name()] = mustRead(t, filepath.Join(dir, e.Name()))
	}
	random := token[len("ghp_"):]
	for name, s := range outs {
		for i := 0; i+8 <= len(random); i++ {
			if strings.Contains(s, random[i:i+8]) {
				idx := strings.Index(s, random[i:i+8])
				t.Fatalf("%s holds an 8-character run of the token used as a repository name: %q", name, s[max(0, idx-80):min(len(s), idx+60)])
			}
		}
	}
}
