package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// appTokenProblems lists what is wrong with an App token step: not scoped to
// repositories, not scoped to permissions, not revoked.
func appTokenProblems(t *inventory.AppToken) (scope []string, unrevoked bool) {
	if t.Owner != "" && t.Repositories == "" {
		scope = append(scope, fmt.Sprintf("`owner: %s` without `repositories:` covers every repository of the installation", t.Owner))
	}
	if len(t.Permissions) == 0 {
		scope = append(scope, "no `permission-*` input, so it carries every permission of the installation")
	}
	return scope, t.SkipRevoke
}

// AppTokenScope is AR-CI-006.
var AppTokenScope = &Rule{
	Metadata: Metadata{
		ID:         "AR-CI-006",
		Name:       "app-token-broad-or-unrevoked",
		Title:      "GitHub App token minted broadly or left unrevoked",
		Severity:   inventory.SeverityMedium,
		Score:      6.0,
		Escalation: "medium 6.0. Jobs that run a coding agent are reported under AR-PB-006 (scope) and AR-PB-007 (revocation) instead.",
		Description: "`actions/create-github-app-token` mints an installation token for every repository of the owner (`owner:` without " +
			"`repositories:`), with every permission of the App (no `permission-*` input), or keeps it alive after the job " +
			"(`skip-token-revoke: true`). The token can do far more, for longer, than the job needs.",
		Frameworks:  []Mapping{NHI(5), NHI(7), ASI(3), Maestro("L6/T3"), AIRMF("MANAGE 2.4")},
		Source:      "GitHub Actions workflows",
		Remediation: "List the repositories (`repositories: repo-a,repo-b`) and the permissions (`permission-contents: write`) the job needs, and keep the default revocation at job end.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		ciJobs(c.Inventory, inventory.PlatformGitHub, func(j jobRef) {
			if runsAgent(j.job) {
				return
			}
			for _, s := range j.job.Steps {
				if s.AppToken == nil {
					continue
				}
				scope, unrevoked := appTokenProblems(s.AppToken)
				if unrevoked {
					scope = append(scope, "`skip-token-revoke: true` leaves it valid for up to an hour after the job")
				}
				if len(scope) == 0 {
					continue
				}
				c.Report(Result{
					Subject:  j.stepSubject(s) + ":app-token",
					Location: s.Location,
					Agent:    j.job.Agent,
					Message: fmt.Sprintf("The GitHub App token minted in %s, which %s can start, is broader than the job: %s.",
						j.name(), startersPhrase(j.job.Starters), strings.Join(scope, "; ")),
				})
			}
		})
	},
}
