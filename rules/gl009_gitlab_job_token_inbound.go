package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// GitLabJobTokenInbound is AR-GL-009.
var GitLabJobTokenInbound = &Rule{
	Metadata: Metadata{
		ID:       "AR-GL-009",
		Name:     "gitlab-job-token-allowlist-disabled",
		Title:    "CI_JOB_TOKEN inbound allowlist disabled",
		Severity: inventory.SeverityMedium,
		Score:    6.0,
		Escalation: "medium 6.0, one result per project (archived projects are left out). High 7.0 when coding agents run in the " +
			"pipelines of other projects of the scan: their CI_JOB_TOKEN, which whoever steers them can use, is accepted here " +
			"(catalog 1.7).",
		Description: "The project's job token allowlist (\"Limit access to this project\") is off: a CI_JOB_TOKEN from any project's " +
			"pipeline — not just the projects and groups the project trusts — can call its API with the permissions of the user " +
			"who started that pipeline: clone its repository, read its packages and container images, and more. A compromised job " +
			"in an unrelated project becomes a way in.",
		Frameworks:  []Mapping{NHI(9), NHI(5), ASI(3), Maestro("L6/T3"), CSF("PR.AA-05")},
		Source:      "GitLab group scan: each project's job token access settings (`GET /projects/:id/job_token_scope`: `inbound_enabled`)",
		Remediation: "Enable the allowlist (Settings → CI/CD → Job token permissions → Limit access to this project) and add only the projects and groups that need access.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, glEndpointJobTokenScope)
		inv := c.Inventory
		for _, s := range inv.Settings {
			if s.Name != glSettingJobTokenInbound || s.Value != "false" {
				continue
			}
			src := inv.SourceByID(s.Source)
			if src == nil || !glProject(src) || src.Repo.Archived {
				continue
			}
			score, agentText, agentID := 6.0, "", ""
			agents, labels := glCodingJobs(inv, func(id string) bool { return id != s.Source })
			if len(agents) > 0 {
				score, agentID = escalate(6.0), agents[0].ID
				agentText = fmt.Sprintf(" %s in other projects' pipelines of the scan: %s — whoever steers %s (an issue, a merge "+
					"request, a prompt injection) holds a job token %s accepts.", plural(len(agents), "A coding agent runs",
					"Coding agents run"), joinQuoted(labels, 3), plural(len(agents), "it", "them"), src.Repo.FullName)
			}
			c.Report(Result{
				Subject:  inventory.Scoped(s.Source, "setting:"+s.Name),
				Location: s.Location,
				Agent:    agentID,
				Score:    score,
				Message: fmt.Sprintf("The project %s accepts the CI_JOB_TOKEN of every project's pipelines (the job token allowlist is "+
					"off: `inbound_enabled: false`): a job anywhere on the instance, started by a user who can access %s, can clone "+
					"its repository and read its packages with that token.%s Enable \"Limit access to this project\" (Settings → "+
					"CI/CD → Job token permissions) and add only the projects and groups that need access.",
					src.Repo.FullName, src.Repo.FullName, agentText),
			})
		}
	},
}
