package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// UnownedNHI is AR-PB-009: credentials an organisation scan lists whose
// owner left or was never recorded, and credentials the principals map
// leaves without an accountable human.
var UnownedNHI = &Rule{
	Metadata: Metadata{
		ID:       "AR-PB-009",
		Name:     "nhi-without-accountable-owner",
		Title:    "NHI without an accountable owner (inventory gap or orphan)",
		Severity: inventory.SeverityMedium,
		Score:    6.0,
		Escalation: "medium 6.0. From an organisation scan, always: a listed credential (a fine-grained PAT grant, an SSO " +
			"authorisation, a deploy key) whose owner is no longer a member or outside collaborator of the organisation (\"owner " +
			"left\"), and a deploy key GitHub records no adder for (\"no recorded owner\") that no entry of the principals map names; " +
			"from a GitLab group scan, a pipeline trigger or access token whose owner GitLab lists as blocked or deactivated, and a " +
			"trigger GitLab lists no owner for. " +
			"When `.agentreach.yml` has a `principals:` map (otherwise that part is reported as not evaluable): every long-lived " +
			"credential the scan inventoried — a CI secret or variable, a key written in a file, a token — that no entry of the map " +
			"names and whose owner is not a known human. Short-lived tokens the platform mints per job (GITHUB_TOKEN, CI_JOB_TOKEN, " +
			"OIDC, App installation tokens) are not NHIs of their own and are not checked.",
		Description: "A non-human identity nobody answers for is one nobody rotates, reviews or revokes: it outlives the project and " +
			"the people who created it, and when it leaks there is no one to ask what it can do. The principals map of " +
			"`.agentreach.yml` binds each agent identity and credential to the humans accountable for it; this rule lists the " +
			"credentials it leaves out.",
		Frameworks: []Mapping{NHI(1), ASI(3), ASI(10), Maestro("L6/T3"), AIRMF("GOVERN 1.6"), AIRMF("GOVERN 1.7"), AIRMF("GOVERN 2.1"),
			CSF("PR.AA-01"), CISRef("1.3.1")},
		Source: "the inventory (GitHub organisation scan: members, credential owners, deploy keys' `added_by`; GitLab group scan: trigger owners and their state) and the `principals:` map of .agentreach.yml",
		Remediation: "Add the credential to `principals:` in `.agentreach.yml` with the humans who own it " +
			"(`\"github-actions-secret:DEPLOY_TOKEN\": [\"@alice\"]`, `*` matches any run of characters), or revoke it if nobody " +
			"claims it.",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		inv := c.Inventory
		apiGaps(c, endpointMembers, endpointCollaborators, endpointDeployKeys, glEndpointTriggers)
		reported := map[string]bool{}
		for i := range inv.Credentials {
			cred := &inv.Credentials[i]
			msg := apiOwnerGap(c, cred)
			if msg == "" {
				continue
			}
			reported[cred.ID] = true
			c.Report(Result{
				Subject:    "owner:" + cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Message:    msg,
			})
		}
		if len(c.Principals) == 0 {
			c.NotEvaluable("needs a principals: map in .agentreach.yml (the humans accountable for each credential)")
			return
		}
		for i := range inv.Credentials {
			cred := &inv.Credentials[i]
			if reported[cred.ID] || !needsOwner(cred) || len(cred.Accountable) > 0 || ownedByHuman(inv, cred) {
				continue
			}
			if cred.API == nil && (len(cred.Backing) > 0 || readThroughAPI(inv, cred)) {
				// A workflow's reference in a repository an organisation scan
				// read: what it resolves to (a repository, organisation or
				// environment secret) is listed and checked itself.
				continue
			}
			label, loc, owner := article(strings.TrimSpace(string(cred.Kind)+" "+credentialLabel(cred))), firstOr(cred.Locations, inventory.Location{}), "is unknown"
			if cred.API != nil {
				// Listed by a platform API: named as the other API rules name it.
				label, loc = "The "+apiCredLabel(inv, cred), apiLocation(cred)
			}
			if p := ownerOf(inv, cred); p != nil && p.Login != "" {
				who := "@" + p.Login
				if p.Platform == inventory.PlatformGitLab {
					who = glUser(inv, p.ID) // a token's bot user is known by its id: "user 1005"
				}
				owner = fmt.Sprintf("%s is %s, not a known human", who, principalKindPhrase(p.Kind))
			}
			c.Report(Result{
				Subject:    "owner:" + cred.ID,
				Location:   loc,
				Credential: cred.ID,
				Message: fmt.Sprintf("%s has no accountable human: no entry of the principals map in .agentreach.yml names it and its owner "+
					"%s, so nobody is on the hook to rotate or revoke it.", label, owner),
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
	case inventory.KindLeakedSecret:
		return false // an alert about a value, whose stored credential (if any) is its own item
	}
	if c.Missing {
		return false // a reference to a secret nobody stores: nothing to own (the name resolves to empty)
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

// apiOwnerGap says, for a credential an organisation scan lists, that its
// owner left the organisation or that GitHub records no owner for a deploy
// key (and no principals-map entry names one); "" otherwise.
func apiOwnerGap(c *Context, cred *inventory.Credential) string {
	if cred.API != nil && cred.Platform == inventory.PlatformGitLab && needsOwner(cred) {
		return glOwnerGap(c, cred)
	}
	if cred.API == nil || cred.Platform != inventory.PlatformGitHub || !needsOwner(cred) || expired(cred, c.Now) {
		return ""
	}
	inv := c.Inventory
	label := apiCredLabel(inv, cred)
	if owner := ownerOf(inv, cred); owner != nil && owner.State == inventory.StateOffboarded {
		src, _ := inventory.Unscoped(owner.ID)
		org := orgLogin(inv, src)
		still := "the organisation still lists it"
		if apiDeployKey(cred) {
			still = "the key still works: a deploy key does not depend on the account that added it"
		}
		next := "Revoke it, or have someone who is still in the organisation replace it under their own name"
		if len(cred.Accountable) > 0 {
			next = fmt.Sprintf("The principals map names %s as accountable: have them revoke it or replace it under their own name",
				strings.Join(cred.Accountable, ", "))
		}
		return fmt.Sprintf("The %s has no accountable owner — owner left: @%s is no longer a member or outside collaborator of %s, "+
			"yet %s, and nobody in the organisation answers for rotating or revoking it. %s: %s.",
			label, owner.Login, org, still, next, revocation(cred))
	}
	if apiDeployKey(cred) && cred.API.AddedBy == "" && len(cred.Accountable) == 0 {
		mapNote := "no principals map in .agentreach.yml names anyone for it"
		if len(c.Principals) > 0 {
			mapNote = "no entry of the principals map in .agentreach.yml names it"
		}
		return fmt.Sprintf("The %s has no accountable owner — no recorded owner: GitHub does not say who added it (a key added "+
			"before GitHub recorded it, or by an App), and %s, so nobody is on the hook to rotate or remove it. Find who uses it "+
			"and record them in `principals:`, or delete the key: %s.", label, mapNote, revocation(cred))
	}
	return ""
}

// glOwnerGap says, for a pipeline trigger or access token a GitLab group
// scan lists, that GitLab lists its owner as blocked or deactivated, or a
// trigger without an owner; "" otherwise (and for revoked or expired
// tokens).
func glOwnerGap(c *Context, cred *inventory.Credential) string {
	if cred.Kind != kindGLTrigger && !glAccessToken(cred) || glInactive(cred, c.Now) {
		return ""
	}
	inv := c.Inventory
	label := glCredLabel(inv, cred)
	next := "Revoke it, or have someone still active re-create it under a service account"
	if len(cred.Accountable) > 0 {
		next = fmt.Sprintf("The principals map names %s as accountable: have them revoke it or re-create it under a service account",
			strings.Join(cred.Accountable, ", "))
	}
	if owner := ownerOf(inv, cred); owner != nil && (owner.State == inventory.StateSuspended || owner.State == inventory.StateOffboarded) {
		return fmt.Sprintf("The %s has no accountable owner — owner blocked or removed: GitLab lists %s as blocked, deactivated or "+
			"gone, yet %s still lists the %s, and nobody active answers for rotating or revoking it. %s: %s.",
			label, glUser(inv, cred.Owner), cmpStr(glTarget(cred), "GitLab"), glKindLabel(cred), next, revocation(cred))
	}
	if cred.Kind == kindGLTrigger && cred.Owner == "" && len(cred.Accountable) == 0 {
		return fmt.Sprintf("The %s has no accountable owner — no recorded owner: GitLab lists no owner for it, so nobody is on "+
			"the hook to rotate or delete it. Find who uses it and record them in `principals:`, or delete it: %s.", label, revocation(cred))
	}
	return ""
}

// principalKindPhrase says what sort of identity a principal is.
func principalKindPhrase(k inventory.PrincipalKind) string {
	switch k {
	case inventory.PrincipalApp:
		return "an App"
	case inventory.PrincipalBot:
		return "a bot account"
	case inventory.PrincipalService:
		return "a service account"
	case inventory.PrincipalHuman:
		return "a person"
	}
	return "of unknown kind"
}

// readThroughAPI reports whether a credential was found in files of a
// repository or project read through a platform API.
func readThroughAPI(inv *inventory.Inventory, c *inventory.Credential) bool {
	for _, l := range c.Locations {
		if src := inv.SourceByID(l.Source); src != nil && (src.Kind == inventory.SourceGitHubRepo || src.Kind == inventory.SourceGitLabProject) {
			return true
		}
	}
	return false
}
