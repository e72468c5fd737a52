package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// GitLabCredentialVariable is AR-GL-007.
var GitLabCredentialVariable = &Rule{
	Metadata: Metadata{
		ID:       "AR-GL-007",
		Name:     "gitlab-credential-variable-exposed",
		Title:    "Credential CI/CD variable unprotected, unmasked or globally scoped",
		Severity: inventory.SeverityHigh,
		Score:    7.5,
		Escalation: "high 7.5 when the variable is neither protected nor masked (or hidden); medium 6.0 when it is only one of " +
			"unprotected, unmasked, or a production credential scoped to every environment (`*`). A variable counts as a credential " +
			"when the detection engine recognised its value or its key says so (a hidden variable has no value to read: by key " +
			"only). One band higher (critical 9.1, high 7.0) when a coding agent reaches it — a job that names it, or, for a group " +
			"variable, a job of a project that inherits it (catalog 1.7).",
		Description: "A group or project CI/CD variable holds a credential and is exposed more than it needs to be. Unprotected, it " +
			"goes to pipelines on every branch, so anyone who can push a branch — every Developer — can run a job that prints or " +
			"sends it; unmasked and not hidden, it appears in clear in any job log that echoes it; a production credential scoped " +
			"to every environment reaches review apps and test jobs too. Where a project anyone can fork lets members run merge " +
			"request pipelines of forks in it, the fork's own CI configuration receives the unprotected ones.",
		Frameworks:  []Mapping{NHI(2), NHI(8), ASI(3), Maestro("L6/T3"), CSF("PR.DS-01"), CSF("PR.AA-05"), CISRef("2.1.7")},
		Source:      "GitLab group scan: group and project CI/CD variables (`GET /groups/:id/variables`, `GET /projects/:id/variables`: `protected`, `masked`, `hidden`, `environment_scope`; values classified in memory and dropped)",
		Remediation: "Protect the variable, mask and hide it, and scope it to the environment that needs it (Settings → CI/CD → Variables); better, replace it with `id_tokens:` federation or an external secrets manager.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, glEndpointGroupVariables, glEndpointProjectVariables)
		inv := c.Inventory
		ix := newAgentIndex(inv)
		settings := glSettings(inv)
		for _, cred := range gitlabCredentials(inv, glVariable) {
			v := cred.API.Variable
			if v.ValueType == "" && !credentialName(cred.Name) {
				continue
			}
			unprotected, unmasked := !v.Protected, !v.Masked && !v.Hidden
			globalProd := (v.EnvironmentScope == "*" || v.EnvironmentScope == "") && productionNameRe.MatchString(cred.Name)
			var facts []string
			if unprotected {
				facts = append(facts, "it is not protected, so pipelines on every branch receive it — anyone who can push a branch "+
					"(every Developer) can run a job that prints or sends it")
			}
			if unmasked {
				facts = append(facts, "it is neither masked nor hidden, so any job that echoes it writes it in clear into the job log")
			}
			if globalProd {
				facts = append(facts, "its name says production but its environment scope is `*`, so jobs of every environment — "+
					"review apps, tests — receive it")
			}
			if unprotected {
				if forks := forkPipelineProjects(inv, settings, cred); len(forks) > 0 {
					facts = append(facts, fmt.Sprintf("%s %s %s merge requests from forks run their pipelines in %s "+
						"(`ci_allow_fork_pipelines_to_run_in_parent_project`): once a member runs one, the fork's own CI configuration "+
						"receives it", plural(len(forks), "the project", "the projects"), joinQuoted(forks, 3), plural(len(forks), "lets", "let"),
						plural(len(forks), "it", "them")))
				}
			}
			if len(facts) == 0 {
				continue
			}
			score := 6.0
			if unprotected && unmasked {
				score = 7.5
			}
			what := "as its key says"
			if v.ValueType != "" {
				what = "the detection engine recognises its value as " + v.ValueType
				if cred.Redacted != "" {
					what += ", " + cred.Redacted
				}
			}
			inherit := ""
			if cred.Type == typeGLGroupVar {
				inherit = fmt.Sprintf(" The projects of %s inherit it (those that do not define %s themselves).", glTarget(cred), cred.Name)
			}
			score, agents, agent := agentReachable(ix, score, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The %s holds a credential (%s) and is exposed: %s.%s%s Protect it, mask and hide it, and "+
					"scope it to the environment that needs it — or replace it with `id_tokens:` federation or an external secret.",
					glCredLabel(inv, cred), what, strings.Join(facts, "; "), inherit, agents),
			})
		}
	},
}

// forkPipelineProjects lists the public or internal projects that receive
// the variable and let members run merge request pipelines of forks in
// them: a fork's .gitlab-ci.yml then runs with the project's unprotected
// variables (GitLab docs, "Run pipelines in the parent project"). Protected
// variables stay out: a fork's merge request ref is never protected.
func forkPipelineProjects(inv *inventory.Inventory, settings map[string]map[string]inventory.Setting, cred *inventory.Credential) []string {
	var out []string
	for _, p := range glProjectsUnder(inv, glTarget(cred)) {
		if cred.Type == typeGLGroupVar {
			if own := inv.Credential(inventory.GitLabVariableID(p.ID, cred.Name)); own != nil && own.API != nil && own.API.Variable != nil {
				continue // the project's own variable of that key is what its pipelines receive
			}
		}
		if p.Repo.Visibility != "private" && settings[p.ID][glSettingForkPipelines].Value == "true" {
			out = append(out, p.Repo.FullName)
		}
	}
	return out
}
