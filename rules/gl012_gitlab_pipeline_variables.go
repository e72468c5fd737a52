package rules

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/agentreach/agentreach/inventory"
)

// GitLabPipelineVariables is AR-GL-012.
var GitLabPipelineVariables = &Rule{
	Metadata: Metadata{
		ID:       "AR-GL-012",
		Name:     "gitlab-pipeline-variables-overridable",
		Title:    "Pipeline variables overridable by developers",
		Severity: inventory.SeverityMedium,
		Score:    5.5,
		Escalation: "medium 5.5 for a project with `restrict_user_defined_variables: false` or " +
			"`ci_pipeline_variables_minimum_override_role: developer`; high 7.0 when coding agents run in the pipelines of those " +
			"projects, since a variable set at run time can change what the agent is told or allowed (catalog 1.7). One result for " +
			"a group when two or more of its projects have it (naming them), one per project otherwise. Archived projects are " +
			"left out.",
		Description: "Developers can set or override CI/CD variables when they run a pipeline (by hand, through the API or a trigger). " +
			"A variable given at run time replaces the one the CI file or the settings define: a deployment target, an image, a " +
			"script flag, an agent's prompt or permissions — so who may run a pipeline decides what the protected jobs do.",
		Frameworks:  []Mapping{ASI(1), ASI(5), Maestro("L3/T6"), CSF("PR.PS-01")},
		Source:      "GitLab group scan: each project's CI settings (`GET /projects/:id`: `restrict_user_defined_variables`, `ci_pipeline_variables_minimum_override_role`)",
		Remediation: "Restrict pipeline variables to Maintainer or `no_one_allowed` (Settings → CI/CD → Variables → Minimum role to use pipeline variables, or `ci_pipeline_variables_minimum_override_role` through the API).",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, glEndpointProject, glEndpointGroupProjects)
		inv := c.Inventory
		settings := glSettings(inv)
		type risky struct {
			src   *inventory.Source
			loose bool // restrict_user_defined_variables is false (else: the minimum role is developer)
			loc   inventory.Location
		}
		byGroup := map[string][]risky{}
		total := map[string]int{}
		var order []string
		for i := range inv.Sources {
			src := &inv.Sources[i]
			if !glProject(src) || src.Repo.Archived {
				continue
			}
			set := settings[src.ID]
			restrict, ok := set[glSettingRestrictPipelineVars]
			role, hasRole := set[glSettingPipelineVarsRole]
			if !ok && !hasRole {
				continue
			}
			group := src.Repo.Org
			total[group]++
			var r risky
			switch {
			case ok && restrict.Value == "false":
				r = risky{src, true, restrict.Location}
			case hasRole && role.Value == "developer":
				r = risky{src, false, role.Location}
			default:
				continue
			}
			if _, seen := byGroup[group]; !seen {
				order = append(order, group)
			}
			byGroup[group] = append(byGroup[group], r)
		}
		fix := " Restrict pipeline variables to Maintainer or `no_one_allowed` (Settings → CI/CD → Variables → Minimum role to use " +
			"pipeline variables)."
		effect := "a variable given at run time replaces the one the CI file or the settings define — a deployment target, an " +
			"image, a script flag, an agent's prompt"
		for _, group := range order {
			rs := byGroup[group]
			in := map[string]bool{}
			for _, r := range rs {
				in[r.src.ID] = true
			}
			agents, labels := glCodingJobs(inv, func(id string) bool { return in[id] })
			score, agentText, agentID := 5.5, "", ""
			if len(agents) > 0 {
				where := "these projects' pipelines"
				if len(rs) == 1 {
					where = "the project's pipeline"
				}
				score, agentID = escalate(5.5), agents[0].ID
				agentText = fmt.Sprintf(" %s in %s: %s — a Developer who runs a pipeline with variables of their choosing can "+
					"change what the agent is told or allowed.", plural(len(agents), "A coding agent runs", "Coding agents run"), where,
					joinQuoted(labels, 3))
			}
			if len(rs) == 1 || group == "" {
				for _, r := range rs {
					why := glOverrideSetting(false)
					if r.loose {
						why = glOverrideSetting(true)
					}
					c.Report(Result{
						Subject:  inventory.Scoped(r.src.ID, "setting:pipeline-variables-override"),
						Location: r.loc,
						Agent:    agentID,
						Score:    score,
						Message: fmt.Sprintf("The project %s lets Developers override pipeline variables when they run a pipeline "+
							"(%s): %s.%s%s", r.src.Repo.FullName, why, effect, agentText, fix),
					})
				}
				continue
			}
			names := make([]string, len(rs))
			var loose, devRole int
			for i, r := range rs {
				names[i] = r.src.Repo.FullName
				if r.loose {
					loose++
				} else {
					devRole++
				}
			}
			slices.Sort(names)
			var why []string
			if loose > 0 {
				why = append(why, fmt.Sprintf("%s in %d", glOverrideSetting(true), loose))
			}
			if devRole > 0 {
				why = append(why, fmt.Sprintf("%s in %d", glOverrideSetting(false), devRole))
			}
			path := glGroupPath(group)
			root := ""
			if src := inv.SourceByID(group); src != nil {
				root = src.Path
			}
			c.Report(Result{
				Subject:  inventory.Scoped(group, "setting:pipeline-variables-override"),
				Location: inventory.Location{Source: group, Root: root, Path: "gitlab/" + path + "/settings/ci_cd/pipeline_variables"},
				Agent:    agentID,
				Score:    score,
				Message: fmt.Sprintf("In the group %s, %d of the %d projects read let Developers override pipeline variables when "+
					"they run a pipeline (%s): %s. In each, %s.%s%s", path, len(rs), total[group], joinAnd(why),
					joinQuoted(names, 3), effect, agentText, fix),
				Properties: map[string]string{"projects": strconv.Itoa(len(rs))},
			})
		}
	},
}

// glOverrideSetting is the setting that lets Developers override pipeline
// variables: restrict_user_defined_variables off (loose), or the minimum
// override role at developer.
func glOverrideSetting(loose bool) string {
	if loose {
		return "`" + glSettingRestrictPipelineVars + ": false`"
	}
	return "`" + glSettingPipelineVarsRole + ": developer`"
}
