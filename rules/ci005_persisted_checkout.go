package rules

import (
	"fmt"
	"slices"

	"github.com/agentreach/agentreach/inventory"
)

// PersistedCheckout is AR-CI-005.
var PersistedCheckout = &Rule{
	Metadata: Metadata{
		ID:       "AR-CI-005",
		Name:     "persisted-checkout-credential",
		Title:    "Persisted checkout credential in jobs running agents or uploading artifacts",
		Severity: inventory.SeverityMedium,
		Score:    5.5,
		Escalation: "high 7.0 when a coding agent runs after the checkout and the persisted token can write (or is a personal token); " +
			"medium 5.5 when the workspace with its .git directory is uploaded as an artifact (actions/upload-artifact before v4.4, or " +
			"`include-hidden-files: true`). A read-only persisted GITHUB_TOKEN next to an agent is not reported.",
		Description: "`actions/checkout` keeps the token it used in the repository's git configuration unless `persist-credentials: false`. " +
			"A coding agent that runs later in the job can read it and push, comment or approve with it; an uploaded workspace hands it " +
			"to everyone who can download the artifact.",
		Frameworks:  []Mapping{NHI(2), ASI(2), ASI(3), Maestro("L4/T3")},
		Source:      "GitHub Actions workflows",
		Remediation: "Set `persist-credentials: false` on the checkout and give a scoped token only to the step that pushes.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		ciJobs(c.Inventory, inventory.PlatformGitHub, func(j jobRef) {
			for i, s := range j.job.Steps {
				co := s.Checkout
				if co == nil || co.ByScript || !co.PersistCredentials {
					continue
				}
				later := j.job.Steps[i+1:]
				pat := co.TokenSecret != "" && co.TokenSecret != "GITHUB_TOKEN"
				tokenDesc := "the job's GITHUB_TOKEN"
				if pat {
					tokenDesc = "the secret " + co.TokenSecret
				}
				if ag := slices.IndexFunc(later, func(x inventory.Step) bool { return x.Agent != nil }); ag >= 0 && (pat || j.job.EffectivePermissions.HasWrite()) {
					what := writeScopes(j.job.EffectivePermissions)
					if pat {
						what = "whatever that personal token can do"
					}
					c.Report(Result{
						Subject:  j.stepSubject(s) + ":persisted",
						Location: s.Location,
						Score:    7.0,
						Agent:    j.job.Agent,
						Message: fmt.Sprintf("The %s agent in %s can read %s from the git configuration that actions/checkout left behind (%s); %s can start the job.",
							later[ag].Agent.Product, j.name(), tokenDesc, what, startersPhrase(j.job.Starters)),
					})
					continue
				}
				if up := slices.IndexFunc(later, func(x inventory.Step) bool { return x.UploadsWorkspace }); up >= 0 {
					c.Report(Result{
						Subject:  j.stepSubject(s) + ":artifact",
						Location: later[up].Location,
						Score:    5.5,
						Agent:    j.job.Agent,
						Message: fmt.Sprintf("%s uploads its workspace, including the .git configuration where actions/checkout persisted %s, as an artifact anyone who can download artifacts gets.",
							capitalize(j.name()), tokenDesc),
					})
				}
			}
		})
	},
}
