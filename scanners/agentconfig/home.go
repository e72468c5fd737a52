package agentconfig

import (
	"bytes"
	"encoding/base64"
	"io/fs"
	"regexp"
	"sort"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// The developer workstation. Coding agents mostly run on laptops, as the
// developer, and read whatever the developer can. ScanHome inventories that
// from an explicit allow-list of agent and credential locations; it never
// walks the whole home and never follows into browser profiles, keychains
// or caches.

// WorkstationAgentID is the agent that stands for everything running as the
// developer: it reaches every credential found under the home.
const WorkstationAgentID = "workstation:~"

// store describes one credential store of a home.
type store struct {
	name     string
	reach    inventory.ReachClass
	platform string
	lifetime inventory.LifetimeClass
	syntax   string // yaml, json, toml, ini, netrc, git-credentials, ssh, history, raw
}

// homeStores are the allow-listed credential stores, by path relative to
// the home. Directories listed in homeGlobs are read one level deep.
var homeStores = map[string]store{
	".config/gh/hosts.yml":                                {"gh-cli", inventory.ReachSourceControl, inventory.PlatformGitHub, inventory.LifetimeStatic, "gh"},
	".config/github-copilot/apps.json":                    {"github-copilot", inventory.ReachSourceControl, inventory.PlatformGitHub, inventory.LifetimeStatic, "json"},
	".config/github-copilot/hosts.json":                   {"github-copilot", inventory.ReachSourceControl, inventory.PlatformGitHub, inventory.LifetimeStatic, "json"},
	".config/glab-cli/config.yml":                         {"glab-cli", inventory.ReachSourceControl, inventory.PlatformGitLab, inventory.LifetimeStatic, "yaml"},
	".aws/credentials":                                    {"aws-cli", inventory.ReachCloud, "aws", inventory.LifetimeStatic, "ini"},
	".config/gcloud/application_default_credentials.json": {"gcloud", inventory.ReachCloud, "gcp", inventory.LifetimeRefresh, "json"},
	".azure/msal_token_cache.json":                        {"azure-cli", inventory.ReachCloud, "azure", inventory.LifetimeRefresh, "json"},
	".kube/config":                                        {"kubeconfig", inventory.ReachInfrastructure, "kubernetes", inventory.LifetimeStatic, "yaml"},
	".docker/config.json":                                 {"docker", inventory.ReachPackageRegistry, "docker", inventory.LifetimeStatic, "docker"},
	".npmrc":                                              {"npm", inventory.ReachPackageRegistry, "npm", inventory.LifetimeStatic, "ini"},
	".pypirc":                                             {"pypi", inventory.ReachPackageRegistry, "pypi", inventory.LifetimeStatic, "ini"},
	".gem/credentials":                                    {"rubygems", inventory.ReachPackageRegistry, "rubygems", inventory.LifetimeStatic, "yaml"},
	".cargo/credentials.toml":                             {"cargo", inventory.ReachPackageRegistry, "crates", inventory.LifetimeStatic, "toml"},
	".terraform.d/credentials.tfrc.json":                  {"terraform", inventory.ReachInfrastructure, "terraform", inventory.LifetimeStatic, "json"},
	".vault-token":                                        {"vault", inventory.ReachInfrastructure, "vault", inventory.LifetimeUnknown, "raw"},
	".netrc":                                              {"netrc", inventory.ReachGeneric, "", inventory.LifetimeStatic, "netrc"},
	".git-credentials":                                    {"git-credentials", inventory.ReachSourceControl, "", inventory.LifetimeStatic, "git-credentials"},
	".config/git/credentials":                             {"git-credentials", inventory.ReachSourceControl, "", inventory.LifetimeStatic, "git-credentials"},
	".codex/auth.json":                                    {"codex-cli", inventory.ReachLLMAPI, "openai", inventory.LifetimeUnknown, "json"},
	".bash_history":                                       {"shell-history", "", "", inventory.LifetimeUnknown, "history"},
	".zsh_history":                                        {"shell-history", "", "", inventory.LifetimeUnknown, "history"},
	".zhistory":                                           {"shell-history", "", "", inventory.LifetimeUnknown, "history"},
	".history":                                            {"shell-history", "", "", inventory.LifetimeUnknown, "history"},
	".sh_history":                                         {"shell-history", "", "", inventory.LifetimeUnknown, "history"},
	".local/share/fish/fish_history":                      {"shell-history", "", "", inventory.LifetimeUnknown, "history"},
	".psql_history":                                       {"shell-history", "", "", inventory.LifetimeUnknown, "history"},
	".mysql_history":                                      {"shell-history", "", "", inventory.LifetimeUnknown, "history"},
	".python_history":                                     {"shell-history", "", "", inventory.LifetimeUnknown, "history"},
	".node_repl_history":                                  {"shell-history", "", "", inventory.LifetimeUnknown, "history"},
}

// homeAgentConfigs are user-level agent configurations (each client's
// documented user location; macOS and Linux variants).
var homeAgentConfigs = []string{
	".claude.json", ".claude/settings.json", ".claude/settings.local.json", ".cursor/mcp.json", ".cursor/cli-config.json",
	".codex/config.toml", ".gemini/settings.json", ".codeium/windsurf/mcp_config.json", ".aws/amazonq/mcp.json",
	".continue/config.yaml", ".continue/config.json", ".config/opencode/opencode.json", ".config/opencode/opencode.jsonc",
	".aider.conf.yml", ".copilot/mcp-config.json", ".config/zed/settings.json",
	".config/Claude/claude_desktop_config.json", "Library/Application Support/Claude/claude_desktop_config.json",
	".config/Code/User/settings.json", ".config/Code/User/mcp.json",
	"Library/Application Support/Code/User/settings.json", "Library/Application Support/Code/User/mcp.json",
	".config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
	"Library/Application Support/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
}

// homeGlobs are directories whose direct files are read: SSH keys, and
// agent directories that hold one file per agent or server.
var homeGlobs = []string{".ssh", ".aws/amazonq/cli-agents", ".continue/mcpServers"}

// HomePaths is the allow-list of a home scan (local.ScanHome): the user-level
// agent configurations and credential stores, and the direct files of the
// directories in homeGlobs, relative to the home. Nothing else of the home
// is ever read.
func HomePaths(home fs.FS) []string {
	var paths []string
	for p := range homeStores {
		paths = append(paths, p)
	}
	paths = append(paths, homeAgentConfigs...)
	for _, d := range homeGlobs {
		entries, err := fs.ReadDir(home, d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !e.IsDir() {
				paths = append(paths, d+"/"+e.Name())
			}
		}
	}
	sort.Strings(paths)
	return paths
}

// isHomeStore reports a credential store of the home allow-list.
func isHomeStore(p string) bool {
	_, ok := homeStores[p]
	return ok || strings.HasPrefix(p, ".ssh/")
}

// finishHome adds the workstation agent and, through the link stage, its
// reach to every credential found under the home, whatever scanner found it.
func finishHome(out *inventory.Builder) {
	out.AddAgent(inventory.Agent{
		ID: WorkstationAgentID, Kind: inventory.AgentWorkstation, Name: "developer workstation (home directory)", Platform: inventory.PlatformLocal,
		Product: "workstation", StartableBy: inventory.AudienceLocalUser, Location: inventory.Location{Source: inventory.HomeSourceID, Root: inventory.HomeRoot, Path: "."},
	})
	out.AddSourceReach(inventory.SourceReach{Agent: WorkstationAgentID, Source: inventory.HomeSourceID, Via: inventory.ViaFileRead})
}

// analyzeStore parses one credential store of a home.
func (a *Analyzer) analyzeStore(loc inventory.Location, data []byte) error {
	st, ok := homeStores[loc.Path]
	if !ok && strings.HasPrefix(loc.Path, ".ssh/") {
		st, ok = store{"ssh", inventory.ReachInfrastructure, "", inventory.LifetimeStatic, "ssh"}, true
	}
	if !ok {
		return nil
	}
	f := newFileCtx(a.values, loc, "")
	var err error
	switch st.syntax {
	case "json", "yaml", "toml", "gh", "docker":
		var root *node
		switch st.syntax {
		case "json", "docker":
			root, err = parseJSON(data)
		case "toml":
			root, err = parseTOML(data)
		default:
			root, err = parseYAML(data)
		}
		if err != nil {
			return err
		}
		switch st.syntax {
		case "gh":
			ghHosts(f, root)
		case "docker":
			dockerConfig(f, root)
		}
		f.walkSecrets(root, "", "", 0)
	case "ini":
		root := parseINI(data)
		if loc.Path == ".aws/credentials" {
			for _, sec := range root.members {
				if id := sec.val.get("aws_access_key_id"); id != nil {
					f.handled[id] = true // the key id names the key; the secret is the credential
				}
			}
		}
		f.walkSecrets(root, "", "", 0)
		if loc.Path == ".aws/credentials" {
			for i := range f.creds {
				if strings.Contains(f.creds[i].Locations[0].Pointer, "aws_session_token") {
					f.creds[i].Lifetime = inventory.LifetimeShortLived
				}
			}
		}
	case "netrc":
		netrc(f, data)
	case "git-credentials":
		for i, line := range strings.Split(string(data), "\n") {
			n := &node{kind: kString, str: strings.TrimSpace(line), line: i + 1, col: 1}
			f.value("", inventory.ViaFileRead, n.str, n, "", credHint{key: "git-credentials"}, false)
		}
	case "ssh":
		sshKey(f, data)
	case "history":
		history(f, data)
	case "raw":
		if v := strings.TrimSpace(string(data)); v != "" && !strings.ContainsAny(v, " \n") {
			f.literal("", inventory.ViaFileRead, v, &node{kind: kString, str: v, line: 1, col: 1}, "", credHint{key: st.name})
		}
	}
	for i := range f.creds {
		c := &f.creds[i]
		c.Store = st.name
		if st.reach != "" && c.Reach == "" || (st.reach != "" && c.Reach == inventory.ReachGeneric) {
			c.Reach = st.reach
		}
		if c.Platform == "" {
			c.Platform = st.platform
		}
		if c.Lifetime == "" || c.Lifetime == inventory.LifetimeUnknown {
			c.Lifetime = st.lifetime
		}
	}
	a.mu.Lock()
	a.state(loc.Source).files = append(a.state(loc.Source).files, f)
	a.mu.Unlock()
	return nil
}

// ghHosts reads the gh CLI's hosts.yml: a token written there, or a login
// whose token is in the keyring (any agent can print it with `gh auth
// token`).
func ghHosts(f *fileCtx, root *node) {
	for _, h := range root.membersOrNil() {
		if tok := h.val.get("oauth_token"); tok != nil {
			continue // the generic walk records it
		}
		if h.val.get("user").text() != "" || len(h.val.get("users").membersOrNil()) > 0 {
			f.reference("", inventory.ViaFileRead, ref{kind: refKeychain, name: "gh:" + h.key}, h.val, pointerJoin("", h.key),
				credHint{key: "GH_TOKEN"})
			f.creds[len(f.creds)-1].Kind = inventory.KindOAuthAppToken
			f.creds[len(f.creds)-1].Name = "gh CLI token for " + h.key + " (in the OS keyring; `gh auth token` prints it)"
		}
	}
}

// dockerConfig reads ~/.docker/config.json: auths.REGISTRY.auth is
// base64(user:password); credsStore and credHelpers keep them elsewhere.
func dockerConfig(f *fileCtx, root *node) {
	for _, r := range root.get("auths").membersOrNil() {
		if auth := r.val.get("auth"); auth != nil && auth.text() != "" {
			f.handled[auth] = true
			f.literal("", inventory.ViaFileRead, auth.text(), auth, pointerJoin(pointerJoin("/auths", r.key), "auth"), credHint{key: "docker auth " + r.key})
			f.creds[len(f.creds)-1].Kind = inventory.KindEmbeddedKey
			f.creds[len(f.creds)-1].Name = "registry password for " + r.key
			f.creds[len(f.creds)-1].Type = "docker-registry-auth"
			f.creds[len(f.creds)-1].Redacted = ""
		}
	}
	if s := root.get("credsStore").text(); s != "" {
		f.reference("", inventory.ViaFileRead, ref{kind: refKeychain, name: "docker-credential-" + s}, root.get("credsStore"), "/credsStore", credHint{key: "docker"})
	}
}

// parseINI reads key = value files (AWS credentials, .npmrc, .pypirc) into
// a tree of sections.
func parseINI(data []byte) *node {
	root := &node{kind: kObject, line: 1, col: 1}
	cur := root
	for i, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";") {
			continue
		}
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			cur = &node{kind: kObject, line: i + 1, col: 1}
			root.members = append(root.members, member{key: strings.Trim(t, "[] "), keyLine: i + 1, val: cur})
			continue
		}
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			k, v, ok = strings.Cut(t, ":")
			if !ok {
				continue
			}
		}
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		col := strings.Index(line, v) + 1
		cur.members = append(cur.members, member{key: strings.TrimSpace(k), keyLine: i + 1, val: &node{kind: kString, str: v, line: i + 1, col: max(col, 1)}})
	}
	return root
}

