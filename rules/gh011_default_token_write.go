package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// DefaultTokenWrite is AR-GH-011.
var DefaultTokenWrite = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-011",
		Name:     "default-github-token-read-write",
		Title:    "Default GITHUB_TOKEN is read-write",
		Severity: inventory.SeverityMedium,
		Score:    6.5,
		Escalation: "medium 6.5; high 7.5 when a coding agent's job relies on the default (it declares no `permissions:`), so " +
			"whoever steers the agent gets a write token (catalog 1.7). One result for an organisation whose default is write — " +
			"naming how many of its repositories have it in force and the jobs that rely on it — and one for each repository whose " +
			"default is write while its organisation's is not (or was not read). Archived repositories are left out.",
		Description: "The organisation's or repository's default permission for the GITHUB_TOKEN is read and write. Every workflow " +
			"job that does not declare `permissions:` then runs with a token that can push commits, create releases, publish " +
			"packages and edit issues and pull requests — including jobs that build untrusted code or run a coding agent that reads " +
			"untrusted text. Least privilege has to be opted into, job by job, and every new workflow forgets it.",
		Frameworks:  []Mapping{NHI(5), ASI(3), Maestro("L4/T3"), CSF("PR.AA-05")},
		Source:      "GitHub organisation scan: Actions workflow permissions (`GET /orgs/{org}/actions/permissions/workflow`, `GET /repos/{owner}/{repo}/actions/permissions/workflow`) and the workflows read",
		Remediation: "Set the default to read (organisation or repository settings → Actions → General → Workflow permissions → Read repository contents and packages permissions), and grant write per job with `permissions:`.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointOrgWorkflow, endpointRepoWorkflow)
		inv := c.Inventory
		for _, g := range riskySettings(inv, inventory.SettingDefaultWorkflowPermissions, "write") {
			var jobs, agents []string
			agentID := ""
			liveJobs(inv, g.repos, func(j jobRef) {
				src := j.job.PermissionsSource
				if !strings.HasPrefix(src, "default") || strings.Contains(src, "setting: read") {
					return
				}
				jobs = append(jobs, jobLabel(inv, j))
				if a := codingJob(inv, j); a != nil {
					agents = append(agents, codingAgentLabel(inv, a))
					agentID = cmpStr(agentID, a.ID)
				}
			})
			relies := "no job of the workflows read relies on it, but every new workflow without `permissions:` will"
			if len(jobs) > 0 {
				relies = fmt.Sprintf("%d %s without `permissions:` %s on it: %s", len(jobs), plural(len(jobs), "job", "jobs"),
					plural(len(jobs), "relies", "rely"), joinQuoted(jobs, 3))
			}
			score, agentText := 6.5, ""
			if len(agents) > 0 {
				score = escalate(6.5)
				agentText = fmt.Sprintf(" Coding agents run with it: %s — whoever steers them (an issue, a comment, a prompt "+
					"injection) gets a token that can push.", joinQuoted(agents, 3))
			}
			var msg string
			if g.org {
				msg = fmt.Sprintf("The organisation %s gives every workflow job a read-and-write GITHUB_TOKEN by default "+
					"(`default_workflow_permissions: write`), %s; %s.%s Set the organisation's default to read and grant write "+
					"per job with `permissions:`.", g.name, g.inForce(), relies, agentText)
			} else {
				msg = fmt.Sprintf("The repository %s gives its workflow jobs a read-and-write GITHUB_TOKEN by default "+
					"(`default_workflow_permissions: write`)%s; %s.%s Set the repository's default to read and grant write per "+
					"job with `permissions:`.", g.name, g.orgNote("default"), relies, agentText)
			}
			c.Report(Result{
				Subject:    g.subject(),
				Location:   g.setting.Location,
				Agent:      agentID,
				Score:      score,
				Message:    msg,
				Properties: map[string]string{"repositories": fmt.Sprint(len(g.repos)), "jobs": fmt.Sprint(len(jobs))},
			})
		}
	},
}
