package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// WorkflowsApprovePRs is AR-GH-012.
var WorkflowsApprovePRs = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-012",
		Name:     "workflows-can-approve-pull-requests",
		Title:    "Workflows can approve pull requests",
		Severity: inventory.SeverityMedium,
		Score:    6.0,
		Escalation: "medium 6.0; high 7.0 when a coding agent runs in a job whose GITHUB_TOKEN has `pull-requests: write` where " +
			"the setting is in force, so the agent itself could give the approval (catalog 1.7). One result for an organisation " +
			"that allows it, naming how many repositories have it in force, and one for each repository that allows it while its " +
			"organisation does not (or was not read). Archived repositories are left out.",
		Description: "GitHub Actions may create and approve pull requests (`can_approve_pull_request_reviews`). A workflow's " +
			"GITHUB_TOKEN with `pull-requests: write` can then approve a pull request, and that approval counts towards the " +
			"reviews branch protection requires: a change that an agent or a compromised workflow proposes can be approved " +
			"without any human looking at it.",
		Frameworks:  []Mapping{NHI(5), ASI(9), ASI(3), Maestro("L5/T10"), AIRMF("MAP 3.5")},
		Source:      "GitHub organisation scan: Actions workflow permissions (`GET /orgs/{org}/actions/permissions/workflow`, `GET /repos/{owner}/{repo}/actions/permissions/workflow`) and the workflows read",
		Remediation: "Turn off \"Allow GitHub Actions to create and approve pull requests\" (organisation or repository settings → Actions → General → Workflow permissions), so that every change an agent writes needs a human review.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointOrgWorkflow, endpointRepoWorkflow)
		inv := c.Inventory
		for _, g := range riskySettings(inv, inventory.SettingCanApprovePullRequests, "true") {
			var agents []string
			agentID := ""
			liveJobs(inv, g.repos, func(j jobRef) {
				a := codingJob(inv, j)
				if a == nil || j.job.EffectivePermissions.Get(inventory.ResPullRequests) < inventory.Write {
					return
				}
				agents = append(agents, codingAgentLabel(inv, a))
				agentID = cmpStr(agentID, a.ID)
			})
			score, agentText := 6.0, ""
			if len(agents) > 0 {
				score = escalate(6.0)
				agentText = fmt.Sprintf(" Coding agents hold such a token: %s (`pull-requests: write`) — steered by a prompt "+
					"injection, one of them could approve an attacker's pull request.", joinQuoted(agents, 3))
			}
			const what = "a workflow's GITHUB_TOKEN with `pull-requests: write` can approve a pull request, and the approval counts " +
				"towards the reviews branch protection requires"
			var msg string
			if g.org {
				msg = fmt.Sprintf("The organisation %s lets GitHub Actions create and approve pull requests "+
					"(`can_approve_pull_request_reviews: true`), %s: %s.%s Turn the setting off so that every change needs a "+
					"human review.", g.name, g.inForce(), what, agentText)
			} else {
				msg = fmt.Sprintf("The repository %s lets GitHub Actions create and approve pull requests "+
					"(`can_approve_pull_request_reviews: true`)%s: %s.%s Turn the setting off so that every change needs a "+
					"human review.", g.name, g.orgNote("setting"), what, agentText)
			}
			c.Report(Result{
				Subject:    g.subject(),
				Location:   g.setting.Location,
				Agent:      agentID,
				Score:      score,
				Message:    msg,
				Properties: map[string]string{"repositories": fmt.Sprint(len(g.repos))},
			})
		}
	},
}