// netrc reads machine/login/password entries.
func netrc(f *fileCtx, data []byte) {
	machine := ""
	lines := strings.Split(string(data), "\n")
	for i, line := range lines {
		fields := strings.Fields(line)
		for j := 0; j+1 < len(fields); j++ {
			switch fields[j] {
			case "machine":
				machine = fields[j+1]
			case "password":
				v := fields[j+1]
				n := &node{kind: kString, str: v, line: i + 1, col: strings.Index(line, v) + 1}
				h := credHint{key: "netrc password"}
				if strings.Contains(machine, "github") {
					h.key = "GITHUB_TOKEN"
				} else if strings.Contains(machine, "gitlab") {
					h.key = "GITLAB_TOKEN"
				}
				if !isIndirection(v) {
					f.literal("", inventory.ViaFileRead, v, n, "", h)
					if f.creds[len(f.creds)-1].Name == "" {
						f.creds[len(f.creds)-1].Name = "netrc password for " + machine
					}
				}
			}
		}
	}
}

var (
	rePEMPrivate = regexp.MustCompile(`-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----`)
)

// sshKey records an unencrypted private key. Encrypted keys (PKCS#8
// "ENCRYPTED PRIVATE KEY", PEM Proc-Type ENCRYPTED, OpenSSH keys whose
// cipher is not "none") are safe look-alikes.
func sshKey(f *fileCtx, data []byte) {
	m := rePEMPrivate.FindIndex(data)
	if m == nil {
		return
	}
	block := string(data[m[0]:m[1]])
	if strings.Contains(block, "ENCRYPTED") {
		return
	}
	if strings.Contains(block, "OPENSSH PRIVATE KEY") && !opensshUnencrypted(block) {
		return
	}
	line := bytes.Count(data[:m[0]], []byte("\n")) + 1
	f.literal("", inventory.ViaFileRead, block, &node{kind: kString, str: block, line: line, col: 1}, "", credHint{key: "ssh"})
	c := &f.creds[len(f.creds)-1]
	c.Type, c.Name, c.Redacted = "ssh-private-key", "unencrypted SSH private key", ""
	c.Locations[0].EndLine, c.Locations[0].EndColumn = line+strings.Count(block, "\n"), 0
}

