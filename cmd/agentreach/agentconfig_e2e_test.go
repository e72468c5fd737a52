package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
)

// copyTree copies a fixture directory into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAgentConfigEndToEnd scans the agent-configs fixture (plus literal
// credentials generated here) and a fake home through the CLI.
func TestAgentConfigEndToEnd(t *testing.T) {
	t.Parallel()
	r := faketoken.Rand(42)
	pat := faketoken.GitHub(r, "ghp")
	gho := faketoken.GitHub(r, "gho")
	repo := t.TempDir()
	copyTree(t, "../../fixtures/repos/agent-configs", repo)
	// The same classic PAT in a Cursor config and as a Codex server's env:
	// plaintext (AR-AG-001) and reused by two different servers (AR-AG-007).
	mustWrite(t, filepath.Join(repo, ".cursor/mcp.json"), `{"mcpServers": {"github": {"command": "github-mcp-server", "args": ["stdio"], "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "`+pat+`"}}}}`)
	mustWrite(t, filepath.Join(repo, ".codex/config.toml"), "approval_policy = \"never\"\nsandbox_mode = \"danger-full-access\"\n\n[mcp_servers.releases]\ncommand = \"release-bot\"\nenv = { RELEASE_TOKEN = \""+pat+"\" }\n")
	home := t.TempDir()
	mustWrite(t, filepath.Join(home, ".config/gh/hosts.yml"), "github.com:\n    user: dev\n    oauth_token: "+gho+"\n")

	out := filepath.Join(t.TempDir(), "r.json")
	var stdout, stderr bytes.Buffer
	getenv := testEnv(map[string]string{"HOME": home})
	code := Main(context.Background(), []string{"scan", repo, "--home", "-o", "json=" + out, "--allow-partial"}, Stdio{Out: &stdout, Err: &stderr}, getenv)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{pat, gho} {
		if bytes.Contains(raw, []byte(secret)) || bytes.Contains(stdout.Bytes(), []byte(secret)) || bytes.Contains(stderr.Bytes(), []byte(secret)) {
			t.Fatal("a credential value appears in the output")
		}
	}
	var rep struct {
		Findings  []inventory.Finding  `json:"findings"`
		Inventory *inventory.Inventory `json:"inventory"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string][]inventory.Finding{}
	for _, f := range rep.Findings {
		got[f.RuleID] = append(got[f.RuleID], f)
	}
	want := map[string][]string{ // rule → paths of its findings
		"AR-AG-001": {".cursor/mcp.json", ".codex/config.toml"},
		"AR-AG-002": {".mcp.json", ".cursor/mcp.json"},
		"AR-AG-003": {".claude/settings.json", ".codex/config.toml"},
		"AR-AG-004": {".claude/settings.json"},
		"AR-AG-005": {".mcp.json", ".mcp.json"},
		"AR-AG-006": {".mcp.json"},
		"AR-AG-007": {".codex/config.toml"},
		"AR-AG-009": {".config/gh/hosts.yml"},
	}
	for id, paths := range want {
		var have []string
		for _, f := range got[id] {
			have = append(have, f.Location.Path)
		}
		if len(have) != len(paths) {
			t.Errorf("%s: findings at %v, want %v", id, have, paths)
			continue
		}
		for _, p := range paths {
			if !strings.Contains(strings.Join(have, " "), p) {
				t.Errorf("%s: no finding at %s (have %v)", id, p, have)
			}
		}
	}
	// Safe look-alikes stay quiet: the VS Code and Gemini servers, localhost.
	for _, f := range rep.Findings {
		if f.Location.Path == ".vscode/mcp.json" || f.Location.Path == ".gemini/settings.json" && f.RuleID != "AR-AG-008" {
			t.Errorf("safe look-alike reported: %s %s: %s", f.RuleID, f.Location.Path, f.Message)
		}
		if strings.Contains(f.Message, "localhost") {
			t.Errorf("localhost server reported: %s", f.Message)
		}
	}
	// The AR-AG-001 finding for the committed-style PAT is critical (a
	// source-control token) and sits on the exact line.
	for _, f := range got["AR-AG-001"] {
		if f.Severity != inventory.SeverityCritical || f.Location.Line < 1 {
			t.Errorf("AR-AG-001 = %+v", f)
		}
	}
	// Reach: the workstation reaches the gh token, the Cursor server the PAT.
	if rep.Inventory.Agent("workstation:~") == nil || len(rep.Inventory.ReachesOf("workstation:~")) == 0 {
		t.Error("workstation agent reaches nothing")
	}
	if len(rep.Inventory.ReachesOf(scopedID(t, rep.Inventory, "mcp-server:.cursor/mcp.json#github"))) == 0 {
		t.Error("the Cursor GitHub server reaches nothing")
	}
}

// scopedID finds the one agent whose id, after its source scope, is local.
func scopedID(t *testing.T, inv *inventory.Inventory, local string) string {
	t.Helper()
	var ids []string
	for _, a := range inv.Agents {
		if _, l := inventory.Unscoped(a.ID); l == local {
			ids = append(ids, a.ID)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("agents with local id %s: %v", local, ids)
	}
	return ids[0]
}

func mustWrite(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
