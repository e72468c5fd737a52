package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// ExceedsPrincipal is AR-PB-001.
var ExceedsPrincipal = &Rule{
	Metadata: Metadata{
		ID:       "AR-PB-001",
		Name:     "credential-exceeds-principal",
		Title:    "Agent credential exceeds its accountable human principal",
		Severity: inventory.SeverityHigh,
		Score:    8.5,
		Escalation: "high 8.5; critical 9.4 when the difference reaches admin (the credential administers a repository its human " +
			"does not). Evaluated for credentials an organisation scan lists with an owner (fine-grained PAT grants, SSO-authorised " +
			"classic PATs and OAuth tokens, deploy keys) whose owner the `principals:` map of .agentreach.yml names as an identity " +
			"with accountable humans; not evaluable without such a map.",
		Description: "A delegated identity should never hold more than the human it acts for. When a machine user's token (or a deploy " +
			"key someone added) can do more on a repository than every human accountable for it, an agent using it acts with rights " +
			"nobody who answers for it has: a prompt injection reaches further than any person could, and the audit trail names a bot. " +
			"The comparison is on the permission lattice, per repository, between what the credential can do there (its permissions, " +
			"capped by its owner's own role for a PAT) and what each accountable human's role grants.",
		Frameworks: []Mapping{NHI(5), NHI(10), ASI(3), ASI(2), Maestro("L6/T3"), CSF("PR.AA-05"), AIRMF("GOVERN 3.2")},
		Source:     "GitHub organisation scan (repository permission levels) and the principals map",
		Remediation: "Give the agent a credential capped by its human: a fine-grained PAT owned by that human, or a GitHub App " +
			"user-to-server token; or lower the machine user's role to what its humans hold. Keep the principals map current.",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		if !slices.ContainsFunc(c.Inventory.Sources, func(s inventory.Source) bool {
			return s.Kind == inventory.SourceGitHubOrg || s.Kind == inventory.SourceGitHubRepo
		}) {
			return // only an API scan sees owners and their roles
		}
		if len(c.Principals) == 0 {
			c.NotEvaluable("needs a principals: map in .agentreach.yml naming agent identities and their accountable humans")
			return
		}
		inv := c.Inventory
		for i := range inv.Credentials {
			cred := &inv.Credentials[i]
			if cred.API == nil || cred.Owner == "" {
				continue
			}
			owner := inv.PrincipalByID(cred.Owner)
			if owner == nil || len(owner.RepoPermissions) == 0 {
				continue
			}
			src, _ := inventory.Unscoped(owner.ID)
			humans := inventory.HumansFor(c.Principals, owner.Login, "user:"+strings.ToLower(owner.Login), owner.ID)
			humans = append(humans, cred.Accountable...)
			capped := cred.Kind != inventory.KindDeployKey // a PAT cannot exceed its owner; a deploy key is not the adder's
			var worst []string
			admin := false
			seen := map[string]bool{}
			for _, h := range humans {
				login := inventory.GitHubLogin(h)
				if login == "" || seen[strings.ToLower(login)] || strings.EqualFold(login, owner.Login) {
					continue
				}
				seen[strings.ToLower(login)] = true
				hp := inv.PrincipalByID(inventory.Scoped(src, "user:"+strings.ToLower(login)))
				if hp == nil {
					continue // the human's permissions were not read (coverage says why)
				}
				for _, repo := range slices.Sorted(maps.Keys(owner.RepoPermissions)) {
					can := cred.Permissions
					if capped {
						can = can.Meet(owner.RepoPermissions[repo])
					}
					has, ok := hp.RepoPermissions[repo]
					if !ok {
						continue // not looked up (coverage says why)
					}
					var over []string
					for _, e := range can.Exceeds(has) {
						if e.Resource == inventory.ResMetadata {
							continue
						}
						over = append(over, fmt.Sprintf("%s: %s (has %s)", e.Resource, e.Have, e.Cap))
						admin = admin || e.Have >= inventory.Admin
					}
					if len(over) > 0 {
						worst = append(worst, fmt.Sprintf("on %s, more than @%s: %s", repo, login, strings.Join(over, ", ")))
					}
				}
			}
			if len(worst) == 0 {
				continue
			}
			score := 0.0
			if admin {
				score = 9.4
			}
			more := ""
			if len(worst) > 3 {
				more = fmt.Sprintf(" (and %d more)", len(worst)-3)
				worst = worst[:3]
			}
			c.Report(Result{
				Subject:    "exceeds-principal:" + cred.ID,
				Location:   firstOr(cred.Locations, inventory.Location{}),
				Credential: cred.ID,
				Score:      score,
				Message: fmt.Sprintf("The %s can do more than the humans the principals map makes accountable for it: %s%s. An agent using it "+
					"acts with rights none of them holds.", apiCredLabel(inv, cred), strings.Join(worst, "; "), more),
			})
		}
	},
}
