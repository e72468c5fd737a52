// Package agentconfig reads MCP server and coding-agent configurations —
// Claude Code, VS Code / Copilot, Cursor, Codex, Gemini CLI, Windsurf,
// Amazon Q, Continue, opencode, Zed, Cline, Roo, Kiro, aider — and a
// developer's home directory. It records one agent per MCP server and per
// settings profile (with its guardrails: approval mode, allowed and denied
// tools, bypasses), every credential each one is given (a literal value as
// the embedded credential the detection engine also finds, an indirection
// as a reference credential that holds no value), and the reach edges
// between them. It never records a secret value.
package agentconfig

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/agentreach/agentreach/inventory"
)

// Source is the coverage source name.
const Source = "agentconfig"

// format is a configuration dialect.
type format int

const (
	fmtNone format = iota
	fmtMCP
	fmtVSCodeMCP
	fmtClaudeSettings
	fmtClaudeState
	fmtVSCodeSettings
	fmtCodex
	fmtGemini
	fmtOpencode
	fmtAider
	fmtZed
	fmtAmazonQAgent
	fmtCursorCLI
	fmtContinue
	fmtCodeowners
)

type pathRule struct {
	suffix string // matched against the path, or its last segments
	format format
	client string
}

// pathRules map file locations to dialects. Project-level paths match
// anywhere in a tree; user-level ones (under a home) too.
var pathRules = []pathRule{
	{".claude/settings.json", fmtClaudeSettings, "claude-code"},
	{".claude/settings.local.json", fmtClaudeSettings, "claude-code"},
	{".claude.json", fmtClaudeState, "claude-code"},
	{".mcp.json", fmtMCP, "claude-code"},
	{"claude_desktop_config.json", fmtMCP, "claude-desktop"},
	{".cursor/mcp.json", fmtMCP, "cursor"},
	{".cursor/cli.json", fmtCursorCLI, "cursor"},
	{".cursor/cli-config.json", fmtCursorCLI, "cursor"},
	{".vscode/mcp.json", fmtVSCodeMCP, "vscode"},
	{"Code/User/mcp.json", fmtVSCodeMCP, "vscode"},
	{".vscode/settings.json", fmtVSCodeSettings, "vscode"},
	{"Code/User/settings.json", fmtVSCodeSettings, "vscode"},
	{".codex/config.toml", fmtCodex, "codex"},
	{".gemini/settings.json", fmtGemini, "gemini-cli"},
	{".windsurf/mcp.json", fmtMCP, "windsurf"},
	{".codeium/windsurf/mcp_config.json", fmtMCP, "windsurf"},
	{".amazonq/mcp.json", fmtMCP, "amazon-q"},
	{".aws/amazonq/mcp.json", fmtMCP, "amazon-q"},
	{".amazonq/default.json", fmtAmazonQAgent, "amazon-q"},
	{".continue/config.json", fmtContinue, "continue"},
	{".continue/config.yaml", fmtContinue, "continue"},
	{"opencode.json", fmtOpencode, "opencode"},
	{"opencode.jsonc", fmtOpencode, "opencode"},
	{".aider.conf.yml", fmtAider, "aider"},
	{".aider.conf.yaml", fmtAider, "aider"},
	{".roo/mcp.json", fmtMCP, "roo-code"},
	{".kiro/settings/mcp.json", fmtMCP, "kiro"},
	{".zed/settings.json", fmtZed, "zed"},
	{".config/zed/settings.json", fmtZed, "zed"},
	{"cline_mcp_settings.json", fmtMCP, "cline"},
	{".copilot/mcp-config.json", fmtMCP, "copilot-cli"},
	{".github/copilot/mcp.json", fmtMCP, "copilot"},
}

// classify returns the dialect of a slash-separated relative path.
func classify(p string) (format, string) {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	base, dir := path.Base(p), path.Dir(p)
	if base == "CODEOWNERS" && (dir == "." || dir == ".github" || dir == "docs" || dir == ".gitlab") {
		return fmtCodeowners, ""
	}
	for _, r := range pathRules {
		if p == r.suffix || strings.HasSuffix(p, "/"+r.suffix) {
			return r.format, r.client
		}
	}
	ext := path.Ext(base)
	switch {
	case (strings.HasSuffix(dir, ".continue/mcpServers") || dir == ".continue/mcpServers") && (ext == ".yaml" || ext == ".yml" || ext == ".json"):
		return fmtContinue, "continue"
	case (strings.HasSuffix(dir, ".amazonq/cli-agents") || dir == ".amazonq/cli-agents") && ext == ".json":
		return fmtAmazonQAgent, "amazon-q"
	}
	return fmtNone, ""
}

