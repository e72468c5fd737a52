package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// KillSwitchGap is AR-PB-007 (App tokens kept alive in agent jobs).
var KillSwitchGap = &Rule{
	Metadata: Metadata{
		ID:         "AR-PB-007",
		Name:       "agent-credential-not-revoked",
		Title:      "Kill-switch gap: agent credential cannot be centrally revoked",
		Severity:   inventory.SeverityMedium,
		Score:      6.5,
		Escalation: "medium 6.5.",
		Description: "A job that runs a coding agent mints a GitHub App token with `skip-token-revoke: true`, so the token stays valid " +
			"for up to an hour after the job ends. A token the agent leaked — to a log, an artifact or a remote server — keeps working " +
			"and nothing revokes it when the run is over.",
		Frameworks:  []Mapping{NHI(1), NHI(7), ASI(10), ASI(3)},
		Source:      "GitHub Actions workflows (actions/create-github-app-token inputs)",
		Remediation: "Remove `skip-token-revoke: true` so the action revokes the token in its post step.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		ciJobs(c.Inventory, inventory.PlatformGitHub, func(j jobRef) {
			ag := agentSteps(j.job)
			if len(ag) == 0 {
				return
			}
			for _, s := range j.job.Steps {
				if s.AppToken == nil || !s.AppToken.SkipRevoke {
					continue
				}
				c.Report(Result{
					Subject:  j.stepSubject(s) + ":unrevoked",
					Location: s.Location,
					Agent:    j.job.Agent,
					Message: fmt.Sprintf("The %s agent in %s can reach a GitHub App token minted with skip-token-revoke, which outlives the job by up to an hour; %s can start it.",
						ag[0].Agent.Product, j.name(), startersPhrase(firstNonEmpty(ag[0].Agent.Starters, j.job.Starters))),
				})
			}
		})
	},
}
