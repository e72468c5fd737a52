package workflows

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tailscale/hujson"

	"github.com/agentreach/agentreach/internal/toolrule"
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
//   - google-gemini/gemini-cli-action (main, action.yml): no actor check;
//     writes the `settings_json` input to .gemini/settings.json and runs
//     `gemini --yolo`; installs @google/gemini-cli@latest unless `version`
//     says otherwise.
//   - sst|anomalyco/opencode/github (packages/opencode/src/cli/cmd/github.ts,
//     assertPermissions): the actor must have write or admin permission.
//     Older releases skipped the check with `use_github_token: true`.
//   - openai/codex/.github/actions/codex, the Codex repository's own
//     composite action (action.yml and src/run-codex.ts, read in forks of
//     openai/codex that agree — the store has no copy of the upstream
//     file): its first step exits unless the event's sender has admin or
//     write permission (maintain is refused), on every event; `codex_args`
//     (default "--config hide_agent_reasoning=true --full-auto") is split at
//     whitespace and passed to `codex exec`; the process gets the job's
//     whole environment and the `github_token` input as GITHUB_TOKEN.
//   - the OpenHands resolver, a reusable workflow
//     (All-Hands-AI/OpenHands .github/workflows/openhands-resolver.yml at
//     0.62.0, and the older All-Hands-AI/openhands-resolver one) that runs
//     `python -m openhands.resolver.resolve_issue`: CodeActAgent in a Docker
//     runtime with confirmation mode off (openhands/core/config/
//     security_config.py), so it runs any shell or Python command there;
//     the workflow passes the repository token into that container
//     (SANDBOX_ENV_GITHUB_TOKEN, read by openhands/runtime/base.py). The
//     called workflow's own job if: admits the fix-me labels and comments of
//     OWNER, MEMBER and COLLABORATOR associations.
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
	// Jules runs in Google's cloud: the action only starts a session
	// (prompt, jules_api_key) for the Jules GitHub App to work in.
	{prefix: "google-labs-code/jules-invoke", product: "jules", keyInputs: []string{"jules_api_key"}},
	{prefix: "google-gemini/gemini-cli-action", product: "gemini-cli", keyInputs: []string{"gemini_api_key", "google_api_key"}},
	{prefix: "sst/opencode/github", product: "opencode", gatedEvents: []string{"*"}},
	{prefix: "anomalyco/opencode/github", product: "opencode", gatedEvents: []string{"*"}},
	{prefix: "openai/codex/.github/actions/codex", product: "codex", gatedEvents: []string{"*"}, keyInputs: []string{"openai_api_key"}},
	{prefix: "codium-ai/pr-agent", product: "pr-agent"},
	{prefix: "qodo-ai/pr-agent", product: "pr-agent"},
}

// knownWorkflows are reusable workflows in other repositories that run a
// coding agent (a job-level uses:); the job is recorded with one agent
// step.
var knownWorkflows = []agentAction{
	{prefix: "all-hands-ai/openhands/.github/workflows/openhands-resolver.yml", product: "openhands", gatedEvents: []string{"*"}, keyInputs: []string{"llm_api_key"}},
	{prefix: "openhands/openhands/.github/workflows/openhands-resolver.yml", product: "openhands", gatedEvents: []string{"*"}, keyInputs: []string{"llm_api_key"}},
	{prefix: "all-hands-ai/openhands-resolver/.github/workflows/openhands-resolver.yml", product: "openhands", gatedEvents: []string{"*"}, keyInputs: []string{"llm_api_key"}},
}