// Analyzer reads agent configurations handed over by the walker (or by
// ScanHome). Records are kept per root and flushed in Finish.
type Analyzer struct {
	values Values
	mu     sync.Mutex
	roots  map[string]*rootState
}

// Values judges a value written in a configuration as the detection engine
// does: whether it is a credential, and the embedded credential (id, value
// fingerprint, redacted preview, classification) that the engine records
// for it. *secrets.Engine implements it; the analyzer never hashes or
// redacts a value itself.
type Values interface {
	Embedded(key string, value []byte) (c inventory.Credential, recognised bool)
}

type rootState struct {
	files      []*fileCtx
	codeowners []ownerRule
	coPath     string
	coRank     int
}

// NewAnalyzer returns an agent-configuration analyzer that judges values
// with v (the detection engine that scans the same files, so that a value
// is one credential whichever of the two sees it).
func NewAnalyzer(v Values) *Analyzer {
	if v == nil {
		panic("agentconfig.NewAnalyzer: nil Values")
	}
	return &Analyzer{values: v, roots: map[string]*rootState{}}
}

// Name implements the walker's Analyzer.
func (a *Analyzer) Name() string { return Source }

// Wants implements the walker's Analyzer.
func (a *Analyzer) Wants(p string, _ int64) bool {
	f, _ := classify(p)
	return f != fmtNone || isHomeStore(p)
}

func (a *Analyzer) state(root string) *rootState {
	st, ok := a.roots[root]
	if !ok {
		st = &rootState{}
		a.roots[root] = st
	}
	return st
}

// Analyze implements the walker's Analyzer. A file that cannot be parsed is
// an error (a coverage entry); nothing of it is recorded.
func (a *Analyzer) Analyze(_ context.Context, file inventory.Location, data []byte, _ *inventory.Builder) error {
	fm, client := classify(file.Path)
	if fm == fmtNone {
		if inventory.IsHome(file) && isHomeStore(file.Path) {
			return a.analyzeStore(file, data)
		}
		return nil // a store path inside a repository: the detection engine reads it
	}
	if fm == fmtCodeowners {
		rules := parseCodeowners(data)
		rank := map[string]int{".github/CODEOWNERS": 3, "CODEOWNERS": 2, "docs/CODEOWNERS": 1, ".gitlab/CODEOWNERS": 1}[file.Path]
		a.mu.Lock()
		st := a.state(file.Source)
		if rank > st.coRank || st.coPath == "" {
			st.codeowners, st.coPath, st.coRank = rules, file.Path, rank
		}
		a.mu.Unlock()
		return nil
	}
	f, err := parseFile(a.values, file, data, fm, client)
	if err != nil {
		return err
	}
	a.mu.Lock()
	st := a.state(file.Source)
	st.files = append(st.files, f)
	a.mu.Unlock()
	return nil
}

// parseFile parses one configuration file into its records.
func parseFile(values Values, file inventory.Location, data []byte, fm format, client string) (*fileCtx, error) {
	var root *node
	var err error
	if len(bytes.TrimSpace(data)) == 0 {
		root = &node{kind: kObject, line: 1, col: 1}
	} else {
		switch ext := strings.ToLower(path.Ext(file.Path)); ext {
		case ".toml":
			root, err = parseTOML(data)
		case ".yml", ".yaml":
			root, err = parseYAML(data)
		default:
			root, err = parseJSON(data)
		}
	}
	if err != nil {
		return nil, err
	}
	f := newFileCtx(values, file, client)
	if root.kind != kObject {
		if root.kind == kNull {
			return f, nil // an empty YAML document
		}
		return nil, fmt.Errorf("not an agent configuration: the top level is not an object")
	}
	switch fm {
	case fmtClaudeSettings:
		claudeSettings(f, root)
	case fmtClaudeState:
		claudeState(f, root)
	case fmtVSCodeSettings:
		vscodeSettings(f, root)
	case fmtCodex:
		codexConfig(f, root)
	case fmtGemini:
		geminiSettings(f, root)
	case fmtOpencode:
		opencodeConfig(f, root)
	case fmtAider:
		aiderConfig(f, root)
	case fmtZed:
		zedSettings(f, root)
	case fmtAmazonQAgent:
		amazonQAgent(f, root)
	case fmtCursorCLI:
		cursorCLI(f, root)
	case fmtContinue:
		continueConfig(f, root)
	case fmtMCP, fmtVSCodeMCP:
		servers := root.get("mcpServers")
		ptr := "/mcpServers"
		if servers == nil || fm == fmtVSCodeMCP {
			if s := root.get("servers"); s != nil {
				servers, ptr = s, "/servers"
			}
		}
		if servers == nil {
			if s := root.at("mcp", "servers"); s != nil {
				servers, ptr = s, "/mcp/servers"
			}
		}
		mcpServerMap(f, servers, ptr, "")
	}
	if fm == fmtVSCodeMCP || fm == fmtVSCodeSettings {
		in := root
		if fm == fmtVSCodeSettings && root.get("mcp") != nil {
			in = root.get("mcp")
		}
		vscodeInputs(f, in)
	}
	f.walkSecrets(root, "", "", 0)
	return f, nil
}

