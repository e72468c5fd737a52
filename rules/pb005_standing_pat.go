package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// StandingPAT is AR-PB-005.
var StandingPAT = &Rule{
	Metadata: Metadata{
		ID:       "AR-PB-005",
		Name:     "standing-pat-in-ci",
		Title:    "Standing privilege where just-in-time issuance is available",
		Severity: inventory.SeverityMedium,
		Score:    6.5,
		Escalation: "medium 6.5; high 7.5 when a coding agent can reach the token (catalog: when the owner is an admin, which an org " +
			"scan can tell).",
		Description: "A workflow uses a personal access token or bot token secret for work on its own repository — checkout, `git push`, " +
			"`gh` on this repository, an agent's `github_token` — or a GitLab job calls its own project's API with `PRIVATE-TOKEN`. The " +
			"job's `GITHUB_TOKEN` / `CI_JOB_TOKEN` or a per-run GitHub App token would do, scoped to the run and expiring with it; the " +
			"standing token lives on, usually with its owner's rights on every repository.",
		Frameworks:  []Mapping{NHI(7), NHI(5), ASI(3), Maestro("L6/T3"), CSF("PR.AA-01"), CSF("PR.AA-05"), AIRMF("GOVERN 1.3")},
		Source:      "GitHub Actions workflows and GitLab CI files",
		Remediation: "Use the job's token with the `permissions:` it needs, or mint a per-run App token with `actions/create-github-app-token` and minimal `permission-*` inputs; on GitLab use `CI_JOB_TOKEN` (allow-listed) or a project access token.",
		Precision:   PrecisionMedium,
	},
	Check: func(c *Context) {
		ciJobs(c.Inventory, "", func(j jobRef) {
			seen := map[string]bool{}
			for _, r := range j.job.Secrets {
				if seen[r.Name] || !isPATName(r.Name) {
					continue
				}
				use := ""
				if s := stepAt(j.job, r.Step); s != nil {
					switch {
					case s.Checkout != nil && s.Checkout.TokenSecret == r.Name && s.Checkout.Repository == "":
						use = "to check out this repository"
					case s.Agent != nil && r.Via == inventory.ViaWith:
						use = "as the " + s.Agent.Product + " agent's token for this repository"
					case s.Agent != nil && r.Via == inventory.ViaStepEnv && githubTokenEnv(r.Env):
						use = "as the " + s.Agent.Product + " agent's GitHub token (env " + r.Env + ")"
					case s.SameRepoAPI && (r.Via == inventory.ViaStepEnv || r.Via == inventory.ViaRunScript):
						use = "for git or API calls on this repository"
						if s.Uses != "" {
							name, _, _ := strings.Cut(s.Uses, "@")
							use = "for " + name + " on this repository"
						}
					case s.SameRepoAPI && r.Via == inventory.ViaWith && s.Uses != "":
						name, _, _ := strings.Cut(s.Uses, "@")
						use = "for " + name + " on this repository"
					}
				}
				if use == "" {
					continue
				}
				seen[r.Name] = true
				score := 6.5
				if runsAgent(j.job) {
					score = 7.5
				}
				msg := fmt.Sprintf("%s uses the standing token %s %s, work the job's own token or a per-run App token could do; %s can start the job and reach that long-lived token.",
					capitalize(j.name()), r.Name, use, startersPhrase(j.job.Starters))
				if cred := c.Inventory.Credential(r.Credential); cred != nil && cred.Kind == inventory.KindWorkflowCallSecret {
					msg = fmt.Sprintf("%s uses the workflow_call secret %s %s. Each caller of the reusable workflow chooses its value and no caller is in this scan: "+
						"a caller that passes a personal or bot token has it do work the job's own token or a per-run App token could do; %s can start the job.",
						capitalize(j.name()), r.Name, use, startersPhrase(j.job.Starters))
				}
				c.Report(Result{
					Subject:    j.subject() + ":" + r.Credential,
					Location:   r.Location,
					Score:      score,
					Agent:      j.job.Agent,
					Credential: r.Credential,
					Message:    msg,
				})
			}
		})
	},
}

// githubTokenEnv reports an env variable that tools read as their GitHub
// token (gh, the GitHub MCP server, agent resolvers).
func githubTokenEnv(name string) bool {
	switch strings.ToUpper(name) {
	case "GITHUB_TOKEN", "GH_TOKEN", "GITHUB_PERSONAL_ACCESS_TOKEN", "GITHUB_PAT":
		return true
	}
	return false
}
