package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// OpenSecretAlert is AR-GH-020.
var OpenSecretAlert = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-020",
		Name:     "open-secret-scanning-alert",
		Title:    "Open secret-scanning alert for an active credential",
		Severity: inventory.SeverityHigh,
		Score:    8.0,
		Escalation: "critical 9.3 when GitHub reports the secret active and it is public (publicly leaked, or in a public " +
			"repository); high 8.0 when it is active, publicly leaked or pushed past push protection; open alerts GitHub found " +
			"inactive and nobody pushed past protection are not reported (they are in the inventory).",
		Description: "GitHub secret scanning found a credential committed to a repository and the alert is still open. When GitHub's " +
			"validity check says the credential still works, or it leaked publicly, or someone pushed it past push protection, " +
			"it is a credential anyone with read access to the history — every agent and CI job that checks the repository out — " +
			"can use today.",
		Frameworks:  []Mapping{NHI(2), ASI(3), Maestro("L6/T3"), CSF("PR.DS-01")},
		Source:      "GitHub organisation scan: open secret-scanning alerts (`/orgs/{org}/secret-scanning/alerts`, read with `hide_secret=true`)",
		Remediation: "Revoke the credential at its issuer (rotate it), check its issuer's logs for use since the alert, then close the alert as revoked.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, "/orgs/{org}/secret-scanning/alerts")
		inv := c.Inventory
		for i := range inv.Credentials {
			cred := &inv.Credentials[i]
			if cred.Kind != inventory.KindLeakedSecret || cred.API == nil || cred.API.Alert == nil {
				continue
			}
			a := cred.API.Alert
			active := a.Validity == "active"
			if a.State != "open" || (!active && !a.PubliclyLeaked && !a.PushProtectionBypassed) {
				continue
			}
			public := a.PubliclyLeaked
			if src := inv.SourceByID(cred.Locations[0].Source); src != nil && src.Repo.Public() {
				public = true
			}
			var why []string
			if active {
				why = append(why, "GitHub's validity check says it still works")
			}
			if a.PubliclyLeaked {
				why = append(why, "it also leaked publicly")
			}
			if a.PushProtectionBypassed {
				by := ""
				if a.BypassedBy != "" {
					by = " by @" + a.BypassedBy
				}
				why = append(why, "it was pushed past push protection"+by)
			}
			score := 0.0
			if active && public {
				score = 9.3
			}
			where := "private repository"
			if public {
				where = "public repository"
				if src := inv.SourceByID(cred.Locations[0].Source); src == nil || !src.Repo.Public() {
					where = "repository"
				}
			}
			c.Report(Result{Subject: cred.ID, Location: firstOr(cred.Locations, inventory.Location{}), Credential: cred.ID, Score: score,
				Message: fmt.Sprintf("Secret-scanning alert %d: %s committed to the %s %s is still open, and %s. Revoke it at its issuer, "+
					"then close the alert.", a.Number, article(cred.Name), where, scopeTarget(cred), strings.Join(why, "; "))})
		}
	},
}
