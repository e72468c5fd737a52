package agentconfig

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/scanners/secrets"
)

// testEngine judges values for the analyzers under test, as the detection
// engine does in a scan.
var testEngine = secrets.NewEngine(nil)

// idOf is the embedded-credential id of a value.
func idOf(v string) string { return testEngine.CredentialID([]byte(v)) }

// scan runs the analyzer over in-memory files of one root.
func scan(t *testing.T, files map[string]string) *inventory.Inventory {
	t.Helper()
	a := NewAnalyzer(testEngine)
	for p, c := range files {
		if err := a.Analyze(context.Background(), inventory.Location{Root: ".", Path: p, Git: inventory.GitTracked}, []byte(c), nil); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	b := inventory.NewBuilder()
	if err := a.Finish(context.Background(), inventory.Source{Path: "."}, b); err != nil {
		t.Fatal(err)
	}
	inv, _ := b.Build()
	return inv
}

func agentNamed(t *testing.T, inv *inventory.Inventory, id string) *inventory.Agent {
	t.Helper()
	a := inv.Agent(id)
	if a == nil {
		var ids []string
		for _, x := range inv.Agents {
			ids = append(ids, x.ID)
		}
		t.Fatalf("no agent %s; have %v", id, ids)
	}
	return a
}

func embeddedIDs(inv *inventory.Inventory) []string {
	var out []string
	for _, c := range inv.Credentials {
		if c.Kind == inventory.KindEmbeddedKey {
			out = append(out, c.ID)
		}
	}
	return out
}

func TestMCPServerCredentials(t *testing.T) {
	t.Parallel()
	r := faketoken.Rand(5)
	pat := faketoken.GitHub(r, "ghp")
	opaque := faketoken.Base62(r, 32)
	tests := []struct {
		name      string
		path      string
		content   string
		literals  []string // values that must become embedded credentials (by id)
		refs      []string // reference credential ids
		via       inventory.ReachVia
		wantLine  int // line of the first literal
		noSecrets bool
	}{
		{name: "literal PAT in env", path: ".mcp.json",
			content:  "{\n \"mcpServers\": {\n  \"github\": {\n   \"command\": \"npx\",\n   \"env\": {\"GITHUB_PERSONAL_ACCESS_TOKEN\": \"" + pat + "\"}\n  }\n }\n}",
			literals: []string{pat}, via: inventory.ViaMCPEnv, wantLine: 5},
		{name: "bearer header keeps only the token", path: ".cursor/mcp.json",
			content:  `{"mcpServers": {"api": {"url": "https://mcp.example.com/mcp", "headers": {"Authorization": "Bearer ` + opaque + `"}}}}`,
			literals: []string{opaque}, via: inventory.ViaMCPHeader, wantLine: 1},
		{name: "token flag in args", path: ".vscode/mcp.json",
			content:  `{"servers": {"x": {"type": "stdio", "command": "my-server", "args": ["--api-key", "` + opaque + `"]}}}`,
			literals: []string{opaque}, via: inventory.ViaMCPArgs, wantLine: 1},
		{name: "docker -e NAME=value", path: ".mcp.json",
			content:  `{"mcpServers": {"gh": {"command": "docker", "args": ["run", "-i", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN=` + pat + `", "ghcr.io/github/github-mcp-server:v0.30.3"]}}}`,
			literals: []string{pat}, via: inventory.ViaMCPEnv, wantLine: 1},
		{name: "URL query token", path: ".gemini/settings.json",
			content:  `{"mcpServers": {"search": {"httpUrl": "https://search.example.com/mcp?api_key=` + opaque + `"}}}`,
			literals: []string{opaque}, via: inventory.ViaMCPURL, wantLine: 1},
		{name: "URL userinfo password", path: ".mcp.json",
			content:  `{"mcpServers": {"pg": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-postgres@0.6.2", "postgresql://app:` + opaque + `@db.internal:5432/prod"]}}}`,
			literals: []string{opaque}, via: inventory.ViaMCPArgs, wantLine: 1},
		{name: "codex inline bearer_token", path: ".codex/config.toml",
			content:  "model = \"o4\"\n\n[mcp_servers.linear]\nurl = \"https://mcp.linear.app/mcp\"\nbearer_token = \"" + opaque + "\"\n",
			literals: []string{opaque}, via: inventory.ViaMCPHeader, wantLine: 5},
		{name: "continue yaml env", path: ".continue/config.yaml",
			content:  "name: x\nmcpServers:\n  - name: brave\n    command: npx\n    args: [\"-y\", \"@brave/brave-search-mcp-server@1.2.0\"]\n    env:\n      BRAVE_API_KEY: " + opaque + "\n",
			literals: []string{opaque}, via: inventory.ViaMCPEnv, wantLine: 7},
		{name: "opencode environment", path: "opencode.jsonc",
			content:  "{\n  // local server\n  \"mcp\": {\"x\": {\"type\": \"local\", \"command\": [\"npx\", \"-y\", \"x-mcp\"], \"environment\": {\"X_TOKEN\": \"" + opaque + "\"},},},\n}",
			literals: []string{opaque}, via: inventory.ViaMCPEnv, wantLine: 3},
		// Safe look-alikes: indirections, inputs, placeholders.
		{name: "claude ${VAR}", path: ".mcp.json",
			content: `{"mcpServers": {"github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"], "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN}"}}}}`,
			refs:    []string{"env:GITHUB_TOKEN"}, noSecrets: true},
		{name: "vscode ${env:X} and ${input:x}", path: ".vscode/mcp.json",
			content: `{"inputs": [{"type": "promptString", "id": "pat", "password": true}], "servers": {"a": {"type": "http", "url": "https://api.githubcopilot.com/mcp/", "headers": {"Authorization": "Bearer ${input:pat}"}}, "b": {"command": "b", "env": {"B_TOKEN": "${env:B_TOKEN}"}}}}`,
			refs:    []string{"input:pat", "env:B_TOKEN"}, noSecrets: true},
		{name: "opencode {env:X}, 1Password and vault", path: "opencode.json",
			content: `{"mcp": {"a": {"type": "remote", "url": "https://a.example.com", "headers": {"Authorization": "Bearer {env:A_TOKEN}"}}, "b": {"type": "local", "command": ["b"], "environment": {"B_KEY": "op://dev/b/credential", "C_SECRET": "vault:secret/data/c"}}}}`,
			refs:    []string{"env:A_TOKEN", "op://dev/b/credential", "vault:secret/data/c"}, noSecrets: true},
		{name: "codex env var names", path: ".codex/config.toml",
			content: "[mcp_servers.gh]\nurl = \"https://api.githubcopilot.com/mcp/\"\nbearer_token_env_var = \"GITHUB_PAT\"\n[mcp_servers.x]\ncommand = \"x\"\nenv_vars = [\"X_API_KEY\", \"HOME\"]\n",
			refs:    []string{"env:GITHUB_PAT", "env:X_API_KEY"}, noSecrets: true},
		{name: "placeholders", path: ".mcp.json",
			content:   `{"mcpServers": {"a": {"command": "a", "env": {"A_TOKEN": "<YOUR_TOKEN>", "B_API_KEY": "your-api-key-here", "C_SECRET": "xxxxxxxxxxxx", "D_TOKEN": "", "E_PASSWORD": "changeme123"}}}}`,
			noSecrets: true},
		{name: "non-secret keys and localhost URLs", path: ".mcp.json",
			content:   `{"mcpServers": {"a": {"command": "a", "env": {"GITHUB_TOOLSETS": "repos,issues", "MAX_TOKENS": "4096", "TOKEN_FILE": "/run/secrets/tok", "DATABASE_URL": "postgres://postgres:postgres@localhost:5432/dev"}}}}`,
			noSecrets: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inv := scan(t, map[string]string{tt.path: tt.content})
			got := embeddedIDs(inv)
			if tt.noSecrets && len(got) != 0 {
				t.Fatalf("safe look-alike produced embedded credentials %v", got)
			}
			for i, v := range tt.literals {
				id := idOf(v)
				c := inv.Credential(id)
				if c == nil {
					t.Fatalf("no credential %s (have %v)", id, got)
				}
				if i == 0 && c.Locations[0].Line != tt.wantLine {
					t.Errorf("line = %d, want %d", c.Locations[0].Line, tt.wantLine)
				}
				if c.Locations[0].Pointer == "" {
					t.Error("no JSON pointer")
				}
				edges := inv.AgentsReaching(id)
				if len(edges) == 0 || edges[0].Via != tt.via {
					t.Errorf("reach edges = %+v, want via %s", edges, tt.via)
				}
				if strings.Contains(c.Redacted, v[4:len(v)-4]) {
					t.Errorf("preview %q reveals the value", c.Redacted)
				}
			}
			for _, id := range tt.refs {
				c := inv.Credential(id)
				if c == nil {
					t.Fatalf("no reference credential %s", id)
				}
				if c.Kind == inventory.KindEmbeddedKey || c.ValueHMAC != "" || c.Storage == "" {
					t.Errorf("reference %s = %+v", id, c)
				}
				if len(inv.AgentsReaching(id)) == 0 {
					t.Errorf("no agent reaches %s", id)
				}
			}
		})
	}
}

