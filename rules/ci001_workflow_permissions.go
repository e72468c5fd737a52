package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// WorkflowPermissions is AR-CI-001.
var WorkflowPermissions = &Rule{
	Metadata: Metadata{
		ID:       "AR-CI-001",
		Name:     "workflow-permissions",
		Title:    "Workflow token permissions undeclared or write-all",
		Severity: inventory.SeverityHigh,
		Score:    7.5,
		Escalation: "high 7.5 for `write-all`; a job without any `permissions` (none at the top level either) is medium 5.0, " +
			"or high 7.0 when the workflow runs on `pull_request_target` or `issue_comment`.",
		Description: "A GitHub Actions job runs with a GITHUB_TOKEN whose permissions are not declared (so the repository or organisation " +
			"default applies, read-write on most scopes unless someone changed it) or are `write-all`. Every step of the job — and any " +
			"coding agent it runs — can push code, change issues and pull requests, and more, whatever the task needs.",
		Frameworks: []Mapping{NHI(5), ASI(3), Maestro("L4/T3"), CSF("PR.AA-05")},
		Source:     "GitHub Actions workflow files",
		Remediation: "Declare `permissions: {}` (or `contents: read`) at the top of the workflow and grant each job only the scopes it needs:\n\n" +
			"```yaml\npermissions: {}\njobs:\n  triage:\n    permissions:\n      issues: write\n```\n\n" +
			"Also set the repository and organisation default workflow permissions to read-only.",
		Precision: PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		for _, wf := range c.Inventory.Workflows {
			if wf.Platform != inventory.PlatformGitHub {
				continue
			}
			events := triggerEvents(wf)
			if p := wf.Permissions; p != nil && p.All == "write-all" {
				c.Report(Result{
					Subject:  "workflow:" + wf.Path + "#permissions",
					Location: p.Location,
					Score:    7.5,
					Message: fmt.Sprintf("Workflow %s grants `write-all` to every job's GITHUB_TOKEN: each job can write code, workflows' "+
						"artifacts, issues, pull requests, packages and deployments, and mint OIDC tokens%s.", wf.Path, startedBy(events)),
				})
			}
			for _, job := range wf.Jobs {
				if p := job.Permissions; p != nil && p.All == "write-all" {
					c.Report(Result{
						Subject:  "workflow:" + wf.Path + "#jobs." + job.ID + ".permissions",
						Location: p.Location,
						Score:    7.5,
						Agent:    job.Agent,
						Message: fmt.Sprintf("Job `%s` in %s grants `write-all` to its GITHUB_TOKEN: it can write code, issues, pull requests, "+
							"packages and deployments and mint OIDC tokens%s.", job.ID, wf.Path, startedBy(events)),
					})
				}
				if wf.Permissions != nil || job.Permissions != nil {
					continue
				}
				score := 5.0
				if slices.Contains(events, "pull_request_target") || slices.Contains(events, "issue_comment") {
					score = 7.0
				}
				c.Report(Result{
					Subject:  "workflow:" + wf.Path + "#jobs." + job.ID,
					Location: job.Location,
					Score:    score,
					Agent:    job.Agent,
					Message: fmt.Sprintf("Job `%s` in %s declares no `permissions` and neither does the workflow, so its GITHUB_TOKEN gets the "+
						"repository default — read-write on contents, pull requests, issues, packages and more under GitHub's permissive "+
						"default%s.", job.ID, wf.Path, startedBy(events)),
					Properties: map[string]string{"triggers": strings.Join(events, ",")},
				})
			}
		}
	},
}

func triggerEvents(wf inventory.Workflow) []string {
	var out []string
	for _, t := range wf.Triggers {
		if !slices.Contains(out, t.Event) {
			out = append(out, t.Event)
		}
	}
	return out
}

// startedBy names, for a message, who can start a workflow with these events.
func startedBy(events []string) string {
	open := []string{}
	for _, e := range events {
		switch e {
		case "pull_request_target", "issue_comment", "issues", "discussion", "discussion_comment",
			"pull_request_review_comment", "pull_request_review", "fork", "watch", "workflow_run":
			open = append(open, e)
		}
	}
	if len(open) > 0 {
		return fmt.Sprintf(", and people without write access can start it (%s)", strings.Join(open, ", "))
	}
	return ""
}