// Finish implements the walker's Finisher: it links files of one root (a
// settings profile and the project .mcp.json it auto-trusts, CODEOWNERS
// coverage of agent configuration) and adds every record in a stable order.
func (a *Analyzer) Finish(_ context.Context, src inventory.Source, out *inventory.Builder) error {
	a.mu.Lock()
	st := a.roots[src.ID]
	delete(a.roots, src.ID)
	a.mu.Unlock()
	if src.Kind == inventory.SourceHome {
		finishHome(out)
	}
	if st == nil {
		return nil
	}
	byPath := map[string]*fileCtx{}
	for _, f := range st.files {
		byPath[f.loc.Path] = f
	}
	var agents []inventory.Agent
	var creds []inventory.Credential
	var reaches []inventory.Reach
	servers, profiles := 0, 0
	for _, f := range st.files {
		for i := range f.agents {
			ag := &f.agents[i]
			if ag.Kind == inventory.AgentProfile {
				profiles++
				linkProject(ag, f, byPath)
				if st.coPath != "" {
					if owned(st.codeowners, f.loc.Path) {
						ag.Profile.Codeowners = "covered"
					} else {
						ag.Profile.Codeowners = "not-covered"
					}
				} else {
					ag.Profile.Codeowners = "absent"
				}
			} else {
				servers++
			}
			agents = append(agents, *ag)
		}
		creds = append(creds, f.creds...)
		reaches = append(reaches, f.reaches...)
	}
	sortRecords(creds, reaches, agents)
	for _, ag := range agents {
		out.AddAgent(ag)
	}
	for _, c := range creds {
		out.AddCredential(c)
	}
	for _, r := range reaches {
		out.AddReach(r)
	}
	out.AddCoverage(inventory.Coverage{
		Source: Source, Target: src.Path, Status: inventory.CoverageComplete, Count: len(st.files),
		Reason: fmt.Sprintf("%d agent configuration files read: %d MCP servers, %d agent settings profiles", len(st.files), servers, profiles),
	})
	return nil
}

// linkProject records, on a Claude Code profile, the project .mcp.json
// beside its .claude directory, and marks the servers it auto-trusts.
func linkProject(ag *inventory.Agent, f *fileCtx, byPath map[string]*fileCtx) {
	if ag.Product != "claude-code" || !strings.Contains(f.loc.Path, ".claude/settings") {
		return
	}
	dir := f.loc.Path[:strings.Index(f.loc.Path, ".claude/settings")]
	mcp, ok := byPath[dir+".mcp.json"]
	if !ok {
		return
	}
	pf := ag.Profile
	pf.ProjectMCP, pf.ProjectMCPGit = mcp.loc.Path, mcp.loc.Git
	for i := range mcp.agents {
		s := &mcp.agents[i]
		if s.MCP != nil && (pf.AutoTrustAll || slices.Contains(pf.AutoTrusted, s.Name)) {
			s.MCP.AutoTrustedBy = f.loc.Path
		}
	}
}

// ownerRule is one CODEOWNERS line.
type ownerRule struct {
	pattern string
	owners  bool
}

func parseCodeowners(data []byte) []ownerRule {
	var out []ownerRule
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, " #"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "[") || strings.HasPrefix(line, "^[") {
			continue // comments and GitLab section headers
		}
		fields := strings.Fields(line)
		out = append(out, ownerRule{pattern: fields[0], owners: len(fields) > 1})
	}
	return out
}

// owned reports whether the last CODEOWNERS rule matching p names owners
// (gitignore-style patterns, as GitHub and GitLab use them).
func owned(rules []ownerRule, p string) bool {
	result := false
	for _, r := range rules {
		if codeownersMatch(r.pattern, p) {
			result = r.owners
		}
	}
	return result
}

func codeownersMatch(pattern, p string) bool {
	pat := pattern
	anchored := strings.HasPrefix(pat, "/") || strings.Contains(strings.TrimSuffix(pat, "/"), "/")
	pat = strings.TrimPrefix(pat, "/")
	if strings.HasSuffix(pat, "/") {
		pat += "**"
	}
	if !anchored {
		pat = "**/" + pat
	}
	if ok, _ := doublestar.Match(pat, p); ok {
		return true
	}
	ok, _ := doublestar.Match(strings.TrimSuffix(pat, "/**")+"/**", p)
	return ok
}
