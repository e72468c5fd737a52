package inventory

import (
	"path"
	"strings"
)

// FileClass says what role a file plays for an agent. Rules use it to pick
// the rule family of a finding: a key in a workflow is AR-CI-008, in an agent
// config AR-AG-001, anywhere else AR-SC-001.
type FileClass string

// File classes.
const (
	FileGitHubWorkflow FileClass = "github-workflow"
	FileGitHubAction   FileClass = "github-action"
	FileGitLabCI       FileClass = "gitlab-ci"
	FileAgentConfig    FileClass = "agent-config"
	FileOther          FileClass = "other"
)

// IsCI reports whether the class is a CI definition.
func (c FileClass) IsCI() bool {
	return c == FileGitHubWorkflow || c == FileGitHubAction || c == FileGitLabCI
}

// agentConfigFiles are agent and MCP configuration files matched by their
// path suffix (directory part included) anywhere in a tree.
var agentConfigFiles = []string{
	".mcp.json",
	".cursor/mcp.json",
	".vscode/mcp.json",
	".vscode/settings.json",
	"claude_desktop_config.json",
	".claude/settings.json",
	".claude/settings.local.json",
	".claude.json",
	".codex/config.toml",
	".gemini/settings.json",
	".windsurf/mcp.json",
	".codeium/windsurf/mcp_config.json",
	".amazonq/mcp.json",
	".amazonq/default.json",
	".aws/amazonq/mcp.json",
	".continue/config.json",
	".continue/config.yaml",
	"opencode.json",
	"opencode.jsonc",
	".aider.conf.yml",
	".roo/mcp.json",
	".kiro/settings/mcp.json",
	".zed/settings.json",
	"cline_mcp_settings.json",
	".copilot/mcp-config.json",
	".github/copilot/mcp.json",
	".cursor/cli.json",
	".cursor/cli-config.json",
	".aider.conf.yaml",
	".config/zed/settings.json",
	"Code/User/settings.json",
	"Code/User/mcp.json",
}

// ClassifyPath classifies a slash-separated path relative to a scan root.
func ClassifyPath(p string) FileClass {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	base := path.Base(p)
	dir := path.Dir(p)
	ext := path.Ext(base)
	yaml := ext == ".yml" || ext == ".yaml"
	switch {
	case yaml && (dir == ".github/workflows" || strings.HasSuffix(dir, "/.github/workflows")):
		return FileGitHubWorkflow
	case (base == "action.yml" || base == "action.yaml") && (strings.HasPrefix(dir, ".github/actions/") || strings.Contains(dir, "/.github/actions/") || dir == "."):
		return FileGitHubAction
	case base == ".gitlab-ci.yml" || base == ".gitlab-ci.yaml" || (yaml && (strings.HasPrefix(dir, ".gitlab/ci") || strings.Contains(dir, "/.gitlab/ci"))):
		return FileGitLabCI
	}
	for _, suffix := range agentConfigFiles {
		if p == suffix || strings.HasSuffix(p, "/"+suffix) {
			return FileAgentConfig
		}
	}
	for _, dir := range []string{".continue/mcpServers/", ".amazonq/cli-agents/"} {
		if strings.HasPrefix(p, dir) || strings.Contains(p, "/"+dir) {
			return FileAgentConfig
		}
	}
	return FileOther
}
