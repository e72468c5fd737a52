package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// ApprovalBypass is AR-AG-003.
var ApprovalBypass = &Rule{
	Metadata: Metadata{
		ID:       "AR-AG-003",
		Name:     "agent-approval-bypass",
		Title:    "Unrestricted shell or approval bypass in agent settings",
		Severity: inventory.SeverityHigh,
		Score:    8.0,
		Escalation: "critical 9.1 when the settings are shared through the repository and the same workspace gives agents a source-control or cloud " +
			"credential (a literal one, or one passed to a GitHub/GitLab MCP server that is not read-only); high 7.0 for personal settings " +
			"(untracked, git-ignored or in a scanned home) and for a single MCP server whose tool calls skip confirmation (Gemini `trust: true`, " +
			"Cline/Roo `autoApprove` of every tool).",
		Description: "The settings let the agent run any shell command, or any tool, without asking: Claude Code `defaultMode: bypassPermissions` " +
			"or an allow rule `Bash` / `Bash(*)`, or one for a command that runs anything (`Bash(node:*)`, `Bash(npx:*)`, `Bash(eval:*)`, " +
			"`Bash(curl:*)`, `Bash(gh api:*)`, …); VS Code `chat.tools.global.autoApprove` (formerly `chat.tools.autoApprove`), a catch-all terminal " +
			"auto-approve rule or edits auto-approved everywhere; Codex `approval_policy = \"never\"` (or `on-failure`) with `sandbox_mode = " +
			"\"danger-full-access\"`; Gemini `tools.allowed: [\"run_shell_command\"]`; opencode `\"permission\": \"allow\"`; aider `yes-always`; " +
			"Amazon Q `allowedTools: [\"*\"]`; Zed `always_allow_tool_actions`. A prompt injected through any file, issue or web page then becomes " +
			"a command on the developer's machine, with every credential the developer has.",
		Frameworks: []Mapping{NHI(5), ASI(2), ASI(5), Maestro("L3/T2"), Maestro("T11"), AIRMF("MAP 3.5"), AIRMF("GOVERN 3.2"), CSF("PR.PS-01")},
		Source:     "Coding-agent settings files and MCP server entries",
		Remediation: "1. Allow-list specific commands instead (`Bash(npm test)`, `Bash(git diff:*)`), keep `defaultMode` at `default`, and deny network tools and secret paths.\n" +
			"2. For Codex keep `sandbox_mode = \"workspace-write\"` with `approval_policy = \"on-request\"`; for VS Code approve terminal commands by specific rules only.\n" +
			"3. In managed settings, set `disableBypassPermissionsMode: \"disable\"` (Claude Code) or `security.disableYoloMode` (Gemini CLI).",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		write := map[string]bool{}
		for _, a := range agentsOfKind(c.Inventory, inventory.AgentProfile, inventory.AgentMCPServer) {
			if len(a.Guardrails.Bypass) == 0 || mcpFacts(a).Disabled {
				continue
			}
			l := agentAt(a, profileFacts(a).BypassLine)
			score := 7.0
			scope := "personal settings of this workstation"
			if a.Kind == inventory.AgentProfile && shared(l) {
				score, scope = 8.0, "shared settings: everyone who opens this repository with the agent gets them"
				root := l.Source
				if _, ok := write[root]; !ok {
					write[root] = holdsWriteCredential(c.Inventory, root)
				}
				if write[root] {
					score = 9.1
					scope += ", and the workspace gives the agent a source-control or cloud credential"
				}
			}
			if a.Kind == inventory.AgentMCPServer {
				scope = "tool calls of this server skip confirmation"
			}
			c.Report(Result{
				Subject:  a.ID + "#bypass",
				Location: l,
				Score:    score,
				Agent:    a.ID,
				Message: fmt.Sprintf("%s lets the agent act without asking (%s): any prompt it reads can run commands as the developer (%s).",
					agentLabel(a), joinQuoted(a.Guardrails.Bypass, 2), scope),
				Properties: map[string]string{"product": a.Product, "bypass": strings.Join(a.Guardrails.Bypass, "; ")},
			})
		}
	},
}
