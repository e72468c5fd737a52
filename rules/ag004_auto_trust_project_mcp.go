package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// AutoTrustProjectMCP is AR-AG-004.
var AutoTrustProjectMCP = &Rule{
	Metadata: Metadata{
		ID:       "AR-AG-004",
		Name:     "auto-trust-project-mcp",
		Title:    "Auto-trust of repository-defined MCP servers",
		Severity: inventory.SeverityMedium,
		Score:    6.5,
		Escalation: "medium 6.5 for shared settings beside a project `.mcp.json`, and for user settings in a scanned home that enable every " +
			"project's servers on the workstation. Personal project settings (untracked or git-ignored `settings.local.json`) do not match.",
		Description: "Claude Code settings with `enableAllProjectMcpServers: true` or a non-empty `enabledMcpjsonServers` start the servers of a " +
			"project's `.mcp.json` without asking each developer. Whoever can change `.mcp.json` in the repository — a pull request, a compromised " +
			"dependency update — then chooses which programs run on every developer's machine, with their environment and credentials.",
		Frameworks: []Mapping{NHI(3), ASI(4), Maestro("L3/T2"), Maestro("L7/T13"), AIRMF("GOVERN 6.1"), CSF("PR.PS-05")},
		Source:     "`.claude/settings.json` with the project `.mcp.json`; `~/.claude/settings.json`",
		Remediation: "1. Remove `enableAllProjectMcpServers` and `enabledMcpjsonServers` from shared settings, so that each developer approves project servers.\n" +
			"2. Review `.mcp.json` changes through CODEOWNERS.",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		for _, a := range agentsOfKind(c.Inventory, inventory.AgentProfile) {
			p := profileFacts(a)
			all, named := p.AutoTrustAll, p.AutoTrusted
			if !all && len(named) == 0 {
				continue
			}
			l := agentAt(a, p.AutoTrustLine)
			what := "every server of"
			if !all {
				what = fmt.Sprintf("the servers %s of", joinQuoted(named, 4))
			}
			switch {
			case inventory.IsHome(l) && all:
				c.Report(Result{
					Subject: a.ID + "#auto-trust", Location: l, Agent: a.ID,
					Message: fmt.Sprintf("%s starts every server of every project's .mcp.json on this workstation without asking: "+
						"whoever can change a cloned repository's .mcp.json runs programs as the developer.", agentLabel(a)),
				})
			case shared(l) && p.ProjectMCP != "":
				c.Report(Result{
					Subject: a.ID + "#auto-trust", Location: l, Agent: a.ID,
					Message: fmt.Sprintf("%s starts %s the repository's %s without asking each developer: "+
						"whoever can change that file chooses what runs on every developer's machine.", agentLabel(a), what, p.ProjectMCP),
					Properties: map[string]string{"project_mcp_git": string(p.ProjectMCPGit)},
				})
			}
		}
	},
}
