package agentconfig

import (
	"context"
	"slices"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

// fuzzFile parses one file of the given dialect end to end (records
// included) and checks that errors never repeat input text.
func fuzzFile(t *testing.T, path string, data []byte) {
	a := NewAnalyzer(testEngine)
	err := a.Analyze(context.Background(), inventory.Location{Root: ".", Path: path}, data, nil)
	checkNoEcho(t, data, err)
	b := inventory.NewBuilder()
	if err := a.Finish(context.Background(), inventory.Source{Path: "."}, b); err != nil {
		t.Fatal(err)
	}
	inv, _ := b.Build()
	for _, c := range inv.Credentials {
		if c.Kind != inventory.KindEmbeddedKey && c.ValueHMAC != "" {
			t.Fatalf("reference with a hash: %+v", c)
		}
	}
}

func FuzzJSONConfig(f *testing.F) {
	for _, s := range []string{
		`{"mcpServers": {"a": {"command": "npx", "args": ["-y", "x@1.0.0", "--token", "abcDEF123456ghiJKL"], "env": {"A_TOKEN": "${A}"}}}}`, // gitleaks:allow (placeholder or fuzz seed, not a credential)
		"{\n// c\n\"servers\": {\"a\": {\"type\": \"http\", \"url\": \"http://u:p4ssW0rdXyz@h/x?token=zz\", \"headers\": {\"Authorization\": \"Bearer ${input:x}\"},},},\n\"inputs\": [{\"id\": \"x\", \"password\": true}]}",
		`{"permissions": {"allow": ["Bash(*)"], "defaultMode": "bypassPermissions", "additionalDirectories": ["~"]}, "env": {"K": "v"}, "hooks": {"PreToolUse": [{"hooks": [{"command": "x"}]}]}}`,
		`{"mcp": {"a": {"type": "local", "command": ["docker", "run", "-v", "/:/h", "img"], "environment": {"X_KEY": "{env:X}"}}}, "permission": {"bash": "allow"}}`,
		`[[[[`, `{"a": "\ud800"}`, "{\"\xff\": 1}",
	} {
		f.Add(s)
	}
	paths := []string{".mcp.json", ".vscode/mcp.json", ".claude/settings.json", "opencode.json", ".vscode/settings.json", ".gemini/settings.json", ".claude.json", ".zed/settings.json"}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzFile(t, paths[len(s)%len(paths)], []byte(s))
	})
}

func FuzzTOMLConfig(f *testing.F) {
	for _, s := range []string{
		"approval_policy = \"never\"\nsandbox_mode = \"danger-full-access\"\n[mcp_servers.a]\ncommand = \"npx\"\nargs = [\"-y\", \"a\"]\nenv = { A_TOKEN = \"abcDEF123456ghiJKL\" }\n",
		"[profiles.x]\napproval_policy = \"on-failure\"\n[[a.b]]\nc = 1\n[[a.b]]\nd = [1, [2, {e = 3}]]\n",
		"[mcp_servers.b]\nurl = \"https://x\"\nbearer_token_env_var = \"B\"\nenv_http_headers = { \"X-K\" = \"K\" }\n",
		"a.b.c = 1\n[a]\nd = 2", "x = [[[[[[",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { fuzzFile(t, ".codex/config.toml", []byte(s)) })
}

func FuzzYAMLConfig(f *testing.F) {
	for _, s := range []string{
		"mcpServers:\n  - name: a\n    command: uvx\n    args: [x]\n    env: {A_KEY: abcDEF123456ghiJKL}\n",
		"openai-api-key: abcDEF123456ghiJKL\napi-key:\n  - gemini=abcDEF123456ghiJKL\nset-env:\n  - X_TOKEN=abcDEF123456ghiJKL\nyes-always: true\n", // gitleaks:allow (placeholder or fuzz seed, not a credential)
		"a: &a [1, 2]\nb: [*a, *a]\n", "- - - -", "{",
	} {
		f.Add(s)
	}
	paths := []string{".continue/config.yaml", ".aider.conf.yml"}
	f.Fuzz(func(t *testing.T, s string) { fuzzFile(t, paths[len(s)%2], []byte(s)) })
}

// FuzzHomeStores feeds the home store parsers (INI, netrc, history, SSH,
// gh hosts, docker).
func FuzzHomeStores(f *testing.F) {
	for _, s := range []string{
		"[default]\naws_secret_access_key = abcDEF123456ghiJKL\naws_session_token=x\n", // gitleaks:allow (placeholder or fuzz seed, not a credential)
		"machine github.com login x password abcDEF123456ghiJKL\n",
		": 1700000000:0;export GITHUB_TOKEN=abcDEF123456ghiJKL; curl -H 'Authorization: Bearer abcDEF123456ghiJKL' --api-key=abcDEF123456ghiJKL\n", // gitleaks:allow (placeholder or fuzz seed, not a credential)
		"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----\n",
		"github.com:\n  user: x\n", `{"auths": {"r": {"auth": "dXNlcjpwYXNz"}}, "credsStore": "osxkeychain"}`,
	} {
		f.Add(s)
	}
	paths := []string{".aws/credentials", ".netrc", ".bash_history", ".ssh/id_rsa", ".config/gh/hosts.yml", ".docker/config.json", ".git-credentials", ".npmrc"}
	f.Fuzz(func(t *testing.T, s string) {
		a := NewAnalyzer(testEngine)
		loc := inventory.Location{Root: inventory.HomeRoot, Path: paths[len(s)%len(paths)]}
		err := a.analyzeStore(loc, []byte(s))
		checkNoEcho(t, []byte(s), err)
		b := inventory.NewBuilder()
		if err := a.Finish(context.Background(), inventory.Source{Path: inventory.HomeRoot}, b); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzCodeowners: any CODEOWNERS text and path parse and match without a
// panic, and a path is owned only by a rule that lists owners.
func FuzzCodeowners(f *testing.F) {
	f.Add([]byte("* @acme/all\n/.claude/ @acme/security\ndocs/*  @docs\n!x\n**/logs @ops # trailing\n"), ".claude/settings.json")
	f.Add([]byte("/a/**/b/ @x\n/.mcp.json\n"), "a/q/r/b/c")
	f.Add([]byte("\\#x @y\n[a-z]*.json @z\n"), "#x")
	f.Fuzz(func(t *testing.T, data []byte, p string) {
		rules := parseCodeowners(data)
		if owned(rules, p) && !slices.ContainsFunc(rules, func(r ownerRule) bool { return r.owners }) {
			t.Fatalf("%q owned with no rule that lists owners: %+v", p, rules)
		}
		for _, r := range rules {
			_ = codeownersMatch(r.pattern, p)
		}
	})
}
