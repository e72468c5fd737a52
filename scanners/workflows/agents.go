package workflows

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// Known coding-agent actions. Each entry was written after reading the
// action's own source; the gate notes cite the file and version read.
//
//   - anthropics/claude-code-action (main at v1.0.200, src/entrypoints/run.ts and
//     src/github/validation/permissions.ts): for issues, issue_comment,
//     pull_request (and pull_request_target, mapped onto it since v1.0.9),
//     pull_request_review, pull_request_review_comment and — since v1.0.185 —
//     workflow_run, the actor (and the upstream run's actor) must have write
//     or admin permission. `allowed_non_write_users` widens that, but only
//     when the `github_token` input is given; "*" admits everyone. Actors
//     ending in [bot] pass the write check; checkHumanActor then refuses
//     non-User accounts unless `allowed_bots` lists them ("*" for all).
//     Without `github_token` the action mints the Claude GitHub App's token
//     through the job's OIDC token (src/github/token.ts).
//   - anthropics/claude-code-base-action (base-action/): no actor check.
//   - openai/codex-action (v1.8, src/checkActorPermissions.ts, action.yml
//     step "Check repository write access"): on every event the actor must
//     have write, maintain or admin permission unless `allow-users` lists
//     them ("*" for everyone). `allow-bots` admitted any [bot] actor before
//     v1.7 and only github-actions[bot] since.
//   - google-github-actions/run-gemini-cli (v0.1.22, action.yml): no actor
//     check; it always runs `gemini --yolo`, so the tool allow-list in the
//     `settings` input (tools.core / coreTools) is the only tool guardrail.
//   - sst|anomalyco/opencode/github (packages/opencode/src/cli/cmd/github.ts,
//     assertPermissions): the actor must have write or admin permission.
//     Older releases skipped the check with `use_github_token: true`.
type agentAction struct {
	prefix  string // owner/repo[/path], lower case
	product string
	// gatedEvents lists the events on which the built-in write check runs;
	// nil means no built-in gate, "*" every event.
	gatedEvents []string
	keyInputs   []string
}

var knownActions = []agentAction{
	{prefix: "anthropics/claude-code-action", product: "claude-code",
		gatedEvents: []string{"issues", "issue_comment", "pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment", "workflow_run"},
		keyInputs:   []string{"anthropic_api_key", "claude_code_oauth_token"}},
	{prefix: "anthropics/claude-code-base-action", product: "claude-code", keyInputs: []string{"anthropic_api_key", "claude_code_oauth_token"}},
	{prefix: "openai/codex-action", product: "codex", gatedEvents: []string{"*"}, keyInputs: []string{"openai-api-key"}},
	{prefix: "google-github-actions/run-gemini-cli", product: "gemini-cli", keyInputs: []string{"gemini_api_key", "google_api_key"}},
	{prefix: "google-gemini/gemini-cli-action", product: "gemini-cli", keyInputs: []string{"gemini_api_key", "google_api_key"}},
	{prefix: "sst/opencode/github", product: "opencode", gatedEvents: []string{"*"}},
	{prefix: "anomalyco/opencode/github", product: "opencode", gatedEvents: []string{"*"}},
	{prefix: "codium-ai/pr-agent", product: "pr-agent"},
	{prefix: "qodo-ai/pr-agent", product: "pr-agent"},
}

// agentCommand is a coding-agent CLI recognised in run: scripts.
type agentCommand struct {
	name     string
	product  string
	needArgs []string // at least one of these must follow (to tell `copilot -p` from AWS Copilot)
	skipArgs []string // first arguments that do not run the agent
}

var knownCommands = []agentCommand{
	{name: "claude", product: "claude-code", skipArgs: []string{"--version", "-v", "--help", "-h", "mcp", "config", "update", "doctor", "install"}},
	{name: "codex", product: "codex", skipArgs: []string{"--version", "-V", "--help", "-h", "login", "logout", "mcp", "completion", "apply"}},
	{name: "gemini", product: "gemini-cli", skipArgs: []string{"--version", "-v", "--help", "-h", "mcp", "extensions"}},
	{name: "aider", product: "aider", skipArgs: []string{"--version", "--help", "-h"}},
	{name: "goose", product: "goose", needArgs: []string{"run", "session"}},
	{name: "opencode", product: "opencode", needArgs: []string{"run", "github"}},
	{name: "copilot", product: "copilot-cli", needArgs: []string{"-p", "--prompt", "--allow-all-tools", "--allow-all", "--yolo"}},
	{name: "cursor-agent", product: "cursor-agent", skipArgs: []string{"--version", "--help", "login", "status"}},
	{name: "amp", product: "amp", needArgs: []string{"-x", "--execute", "--dangerously-allow-all"}},
	{name: "qwen", product: "qwen-code", skipArgs: []string{"--version", "--help"}},
	{name: "droid", product: "droid", needArgs: []string{"exec"}},
	{name: "crush", product: "crush", needArgs: []string{"run"}},
}