// agentCommand is a coding-agent CLI recognised in run: scripts.
type agentCommand struct {
	name     string
	module   string // python -m MODULE (a prefix of the module path) instead of a name
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
	{module: "openhands.resolver.resolve_issue", product: "openhands"},
	{module: "openhands_resolver.resolve_issue", product: "openhands"},
	{module: "openhands.core.main", product: "openhands"},
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
var llmKeyRe = regexp.MustCompile(`(?i)^(ANTHROPIC_API_KEY|CLAUDE_CODE_OAUTH_TOKEN|OPENAI_API_KEY|AZURE_OPENAI_API_KEY|GEMINI_API_KEY|GOOGLE_API_KEY|GOOGLE_GENAI_API_KEY|OPENROUTER_API_KEY|DEEPSEEK_API_KEY|MISTRAL_API_KEY|GROQ_API_KEY|XAI_API_KEY|TOGETHER_API_KEY|FIREWORKS_API_KEY|CURSOR_API_KEY|AMP_API_KEY|FACTORY_API_KEY|DASHSCOPE_API_KEY|COPILOT_GITHUB_TOKEN|OPENCODE_API_KEY|MINIMAX_API_KEY|MOONSHOT_API_KEY|ZAI_API_KEY|[A-Z_]*(ANTHROPIC|OPENAI|CLAUDE|GEMINI|LLM)[A-Z_]*_(KEY|TOKEN))$`)

// isLLMKeyName reports a secret or variable name of a model API key.
func isLLMKeyName(name string) bool { return llmKeyRe.MatchString(name) }

// AgentOptions extends the known agents (from .agentreach.yml `agents:`).
type AgentOptions struct {
	// Actions are extra action references (owner/repo[/path]) that run a
	// coding agent without a built-in actor check; a reference to a
	// reusable workflow (owner/repo/.github/workflows/x.yml) marks the jobs
	// that call it.
	Actions []string
	// Commands are extra CLI names that run a coding agent; "python -m
	// pkg.module" names a Python module run that way.
	Commands []string
}

type agentTable struct {
	actions   []agentAction
	workflows []agentAction
	commands  []agentCommand
}

func newAgentTable(o AgentOptions) *agentTable {
	t := &agentTable{actions: slices.Clone(knownActions), workflows: slices.Clone(knownWorkflows), commands: slices.Clone(knownCommands)}
	for _, a := range o.Actions {
		a = strings.ToLower(strings.TrimSpace(a))
		a, _, _ = strings.Cut(a, "@")
		switch {
		case a == "":
		case strings.Contains(a, "/.github/workflows/"):
			t.workflows = append(t.workflows, agentAction{prefix: a, product: a})
		default:
			t.actions = append(t.actions, agentAction{prefix: a, product: a})
		}
	}
	for _, c := range o.Commands {
		c = strings.TrimSpace(c)
		if f := strings.Fields(c); len(f) == 3 && pythonNameRe.MatchString(f[0]) && f[1] == "-m" {
			t.commands = append(t.commands, agentCommand{module: f[2], product: f[2]})
		} else if c != "" {
			t.commands = append(t.commands, agentCommand{name: c, product: c})
		}
	}
	return t
}

// workflow returns the known agent reusable workflow a job-level uses:
// calls.
func (t *agentTable) workflow(uses string) (agentAction, string, bool) {
	name, ref, _ := strings.Cut(uses, "@")
	name = strings.ToLower(name)
	for _, a := range t.workflows {
		if name == a.prefix {
			return a, ref, true
		}
	}
	return agentAction{}, "", false
}

var pythonNameRe = regexp.MustCompile(`^(python|python[23](\.\d+)?|py)$`)

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
// with: values as written; env evaluates their expressions (a composite
// action's inputs, when the step is inside one).
func actionAgent(a agentAction, ref string, uses string, inputs map[string]string, env exprEnv) *inventory.StepAgent {
	ag := &inventory.StepAgent{Product: a.product, Via: uses, Ref: ref}
	in := func(k string) string { return strings.TrimSpace(env.plain(inputs[k])) }
	raw := func(k string) string { return inputs[k] }
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
		args, _ := splitArgs(raw("claude_args"), env)
		claudeGuards(ag, env, args, "claude_args", raw("allowed_tools"), raw("settings"))
		if in("experimental_allowed_domains") != "" {
			ag.Egress = true
		}
		// plugin_marketplaces are Git URLs that must end in .git
		// (base-action/src/install-plugins.ts, MARKETPLACE_URL_REGEX): no
		// ref can be given, so a marketplace is its default branch.
		for _, m := range strings.Fields(in("plugin_marketplaces")) {
			if strings.HasPrefix(m, "https://") {
				ag.Supply = append(ag.Supply, inventory.AgentSupply{What: "plugin marketplace " + m, Unpinned: "a Git URL without a ref (its default branch)"})
			}
		}
	case strings.HasPrefix(a.prefix, "anthropics/claude-code-base-action"):
		ag.ModelOIDC = in("anthropic_federation_rule_id") != "" || strings.EqualFold(in("use_bedrock"), "true") ||
			strings.EqualFold(in("use_vertex"), "true") || strings.EqualFold(in("use_foundry"), "true")
		args, _ := splitArgs(raw("claude_args"), env)
		claudeGuards(ag, env, args, "claude_args", raw("allowed_tools"), raw("settings"))
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
		if hasExpr(ag.Sandbox) {
			unparsed(ag, "sandbox is set by "+ag.Sandbox)
		}
		strategy := cmpStr(in("safety-strategy"), "drop-sudo")
		if strategy == "unsafe" {
			ag.Bypass = append(ag.Bypass, "safety-strategy: unsafe")
		}
		codexGuards(ag, codexArgs(env, raw("codex-args")), "codex-args")
		if ag.Sandbox == "danger-full-access" && !slices.Contains(ag.Bypass, "sandbox: danger-full-access") {
			ag.Bypass = append(ag.Bypass, "sandbox: danger-full-access")
		}
		ag.Egress = ag.Sandbox != "danger-full-access" && !slices.Contains(ag.Bypass, "network access enabled")
	case a.prefix == "openai/codex/.github/actions/codex":
		ag.Gate = "write-access"
		args := env.substituteText(raw("codex_args"))
		text := args.text
		if strings.TrimSpace(raw("codex_args")) == "" {
			text = "--config hide_agent_reasoning=true --full-auto"
		}
		var av argv
		av.sub = args
		for _, w := range strings.Fields(text) {
			av.words = append(av.words, w)
			av.dyn = append(av.dyn, hasMarker(w))
		}
		codexGuards(ag, av, "codex_args")
		if ag.Sandbox == "" && slices.Contains(ag.Bypass, "--full-auto") {
			ag.Sandbox = "workspace-write"
		}
		ag.Egress = ag.Sandbox == "workspace-write" && !slices.Contains(ag.Bypass, "network access enabled")
	case strings.Contains(a.prefix, "gemini-cli"):
		ag.Bypass = append(ag.Bypass, "--yolo (always passed by the action)")
		ag.ModelOIDC = in("gcp_workload_identity_provider") != "" || strings.EqualFold(in("use_vertex_ai"), "true") ||
			strings.EqualFold(in("use_gemini_code_assist"), "true")
		// run-gemini-cli reads `settings`; gemini-cli-action read
		// `settings_json` (its only settings input).
		key := "settings"
		if raw(key) == "" && raw("settings_json") != "" {
			key = "settings_json"
		}
		geminiGuards(ag, env, raw(key), key)
		// run-gemini-cli installs each `extensions` URL with `gemini
		// extensions install URL` (action.yml, step "Install Gemini CLI"):
		// no --ref, so an extension is its repository's default branch.
		if ext := raw("extensions"); strings.TrimSpace(ext) != "" {
			var urls []string
			if json.Unmarshal([]byte(env.substituteJSON(ext).text), &urls) == nil {
				for _, u := range urls {
					if u = strings.TrimSpace(u); strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "git@") {
						ag.Supply = append(ag.Supply, inventory.AgentSupply{What: "extension " + u, Unpinned: "installed from its default branch (no ref)"})
					}
				}
			}
		}
	case strings.Contains(a.prefix, "opencode"):
		ag.Gate = "write-access"
	}
	if a.gatedEvents == nil {
		ag.Gate = ""
	}
	if why := unpinnedRef(ref); why != "" {
		ag.Supply = append([]inventory.AgentSupply{{What: "action " + uses, Unpinned: why}}, ag.Supply...)
	}
	return ag
}