func TestVSCodeInputs(t *testing.T) {
	t.Parallel()
	inv := scan(t, map[string]string{".vscode/mcp.json": `{
  "inputs": [
    {"type": "promptString", "id": "masked", "password": true},
    {"type": "promptString", "id": "plain"},
  ],
  "servers": {"a": {"type": "http", "url": "https://a.example.com/mcp", "headers": {"X-Key": "${input:masked}", "X-Other": "${input:plain}"}}},
}`})
	if c := inv.Credential("input:masked"); c == nil || !strings.Contains(c.Storage, "password: true") {
		t.Errorf("masked input = %+v", c)
	}
	if c := inv.Credential("input:plain"); c == nil || !c.UnmaskedInput {
		t.Errorf("plain input = %+v", c)
	}
}

func TestMCPServerFacts(t *testing.T) {
	t.Parallel()
	type facts = inventory.MCPServerFacts
	pinned := func(m facts) bool { return m.Package != "" && !m.Unpinned }
	tests := []struct {
		name  string
		path  string
		entry string // JSON server entry named "s"
		want  func(m facts) bool
	}{
		{"npx unpinned", ".mcp.json", `{"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"]}`,
			func(m facts) bool {
				return m.Unpinned && m.Launcher == "npm" && m.Package == "@modelcontextprotocol/server-github" && !m.ReadOnly
			}},
		{"npx pinned scoped", ".mcp.json", `{"command": "npx", "args": ["-y", "@upstash/context7-mcp@1.0.14"]}`, pinned},
		{"a local server is named by its program, not its folders", ".vscode/mcp.json",
			`{"command": "node", "args": ["D:\\\\repos\\\\mcp-github-tools\\\\build\\\\index.js"]}`,
			func(m facts) bool { return m.Command == "node" && m.Reach != inventory.ReachSourceControl }},
		{"dnx unpinned", ".mcp.json", `{"command": "dnx", "args": ["Some.Mcp.Server", "--yes"]}`,
			func(m facts) bool { return m.Unpinned && m.Launcher == "nuget" && m.Package == "Some.Mcp.Server" }},
		{"dnx pinned by @", ".mcp.json", `{"command": "dnx", "args": ["Some.Mcp.Server@1.2.0", "--yes"]}`, pinned},
		{"dnx pinned by --version", ".mcp.json", `{"command": "dnx", "args": ["--version", "1.2.0", "Some.Mcp.Server"]}`, pinned},
		{"npx range is not a pin", ".mcp.json", `{"command": "npx", "args": ["-y", "some-mcp@^1.2.0"]}`,
			func(m facts) bool { return m.Unpinned }},
		{"npx latest is not a pin", ".mcp.json", `{"command": "npx", "args": ["--yes", "some-mcp@latest"]}`,
			func(m facts) bool { return m.Unpinned }},
		{"uvx unpinned", ".mcp.json", `{"command": "uvx", "args": ["mcp-server-git", "--repository", "."]}`,
			func(m facts) bool { return m.Unpinned && m.Launcher == "pypi" && m.Package == "mcp-server-git" }},
		{"uvx pinned with --from", ".mcp.json", `{"command": "uvx", "args": ["--from", "mcp-server-git==0.6.2", "mcp-server-git"]}`, pinned},
		{"docker latest", ".mcp.json", `{"command": "docker", "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server:latest"]}`,
			func(m facts) bool { return m.Unpinned && m.Launcher == "container" }},
		{"docker digest", ".mcp.json", `{"command": "docker", "args": ["run", "-i", "--rm", "ghcr.io/github/github-mcp-server@sha256:` + strings.Repeat("a", 64) + `"]}`, pinned},
		{"docker mounts the socket and ~/.ssh", ".mcp.json", `{"command": "docker", "args": ["run", "-v", "/var/run/docker.sock:/var/run/docker.sock", "--mount", "type=bind,source=/home/dev/.ssh,target=/root/.ssh", "img:1.0"]}`,
			func(m facts) bool {
				return slices.Equal(m.BroadPaths, []string{"/var/run/docker.sock", "/home/dev/.ssh"})
			}},
		{"github read-only flag", ".mcp.json", `{"command": "github-mcp-server", "args": ["stdio", "--read-only"]}`,
			func(m facts) bool { return m.ReadOnly && m.Reach == inventory.ReachSourceControl }},
		{"github read-only env and toolsets", ".mcp.json", `{"command": "docker", "args": ["run", "ghcr.io/github/github-mcp-server:v0.30.3"], "env": {"GITHUB_READ_ONLY": "1", "GITHUB_TOOLSETS": "repos,issues"}}`,
			func(m facts) bool { return m.ReadOnly && slices.Equal(m.Toolsets, []string{"repos", "issues"}) }},
		{"github toolsets all does not narrow", ".mcp.json", `{"command": "github-mcp-server", "args": ["stdio", "--toolsets=all"]}`,
			func(m facts) bool { return m.Toolsets == nil && !m.ReadOnly }},
		{"remote github readonly endpoint", ".vscode/mcp.json", `{"type": "http", "url": "https://api.githubcopilot.com/mcp/readonly"}`,
			func(m facts) bool { return m.ReadOnly && m.Transport == "http" && !m.PlainHTTP }},
		{"plain http remote", ".cursor/mcp.json", `{"url": "http://mcp.example.com/sse"}`,
			func(m facts) bool { return m.PlainHTTP && m.URL == "http://mcp.example.com/sse" }},
		{"localhost http is fine", ".cursor/mcp.json", `{"url": "http://127.0.0.1:3845/mcp"}`,
			func(m facts) bool { return !m.PlainHTTP }},
		{"filesystem on the whole disk", ".mcp.json", `{"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "/", "./docs"]}`,
			func(m facts) bool {
				return slices.Equal(m.BroadPaths, []string{"/"}) && slices.Equal(m.Roots, []string{"/", "./docs"}) && m.Reach == inventory.ReachFilesystem
			}},
		{"filesystem on the project", ".mcp.json", `{"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "${workspaceFolder}", "."]}`,
			func(m facts) bool { return m.BroadPaths == nil }},
		{"filesystem on $HOME", ".gemini/settings.json", `{"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "$HOME"]}`,
			func(m facts) bool { return slices.Equal(m.BroadPaths, []string{"$HOME"}) }},
		{"disabled", ".mcp.json", `{"command": "npx", "args": ["x"], "disabled": true}`,
			func(m facts) bool { return m.Disabled }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			key := "mcpServers"
			if strings.HasPrefix(tt.path, ".vscode") {
				key = "servers"
			}
			inv := scan(t, map[string]string{tt.path: `{"` + key + `": {"s": ` + tt.entry + `}}`})
			a := agentNamed(t, inv, serverAgentID(inventory.Location{Path: tt.path}, "s"))
			if a.MCP == nil || !tt.want(*a.MCP) {
				t.Errorf("MCP facts = %+v", a.MCP)
			}
		})
	}
}

func TestProfiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		path     string
		content  string
		bypass   bool
		line     int
		facts    func(p inventory.ProfileFacts) bool
		approval string
	}{
		{"claude bypassPermissions", ".claude/settings.json", "{\n  \"permissions\": {\n    \"defaultMode\": \"bypassPermissions\"\n  }\n}", true, 3, nil, "bypassPermissions"},
		{"claude Bash(*)", ".claude/settings.json", "{\"permissions\": {\n\"allow\": [\"Read\",\n \"Bash(*)\"]}}", true, 3, nil, ""},
		{"claude shared list with an interpreter", ".claude/settings.json", "{\"permissions\": {\"allow\": [\n\"Bash(git diff:*)\",\n\"Bash(node:*)\",\n\"Bash(pnpm exec:*)\"]}}", true, 3,
			func(p inventory.ProfileFacts) bool { return true }, ""},
		{"claude curl and gh api", ".claude/settings.json", "{\"permissions\": {\"allow\": [\"Read\",\n\"Bash(curl:*)\", \"Bash(gh api:*)\"]}}", true, 2, nil, ""},
		{"claude scoped interpreter and fetch", ".claude/settings.json", `{"permissions": {"allow": ["Bash(node scripts/build.js:*)", "Bash(pnpx vitest:*)", "Bash(curl https://example.invalid/health)", "Bash(gh pr view:*)"]}}`, false, 0, nil, ""},
		{"gemini shell for an interpreter", ".gemini/settings.json", `{"tools": {"allowed": ["run_shell_command(python3)"]}}`, true, 1, nil, ""},
		{"claude specific commands", ".claude/settings.json", `{"permissions": {"allow": ["Bash(npm run test:*)", "Bash(git diff:*)"], "deny": ["Edit(.claude/**)"]}}`, false, 0,
			func(p inventory.ProfileFacts) bool { return p.GuardDeny }, ""},
		{"claude auto-trust and home dirs", ".claude/settings.json", "{\"enableAllProjectMcpServers\": true,\n \"permissions\": {\"additionalDirectories\": [\"../lib\", \"~\"]}}", false, 0,
			func(p inventory.ProfileFacts) bool {
				return p.AutoTrustAll && slices.Equal(p.BroadPaths, []string{"~"}) && p.BroadLine == 2
			}, ""},
		{"vscode global auto-approve", ".vscode/settings.json", "{\n  // yolo\n  \"chat.tools.global.autoApprove\": true,\n}", true, 3, nil, ""},
		{"vscode catch-all terminal rule", ".vscode/settings.json", `{"chat.tools.terminal.autoApprove": {"/.*/": true, "rm": false}}`, true, 1, nil, ""},
		{"vscode specific terminal rules", ".vscode/settings.json", `{"chat.tools.terminal.autoApprove": {"npm test": true, "/^git (status|diff)\\b/": true}}`, false, 0, nil, ""},
		{"codex never + danger-full-access", ".codex/config.toml", "model = \"o3\"\napproval_policy = \"never\"\nsandbox_mode = \"danger-full-access\"\n", true, 2, nil, "never"},
		{"codex never in a sandbox", ".codex/config.toml", "approval_policy = \"never\"\nsandbox_mode = \"workspace-write\"\n", false, 0, nil, "never"},
		{"codex read-only", ".codex/config.toml", "sandbox_mode = \"read-only\"\n", false, 0, func(p inventory.ProfileFacts) bool { return p.ReadOnly }, ""},
		{"gemini run_shell_command", ".gemini/settings.json", `{"tools": {"allowed": ["run_shell_command(git status)", "run_shell_command"]}}`, true, 1, nil, ""},
		{"gemini narrow shell", ".gemini/settings.json", `{"tools": {"allowed": ["run_shell_command(git status)"]}}`, false, 0, nil, ""},
		{"opencode allow everything", "opencode.json", `{"permission": "allow"}`, true, 1, nil, ""},
		{"opencode bash ask", "opencode.json", `{"permission": {"bash": {"*": "ask", "git status": "allow"}, "edit": "allow"}}`, false, 0, nil, ""},
		{"aider yes-always", ".aider.conf.yml", "model: sonnet\nyes-always: true\n", true, 2, nil, ""},
		{"zed always allow", ".zed/settings.json", `{"agent": {"always_allow_tool_actions": true}}`, true, 1, nil, ""},
		{"amazon q all tools", ".amazonq/cli-agents/dev.json", `{"allowedTools": ["fs_read", "*"]}`, true, 1, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inv := scan(t, map[string]string{tt.path: tt.content})
			a := agentNamed(t, inv, "agent-profile:"+tt.path)
			if got := len(a.Guardrails.Bypass) > 0; got != tt.bypass {
				t.Fatalf("bypass = %v (%v), want %v", got, a.Guardrails.Bypass, tt.bypass)
			}
			if a.Profile == nil {
				t.Fatal("no profile facts")
			}
			if tt.bypass && a.Profile.BypassLine != tt.line {
				t.Errorf("bypass line = %d, want %d", a.Profile.BypassLine, tt.line)
			}
			if tt.facts != nil && !tt.facts(*a.Profile) {
				t.Errorf("profile facts = %+v", a.Profile)
			}
			if tt.approval != "" && a.Guardrails.ApprovalMode != tt.approval {
				t.Errorf("approval mode = %q", a.Guardrails.ApprovalMode)
			}
		})
	}
}

