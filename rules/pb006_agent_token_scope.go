package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// AgentTokenScope is AR-PB-006 (App tokens minted in agent jobs).
var AgentTokenScope = &Rule{
	Metadata: Metadata{
		ID:       "AR-PB-006",
		Name:     "agent-token-not-task-scoped",
		Title:    "Agent credential not task-scoped",
		Severity: inventory.SeverityMedium,
		Score:    6.0,
		Escalation: "medium 6.0; high 7.5 when the token can write (a write `permission-*`, or no `permission-*` at all, which means " +
			"every permission of the installation).",
		Description: "A job that runs a coding agent mints a GitHub App token with `owner:` but no `repositories:` (every repository of " +
			"the installation) or without `permission-*` inputs (every permission the App has). The agent's credential covers far more " +
			"than the task in front of it.",
		Frameworks:  []Mapping{NHI(5), ASI(3), Maestro("L6/T3"), CSF("PR.AA-05")},
		Source:      "GitHub Actions workflows (actions/create-github-app-token inputs)",
		Remediation: "Scope the token to the task: `repositories: ${{ github.event.repository.name }}` and only the `permission-*` inputs the agent needs.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		ciJobs(c.Inventory, inventory.PlatformGitHub, func(j jobRef) {
			ag := agentSteps(j.job)
			if len(ag) == 0 {
				return
			}
			for _, s := range j.job.Steps {
				if s.AppToken == nil {
					continue
				}
				scope, _ := appTokenProblems(s.AppToken)
				if len(scope) == 0 {
					continue
				}
				score := 6.0
				if len(s.AppToken.Permissions) == 0 || s.AppToken.Granted.HasWrite() {
					score = 7.5
				}
				c.Report(Result{
					Subject:  j.stepSubject(s) + ":agent-app-token",
					Location: s.Location,
					Score:    score,
					Agent:    j.job.Agent,
					Message: fmt.Sprintf("The %s agent in %s, which %s can start, can reach a GitHub App token wider than its task: %s.",
						ag[0].Agent.Product, j.name(), startersPhrase(firstNonEmpty(ag[0].Agent.Starters, j.job.Starters)), strings.Join(scope, "; ")),
				})
			}
		})
	},
}
