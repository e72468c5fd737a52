package agentconfig

import (
	"path"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// server is one MCP server entry, whatever the client's dialect. Field names
// by client (each client's documentation):
//   - Claude Code .mcp.json / claude_desktop_config.json / ~/.claude.json,
//     Cursor, Windsurf, Amazon Q, Cline, Roo, Kiro, Copilot CLI:
//     mcpServers.NAME {type, command, args, env, url, headers, disabled};
//     Windsurf also serverUrl; Cline/Roo autoApprove/alwaysAllow;
//   - VS Code .vscode/mcp.json (code.visualstudio.com/docs/copilot/reference/
//     mcp-configuration): servers.NAME {type: stdio|http|sse, command, args,
//     env, envFile, url, headers}, inputs[] {type: promptString, id, password};
//   - Gemini CLI settings.json (geminicli.com/docs/tools/mcp-server):
//     mcpServers.NAME {command, args, env, cwd, url (SSE), httpUrl, headers,
//     trust, includeTools, excludeTools};
//   - Codex config.toml (developers.openai.com/codex/config-reference):
//     [mcp_servers.NAME] command, args, env, env_vars, cwd, url,
//     bearer_token_env_var, http_headers, env_http_headers, enabled,
//     enabled_tools, disabled_tools;
//   - opencode.json (opencode.ai/docs/mcp-servers): mcp.NAME {type:
//     local|remote, command: [..], environment, url, headers, enabled};
//   - Zed settings (context_servers.NAME {command: {path, args, env}} or
//     {command, args, env} or {url, headers});
//   - Continue config.yaml: mcpServers: [{name, command, args, env, type,
//     url, requestOptions.headers}] and config.json
//     experimental.modelContextProtocolServers[].transport.
type server struct {
	f        *fileCtx
	name     string
	ptr      string
	entry    *node
	line     int
	command  string
	cmdNode  *node
	args     []*node
	argsPtr  string
	argStrs  []string
	env      *node
	envPtr   string
	headers  *node
	hdrPtr   string
	urlNode  *node
	urlPtr   string
	urlSafe  string
	id       string // lower-cased package, image, command and URL, for product matching
	launch   launch
	disabled bool
	prod     *product
	agent    inventory.Agent
}

func (s *server) flag(name string) bool {
	for _, a := range s.argStrs {
		if a == name || strings.HasPrefix(a, name+"=") && truthy(strings.TrimPrefix(a, name+"=")) {
			return true
		}
	}
	return false
}

func (s *server) flagValue(name string) string {
	vs := s.flagValues(name)
	if len(vs) == 0 {
		return ""
	}
	return vs[len(vs)-1]
}

// flagValues returns the values of --name=v and --name v (comma lists split).
func (s *server) flagValues(name string) []string {
	var out []string
	for i, a := range s.argStrs {
		switch {
		case strings.HasPrefix(a, name+"="):
			out = append(out, strings.Split(strings.TrimPrefix(a, name+"="), ",")...)
		case a == name && i+1 < len(s.argStrs):
			out = append(out, strings.Split(s.argStrs[i+1], ",")...)
		}
	}
	return out
}

// envLiteral is the literal value of an env variable given to the server
// (also as docker -e NAME=value).
func (s *server) envLiteral(key string) string {
	if v := s.env.get(key); v != nil {
		return v.text()
	}
	for i, a := range s.argStrs {
		if (a == "-e" || a == "--env") && i+1 < len(s.argStrs) {
			if k, v, ok := strings.Cut(s.argStrs[i+1], "="); ok && k == key {
				return v
			}
		}
		if k, v, ok := strings.Cut(strings.TrimPrefix(a, "--env="), "="); ok && k == key {
			return v
		}
	}
	return ""
}

func (s *server) headerLiteral(key string) string {
	if s.headers == nil {
		return ""
	}
	for i := len(s.headers.members) - 1; i >= 0; i-- {
		if strings.EqualFold(s.headers.members[i].key, key) {
			return s.headers.members[i].val.text()
		}
	}
	return ""
}

// readServer reads an entry in any dialect.
func readServer(f *fileCtx, name, ptr string, e *node) *server {
	if e == nil || e.kind != kObject {
		return nil
	}
	s := &server{f: f, name: name, ptr: ptr, entry: e, line: e.line}
	// Continue's JSON nests the transport.
	if t := e.get("transport"); t != nil && t.kind == kObject {
		e = t
		ptr = pointerJoin(ptr, "transport")
	}
	cmd := e.get("command")
	switch {
	case cmd == nil:
	case cmd.kind == kString:
		s.command, s.cmdNode = cmd.str, cmd
		s.args = e.get("args").itemsOrNil()
		s.argsPtr = pointerJoin(ptr, "args")
	case cmd.kind == kArray && len(cmd.items) > 0: // opencode: ["npx", "-y", "pkg"]
		s.command, s.cmdNode = cmd.items[0].text(), cmd.items[0]
		s.args = cmd.items[1:]
		s.argsPtr = pointerJoin(ptr, "command")
	case cmd.kind == kObject: // Zed: {path, args, env}
		s.command, s.cmdNode = cmd.get("path").text(), cmd.get("path")
		s.args = cmd.get("args").itemsOrNil()
		s.argsPtr = pointerJoin(pointerJoin(ptr, "command"), "args")
		if env := cmd.get("env"); env != nil {
			s.env, s.envPtr = env, pointerJoin(pointerJoin(ptr, "command"), "env")
		}
	}
	if s.command == "" && len(s.args) == 0 {
		s.args = e.get("args").itemsOrNil()
		s.argsPtr = pointerJoin(ptr, "args")
	}
	if s.cmdNode != nil && strings.Contains(s.command, " ") && len(s.args) == 0 {
		// "command": "npx -y pkg": split like a shell would, roughly.
		fields := strings.Fields(s.command)
		if len(fields) == 0 {
			fields = []string{""} // blank: no command (a fuzzer's find)
		}
		s.command = fields[0]
		for _, fld := range fields[1:] {
			s.args = append(s.args, &node{kind: kString, str: fld, line: s.cmdNode.line, col: s.cmdNode.col})
		}
		s.argsPtr = pointerJoin(ptr, "command")
	}
	for _, a := range s.args {
		if a.kind == kString || a.kind == kNumber || a.kind == kBool {
			s.argStrs = append(s.argStrs, a.str)
		} else {
			s.argStrs = append(s.argStrs, "")
		}
	}
	if s.env == nil {
		for _, k := range []string{"env", "environment"} {
			if env := e.get(k); env != nil && env.kind == kObject {
				s.env, s.envPtr = env, pointerJoin(ptr, k)
			}
		}
	}
	for _, k := range []string{"headers", "http_headers"} {
		if h := e.get(k); h != nil && h.kind == kObject {
			s.headers, s.hdrPtr = h, pointerJoin(ptr, k)
		}
	}
	if ro := e.at("requestOptions", "headers"); ro != nil && ro.kind == kObject && s.headers == nil {
		s.headers, s.hdrPtr = ro, pointerJoin(pointerJoin(ptr, "requestOptions"), "headers")
	}
	for _, k := range []string{"url", "serverUrl", "httpUrl", "uri"} {
		if u := e.get(k); u != nil && u.kind == kString {
			s.urlNode, s.urlPtr = u, pointerJoin(ptr, k)
		}
	}
	if s.command == "" && s.urlNode == nil {
		return nil // not a server entry (a comment object, an unknown shape)
	}
	if u, ok := parseURL(s.urlNode.text()); ok {
		s.urlSafe = u.safe
	}
	s.disabled = e.get("disabled").isTrue() || e.get("enabled").isFalse()
	s.launch = analyzeLaunch(s.command, s.argStrs)
	ident := []string{strings.ToLower(s.command), strings.ToLower(s.launch.pkg), strings.ToLower(s.urlSafe), strings.ToLower(name)}
	if s.launch.launcher == "local" {
		for _, a := range s.argStrs {
			if !strings.HasPrefix(a, "-") && !strings.Contains(a, "=") {
				ident = append(ident, strings.ToLower(path.Base(strings.ReplaceAll(a, "\\", "/")))) // the program, not the folders it sits in
				break
			}
		}
	}
	s.id = strings.Join(ident, " ")
	s.prod = productOf(s)
	for _, n := range []*node{s.cmdNode, s.env, s.headers, s.urlNode} {
		if n != nil {
			f.handled[n] = true
		}
	}
	for _, a := range s.args {
		f.handled[a] = true
	}
	f.handled[s.entry] = true
	if e != s.entry {
		f.handled[e] = true
	}
	return s
}

func (n *node) itemsOrNil() []*node {
	if n == nil || n.kind != kArray {
		return nil
	}
	return n.items
}

// serverAgentID is the stable identity of a server entry.
func serverAgentID(loc inventory.Location, name string) string {
	return inventory.Scoped(loc.Source, "mcp-server:"+loc.Path+"#"+name)
}

// emit records the server as an agent with its guardrails and every
// credential it is given.
func (s *server) emit() {
	f := s.f
	e := s.entry
	m := &inventory.MCPServerFacts{Client: f.client, Disabled: s.disabled}
	a := inventory.Agent{
		ID: serverAgentID(f.loc, s.name), Kind: inventory.AgentMCPServer, Name: s.name, Platform: inventory.PlatformLocal,
		Location: f.at(nil, s.ptr, 0), StartableBy: inventory.AudienceLocalUser, MCP: m,
	}
	a.Location.Line, a.Location.Column = max(s.line, 1), 1
	h := credHint{product: s.prod}
	if s.prod != nil {
		a.Product = s.prod.name
		m.Reach = s.prod.reach
		ro, ts := s.prod.narrow(s)
		m.ReadOnly = ro
		if len(ts) > 0 {
			m.Toolsets = ts
			for _, t := range ts {
				a.Guardrails.AllowedTools = append(a.Guardrails.AllowedTools, "toolset:"+t)
			}
		}
	}
	switch {
	case s.urlNode != nil && s.command == "":
		t := strings.ToLower(e.get("type").text())
		m.Transport = "http"
		if t == "sse" || (e.get("url") != nil && f.client == "gemini-cli") {
			m.Transport = "sse"
		}
		if s.urlSafe != "" {
			m.URL = s.urlSafe
			if u, ok := parseURL(s.urlNode.text()); ok && u.scheme == "http" && !u.loopback {
				m.PlainHTTP = true
			}
		}
	default:
		m.Transport = "stdio"
		m.Command = commandBase(s.command)
		if s.launch.pkg != "" {
			m.Package = safePackage(s.launch.pkg)
			m.Launcher = s.launch.launcher
			m.Unpinned = !s.launch.pinned
		}
	}
	s.guardrails(&a)
	s.broadPaths(&a)
	s.agent = a

	// Credentials.
	if s.env != nil {
		for _, m := range s.env.members {
			hk := h
			hk.key = m.key
			p := pointerJoin(s.envPtr, m.key)
			if v := m.val; v.kind == kString {
				f.value(a.ID, inventory.ViaMCPEnv, v.str, v, p, hk, secretKey(m.key))
			} else if v.kind == kObject && v.get("file") != nil { // home-manager style {file = …}
				f.reference(a.ID, inventory.ViaMCPEnv, ref{kind: refFile, name: v.get("file").text()}, v, p, hk)
			}
		}
	}
	if s.headers != nil {
		for _, m := range s.headers.members {
			hk := h
			hk.key = m.key
			if m.val.kind == kString {
				f.value(a.ID, inventory.ViaMCPHeader, m.val.str, m.val, pointerJoin(s.hdrPtr, m.key), hk, secretKey(m.key))
			}
		}
	}
	if s.urlNode != nil {
		f.value(a.ID, inventory.ViaMCPURL, s.urlNode.str, s.urlNode, s.urlPtr, h, false)
	}
	s.argCredentials(h)
	s.codexCredentials(h)
	if ef := e.get("envFile"); ef != nil && ef.kind == kString {
		f.reference(a.ID, inventory.ViaMCPEnv, ref{kind: refFile, name: ef.str}, ef, pointerJoin(s.ptr, "envFile"), h)
	}
	f.agents = append(f.agents, a)
}

// argCredentials reads secrets passed as arguments: --token VALUE,
// --api-key=VALUE, -e NAME=VALUE / -e NAME (docker), --header
// "Authorization: Bearer …", connection URLs and token-shaped positionals.
func (s *server) argCredentials(h credHint) {
	f := s.f
	id := serverAgentID(f.loc, s.name)
	for i := 0; i < len(s.args); i++ {
		n := s.args[i]
		if n.kind != kString {
			continue
		}
		a := n.str
		p := pointerIndex(s.argsPtr, i)
		if i == s.launch.pkgIndex {
			if u, ok := parseURL(strings.TrimPrefix(a, "git+")); ok {
				for _, lit := range u.literals {
					f.literal(id, inventory.ViaMCPArgs, lit, n, p, h)
				}
			}
			continue
		}
		next := func() (*node, bool) {
			if i+1 < len(s.args) && s.args[i+1].kind == kString {
				return s.args[i+1], true
			}
			return nil, false
		}
		switch {
		case a == "-e" || a == "--env" || a == "--set-env":
			if nn, ok := next(); ok {
				i++
				s.envArg(nn, pointerIndex(s.argsPtr, i), h)
			}
			continue
		case strings.HasPrefix(a, "--env="):
			s.envArg(&node{kind: kString, str: strings.TrimPrefix(a, "--env="), line: n.line, col: n.col + len("--env=")}, p, h)
			continue
		case a == "-H" || a == "--header" || a == "--headers":
			if nn, ok := next(); ok {
				i++
				s.headerArg(nn, pointerIndex(s.argsPtr, i), h)
			}
			continue
		case strings.HasPrefix(a, "--header="):
			s.headerArg(&node{kind: kString, str: strings.TrimPrefix(a, "--header="), line: n.line, col: n.col + len("--header=")}, p, h)
			continue
		case strings.HasPrefix(a, "-") && len(a) > 2:
			flag, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if !secretKey(flag) {
				break
			}
			hk := h
			hk.key = flag
			if hasVal {
				f.value(id, inventory.ViaMCPArgs, val, n, p, hk, true)
			} else if nn, ok := next(); ok && !strings.HasPrefix(nn.str, "-") {
				i++
				f.value(id, inventory.ViaMCPArgs, nn.str, nn, pointerIndex(s.argsPtr, i), hk, true)
			}
			continue
		}
		if k, v, ok := strings.Cut(a, "="); ok && regexpEnvName.MatchString(k) && !strings.Contains(a, "://") {
			if secretKey(k) { // `env NAME=value cmd` style
				hk := h
				hk.key = k
				f.value(id, inventory.ViaMCPArgs, v, n, p, hk, true)
			}
			continue
		}
		f.value(id, inventory.ViaMCPArgs, a, n, p, h, false)
	}
}

func (s *server) envArg(n *node, p string, h credHint) {
	id := serverAgentID(s.f.loc, s.name)
	k, v, ok := strings.Cut(n.str, "=")
	hk := h
	hk.key = k
	if !ok {
		// docker -e NAME: the variable passes through from the client.
		if secretKey(k) {
			s.f.reference(id, inventory.ViaMCPEnv, ref{kind: refEnv, name: k}, n, p, hk)
		}
		return
	}
	s.f.value(id, inventory.ViaMCPEnv, v, n, p, hk, secretKey(k))
}

func (s *server) headerArg(n *node, p string, h credHint) {
	k, v, ok := strings.Cut(n.str, ":")
	if !ok {
		return
	}
	hk := h
	hk.key = strings.TrimSpace(k)
	s.f.value(serverAgentID(s.f.loc, s.name), inventory.ViaMCPHeader, strings.TrimSpace(v), n, p, hk, secretKey(hk.key))
}

// codexCredentials reads Codex's own credential fields.
func (s *server) codexCredentials(h credHint) {
	f, e := s.f, s.entry
	id := serverAgentID(f.loc, s.name)
	if bt := e.get("bearer_token"); bt != nil && bt.kind == kString {
		hk := h
		hk.key = "bearer_token"
		f.handled[bt] = true
		f.value(id, inventory.ViaMCPHeader, bt.str, bt, pointerJoin(s.ptr, "bearer_token"), hk, true)
	}
	if bt := e.get("bearer_token_env_var"); bt != nil && bt.kind == kString && bt.str != "" {
		hk := h
		hk.key = bt.str
		f.reference(id, inventory.ViaMCPHeader, ref{kind: refEnv, name: bt.str}, bt, pointerJoin(s.ptr, "bearer_token_env_var"), hk)
	}
	if ev := e.get("env_vars"); ev != nil {
		for i, it := range ev.items {
			if name := it.text(); name != "" && secretKey(name) {
				hk := h
				hk.key = name
				f.reference(id, inventory.ViaMCPEnv, ref{kind: refEnv, name: name}, it, pointerIndex(pointerJoin(s.ptr, "env_vars"), i), hk)
			}
		}
	}
	if eh := e.get("env_http_headers"); eh != nil && eh.kind == kObject {
		f.handled[eh] = true
		for _, m := range eh.members {
			if name := m.val.text(); name != "" {
				hk := h
				hk.key = m.key
				f.reference(id, inventory.ViaMCPHeader, ref{kind: refEnv, name: name}, m.val, pointerJoin(pointerJoin(s.ptr, "env_http_headers"), m.key), hk)
			}
		}
	}
}

// guardrails reads per-server tool restrictions and approval bypasses.
func (s *server) guardrails(a *inventory.Agent) {
	e := s.entry
	g := &a.Guardrails
	if e.get("trust").isTrue() { // Gemini CLI: bypass all tool call confirmations for this server
		g.Bypass = append(g.Bypass, "trust: true (every tool call of this server runs without confirmation)")
	}
	for _, k := range []string{"autoApprove", "alwaysAllow"} { // Cline, Roo Code, Amazon Q
		if v := e.get(k); v != nil {
			tools := v.strs()
			if v.isTrue() || slices.Contains(tools, "*") {
				g.Bypass = append(g.Bypass, k+" all tools")
			} else if len(tools) > 0 {
				g.ApprovalMode = "auto-approve listed tools"
			}
		}
	}
	for _, k := range []string{"includeTools", "enabled_tools"} {
		for _, t := range e.get(k).strs() {
			g.AllowedTools = append(g.AllowedTools, t)
		}
	}
	for _, k := range []string{"excludeTools", "disabled_tools"} {
		for _, t := range e.get(k).strs() {
			g.DeniedTools = append(g.DeniedTools, t)
		}
	}
	if m := e.get("default_tools_approval_mode").text(); m != "" { // Codex
		g.ApprovalMode = m
		if m == "approve" || m == "never" {
			g.Bypass = append(g.Bypass, "default_tools_approval_mode = "+m)
		}
	}
}

// broadPaths records host-wide filesystem access: filesystem-server roots
// and container mounts of the home, the root or credential stores.
func (s *server) broadPaths(a *inventory.Agent) {
	var broad, roots []string
	if s.prod != nil && s.prod.reach == inventory.ReachFilesystem {
		for i, arg := range s.argStrs {
			if i <= s.launch.pkgIndex || strings.HasPrefix(arg, "-") || arg == "" {
				continue
			}
			if s.launch.launcher == "local" && i == 0 && !strings.HasPrefix(arg, "/") && !strings.HasPrefix(arg, "~") && !strings.HasPrefix(arg, "$") {
				continue // the script path of `node server.js /root…`
			}
			roots = append(roots, arg)
			if hostWide(arg) {
				broad = append(broad, arg)
			}
		}
	}
	for _, m := range s.launch.mounts {
		if hostWide(m) || credentialStore(m) {
			broad = append(broad, m)
		}
	}
	a.MCP.Roots, a.MCP.BroadPaths = roots, broad
}

// hostWide reports paths that give the whole host or a whole home: /, ~,
// $HOME, /Users/x, /home/x, C:\, C:\Users\x.
func hostWide(p string) bool {
	p = strings.TrimSpace(p)
	if p == "" {
		return false
	}
	q := strings.TrimRight(strings.ReplaceAll(p, `\`, "/"), "/")
	lq := strings.ToLower(q)
	switch lq {
	case "", "~", "$home", "${home}", "${env:home}", "%userprofile%", "${userhome}", "/users", "/home", "/root", "${env:userprofile}":
		return true
	}
	if len(lq) == 2 && lq[1] == ':' { // C:
		return true
	}
	parts := strings.Split(strings.TrimPrefix(lq, "/"), "/")
	if strings.HasPrefix(lq, "/") && len(parts) == 2 && (parts[0] == "users" || parts[0] == "home") {
		return true
	}
	if len(parts) == 3 && len(parts[0]) == 2 && parts[0][1] == ':' && parts[1] == "users" {
		return true
	}
	return false
}

// credentialStore reports mounts of credential stores and the Docker socket.
func credentialStore(p string) bool {
	q := strings.ReplaceAll(p, `\`, "/")
	for _, s := range []string{"/.ssh", "/.aws", "/.config/gh", "/.docker", "/.kube", "/.gnupg", "/.config/gcloud", "/.azure", "/.netrc", "/.git-credentials", "/.npmrc", "docker.sock"} {
		if strings.Contains(q, s) {
			return true
		}
	}
	return false
}