// npmPackages maps agent packages run through npx / bunx / pnpm dlx.
var npmPackages = map[string]string{
	"@anthropic-ai/claude-code": "claude",
	"@openai/codex":             "codex",
	"@google/gemini-cli":        "gemini",
	"@github/copilot":           "copilot",
	"opencode-ai":               "opencode",
	"@qwen-code/qwen-code":      "qwen",
	"@sourcegraph/amp":          "amp",
	"aider-chat":                "aider",
}

// llmKeyNames are environment or secret names of model API keys.
var llmKeyRe = regexp.MustCompile(`(?i)^(ANTHROPIC_API_KEY|CLAUDE_CODE_OAUTH_TOKEN|OPENAI_API_KEY|AZURE_OPENAI_API_KEY|GEMINI_API_KEY|GOOGLE_API_KEY|GOOGLE_GENAI_API_KEY|OPENROUTER_API_KEY|DEEPSEEK_API_KEY|MISTRAL_API_KEY|GROQ_API_KEY|XAI_API_KEY|TOGETHER_API_KEY|FIREWORKS_API_KEY|CURSOR_API_KEY|AMP_API_KEY|FACTORY_API_KEY|DASHSCOPE_API_KEY|COPILOT_GITHUB_TOKEN|[A-Z_]*(ANTHROPIC|OPENAI|CLAUDE|GEMINI|LLM)[A-Z_]*_(KEY|TOKEN))$`)

// isLLMKeyName reports a secret or variable name of a model API key.
func isLLMKeyName(name string) bool { return llmKeyRe.MatchString(name) }

// AgentOptions extends the known agents (from .agentreach.yml `agents:`).
type AgentOptions struct {
	// Actions are extra action references (owner/repo[/path]) that run a
	// coding agent without a built-in actor check.
	Actions []string
	// Commands are extra CLI names that run a coding agent.
	Commands []string
}

type agentTable struct {
	actions  []agentAction
	commands []agentCommand
}

func newAgentTable(o AgentOptions) *agentTable {
	t := &agentTable{actions: slices.Clone(knownActions), commands: slices.Clone(knownCommands)}
	for _, a := range o.Actions {
		a = strings.ToLower(strings.TrimSpace(a))
		a, _, _ = strings.Cut(a, "@")
		if a != "" {
			t.actions = append(t.actions, agentAction{prefix: a, product: a})
		}
	}
	for _, c := range o.Commands {
		c = strings.TrimSpace(c)
		if c != "" {
			t.commands = append(t.commands, agentCommand{name: c, product: c})
		}
	}
	return t
}

// action returns the known agent action a uses: reference names.
func (t *agentTable) action(uses string) (agentAction, string, bool) {
	ref := ""
	name := strings.ToLower(uses)
	if i := strings.Index(name, "@"); i >= 0 {
		name, ref = name[:i], uses[i+1:]
	}
	for _, a := range t.actions {
		if name == a.prefix || strings.HasPrefix(name, a.prefix+"/") {
			return a, ref, true
		}
	}
	return agentAction{}, "", false
}

