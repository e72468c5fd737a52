package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// HardcodedCredential is AR-SC-001.
var HardcodedCredential = &Rule{
	Metadata: Metadata{
		ID:       "AR-SC-001",
		Name:     "hardcoded-credential",
		Title:    "Hard-coded credential in a repository file",
		Severity: inventory.SeverityCritical,
		Score:    9.2,
		Escalation: "critical 9.2 for a long-lived or refresh credential that is committed (or in history); high 7.5 when it is only " +
			"in an untracked or git-ignored file; medium for short-lived credentials (6.0 committed, 4.5 otherwise).",
		Description: "A credential is written in a file that is neither a CI definition nor an agent configuration. " +
			"Every coding agent that works in the checkout can read it, and once committed every person and CI job with read " +
			"access to the repository can too, for as long as the credential lives.",
		Frameworks: []Mapping{NHI(2), NHI(7), ASI(3), Maestro("L6/T3"), CSF("PR.DS-01"), CSF("PR.AA-01")},
		Source:     "Files of local checkouts (detection engine)",
		Remediation: "1. Revoke or rotate the credential first: removing it from the file does not remove it from git history or from the copies agents already read.\n" +
			"2. Load it at run time from a secret manager or an environment variable that the agent's tools do not expose.\n" +
			"3. Prefer short-lived credentials (OIDC, GitHub App installation tokens) over static keys.",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		embeddedLocations(c.Inventory, func(fc inventory.FileClass) bool { return fc == inventory.FileOther }, func(cred *inventory.Credential, l inventory.Location) {
			if inventory.IsHome(l) {
				return // a workstation credential store: AR-AG-009
			}
			c.Report(Result{
				Subject:    embeddedSubject(cred, l),
				Location:   l,
				Score:      embeddedScore(cred, l),
				Credential: cred.ID,
				Message: fmt.Sprintf("%s %s in %s: it %s.", article(credentialLabel(cred)), "is written", where(l), gitPhrase(l.Git)) +
					lifetimeSentence(cred),
				Properties: map[string]string{"git": string(l.Git), "lifetime": string(cred.Lifetime), "reach": string(cred.Reach)},
			})
		})
	},
}

// embeddedScore scores an embedded credential by lifetime and git state.
func embeddedScore(c *inventory.Credential, l inventory.Location) float64 {
	switch c.Lifetime {
	case inventory.LifetimeShortLived:
		if committed(l) {
			return 6.0
		}
		return 4.5
	case inventory.LifetimeStatic, inventory.LifetimeRefresh:
		if committed(l) {
			return 9.2
		}
		return 7.5
	default:
		if committed(l) {
			return 8.0
		}
		return 6.5
	}
}

func lifetimeSentence(c *inventory.Credential) string {
	switch c.Lifetime {
	case inventory.LifetimeStatic:
		return " It does not expire until someone revokes it."
	case inventory.LifetimeRefresh:
		return " It is a refresh credential that can mint new access tokens."
	case inventory.LifetimeShortLived:
		return " It is short-lived, but may still be valid."
	}
	return ""
}
