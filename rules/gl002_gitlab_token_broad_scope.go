package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// GitLabTokenBroadScope is AR-GL-002.
var GitLabTokenBroadScope = &Rule{
	Metadata: Metadata{
		ID:       "AR-GL-002",
		Name:     "gitlab-token-broad-scope",
		Title:    "GitLab token with broad scope or high access level",
		Severity: inventory.SeverityHigh,
		Score:    8.0,
		Escalation: "high 8.0 for an active token with `api`, `sudo`, `admin_mode` or `write_repository` that never expires or " +
			"(a group or project access token) has the Maintainer role or higher; critical 9.1 with `sudo` or `admin_mode`, or with the " +
			"Owner role (access level 50) and no expiry. One band higher (critical 9.1) when a coding agent reaches the token " +
			"(catalog 1.7). Revoked and expired tokens are not reported.",
		Description: "An active GitLab token can write through the whole API (`api`), push (`write_repository`) or act for other users " +
			"and the instance (`sudo`, `admin_mode`), and it never expires or acts with the Maintainer or Owner role. Whoever holds it " +
			"can change code, CI/CD variables, protected branches, members and settings of everything its role covers — a group " +
			"access token every project of the group — with no expiry to end it.",
		Frameworks:  []Mapping{NHI(5), NHI(7), ASI(3), Maestro("L6/T3"), CSF("PR.AA-05")},
		Source:      "GitLab group scan: group and project access tokens (`scopes`, `access_level`, `expires_at`, `active`, `revoked`) and, for an administrator, personal access tokens",
		Remediation: "Reissue the token with narrow scopes (`read_api`, `read_repository`) at the Developer role or lower and with an expiry, then revoke the old one.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, glTokenEndpoints...)
		inv, now := c.Inventory, c.Now
		ix := newAgentIndex(inv)
		for _, cred := range gitlabCredentials(inv, glAccessToken) {
			if glInactive(cred, now) {
				continue
			}
			broad := scopesIn(cred.API.Scopes, "api", "sudo", "admin_mode", "write_repository")
			noExpiry := cred.ExpiresAt == nil
			level := 0
			if cred.Kind != inventory.KindPersonalAccessToken {
				level = cred.API.AccessLevel
			}
			if len(broad) == 0 || !noExpiry && level < inventory.GitLabMaintainer {
				continue
			}
			score := 8.0
			if slices.Contains(broad, "sudo") || slices.Contains(broad, "admin_mode") || level >= inventory.GitLabOwner && noExpiry {
				score = 9.1
			}
			var why []string
			if noExpiry {
				why = append(why, "never expires")
			}
			if level >= inventory.GitLabMaintainer {
				why = append(why, "acts with a role of Maintainer or higher")
			}
			impacts := make([]string, 0, len(broad))
			for _, s := range broad {
				impacts = append(impacts, glScopeImpacts[s])
			}
			score, agents, agent := agentReachable(ix, score, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The %s (%s) %s: across %s, %s.%s Reissue it with narrow scopes (`read_api`, "+
					"`read_repository`) at the Developer role or lower and with an expiry, then revoke this one: %s.",
					glCredLabel(inv, cred), glTokenFacts(cred), joinAnd(why), glReach(inv, cred), strings.Join(impacts, "; "),
					agents, revocation(cred)),
			})
		}
	},
}

// glScopeImpacts say what a broad GitLab scope lets its holder do.
var glScopeImpacts = map[string]string{
	"api":              "`api` reads and writes through the whole API — code, merge requests, CI/CD variables, members and settings, as far as the role goes",
	"sudo":             "`sudo` acts as any other user when its user is an administrator",
	"admin_mode":       "`admin_mode` uses the administrator's rights on the instance",
	"write_repository": "`write_repository` pushes to the repositories",
}

// glReach says what a GitLab token reaches: "every project of the group
// acme/platform", "the project acme/app", "everything its user can reach".
func glReach(inv *inventory.Inventory, c *inventory.Credential) string {
	t := glTarget(c)
	switch {
	case c.Kind == inventory.KindPersonalAccessToken:
		if u := glUser(inv, c.Owner); u != "" && !strings.HasPrefix(u, "user ") {
			return "everything " + u + " can reach"
		}
		return "everything its user can reach"
	case t == "":
		return "an unknown scope"
	case c.Scope.Kind == "group":
		return "every project of the group " + t
	}
	return "the project " + t
}