// actionAgent derives a StepAgent from a known action step. inputs holds the
// with: values as written; events are the workflow's triggers.
func actionAgent(a agentAction, ref string, uses string, inputs map[string]string) *inventory.StepAgent {
	ag := &inventory.StepAgent{Product: a.product, Via: uses, Ref: ref}
	in := func(k string) string { return strings.TrimSpace(inputs[k]) }
	switch {
	case strings.HasPrefix(a.prefix, "anthropics/claude-code-action"):
		ag.Gate = "write-access"
		if u := in("allowed_non_write_users"); u != "" {
			if in("github_token") != "" {
				ag.GateWidened = "allowed_non_write_users: " + u
				ag.GateOpen = u == "*"
			} else {
				ag.GateWidened = "allowed_non_write_users is ignored without github_token"
			}
		}
		if b := in("allowed_bots"); b != "" {
			ag.GateBots = b
		}
		ag.UsesOIDCApp = in("github_token") == ""
		// v1 configures git with its own token (the github_token input or
		// its App token) before Claude runs, so the agent holds a repository
		// token of its own, and removes the http.<server>/.extraheader that
		// actions/checkout persisted (src/github/operations/git-config.ts,
		// replaceCheckoutCredentials, since v1.0.0). Before v1.0.197 it
		// cleared the repo-local config only — a no-op with checkout's
		// include layout (v6, v5.0.1, v4.3.1+) — and with use_commit_signing
		// the cleanup ran only from v1.0.187. A commit pin is an unknown
		// release: only the cleanup every v1 release does is assumed.
		ag.HoldsRepoToken = true
		switch v, ok := parseVersion(ref); {
		case !ok && isCommitPin(ref):
			ag.ReplacesCheckout = "local"
		case !ok: // a branch (main, beta): the newest code
			ag.ReplacesCheckout = "any"
		case v[0] < 1:
		case strings.EqualFold(in("use_commit_signing"), "true") && versionBefore(ref, 1, 0, 187):
		case versionBefore(ref, 1, 0, 197):
			ag.ReplacesCheckout = "local"
		default:
			ag.ReplacesCheckout = "any"
		}
		ag.ModelOIDC = in("anthropic_federation_rule_id") != "" || strings.EqualFold(in("use_bedrock"), "true") ||
			strings.EqualFold(in("use_vertex"), "true") || strings.EqualFold(in("use_foundry"), "true")
		claudeGuards(ag, in("claude_args"), in("allowed_tools"), in("disallowed_tools"), in("settings"))
		if in("experimental_allowed_domains") != "" {
			ag.Egress = true
		}
	case strings.HasPrefix(a.prefix, "anthropics/claude-code-base-action"):
		ag.ModelOIDC = in("anthropic_federation_rule_id") != "" || strings.EqualFold(in("use_bedrock"), "true") ||
			strings.EqualFold(in("use_vertex"), "true") || strings.EqualFold(in("use_foundry"), "true")
		claudeGuards(ag, in("claude_args"), in("allowed_tools"), in("disallowed_tools"), in("settings"))
	case a.prefix == "openai/codex-action":
		ag.Gate = "write-access"
		if u := in("allow-users"); u != "" {
			ag.GateWidened = "allow-users: " + u
			ag.GateOpen = u == "*"
		}
		if strings.EqualFold(in("allow-bots"), "true") {
			if versionBefore(ref, 1, 7, 0) {
				ag.GateBots = "*"
			} else {
				ag.GateBots = "github-actions[bot]"
			}
		}
		if b := in("allow-bot-users"); b != "" {
			ag.GateBots = strings.TrimSpace(strings.Join([]string{ag.GateBots, b}, ","))
		}
		ag.Sandbox = cmpStr(in("sandbox"), "workspace-write")
		strategy := cmpStr(in("safety-strategy"), "drop-sudo")
		if strategy == "unsafe" {
			ag.Bypass = append(ag.Bypass, "safety-strategy: unsafe")
		}
		codexGuards(ag, in("codex-args"))
		if ag.Sandbox == "danger-full-access" && !slices.Contains(ag.Bypass, "sandbox: danger-full-access") {
			ag.Bypass = append(ag.Bypass, "sandbox: danger-full-access")
		}
		ag.Egress = ag.Sandbox != "danger-full-access" && !slices.Contains(ag.Bypass, "network access enabled")
	case strings.Contains(a.prefix, "gemini-cli"):
		ag.Bypass = append(ag.Bypass, "--yolo (always passed by the action)")
		ag.ModelOIDC = in("gcp_workload_identity_provider") != "" || strings.EqualFold(in("use_vertex_ai"), "true") ||
			strings.EqualFold(in("use_gemini_code_assist"), "true")
		geminiGuards(ag, in("settings"))
	case strings.Contains(a.prefix, "opencode"):
		ag.Gate = "write-access"
	}
	if a.gatedEvents == nil {
		ag.Gate = ""
	}
	return ag
}

func cmpStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// claudeGuards reads Claude Code's tool allow-list and permission mode from
// claude_args, the legacy allowed_tools input and a settings JSON.
func claudeGuards(ag *inventory.StepAgent, args, allowed, disallowed, settings string) {
	words := shellWords(args)
	for i := 0; i < len(words); i++ {
		w := words[i]
		name, val, hasVal := strings.Cut(w, "=")
		next := func() string {
			if hasVal {
				return val
			}
			if i+1 < len(words) {
				i++
				return words[i]
			}
			return ""
		}
		switch name {
		case "--dangerously-skip-permissions":
			ag.Bypass = append(ag.Bypass, "--dangerously-skip-permissions")
		case "--permission-mode":
			if m := next(); strings.EqualFold(m, "bypassPermissions") {
				ag.Bypass = append(ag.Bypass, "--permission-mode bypassPermissions")
			} else if m != "" {
				ag.Approval = m
			}
		case "--allowedTools", "--allowed-tools":
			addTools(ag, next())
		}
	}
	addTools(ag, allowed)
	if settings != "" && strings.HasPrefix(strings.TrimSpace(settings), "{") {
		var s struct {
			Permissions struct {
				Allow       []string `json:"allow"`
				DefaultMode string   `json:"defaultMode"`
			} `json:"permissions"`
		}
		if json.Unmarshal([]byte(settings), &s) == nil {
			for _, t := range s.Permissions.Allow {
				addTools(ag, t)
			}
			if strings.EqualFold(s.Permissions.DefaultMode, "bypassPermissions") {
				ag.Bypass = append(ag.Bypass, "settings defaultMode bypassPermissions")
			}
		}
	}
	_ = disallowed
}

// addTools adds a comma/space separated tool list; a bare Bash, Bash(*) or
// Bash(:*) allows any command.
func addTools(ag *inventory.StepAgent, list string) {
	for _, t := range splitTools(list) {
		if slices.Contains(ag.AllowedTools, t) {
			continue
		}
		ag.AllowedTools = append(ag.AllowedTools, t)
		switch strings.ReplaceAll(t, " ", "") {
		case "Bash", "Bash(*)", "Bash(:*)", "Bash(*:*)", "run_shell_command", "ShellTool", "shell":
			ag.Unrestricted = append(ag.Unrestricted, t)
		}
	}
}

// splitTools splits "Bash(git diff:*),Edit Read" at commas and spaces outside
// parentheses.
func splitTools(s string) []string {
	var out []string
	depth := 0
	start := 0
	flush := func(end int) {
		if t := strings.Trim(strings.TrimSpace(s[start:end]), `"'`); t != "" {
			out = append(out, t)
		}
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case ',', ' ', '\n', '\t':
			if depth == 0 {
				flush(i)
				start = i + 1
			}
		}
		if len(out) > 200 {
			return out
		}
	}
	flush(len(s))
	return out
}

// codexGuards reads codex exec flags.
func codexGuards(ag *inventory.StepAgent, args string) {
	words := shellWords(strings.Trim(args, "[]"))
	for i := 0; i < len(words); i++ {
		w := strings.Trim(words[i], `",`)
		name, val, hasVal := strings.Cut(w, "=")
		next := func() string {
			if hasVal {
				return val
			}
			if i+1 < len(words) {
				i++
				return strings.Trim(words[i], `",`)
			}
			return ""
		}
		switch name {
		case "--dangerously-bypass-approvals-and-sandbox", "--yolo":
			ag.Bypass = append(ag.Bypass, name)
		case "--full-auto":
			ag.Bypass = append(ag.Bypass, "--full-auto")
		case "--sandbox", "-s":
			if v := next(); v != "" {
				ag.Sandbox = v
				if v == "danger-full-access" {
					ag.Bypass = append(ag.Bypass, "sandbox: danger-full-access")
				}
			}
		case "-c", "--config":
			v := next()
			if strings.Contains(v, "danger-full-access") {
				ag.Sandbox = "danger-full-access"
				ag.Bypass = append(ag.Bypass, "sandbox: danger-full-access")
			}
			if strings.Contains(v, "network_access=true") {
				ag.Bypass = append(ag.Bypass, "network access enabled")
			}
			if strings.Contains(v, `approval_policy="never"`) || strings.Contains(v, "approval_policy=never") {
				ag.Approval = "never"
			}
		}
	}
}

