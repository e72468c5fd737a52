package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// GitLabRunnerExposure is AR-GL-011.
var GitLabRunnerExposure = &Rule{
	Metadata: Metadata{
		ID:       "AR-GL-011",
		Name:     "gitlab-runner-exposure",
		Title:    "Runner exposure",
		Severity: inventory.SeverityMedium,
		Score:    6.5,
		Escalation: "medium 6.5 for a group or project runner that runs jobs from unprotected branches (`access_level: " +
			"not_protected`) and takes untagged jobs or, for a project runner, is not locked to its project; high 7.5 when a public project it serves shows its job logs " +
			"to anyone (`public_jobs: true`). One band higher when a coding agent reaches the runner (catalog 1.7). Paused runners " +
			"take no jobs and are not reported; runners whose details could not be read are listed as not evaluable. Whether a " +
			"runner's executor is ephemeral is not read.",
		Description: "A self-managed runner of a group or project takes jobs from any branch, and untagged jobs or jobs of projects " +
			"it was not locked to. A job a Developer pushes on a branch then runs on the same machine as the pipelines that hold " +
			"protected variables and deploy — it can read what they leave behind, or leave something behind for them. On a public " +
			"project with public job logs, whatever such a job prints is readable by anyone.",
		Frameworks:  []Mapping{NHI(8), ASI(5), Maestro("L4/T11"), CSF("PR.IR-01"), CISRef("2.2.1"), CISRef("2.2.4")},
		Source:      "GitLab group scan: group runners (`GET /groups/:id/runners`) with their details (`GET /runners/:id`: `access_level`, `run_untagged`, `locked`, `paused`), project runners (the group's GraphQL `runners(membership: DESCENDANTS)`, else `GET /projects/:id/runners`) and projects' `public_jobs`",
		Remediation: "Set runners that serve jobs holding credentials to `ref_protected` (Protected) with tags, turn off \"Run untagged jobs\", lock them to their projects, and use ephemeral executors.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, glEndpointGroupRunners, glEndpointRunner)
		inv := c.Inventory
		settings := glSettings(inv)
		ix := newAgentIndex(inv)
		for _, cred := range gitlabCredentials(inv, func(c *inventory.Credential) bool { return c.Type == typeGLRunner }) {
			r := cred.API.Runner
			if r == nil {
				continue
			}
			// `locked` says a project runner cannot be assigned to other
			// projects (GitLab's runners API); a group or instance runner
			// serves its group or everyone whatever it says.
			locked := r.Locked || r.Type != "project_type"
			if !r.Details || r.Paused || r.AccessLevel != "not_protected" || !r.RunUntagged && locked {
				continue
			}
			var facts []string
			if r.RunUntagged {
				facts = append(facts, "takes untagged jobs (`run_untagged: true`)")
			}
			if !locked {
				facts = append(facts, "is not locked to its project (`locked: false`: it can be enabled for other projects)")
			}
			lockAdvice := ""
			if !locked {
				lockAdvice = ", lock it to its project"
			}
			var public []string
			for _, p := range glProjectsUnder(inv, glTarget(cred)) {
				if p.Repo.Public() && settings[p.ID][glSettingPublicJobs].Value == "true" {
					public = append(public, p.Repo.FullName) // group runners serve every project below the group
				}
			}
			score, publicText := 6.5, ""
			if len(public) > 0 {
				score = 7.5
				publicText = fmt.Sprintf(" The public %s %s %s job logs to anyone (`public_jobs: true`) and can use it, so what a "+
					"job on it prints is readable by anyone.", plural(len(public), "project", "projects"), joinQuoted(public, 3),
					plural(len(public), "shows its", "show their"))
			}
			score, agents, agent := agentReachable(ix, score, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The %s runs jobs from unprotected branches (`access_level: not_protected`), %s: a job any "+
					"Developer pushes on a branch runs on the same machine as the pipelines that hold protected variables and "+
					"deploy, and can read or leave behind what they use.%s%s Set it to `ref_protected` with tags for jobs that hold "+
					"credentials, turn off untagged jobs%s, and use ephemeral executors.",
					glCredLabel(inv, cred), joinAnd(facts), publicText, agents, lockAdvice),
			})
		}
	},
}
