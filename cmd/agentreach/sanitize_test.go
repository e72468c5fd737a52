package main

import (
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/report"
	"github.com/agentreach/agentreach/scanners/secrets"
)

// TestTokenAsNameInNoOutput: valid tokens used as a GitHub Actions job id,
// an MCP server name, a folder name, a file name and the scanned
// directory's name leave no output format, stdout or the -v log in full,
// nor any 12 characters of their random parts; the scan still reports
// what those places hold, under redacted names.
func TestTokenAsNameInNoOutput(t *testing.T) {
	t.Parallel()
	r := faketoken.Rand(2718)
	job, server, folder, file, rootName := faketoken.GitHub(r, "ghp"), faketoken.GitHub(r, "gho"), faketoken.GitHubFineGrained(r),
		faketoken.GitHub(r, "ghp"), faketoken.GitHub(r, "ghs")
	inFolder, inFile := faketoken.GitHub(r, "ghp"), faketoken.GitHub(r, "ghp")
	names := []string{job, server, folder, file, rootName}
	root := filepath.Join(t.TempDir(), rootName)
	writeFile(t, root, ".github/workflows/ci.yml", "on: issue_comment\njobs:\n  "+job+":\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n")
	writeFile(t, root, ".mcp.json", `{"mcpServers": {"`+server+`": {"command": "npx", "args": ["-y", "some-mcp-server"], "env": {"GITHUB_TOKEN": "`+inFile+`"}}}}`)
	writeFile(t, root, folder+"/deploy.sh", "#!/bin/sh\nexport GITHUB_TOKEN="+inFolder+"\n")
	writeFile(t, root, "config/"+file+".env", "API_TOKEN="+inFile+"\n")

	outputs := scanAllFormats(t, root)
	var rep report.Report
	if err := json.Unmarshal([]byte(outputs["json"]), &rep); err != nil {
		t.Fatal(err)
	}
	// The scan saw every place: the job, the server, both files.
	seen := map[string]bool{}
	for _, f := range rep.Findings {
		_, local := inventory.Unscoped(f.Subject)
		switch {
		case f.RuleID == "AR-CI-001" && strings.HasPrefix(local, "workflow:.github/workflows/ci.yml#jobs.ghp_…"):
			seen["job"] = true
		case f.RuleID == "AR-AG-005" && strings.HasPrefix(local, "mcp-server:.mcp.json#gho_…"):
			seen["server"] = true
		case f.RuleID == "AR-SC-001" && strings.HasPrefix(f.Location.Path, "github_pat_…") && strings.HasSuffix(f.Location.Path, "/deploy.sh"):
			seen["folder"] = true
		case f.RuleID == "AR-SC-001" && f.Location.Path == "config/ghp_…"+file[len(file)-4:]+".env":
			seen["file"] = true
		}
	}
	for _, place := range []string{"job", "server", "folder", "file"} {
		if !seen[place] {
			t.Errorf("no finding about the %s named with a token:\n%s", place, outputs["csv"])
		}
	}
	// References still resolve: every reach edge names a listed agent and
	// credential, every finding's agent is listed.
	for _, e := range rep.Inventory.Reaches {
		if rep.Inventory.Agent(e.Agent) == nil || rep.Inventory.Credential(e.Credential) == nil {
			t.Errorf("dangling reach edge %s → %s", e.Agent, e.Credential)
		}
	}
	for _, f := range rep.Findings {
		if f.Agent != "" && rep.Inventory.Agent(f.Agent) == nil {
			t.Errorf("finding %s names an unlisted agent %s", f.RuleID, f.Agent)
		}
	}
	if !strings.Contains(outputs["stderr"], "target=") {
		t.Fatalf("no verbose log: %q", outputs["stderr"])
	}
	for name, text := range outputs {
		for _, tok := range append(names, inFolder, inFile) {
			if strings.Contains(text, tok) {
				t.Errorf("%s holds a token in full", name)
				continue
			}
			body := tok[strings.Index(tok, "_")+1:]
			if strings.HasPrefix(tok, "github_pat_") {
				body = tok[len("github_pat_"):]
			}
			for i := 0; i+12 <= len(body); i++ {
				if piece := body[i : i+12]; strings.Contains(text, piece) {
					t.Errorf("%s holds %q, 12 characters of a token's random part", name, piece)
					break
				}
			}
		}
	}
}

// TestSanitizingLogHandler: messages, attribute keys and values (strings,
// errors, groups, attributes added with With) and group names are
// sanitized.
func TestSanitizingLogHandler(t *testing.T) {
	t.Parallel()
	tok := faketoken.GitHub(faketoken.Rand(31), "ghp")
	var b strings.Builder
	e := secrets.NewEngine(nil)
	log := slog.New(sanitizingHandler{h: slog.NewTextHandler(&b, nil), clean: e.Sanitize})
	log = log.With("root", "/tmp/"+tok).WithGroup(tok)
	log.Info("read "+tok+"/x", "path", tok+"/a.env", tok, 1, "err", errors.New("open "+tok+": denied"),
		slog.Group("g", "v", tok), "list", []string{tok})
	if out := b.String(); strings.Contains(out, tok[4:16]) || !strings.Contains(out, "ghp_…") {
		t.Errorf("log = %s", out)
	}
}

// TestErrorsSanitized: an error that quotes an argument (a path named with a
// token) does not print the token.
func TestErrorsSanitized(t *testing.T) {
	t.Parallel()
	tok := faketoken.GitHub(faketoken.Rand(32), "ghp")
	res := run(t, nil, "scan", filepath.Join(t.TempDir(), tok, "missing"))
	if res.code != ExitUsage || strings.Contains(res.err, tok[4:16]) || !strings.Contains(res.err, "ghp_…") {
		t.Errorf("exit %d, stderr %q", res.code, res.err)
	}
}
