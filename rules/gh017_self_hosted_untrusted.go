package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// SelfHostedUntrusted is AR-GH-017 (the workflow part).
var SelfHostedUntrusted = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-017",
		Name:     "self-hosted-runner-untrusted-trigger",
		Title:    "Self-hosted runners reachable from public repos or fork PRs",
		Severity: inventory.SeverityHigh,
		Score:    8.5,
		Escalation: "high 8.5; critical 9.2 when the job also runs a coding agent (whether the runner is ephemeral is an org or runner " +
			"setting; an org scan refines this). Applies when the repository accepts fork pull requests or comments from outsiders — " +
			"in practice a public repository.",
		Description: "A job runs on a self-hosted runner and people without write access can start it (a fork pull request, an issue " +
			"comment, `pull_request_target`). Their code or instructions run on your machine: a persistent runner keeps what they " +
			"leave behind for the next job, and the host's network position and cloud credentials are theirs.",
		Frameworks:  []Mapping{NHI(8), NHI(2), ASI(5), Maestro("L4/T11"), CSF("PR.IR-01"), CISRef("2.2.1")},
		Source:      "GitHub Actions workflows",
		Remediation: "Run untrusted triggers on GitHub-hosted runners; keep self-hosted runners in private-only runner groups with ephemeral just-in-time runners, and require approval for fork pull request workflows.",
		Precision:   PrecisionMedium,
	},
	Check: func(c *Context) {
		ciJobs(c.Inventory, inventory.PlatformGitHub, func(j jobRef) {
			if !j.job.SelfHosted {
				return
			}
			var open []inventory.Starter
			for _, s := range j.job.Starters {
				if untrusted(s.Audience) {
					open = append(open, s)
				}
			}
			if len(open) == 0 {
				return
			}
			score := 8.5
			agent := ""
			if ag := agentSteps(j.job); len(ag) > 0 {
				score, agent = 9.2, " and drive the "+ag[0].Agent.Product+" agent there"
			}
			c.Report(Result{
				Subject:  j.subject() + ":self-hosted",
				Location: j.job.Location,
				Score:    score,
				Agent:    j.job.Agent,
				Message: fmt.Sprintf("%s can run code on the self-hosted runner (%s) of %s%s, if the repository takes outside contributions.",
					capitalize(startersPhrase(open)), strings.Join(j.job.RunsOn, ", "), j.name(), agent),
			})
		})
	},
}