// geminiGuards reads the core tool allow-list of a Gemini CLI settings JSON.
func geminiGuards(ag *inventory.StepAgent, settings string) {
	if !strings.HasPrefix(strings.TrimSpace(settings), "{") {
		ag.Unrestricted = append(ag.Unrestricted, "all tools (no tools.core allow-list in settings)")
		return
	}
	var s struct {
		CoreTools []string `json:"coreTools"`
		Tools     struct {
			Core []string `json:"core"`
		} `json:"tools"`
	}
	if json.Unmarshal([]byte(settings), &s) != nil {
		return
	}
	core := append(s.CoreTools, s.Tools.Core...)
	if len(core) == 0 {
		ag.Unrestricted = append(ag.Unrestricted, "all tools (no tools.core allow-list in settings)")
		return
	}
	for _, t := range core {
		addTools(ag, t)
	}
}

// versionBefore reports whether a ref names a release older than
// major.minor.patch. Floating majors (v1), branches and commit SHAs are not
// "before": they resolve to the current release or an unknown one.
func versionBefore(ref string, major, minor, patch int) bool {
	v, ok := parseVersion(ref)
	if !ok {
		return false
	}
	if v[1] < 0 && v[0] >= major {
		return false // a floating major resolves to its newest release
	}
	want := [3]int{major, minor, patch}
	for i := range 3 {
		if v[i] < 0 {
			v[i] = 0
		}
		if v[i] != want[i] {
			return v[i] < want[i]
		}
	}
	return false
}

// parseVersion reads v1, v1.7 or v1.0.185 (missing parts are -1).
func parseVersion(ref string) ([3]int, bool) {
	out := [3]int{-1, -1, -1}
	r := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(ref)), "v")
	if r == "" {
		return out, false
	}
	parts := strings.Split(r, ".")
	if len(parts) > 3 {
		return out, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return out, false
		}
		out[i] = n
	}
	return out, true
}

// shellWords splits a command line into words, honouring quotes.
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	in := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote = c
			in = true
		case c == '\\' && i+1 < len(s) && s[i+1] == '\n':
			i++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
		if len(out) > 4096 {
			break
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// scriptCommand is one command found in a run: script.
type scriptCommand struct {
	name string   // command name (basename)
	args []string // its arguments
	env  []string // NAME=value assignments before it (names only)
}

// maxScriptCommands bounds the commands read from one script.
const maxScriptCommands = 2000

// scriptCommands splits a shell script into simple commands: lines joined at
// backslash continuations, split at ; && || | and $( ; leading variable
// assignments and wrappers (sudo, env, npx, timeout, …) are skipped.
func scriptCommands(script string) []scriptCommand {
	script = strings.ReplaceAll(script, "\\\r\n", " ")
	script = strings.ReplaceAll(script, "\\\n", " ")
	var out []scriptCommand
	for _, line := range strings.Split(script, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, part := range splitShell(line) {
			if c, ok := parseCommand(part); ok {
				out = append(out, c)
				if len(out) >= maxScriptCommands {
					return out
				}
			}
		}
	}
	return out
}

func splitShell(line string) []string {
	var parts []string
	start := 0
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		if quote != 0 {
			if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"':
			quote = c
		case ';', '|', '&', '`':
			parts = append(parts, line[start:i])
			start = i + 1
		case '$':
			if i+1 < len(line) && line[i+1] == '(' {
				parts = append(parts, line[start:i])
				start = i + 2
				i++
			}
		case '(', ')', '{', '}':
			parts = append(parts, line[start:i])
			start = i + 1
		}
	}
	return append(parts, line[start:])
}

var assignRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

