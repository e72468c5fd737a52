package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// SuspendedAppInstallation is AR-GH-008.
var SuspendedAppInstallation = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-008",
		Name:     "suspended-app-installation",
		Title:    "Stale or suspended App installation",
		Severity: inventory.SeverityLow,
		Score:    3.5,
		Escalation: "low 3.5: suspended more than STALE (90 days by default) ago. Not raised when the App is an agent App: a " +
			"suspended installation mints no tokens, so no agent can use it until somebody unsuspends it. Installations without " +
			"token or audit activity for 180 days need the audit log (Enterprise Cloud), which the scan does not read.",
		Description: "A GitHub App installation has been suspended for months but is still installed. Nobody uses it, yet its " +
			"permissions and repository selection stay configured: one click by an owner — or by an attacker with owner rights — " +
			"brings back an App nobody reviews any more.",
		Frameworks:  []Mapping{NHI(1), AIRMF("GOVERN 1.7"), CISRef("1.4.2")},
		Source:      "GitHub organisation scan: App installations (`GET /orgs/{org}/installations`, `suspended_at`)",
		Remediation: "Uninstall the App (organisation settings → GitHub Apps → Configure → Uninstall) if nobody needs it.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointInstallations)
		inv, now := c.Inventory, c.Now
		for _, cred := range githubCredentials(inv, appInstallation) {
			if cred.API == nil || cred.API.SuspendedAt == nil || now.Sub(*cred.API.SuspendedAt) <= c.Thresholds.Stale {
				continue
			}
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Message: fmt.Sprintf("The App %q was suspended %s and is still installed on %s with %s: nobody uses it, but unsuspending "+
					"it brings all of that back. Uninstall it if nobody needs it: organisation settings → GitHub Apps → %s → Uninstall.",
					appName(cred), agoPhrase(now, *cred.API.SuspendedAt), scopePhrase(cred.Scope), cred.Permissions, appName(cred)),
			})
		}
	},
}
