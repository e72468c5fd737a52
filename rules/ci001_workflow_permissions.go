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
			"or high 7.0 when people without write access can start it with the base repository's token: `pull_request_target`, " +
			"`issue_comment`, or a `workflow_run` that follows a run a fork's pull request starts (when the scanner has no starters " +
			"for the job, the workflow's `pull_request_target` or `issue_comment` trigger decides). A job that nothing can use the " +
			"token in — only `run:` scripts of inert commands (echo, test, jq, …) that never name `github.token`, " +
			"`secrets.GITHUB_TOKEN` or the whole `secrets` or `github` context, as a gatekeeper job's — is not reported, nor is " +
			"a job no trigger reaches (`if: false`); their siblings are. A workflow file outside the repository's .github/workflows/ " +
			"(an example, template, fixture or a vendored project's own CI), or one GitHub refuses to run (a key defined twice), is " +
			"not reported by this rule: it runs with no token here.",
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
		for wi := range c.Inventory.Workflows {
			wf := &c.Inventory.Workflows[wi]
			if wf.Platform != inventory.PlatformGitHub {
				continue
			}
			if inventory.TemplateWorkflow(wf.Path) || wf.Refused != "" {
				// Not a live workflow (an example, a template, a fixture, a
				// vendored project's own CI): a permissions block it lacks
				// is nobody's token here. The agent and secret rules still
				// say, at the template band, what it would do if copied.
				continue
			}
			events := triggerEvents(*wf)
			if p := wf.Permissions; p != nil && p.All == "write-all" {
				c.Report(Result{
					Subject:  inventory.Scoped(wf.Source, "workflow:"+wf.Path+"#permissions"),
					Location: p.Location,
					Score:    7.5,
					Message: fmt.Sprintf("Workflow %s grants `write-all` to every job's GITHUB_TOKEN, which %s: each job can push code, "+
						"change workflows, issues, pull requests, packages and deployments, and mint OIDC tokens.", wf.Path, workflowStarters(wf, events)),
				})
			}
			for ji := range wf.Jobs {
				j := jobRef{wf: wf, job: &wf.Jobs[ji]}
				job := j.job
				if job.NeverRuns {
					continue
				}
				if p := job.Permissions; p != nil && p.All == "write-all" {
					c.Report(Result{
						Subject:  j.subject() + ".permissions",
						Location: p.Location,
						Score:    7.5,
						Agent:    job.Agent,
						Message: fmt.Sprintf("Job `%s` in %s grants `write-all` to its GITHUB_TOKEN, which %s can use by starting the job: "+
							"it can push code, change workflows, issues, pull requests, packages and deployments, and mint OIDC tokens.",
							job.ID, wf.Path, jobStarters(job, events)),
					})
				}
				undeclared := wf.Permissions == nil && job.Permissions == nil
				if job.PermissionsSource != "" {
					undeclared = job.PermissionsSource == "default (assumed permissive)"
				}
				if !undeclared || job.TokenUnused {
					// TokenUnused: only scripts that never name the token
					// (a gatekeeper job that echoes): nothing can use it.
					continue
				}
				score := 5.0
				risky := len(openStarters(job.Starters)) > 0
				if len(job.Starters) == 0 {
					risky = slices.Contains(events, "pull_request_target") || slices.Contains(events, "issue_comment")
				}
				if risky {
					score = 7.0
				}
				agent := ""
				if ag := agentSteps(job); len(ag) > 0 {
					agent = " — including the " + ag[0].Agent.Product + " agent it runs"
				}
				c.Report(Result{
					Subject:  j.subject(),
					Location: job.Location,
					Score:    score,
					Agent:    job.Agent,
					Message: fmt.Sprintf("Job `%s` in %s declares no `permissions` and neither does the workflow, so every step%s gets the "+
						"repository's default GITHUB_TOKEN — read-write on contents, pull requests, issues, packages and more under GitHub's "+
						"permissive default (the setting is not visible to a local scan) — and %s can start it.", job.ID, wf.Path, agent, jobStarters(job, events)),
					Properties: map[string]string{"triggers": strings.Join(events, ",")},
				})
			}
		}
	},
}

// jobStarters says who can start a job: from the scanner's starters, else
// from the workflow's events.
func jobStarters(job *inventory.Job, events []string) string {
	if len(job.Starters) > 0 {
		return startersPhrase(job.Starters)
	}
	return eventsAudience(events)
}

func workflowStarters(wf *inventory.Workflow, events []string) string {
	var all []inventory.Starter
	for _, j := range wf.Jobs {
		all = append(all, j.Starters...)
	}
	if len(all) > 0 {
		return startersPhrase(all) + " can start"
	}
	return eventsAudience(events) + " can start"
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

// eventsAudience names, for a message, who can start a workflow with these
// events when the scanner recorded no starters.
func eventsAudience(events []string) string {
	open := []string{}
	for _, e := range events {
		switch e {
		case "pull_request_target", "issue_comment", "issues", "discussion", "discussion_comment",
			"pull_request_review_comment", "pull_request_review", "fork", "watch", "workflow_run":
			open = append(open, e)
		}
	}
	if len(open) > 0 {
		return fmt.Sprintf("people without write access (%s)", strings.Join(open, ", "))
	}
	if len(events) == 0 {
		return "nobody (no trigger)"
	}
	return fmt.Sprintf("people with write access (%s)", strings.Join(events, ", "))
}
