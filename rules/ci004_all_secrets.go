package rules

import (
	"fmt"
	"slices"

	"github.com/agentreach/agentreach/inventory"
)

// AllSecrets is AR-CI-004.
var AllSecrets = &Rule{
	Metadata: Metadata{
		ID:          "AR-CI-004",
		Name:        "all-secrets-exposed",
		Title:       "Whole secrets context exposed or inherited",
		Severity:    inventory.SeverityMedium,
		Score:       6.5,
		Escalation:  "medium 6.5; high 7.5 when the job runs a coding agent or people without write access can start it.",
		Description: "A job expands `toJSON(secrets)` or `secrets[...]` with a computed name, or calls a reusable workflow with `secrets: inherit`. Every secret of the repository, its organisation and environments becomes available to the job (or to whatever the called workflow becomes), instead of the few it needs.",
		Frameworks:  []Mapping{NHI(9), NHI(5), ASI(3), Maestro("L6/T3"), CISRef("2.1.7")},
		Source:      "GitHub Actions workflows",
		Remediation: "Pass only the named secrets each job or called workflow needs: `secrets: { NPM_TOKEN: ${{ secrets.NPM_TOKEN }} }`.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		ciJobs(c.Inventory, inventory.PlatformGitHub, func(j jobRef) {
			for _, r := range j.job.Secrets {
				if r.Name != "*" {
					continue
				}
				score := 6.5
				if runsAgent(j.job) || calledAgent(c.Inventory, j) || len(openStarters(j.job.Starters)) > 0 {
					score = 7.5
				}
				how := "expands the whole secrets context (`toJSON(secrets)` or `secrets[...]`)"
				if r.Via == inventory.ViaSecretsInherit {
					how = "passes `secrets: inherit` to " + j.job.Uses
				}
				c.Report(Result{
					Subject:    j.subject() + ":" + string(r.Via),
					Location:   r.Location,
					Score:      score,
					Agent:      j.job.Agent,
					Credential: r.Credential,
					Message: fmt.Sprintf("%s %s, so every secret of the repository is in reach of a job that %s can start.",
						capitalize(j.name()), how, startersPhrase(j.job.Starters)),
				})
				return
			}
		})
	},
}

// calledAgent reports a reusable-workflow call whose called jobs run a
// coding agent (the secrets it passes reach that agent).
func calledAgent(inv *inventory.Inventory, j jobRef) bool {
	if j.job.Uses == "" {
		return false
	}
	caller := j.wf.Path + "#" + j.job.ID
	found := false
	ciJobs(inv, j.wf.Platform, func(o jobRef) {
		if o.wf.Source == j.wf.Source && slices.Contains(o.job.CalledBy, caller) && runsAgent(o.job) {
			found = true
		}
	})
	return found
}
