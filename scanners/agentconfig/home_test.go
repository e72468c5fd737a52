package agentconfig

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/scanners/local"
)

// opensshKey builds an openssh-key-v1 private key file with the given
// cipher; its key material is random filler, never a usable key.
func opensshKey(cipher string, filler string) string {
	var raw []byte
	raw = append(raw, "openssh-key-v1\x00"...)
	str := func(s string) {
		raw = binary.BigEndian.AppendUint32(raw, uint32(len(s)))
		raw = append(raw, s...)
	}
	str(cipher)
	str("none")
	str("")
	raw = binary.BigEndian.AppendUint32(raw, 1)
	str(filler)
	b64 := base64.StdEncoding.EncodeToString(raw)
	var b strings.Builder
	b.WriteString("-----BEGIN OPENSSH PRIVATE KEY-----\n") // gitleaks:allow (placeholder or fuzz seed, not a credential)
	for len(b64) > 70 {
		b.WriteString(b64[:70] + "\n")
		b64 = b64[70:]
	}
	b.WriteString(b64 + "\n-----END OPENSSH PRIVATE KEY-----\n")
	return b.String()
}

// recorder is an analyzer standing in for the detection engine: it
// records which files it was handed.
type recorder struct{ seen []string }

func (r *recorder) Name() string             { return "secrets" }
func (r *recorder) Wants(string, int64) bool { return true }
func (r *recorder) Analyze(_ context.Context, f inventory.Location, _ []byte, _ *inventory.Builder) error {
	r.seen = append(r.seen, f.Path)
	return nil
}

func TestScanHome(t *testing.T) {
	t.Parallel()
	r := faketoken.Rand(11)
	gho := faketoken.GitHub(r, "gho")
	awsSecret := faketoken.Base62(r, 40)
	npm := "npm_" + faketoken.Base62(r, 36)
	histTok := faketoken.Base62(r, 32)
	browserTok := faketoken.GitHub(r, "ghp")
	home := t.TempDir()
	outside := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(home, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(".config/gh/hosts.yml", "github.com:\n    user: dev\n    oauth_token: "+gho+"\n    git_protocol: https\nghe.example.com:\n    user: dev\n")
	write(".aws/credentials", "[default]\naws_access_key_id = AKIA"+strings.ToUpper(faketoken.Base62(r, 16))+"\naws_secret_access_key = "+awsSecret+"\n")
	write(".npmrc", "//registry.example.com/:_authToken="+npm+"\n//other.example.com/:_authToken=${NPM_TOKEN}\n")
	write(".ssh/id_ed25519", opensshKey("none", faketoken.Base62(r, 64)))
	write(".ssh/id_encrypted", opensshKey("aes256-ctr", faketoken.Base62(r, 64)))
	write(".ssh/id_ed25519.pub", "ssh-ed25519 AAAA dev@host\n")
	write(".bash_history", "ls\nexport OPENAI_API_KEY="+histTok+"\nexport PATH=$PATH:/x\n")
	write(".cursor/mcp.json", `{"mcpServers": {"gh": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"], "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GH_PAT}"}}}}`)
	write(".claude/settings.json", `{"permissions": {"defaultMode": "bypassPermissions"}, "enableAllProjectMcpServers": true}`)
	write(".mozilla/firefox/x.default/logins.json", `{"token": "`+browserTok+`"}`)
	write(".codex/config.toml", "approval_policy = [")
	if err := os.WriteFile(filepath.Join(outside, "credentials"), []byte("[default]\naws_secret_access_key = "+faketoken.Base62(r, 40)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "credentials"), filepath.Join(home, ".git-credentials")); err != nil {
		t.Fatal(err)
	}

	a := NewAnalyzer(testEngine)
	engine := &recorder{}
	b := inventory.NewBuilder()
	if err := local.ScanHome(context.Background(), home, HomePaths, []local.Analyzer{engine, a}, local.Options{}, b); err != nil {
		t.Fatal(err)
	}
	inv, cov := b.Build()

	byValue := func(v string) *inventory.Credential {
		return inv.Credential(idOf(v))
	}
	for _, tc := range []struct {
		name, value, store string
		reach              inventory.ReachClass
	}{
		{"gh token", gho, "gh-cli", inventory.ReachSourceControl},
		{"aws secret", awsSecret, "aws-cli", inventory.ReachCloud},
		{"npm token", npm, "npm", inventory.ReachPackageRegistry},
		{"history export", histTok, "shell-history", ""},
	} {
		c := byValue(tc.value)
		if c == nil {
			t.Errorf("%s: not found", tc.name)
			continue
		}
		if c.Store != tc.store || (tc.reach != "" && c.Reach != tc.reach) || c.Locations[0].Root != inventory.HomeRoot {
			t.Errorf("%s: %+v", tc.name, c)
		}
		edges := inv.AgentsReaching(c.ID)
		if len(edges) == 0 || edges[0].Agent != WorkstationAgentID || edges[0].Via != inventory.ViaFileRead {
			t.Errorf("%s: edges %+v", tc.name, edges)
		}
	}
	var ssh []inventory.Credential
	for _, c := range inv.Credentials {
		if c.Type == "ssh-private-key" {
			ssh = append(ssh, c)
		}
		if strings.Contains(c.ID, browserTok) || c.Locations[0].Path == ".mozilla/firefox/x.default/logins.json" {
			t.Errorf("browser profile read: %+v", c)
		}
	}
	if len(ssh) != 1 || ssh[0].Locations[0].Path != ".ssh/id_ed25519" {
		t.Errorf("ssh keys = %+v, want only the unencrypted one", ssh)
	}
	if inv.Credential("keychain:gh:ghe.example.com") == nil {
		t.Error("gh login with a keyring token not recorded")
	}
	if c := inv.Credential("env:NPM_TOKEN"); c != nil && c.Kind == inventory.KindEmbeddedKey {
		t.Errorf("npmrc indirection recorded as a literal")
	}
	if agentNamed(t, inv, serverAgentID(inventory.Location{Source: inventory.HomeSourceID, Path: ".cursor/mcp.json"}, "gh")).Location.Root != inventory.HomeRoot {
		t.Error("home MCP server not rooted at ~")
	}
	if p := agentNamed(t, inv, inventory.Scoped(inventory.HomeSourceID, "agent-profile:.claude/settings.json")); len(p.Guardrails.Bypass) == 0 {
		t.Error("home profile bypass missing")
	}
	for _, p := range engine.seen {
		if strings.HasPrefix(p, ".mozilla") || p == ".git-credentials" {
			t.Errorf("engine was handed %s", p)
		}
	}
	if !contains(engine.seen, ".bash_history") {
		t.Error("shell history not handed to the detection engine")
	}
	var partial, symlink, summary bool
	for _, c := range cov {
		if c.Path == ".codex/config.toml" && c.Status == inventory.CoveragePartial && strings.Contains(c.Reason, "invalid TOML") {
			partial = true
		}
		if c.Path == ".git-credentials" && strings.Contains(c.Reason, "outside the home") {
			symlink = true
		}
		if c.Path == "" && c.Source == local.HomeSource && c.Target == inventory.HomeRoot && strings.Contains(c.Reason, "home directory") {
			summary = c.Status == inventory.CoveragePartial
		}
	}
	if !partial || !symlink || !summary {
		t.Errorf("coverage = %+v", cov)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
