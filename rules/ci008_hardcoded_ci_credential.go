package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// HardcodedCICredential is AR-CI-008.
var HardcodedCICredential = &Rule{
	Metadata: Metadata{
		ID:       "AR-CI-008",
		Name:     "hardcoded-ci-credential",
		Title:    "Hard-coded credential in workflow or CI file",
		Severity: inventory.SeverityCritical,
		Score:    9.1,
		Escalation: "critical 9.1 when committed; high 7.5 in an untracked or ignored CI file; medium 6.0 for a short-lived credential. " +
			"A made-up value whose random part the file also writes after another token-type prefix (credentials[].synthetic), and a value public by design " +
			"(a storage emulator's documented key, a published sample token: credentials[].public, as for AR-SC-001), are not reported.",
		Description: "A credential is written literally in a GitHub Actions workflow, a composite action or a GitLab CI file instead of being " +
			"referenced from the platform's secret store. Every job and agent of the pipeline, every fork and everyone who can read the " +
			"repository gets it, and CI logs can print it.",
		Frameworks: []Mapping{NHI(2), ASI(3), Maestro("L4/T22"), CSF("PR.DS-01"), CISRef("2.3.8")},
		Source:     "GitHub Actions workflows and actions, .gitlab-ci.yml (detection engine)",
		Remediation: "1. Revoke the credential.\n" +
			"2. Store it as an encrypted secret (`${{ secrets.NAME }}`, a masked and protected GitLab variable) scoped to the environment that needs it — or better, replace it with OIDC (`id-token: write`, GitLab `id_tokens:`).",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		embeddedLocations(c, func(cred *inventory.Credential, l inventory.Location) {
			if cred.Synthetic != "" || cred.Public != "" {
				return // made up (credentials[].synthetic) or public by design (credentials[].public)
			}
			score := 9.1
			switch {
			case cred.Lifetime == inventory.LifetimeShortLived:
				score = 6.0
			case !committed(l):
				score = 7.5
			}
			c.Report(Result{
				Subject:    embeddedSubject(cred, l),
				Location:   l,
				Score:      score,
				Credential: cred.ID,
				Message: fmt.Sprintf("%s is written literally in the CI file %s: every job of the pipeline can use it and it %s.",
					article(credentialLabel(cred)), where(l), gitPhrase(l.Git)),
				Properties: map[string]string{"git": string(l.Git), "lifetime": string(cred.Lifetime)},
			})
		})
	},
}
