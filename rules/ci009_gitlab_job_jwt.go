package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// GitLabJobJWT is AR-CI-009.
var GitLabJobJWT = &Rule{
	Metadata: Metadata{
		ID:         "AR-CI-009",
		Name:       "gitlab-legacy-jwt-or-broad-id-token",
		Title:      "GitLab legacy job JWT or ID token without a specific audience",
		Severity:   inventory.SeverityMedium,
		Score:      5.0,
		Escalation: "medium 5.0.",
		Description: "A GitLab job uses `$CI_JOB_JWT` / `$CI_JOB_JWT_V2` (legacy tokens with a fixed audience, removed in GitLab 17.0) " +
			"or declares an `id_tokens:` entry without `aud` or with a wildcard audience. Any service that trusts GitLab's issuer and " +
			"accepts that audience accepts the job's token.",
		Frameworks:  []Mapping{NHI(4), NHI(6), Maestro("L4/T9"), CSF("PR.AA-04")},
		Source:      ".gitlab-ci.yml and its local includes",
		Remediation: "Declare `id_tokens:` with a service-specific `aud` (for example `aud: https://vault.example.com`) and bind the cloud or Vault trust to the project path and ref.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		ciJobs(c.Inventory, inventory.PlatformGitLab, func(j jobRef) {
			for _, s := range j.job.Steps {
				for _, cmd := range s.Commands {
					if !strings.HasPrefix(cmd, "$CI_JOB_JWT") {
						continue
					}
					c.Report(Result{
						Subject:  j.subject() + ":" + strings.TrimPrefix(cmd, "$"),
						Location: s.Location,
						Agent:    j.job.Agent,
						Message: fmt.Sprintf("%s uses the legacy %s, a job token with GitLab's fixed audience that %s can obtain by starting the job.",
							capitalize(j.name()), cmd, audiencePhrase(j.job.StartableBy)),
					})
				}
			}
			for _, t := range j.job.IDTokens {
				bad := len(t.Audience) == 0
				for _, a := range t.Audience {
					if strings.Contains(a, "*") || strings.TrimSpace(a) == "" {
						bad = true
					}
				}
				if !bad {
					continue
				}
				c.Report(Result{
					Subject:  j.subject() + ".id_tokens." + t.Name,
					Location: t.Location,
					Agent:    j.job.Agent,
					Message: fmt.Sprintf("The ID token %s of %s has no specific audience (%q), so any relying service that trusts GitLab accepts it.",
						t.Name, j.name(), strings.Join(t.Audience, ",")),
				})
			}
		})
	},
}