func parseCommand(part string) (scriptCommand, bool) {
	words := shellWords(part)
	var c scriptCommand
	i := 0
	for i < len(words) {
		w := words[i]
		switch {
		case assignRe.MatchString(w):
			c.env = append(c.env, w[:strings.IndexByte(w, '=')])
			i++
			continue
		case w == "sudo" || w == "env" || w == "exec" || w == "time" || w == "nohup" || w == "command" || w == "then" ||
			w == "do" || w == "else" || w == "if" || w == "while" || w == "!" || w == "xargs":
			i++
			continue
		case w == "timeout":
			i += 2
			continue
		case w == "npx" || w == "bunx" || w == "pnpx" || w == "uvx":
			i++
			for i < len(words) && strings.HasPrefix(words[i], "-") {
				i++
			}
			if i < len(words) {
				if cmd, ok := npmPackages[stripVersion(words[i])]; ok {
					c.name = cmd
					c.args = words[i+1:]
					return c, true
				}
			}
			continue
		case (w == "pnpm" || w == "yarn") && i+1 < len(words) && words[i+1] == "dlx",
			(w == "pipx" || w == "uv") && i+1 < len(words) && (words[i+1] == "run" || words[i+1] == "tool"):
			i += 2
			continue
		}
		break
	}
	if i >= len(words) {
		return c, false
	}
	name := words[i]
	if j := strings.LastIndexByte(name, '/'); j >= 0 {
		name = name[j+1:]
	}
	c.name = name
	c.args = words[i+1:]
	return c, true
}

// stripVersion drops an npm version suffix: @openai/codex@latest → @openai/codex.
func stripVersion(pkg string) string {
	if i := strings.LastIndexByte(pkg, '@'); i > 0 {
		return pkg[:i]
	}
	return pkg
}

// commandAgent derives a StepAgent from a CLI invocation, or nil.
func (t *agentTable) commandAgent(c scriptCommand) *inventory.StepAgent {
	for _, k := range t.commands {
		if c.name != k.name {
			continue
		}
		if len(c.args) > 0 && slices.Contains(k.skipArgs, c.args[0]) {
			return nil
		}
		if len(k.needArgs) > 0 && !slices.ContainsFunc(c.args, func(a string) bool {
			a, _, _ = strings.Cut(a, "=")
			return slices.Contains(k.needArgs, a)
		}) {
			return nil
		}
		ag := &inventory.StepAgent{Product: k.product, Via: k.name}
		cliGuards(ag, k.name, c)
		return ag
	}
	return nil
}

// cliGuards reads bypass flags and allow-lists from an agent CLI's arguments.
func cliGuards(ag *inventory.StepAgent, name string, c scriptCommand) {
	args := strings.Join(quoteArgs(c.args), " ")
	switch name {
	case "claude":
		claudeGuards(ag, args, "", "", "")
	case "codex":
		codexGuards(ag, args)
	case "gemini", "qwen":
		for i, a := range c.args {
			switch {
			case a == "--yolo" || a == "-y":
				ag.Bypass = append(ag.Bypass, a)
			case a == "--approval-mode=yolo" || (a == "--approval-mode" && i+1 < len(c.args) && c.args[i+1] == "yolo"):
				ag.Bypass = append(ag.Bypass, "--approval-mode yolo")
			case a == "--allowed-tools" && i+1 < len(c.args):
				addTools(ag, c.args[i+1])
			}
		}
	case "aider":
		for _, a := range c.args {
			if a == "--yes-always" || a == "--yes" {
				ag.Bypass = append(ag.Bypass, a)
			}
		}
	case "goose":
		if slices.Contains(c.env, "GOOSE_MODE") {
			ag.Bypass = append(ag.Bypass, "GOOSE_MODE set on the command line")
		}
	case "copilot":
		for _, a := range c.args {
			switch a {
			case "--allow-all-tools", "--allow-all", "--yolo", "--allow-all-paths":
				ag.Bypass = append(ag.Bypass, a)
			}
		}
		for i, a := range c.args {
			if a == "--allow-tool" && i+1 < len(c.args) {
				addTools(ag, c.args[i+1])
			}
		}
	case "cursor-agent":
		for _, a := range c.args {
			if a == "--force" || a == "-f" {
				ag.Bypass = append(ag.Bypass, a)
			}
		}
	case "amp":
		if slices.Contains(c.args, "--dangerously-allow-all") {
			ag.Bypass = append(ag.Bypass, "--dangerously-allow-all")
		}
	case "droid":
		if slices.Contains(c.args, "--skip-permissions-unsafe") {
			ag.Bypass = append(ag.Bypass, "--skip-permissions-unsafe")
		}
	}
}

func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \t") {
			out[i] = "'" + a + "'"
		} else {
			out[i] = a
		}
	}
	return out
}

// isCommitPin reports a ref that is a full commit id (40 or 64 hex digits).
func isCommitPin(ref string) bool {
	if len(ref) != 40 && len(ref) != 64 {
		return false
	}
	for _, c := range ref {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
