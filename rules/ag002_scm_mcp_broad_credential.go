package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// SCMMCPBroadCredential is AR-AG-002.
var SCMMCPBroadCredential = &Rule{
	Metadata: Metadata{
		ID:       "AR-AG-002",
		Name:     "scm-mcp-broad-credential",
		Title:    "GitHub/GitLab MCP server runs with a write-capable or broad credential",
		Severity: inventory.SeverityHigh,
		Score:    7.5,
		Escalation: "high 8.5 when a credential it holds is known to have admin permissions. A server in its own read-only mode " +
			"(`--read-only`, `GITHUB_READ_ONLY=1`, the remote `/readonly` endpoint or `X-MCP-Readonly`, `GITLAB_READ_ONLY_MODE`) never matches; " +
			"a toolset restriction (`--toolsets`, `GITHUB_TOOLSETS`, `X-MCP-Toolsets`) clears the unrestricted-tools condition but not a classic PAT or a known write token. " +
			"Disabled entries are skipped.",
		Description: "A GitHub or GitLab MCP server exposes every tool of the API — pushing commits, merging pull requests, editing workflows, " +
			"changing settings — with the credential it is given. Without the server's own read-only mode or a toolset restriction, and " +
			"especially with a classic personal access token (which covers every repository the user can reach), any text the agent reads " +
			"(an issue, a README, a web page) can steer it into writes the task never needed.",
		Frameworks: []Mapping{NHI(5), ASI(2), ASI(3), Maestro("L3/T2"), CSF("PR.AA-05")},
		Source:     "MCP server entries in agent configuration files",
		Remediation: "1. Run the server read-only unless the task needs writes: `--read-only` or `GITHUB_READ_ONLY=1` (GitLab: `GITLAB_READ_ONLY_MODE=true`).\n" +
			"2. Restrict its tools: `--toolsets repos,issues` or `GITHUB_TOOLSETS`.\n" +
			"3. Give it a fine-grained PAT or GitHub App token limited to the repositories and permissions the task needs, never a classic PAT.",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		for _, a := range agentsOfKind(c.Inventory, inventory.AgentMCPServer) {
			m := mcpFacts(a)
			if !scmServer(a) || m.ReadOnly || m.Disabled {
				continue
			}
			var classic, write, admin bool
			var classicLabel string
			for _, cred := range reachedCredentials(c.Inventory, a.ID) {
				if cred.Kind == inventory.KindClassicPAT || cred.Type == "github-classic-pat" {
					classic, classicLabel = true, credentialLabel(cred)
				}
				if cred.Permissions.HasWrite() {
					write = true
				}
				if cred.Permissions.Max() == inventory.Admin {
					admin = true
				}
			}
			unrestricted := len(m.Toolsets) == 0
			if !classic && !write && !unrestricted {
				continue
			}
			platform := "GitHub"
			if a.Product == "gitlab-mcp-server" {
				platform = "GitLab"
			}
			var why []string
			if classic {
				why = append(why, "a classic personal access token ("+classicLabel+") that covers every repository its owner can reach")
			}
			if write && !classic {
				why = append(why, "a token with write permissions")
			}
			if unrestricted {
				why = append(why, "neither read-only mode nor a toolset restriction")
			}
			score := 7.5
			if admin {
				score = 8.5
			}
			c.Report(Result{
				Subject:  a.ID,
				Location: a.Location,
				Score:    score,
				Agent:    a.ID,
				Message: fmt.Sprintf("The %s MCP server %q in %s runs with %s: every write tool it exposes acts with the token's full reach, "+
					"and any prompt the agent reads can drive it.", platform, a.Name, where(a.Location), strings.Join(why, " and ")),
				Properties: map[string]string{"product": a.Product, "toolsets": strings.Join(m.Toolsets, ","), "client": m.Client},
			})
		}
	},
}
