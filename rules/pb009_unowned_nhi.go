package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// UnownedNHI is AR-PB-009 (the part the principals map makes checkable).
var UnownedNHI = &Rule{
	Metadata: Metadata{
		ID:       "AR-PB-009",
		Name:     "nhi-without-accountable-owner",
		Title:    "NHI without an accountable owner (inventory gap or orphan)",
		Severity: inventory.SeverityMedium,
		Score:    6.0,
		Escalation: "medium 6.0. Evaluated only when `.agentreach.yml` has a `principals:` map (otherwise reported as not evaluable): " +
			"every long-lived credential the scan inventoried — a CI secret or variable, a key written in a file, a token — that no " +
			"entry of the map names and whose owner is not a known human. Short-lived tokens the platform mints per job " +
			"(GITHUB_TOKEN, CI_JOB_TOKEN, OIDC, App installation tokens) are not NHIs of their own and are not checked.",
		Description: "A non-human identity nobody answers for is one nobody rotates, reviews or revokes: it outlives the project and " +
			"the people who created it, and when it leaks there is no one to ask what it can do. The principals map of " +
			"`.agentreach.yml` binds each agent identity and credential to the humans accountable for it; this rule lists the " +
			"credentials it leaves out.",
		Frameworks: []Mapping{NHI(1), ASI(3), ASI(10), Maestro("L6/T3"), AIRMF("GOVERN 1.6"), AIRMF("GOVERN 1.7"), AIRMF("GOVERN 2.1"),
			CSF("PR.AA-01"), CISRef("1.3.1")},
		Source: "the inventory and the `principals:` map of .agentreach.yml",
		Remediation: "Add the credential to `principals:` in `.agentreach.yml` with the humans who own it " +
			"(`\"github-actions-secret:DEPLOY_TOKEN\": [\"@alice\"]`, `*` matches any run of characters), or revoke it if nobody " +
			"claims it.",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		if len(c.Principals) == 0 {
			c.NotEvaluable("needs a principals: map in .agentreach.yml (the humans accountable for each credential)")
			return
		}
		inv := c.Inventory
		for i := range inv.Credentials {
			cred := &inv.Credentials[i]
			if !needsOwner(cred) || len(cred.Accountable) > 0 || ownedByHuman(inv, cred) {
				continue
			}
			c.Report(Result{
				Subject:    "owner:" + cred.ID,
				Location:   firstOr(cred.Locations, inventory.Location{}),
				Credential: cred.ID,
				Message: fmt.Sprintf("%s has no accountable human: no entry of the principals map in .agentreach.yml names it and its owner "+
					"is unknown, so nobody is on the hook to rotate or revoke it.", article(strings.TrimSpace(string(cred.Kind)+" "+credentialLabel(cred)))),
			})
		}
	},
}

// needsOwner reports whether a credential is a standing NHI of its own
// (not a per-job token the platform mints, not the "all secrets" stand-in,
// not a reusable workflow's secret parameter, whose callers own the value).
func needsOwner(c *inventory.Credential) bool {
	switch c.Kind {
	case inventory.KindWorkflowToken, inventory.KindOIDC, inventory.KindInstallationToken, inventory.KindWorkflowCallSecret:
		return false
	}
	if c.Lifetime == inventory.LifetimeShortLived || strings.HasSuffix(c.ID, ":*") {
		return false
	}
	return true
}

// ownedByHuman reports whether the credential's owner is a known human or
// an identity the principals map gives an accountable human.
func ownedByHuman(inv *inventory.Inventory, c *inventory.Credential) bool {
	if c.Owner == "" {
		return false
	}
	for _, p := range inv.Principals {
		if p.ID == c.Owner {
			return p.Kind == inventory.PrincipalHuman || len(p.Accountable) > 0
		}
	}
	return false
}