// opensshUnencrypted reads the cipher name of an openssh-key-v1 body.
func opensshUnencrypted(block string) bool {
	lines := strings.Split(block, "\n")
	var b64 strings.Builder
	for _, l := range lines[1:] {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "-----END") {
			break
		}
		b64.WriteString(l)
	}
	raw, err := base64.StdEncoding.DecodeString(b64.String())
	magic := "openssh-key-v1\x00"
	if err != nil || len(raw) < len(magic)+4 || string(raw[:len(magic)]) != magic {
		return false
	}
	rest := raw[len(magic):]
	n := int(rest[0])<<24 | int(rest[1])<<16 | int(rest[2])<<8 | int(rest[3])
	if n < 0 || 4+n > len(rest) {
		return false
	}
	return string(rest[4:4+n]) == "none"
}

var (
	reHistAssign = regexp.MustCompile(`(?:^|[\s;])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;]+)`)
	reHistAuth   = regexp.MustCompile(`(?i)authorization:\s*(?:bearer|token|basic)\s+([^\s"']+)`)
	reHistFlag   = regexp.MustCompile(`--([A-Za-z][A-Za-z0-9-]*)(?:=|\s+)("[^"]*"|'[^']*'|[^\s]+)`)
)

// history reads shell history lines that set or pass a secret: NAME=value
// for a secret-like NAME, an Authorization header, --token VALUE. The
// detection engine finds token formats on its own in the same file.
func history(f *fileCtx, data []byte) {
	for i, line := range strings.Split(string(data), "\n") {
		if len(line) > 8192 {
			continue
		}
		// zsh extended history: ": 1700000000:0;command"
		if strings.HasPrefix(line, ": ") {
			if j := strings.Index(line, ";"); j > 0 {
				line = line[j+1:]
			}
		}
		add := func(key, v string, at int) {
			v = strings.Trim(v, `"'`)
			if isIndirection(v) || !looksSecret(v) {
				return
			}
			f.literal("", inventory.ViaFileRead, v, &node{kind: kString, str: v, line: i + 1, col: at + 1}, "", credHint{key: key})
		}
		for _, m := range reHistAssign.FindAllStringSubmatchIndex(line, -1) {
			if name := line[m[2]:m[3]]; secretKey(name) {
				add(name, line[m[4]:m[5]], m[4])
			}
		}
		for _, m := range reHistAuth.FindAllStringSubmatchIndex(line, -1) {
			add("Authorization", line[m[2]:m[3]], m[2])
		}
		for _, m := range reHistFlag.FindAllStringSubmatchIndex(line, -1) {
			if name := line[m[2]:m[3]]; secretKey(name) {
				add(name, line[m[4]:m[5]], m[4])
			}
		}
	}
}
