package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// GuardrailSelfModification is AR-AG-008.
var GuardrailSelfModification = &Rule{
	Metadata: Metadata{
		ID:       "AR-AG-008",
		Name:     "agent-guardrail-self-modification",
		Title:    "Agent can rewrite its own guardrails (config self-modification)",
		Severity: inventory.SeverityMedium,
		Score:    5.5,
		Escalation: "medium 5.5. A local scan cannot see branch protection: a CODEOWNERS entry covering the settings file counts as covered, " +
			"and whether code-owner review is required on the default branch stays for the organisation scan. Personal settings " +
			"(untracked, git-ignored, home) and profiles that cannot write files (Codex `sandbox_mode = \"read-only\"`) do not match.",
		Description: "Shared agent settings are neither owned in CODEOWNERS nor protected by deny rules for edits of the agent's configuration " +
			"(`.claude/**`, `.mcp.json`, `.vscode/settings.json`, `.codex/**`). An agent steered by a prompt injection can then widen its own " +
			"permissions — switch on auto-approval, add an MCP server — and the change reaches every developer through an ordinary pull request " +
			"(compare CVE-2025-53773, where Copilot's auto-approval was switched on by a write to settings.json).",
		Frameworks: []Mapping{ASI(1), ASI(5), ASI(10), Maestro("L3/T6"), AIRMF("MANAGE 2.4"), CSF("PR.PS-01")},
		Source:     "Agent settings files and CODEOWNERS",
		Remediation: "1. Add the agent configuration paths to CODEOWNERS and require code-owner review on the default branch.\n" +
			"2. Deny the agent edits of its configuration, e.g. Claude Code `\"deny\": [\"Edit(.claude/**)\", \"Write(.claude/**)\", \"Edit(.mcp.json)\"]`.",
		Precision: PrecisionMedium,
	},
	Check: func(c *Context) {
		for _, a := range agentsOfKind(c.Inventory, inventory.AgentProfile) {
			l := a.Location
			p := profileFacts(a)
			if !shared(l) || p.ReadOnly || p.GuardDeny || p.Codeowners == "covered" {
				continue
			}
			owners := "no CODEOWNERS file covers it"
			if p.Codeowners == "not-covered" {
				owners = "CODEOWNERS does not cover it"
			}
			c.Report(Result{
				Subject: a.ID + "#self-modification", Location: l, Agent: a.ID,
				Message: fmt.Sprintf("%s can be rewritten by the agent it governs: %s and no deny rule stops edits of the agent's configuration, "+
					"so a prompt injection can widen the agent's permissions for everyone who pulls the change.", agentLabel(a), owners),
				Properties: map[string]string{"codeowners": p.Codeowners, "branch_protection": "not checked by a local scan"},
			})
		}
	},
}