func TestProjectLinksAndCodeowners(t *testing.T) {
	t.Parallel()
	a := NewAnalyzer(testEngine)
	files := map[string]string{
		".claude/settings.json":     `{"enabledMcpjsonServers": ["github"]}`,
		".mcp.json":                 `{"mcpServers": {"github": {"command": "github-mcp-server"}, "other": {"command": "x"}}}`,
		"sub/.claude/settings.json": `{}`,
		".github/CODEOWNERS":        "# owners\n/.claude/ @acme/security\nsub/ \n",
	}
	for p, c := range files {
		if err := a.Analyze(context.Background(), inventory.Location{Root: "r", Path: p, Git: inventory.GitTracked}, []byte(c), nil); err != nil {
			t.Fatal(err)
		}
	}
	b := inventory.NewBuilder()
	if err := a.Finish(context.Background(), inventory.Source{Path: "r"}, b); err != nil {
		t.Fatal(err)
	}
	inv, _ := b.Build()
	p := agentNamed(t, inv, "agent-profile:.claude/settings.json")
	if p.Profile.ProjectMCP != ".mcp.json" || p.Profile.ProjectMCPGit != inventory.GitTracked || p.Profile.Codeowners != "covered" {
		t.Errorf("profile facts = %+v", p.Profile)
	}
	if s := agentNamed(t, inv, serverAgentID(inventory.Location{Path: ".mcp.json"}, "github")); s.MCP.AutoTrustedBy != ".claude/settings.json" {
		t.Errorf("github server not marked auto-trusted: %+v", s.MCP)
	}
	if s := agentNamed(t, inv, serverAgentID(inventory.Location{Path: ".mcp.json"}, "other")); s.MCP.AutoTrustedBy != "" {
		t.Errorf("other server marked auto-trusted: %+v", s.MCP)
	}
	if sub := agentNamed(t, inv, "agent-profile:sub/.claude/settings.json"); sub.Profile.Codeowners != "not-covered" {
		t.Errorf("sub profile codeowners = %q (a rule without owners unassigns)", sub.Profile.Codeowners)
	}
}

func TestCodeownersMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"*", ".claude/settings.json", true},
		{"/.claude/", ".claude/settings.json", true},
		{".claude/", "pkg/.claude/settings.json", true},
		{"/.claude/", "pkg/.claude/settings.json", false},
		{".mcp.json", "a/b/.mcp.json", true},
		{"/docs/*", ".claude/settings.json", false},
		{"**/settings.json", ".vscode/settings.json", true},
	}
	for _, tt := range tests {
		if got := codeownersMatch(tt.pattern, tt.path); got != tt.want {
			t.Errorf("codeownersMatch(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}