// versionTagRe matches refs that read as release tags (v1, v1.2.3,
// 1.0.0-beta.2, rust-v0.3.0).
var versionTagRe = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_-]*-)?v?\d+(\.\d+){0,3}([-+][0-9A-Za-z.-]+)?$`)

// unpinnedRef says why a uses: ref does not pin what runs, "" for a commit
// id or a release tag. A release tag can be moved too, but it is the
// publisher's release; a branch (or a tag like beta) moves with every push.
func unpinnedRef(ref string) string {
	r := strings.TrimSpace(ref)
	switch {
	case r == "":
		return "no ref (the default branch)"
	case isCommitPin(r), versionTagRe.MatchString(r):
		return ""
	case hasExpr(r):
		return ""
	}
	return "@" + r + " is not a release tag or a commit but a branch (or a moving tag): every push to it changes what this job runs"
}

// distTags are npm dist-tags: a moving pointer, not a version.
var distTags = map[string]bool{"latest": true, "next": true, "beta": true, "alpha": true, "canary": true, "nightly": true, "preview": true, "insiders": true}

// npmUnpinned says why an npx package spec does not pin a version.
func npmUnpinned(spec string) string {
	name := stripVersion(spec)
	if name == spec {
		return "no version (each run gets the newest release)"
	}
	v := spec[len(name)+1:]
	if distTags[strings.ToLower(v)] {
		return "the dist-tag @" + v + " (a new release is picked up on the next run)"
	}
	if strings.ContainsAny(v, "^~*x><") {
		return "the version range @" + v
	}
	return ""
}

// workflowAgent derives the agent of a job that calls a known reusable
// workflow.
func workflowAgent(a agentAction, ref, uses string) *inventory.StepAgent {
	ag := &inventory.StepAgent{Product: a.product, Via: uses, Ref: ref}
	if a.product == "openhands" {
		openhandsGuards(ag)
	}
	if a.gatedEvents != nil {
		// The called workflow's own job if: (see the notes on
		// knownActions) admits only triagers' labels and the comments of
		// OWNER, MEMBER and COLLABORATOR associations.
		ag.Gate = "author-association"
	}
	return ag
}

// openhandsGuards: the resolver's CodeActAgent runs shell and Python
// commands in its runtime container without confirmation (see the notes
// on knownActions).
func openhandsGuards(ag *inventory.StepAgent) {
	ag.Sandbox = "container"
	ag.Unrestricted = append(ag.Unrestricted, "any command (CodeActAgent runs shell and Python in its runtime container without confirmation)")
}

func cmpStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// claudeGuards reads Claude Code's tool allow-list and permission mode from
// claude_args (already split), the legacy allowed_tools input and a
// settings JSON.
func claudeGuards(ag *inventory.StepAgent, env exprEnv, args argv, where, allowed, settings string) {
	claudeFlags(ag, env, args, where)
	if allowed != "" {
		sub := env.substituteText(allowed)
		if len(sub.unknown) > 0 {
			unparsed(ag, "allowed_tools is set by "+exprList(sub.unknown))
		}
		addTools(ag, sub.text)
	}
	if strings.TrimSpace(settings) != "" {
		claudeSettingsJSON(ag, env, settings, "settings")
	}
}

// claudeFlags reads claude's own flags from an argument list.
func claudeFlags(ag *inventory.StepAgent, env exprEnv, a argv, where string) {
	for _, o := range a.opaque {
		unparsed(ag, where+": "+o)
	}
	for i := 0; i < len(a.words); i++ {
		w := a.words[i]
		name, val, hasVal := strings.Cut(w, "=")
		valDyn := a.dyn[i]
		next := func() (string, bool) {
			if hasVal {
				return val, valDyn
			}
			if i+1 < len(a.words) {
				i++
				return a.words[i], a.dyn[i]
			}
			return "", false
		}
		switch name {
		case "--dangerously-skip-permissions":
			ag.Bypass = append(ag.Bypass, "--dangerously-skip-permissions")
		case "--permission-mode":
			m, dyn := next()
			switch {
			case dyn:
				unparsed(ag, where+": --permission-mode "+a.sub.restore(m)+" cannot be evaluated")
			case strings.EqualFold(m, "bypassPermissions"):
				ag.Bypass = append(ag.Bypass, "--permission-mode bypassPermissions")
			case m != "":
				ag.Approval = m
			}
		case "--allowedTools", "--allowed-tools":
			// The option is variadic: following words that read as tool
			// names belong to it.
			for first := true; ; first = false {
				v, dyn := "", false
				if first {
					v, dyn = next()
				} else if i+1 < len(a.words) && !strings.HasPrefix(a.words[i+1], "-") && toolListRe.MatchString(a.words[i+1]) {
					i++
					v, dyn = a.words[i], a.dyn[i]
				} else {
					break
				}
				if dyn {
					unparsed(ag, where+": --allowedTools "+a.sub.restore(v)+" cannot be evaluated")
					continue
				}
				addTools(ag, v)
			}
		case "--settings":
			if v, dyn := next(); strings.HasPrefix(strings.TrimSpace(v), "{") {
				claudeSettingsJSON(ag, env, v, where+" --settings")
			} else if dyn {
				unparsed(ag, where+": --settings "+a.sub.restore(v)+" cannot be evaluated")
			}
		}
	}
}

// toolListRe matches a word that is a list of tool names (Edit,Read,
// Bash(git diff:*)), not a prompt.
var toolListRe = regexp.MustCompile(`^([A-Za-z_][\w.-]*(\([^)]*\))?)([ ,]+[A-Za-z_][\w.-]*(\([^)]*\))?)*,?$`)

// claudeSettingsJSON reads permissions.allow and permissions.defaultMode of
// a settings JSON given inline.
func claudeSettingsJSON(ag *inventory.StepAgent, env exprEnv, settings, where string) {
	root, ok := settingsObject(ag, env, settings, where)
	if !ok {
		return
	}
	perm, _ := root["permissions"].(map[string]any)
	if v, present := perm["allow"]; present {
		list, isList := v.([]any)
		if !isList {
			unparsed(ag, where+": permissions.allow is not a list of rules (an expression?)")
		}
		for _, it := range list {
			t, _ := it.(string)
			if it == nil || hasExpr(t) {
				unparsed(ag, where+": permissions.allow entry "+cmpStr(t, "null")+" cannot be evaluated")
				continue
			}
			addTools(ag, t)
		}
	}
	if v, present := perm["defaultMode"]; present {
		m, _ := v.(string)
		switch {
		case v == nil || hasExpr(m):
			unparsed(ag, where+": permissions.defaultMode cannot be evaluated")
		case strings.EqualFold(m, "bypassPermissions"):
			ag.Bypass = append(ag.Bypass, "settings defaultMode bypassPermissions")
		}
	}
}

// settingsObject parses a settings JSON after substituting its expressions
// (a placeholder string inside a JSON string, null outside one). Settings
// files are read as the CLIs read them, comments and trailing commas
// tolerated; what still does not parse is recorded as unparsed.
func settingsObject(ag *inventory.StepAgent, env exprEnv, text, where string) (map[string]any, bool) {
	sub := env.substituteJSON(text)
	data := []byte(sub.text)
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		std, serr := hujson.Standardize(slices.Clone(data))
		if serr != nil || json.Unmarshal(std, &root) != nil {
			unparsed(ag, where+" is not valid JSON: "+oneLine(err.Error()))
			return nil, false
		}
	}
	if root == nil {
		unparsed(ag, where+" is not a JSON object")
		return nil, false
	}
	return root, true
}

// unparsed records what the scan could not read about an agent's
// guardrails; rules list it as not evaluable, never as a pass.
func unparsed(ag *inventory.StepAgent, why string) {
	if !slices.Contains(ag.Unparsed, why) && len(ag.Unparsed) < 16 {
		ag.Unparsed = append(ag.Unparsed, why)
	}
}

// addTools adds a comma/space separated tool list. A rule that allows any
// command — a bare Bash, Bash(*), run_shell_command, or a command that runs
// any code, package, request or API call (Bash(node:*), Bash(npx:*),
// Bash(curl:*), Bash(gh api:*)) — is recorded as unrestricted, with why.
func addTools(ag *inventory.StepAgent, list string) {
	for _, t := range splitTools(list) {
		if slices.Contains(ag.AllowedTools, t) {
			continue
		}
		ag.AllowedTools = append(ag.AllowedTools, t)
		switch r := toolrule.Unrestricted(t); {
		case r == "":
		case r == "any shell command":
			ag.Unrestricted = append(ag.Unrestricted, t)
		default:
			ag.Unrestricted = append(ag.Unrestricted, t+" ("+r+")")
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

// codexArgs reads codex-action's codex-args: a JSON array, or a
// shell-style string.
func codexArgs(env exprEnv, s string) argv {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "[") {
		a, _ := splitArgs(t, env)
		return a
	}
	sub := env.substituteJSON(t)
	var list []any
	if err := json.Unmarshal([]byte(sub.text), &list); err != nil {
		return argv{opaque: []string{"codex-args is not a valid JSON array: " + oneLine(err.Error())}}
	}
	var a argv
	for _, it := range list {
		w, _ := it.(string)
		a.words = append(a.words, w)
		a.dyn = append(a.dyn, it == nil || hasExpr(w))
	}
	return a
}

// codexGuards reads codex exec flags.
func codexGuards(ag *inventory.StepAgent, a argv, where string) {
	for _, o := range a.opaque {
		unparsed(ag, where+": "+o)
	}
	for i := 0; i < len(a.words); i++ {
		w := a.words[i]
		name, val, hasVal := strings.Cut(w, "=")
		dyn := a.dyn[i]
		next := func() string {
			if hasVal {
				return val
			}
			if i+1 < len(a.words) {
				i++
				dyn = a.dyn[i]
				return a.words[i]
			}
			return ""
		}
		switch name {
		case "--dangerously-bypass-approvals-and-sandbox", "--yolo":
			ag.Bypass = append(ag.Bypass, name)
		case "--full-auto":
			ag.Bypass = append(ag.Bypass, "--full-auto")
		case "--sandbox", "-s":
			v := next()
			switch {
			case dyn:
				unparsed(ag, where+": --sandbox "+a.sub.restore(v)+" cannot be evaluated")
			case v != "":
				ag.Sandbox = v
				if v == "danger-full-access" {
					ag.Bypass = append(ag.Bypass, "sandbox: danger-full-access")
				}
			}
		case "-c", "--config":
			v := next()
			if dyn {
				unparsed(ag, where+": --config "+a.sub.restore(v)+" cannot be evaluated")
			}
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

// geminiGuards reads the core tool allow-list of a Gemini CLI settings JSON
// (tools.core, or the legacy top-level coreTools). Without one, every tool
// — the shell included — is available, and the actions always pass --yolo.
func geminiGuards(ag *inventory.StepAgent, env exprEnv, settings, where string) {
	if strings.TrimSpace(settings) == "" {
		ag.Unrestricted = append(ag.Unrestricted, "all tools (no tools.core allow-list in settings)")
		return
	}
	root, ok := settingsObject(ag, env, settings, where)
	if !ok {
		return
	}
	var lists []any
	present := false
	if v, ok := root["coreTools"]; ok {
		present = true
		lists = append(lists, v)
	}
	if tools, ok := root["tools"].(map[string]any); ok {
		if v, ok := tools["core"]; ok {
			present = true
			lists = append(lists, v)
		}
	} else if root["tools"] == nil && hasKey(root, "tools") {
		unparsed(ag, where+": tools cannot be evaluated")
		return
	}
	if !present {
		ag.Unrestricted = append(ag.Unrestricted, "all tools (no tools.core allow-list in settings)")
		return
	}
	n := 0
	for _, l := range lists {
		items, isList := l.([]any)
		if !isList {
			unparsed(ag, where+": the core tool list cannot be evaluated")
			return
		}
		for _, it := range items {
			t, _ := it.(string)
			if it == nil || hasExpr(t) {
				unparsed(ag, where+": core tool "+cmpStr(t, "null")+" cannot be evaluated")
				continue
			}
			addTools(ag, t)
			n++
		}
	}
	if n == 0 && len(ag.Unparsed) == 0 {
		// An empty list is no allow-list: Gemini CLI registers every tool.
		ag.Unrestricted = append(ag.Unrestricted, "all tools (an empty tools.core list)")
	}
}

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
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
		if k.module != "" {
			if !pythonNameRe.MatchString(c.name) || len(c.args) < 2 || c.args[0] != "-m" ||
				(c.args[1] != k.module && !strings.HasPrefix(c.args[1], k.module+".")) {
				continue
			}
			ag := &inventory.StepAgent{Product: k.product, Via: "python -m " + c.args[1]}
			if k.product == "openhands" {
				openhandsGuards(ag)
			}
			return ag
		}
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
		if c.pkg != "" {
			if why := npmUnpinned(c.pkg); why != "" {
				ag.Supply = append(ag.Supply, inventory.AgentSupply{What: "npm package " + c.pkg + " (run with " + c.runner + ")", Unpinned: why})
			}
		}
		return ag
	}
	return nil
}

// cliGuards reads bypass flags and allow-lists from an agent CLI's arguments.
func cliGuards(ag *inventory.StepAgent, name string, c scriptCommand) {
	where := "the " + name + " command line"
	if c.line > 0 {
		where += fmt.Sprintf(" (script line %d)", c.line)
	}
	switch name {
	case "claude":
		claudeFlags(ag, exprEnv{}, c.argv(), where)
		return
	case "codex":
		codexGuards(ag, c.argv(), where)
		return
	}
	for _, o := range c.opaque {
		unparsed(ag, where+": "+o)
	}
	switch name {
	case "gemini", "qwen":
		for i, a := range c.args {
			switch {
			case a == "--yolo" || a == "-y":
				ag.Bypass = append(ag.Bypass, a)
			case a == "--approval-mode=yolo" || (a == "--approval-mode" && i+1 < len(c.args) && c.args[i+1] == "yolo"):
				ag.Bypass = append(ag.Bypass, "--approval-mode yolo")
			case a == "--approval-mode" && i+1 < len(c.args) && c.dyn[i+1]:
				unparsed(ag, where+": --approval-mode "+c.sub.restore(c.args[i+1])+" cannot be evaluated")
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

// remoteAgents are coding agents that run in their vendor's cloud and that a
// workflow starts through the vendor's API: the request's host (and path)
// names the agent. Each works on the repository through its vendor's
// GitHub App, which creates branches and pull requests.
var remoteAgents = []struct {
	product, host, remote string
}{
	{"jules", "jules.googleapis.com", "in Google's cloud, through the Jules GitHub App installed on the repository"},
	{"devin", "api.devin.ai", "in Cognition's cloud, through the Devin GitHub integration of the organisation"},
	{"cursor-background-agent", "api.cursor.com/v0/agents", "in Cursor's cloud, through the Cursor GitHub App installed on the repository"},
}

// remoteAgent returns the remote coding agent whose session API a script
// calls, or nil.
func remoteAgent(script, via string) *inventory.StepAgent {
	for _, r := range remoteAgents {
		if strings.Contains(script, r.host) {
			return &inventory.StepAgent{Product: r.product, Via: via + " (" + r.host + ")", Remote: r.remote}
		}
	}
	return nil
}

// remoteOf says where an agent action's agent runs, "" for one that runs
// in the job.
func remoteOf(product string) string {
	for _, r := range remoteAgents {
		if r.product == product {
			return r.remote
		}
	}
	return ""
}
