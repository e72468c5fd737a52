package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// AutomationAdmin is AR-PB-003.
var AutomationAdmin = &Rule{
	Metadata: Metadata{
		ID:       "AR-PB-003",
		Name:     "admin-credential-held-by-automation",
		Title:    "Admin/owner-level credential held by an automation identity",
		Severity: inventory.SeverityCritical,
		Score:    9.4,
		Escalation: "critical 9.4. From an organisation scan: a bot or service account that is an organisation owner; a " +
			"fine-grained PAT with any organisation permission at write or `administration: write`, an SSO-authorised token with " +
			"`admin:org`, `admin:enterprise`, `delete_repo` or `admin:org_hook` — when automation holds it: its owner is a bot, the " +
			"principals map of .agentreach.yml names the token or its owner as an agent identity, or an agent or CI job reaches it; " +
			"and every App installation with `organization_administration` or `members` at write. From a GitLab group scan: a group " +
			"or project access token with the Owner role (access level 50) or the `sudo` or `admin_mode` scope — it acts as its own " +
			"bot user — and a personal access token with those scopes when automation holds it. Expired, revoked and suspended " +
			"credentials are not reported.",
		Description: "An identity that no human operates — a bot account, a machine user's token, an App — holds owner-level " +
			"rights: it can change the organisation's members, settings, secrets and repositories. Automation runs unattended, on " +
			"input it does not choose; when it is steered (a prompt injection, a poisoned dependency, a leaked token) there is no " +
			"person in the loop, and the damage is the organisation's, not one repository's.",
		Frameworks:  []Mapping{NHI(5), ASI(3), Maestro("L6/T3"), CSF("PR.AA-05"), AIRMF("GOVERN 3.2"), CISRef("1.3.3")},
		Source:      "GitHub organisation scan (members and roles, fine-grained PAT grants, SSO credential authorisations, App installations), GitLab group scan (access tokens: `access_level`, `scopes`) and the principals map",
		Remediation: "Remove owner and administrative rights from automation identities: demote bot accounts to members, reissue tokens without organisation administration, and narrow App permissions. Do administrative work through a human's just-in-time elevation.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointMembers, endpointPATGrants, endpointSSO, endpointInstallations, glEndpointGroupTokens, glEndpointProjectTokens)
		inv := c.Inventory
		ix := newAgentIndex(inv)
		for i := range inv.Principals {
			p := &inv.Principals[i]
			if p.Platform != inventory.PlatformGitHub || p.Role != "admin" || p.State == inventory.StateOffboarded {
				continue
			}
			why := automationPrincipal(c, p)
			if why == "" {
				continue
			}
			src, _ := inventory.Unscoped(p.ID)
			org := orgLogin(inv, src)
			c.Report(Result{
				Subject:  p.ID,
				Location: inventory.Location{Source: src, Root: orgRoot(inv, src), Path: "github/" + org + "/members/" + p.Login},
				Message: fmt.Sprintf("The account @%s is an owner of the organisation %s and %s: an automation identity with every "+
					"right in the organisation, from members and settings to every repository and secret. Demote it to member and "+
					"give it only the repository roles its job needs.", p.Login, org, why),
			})
		}
		for i := range inv.Credentials {
			cred := &inv.Credentials[i]
			if cred.Platform == inventory.PlatformGitLab {
				glAutomationAdmin(c, ix, cred)
				continue
			}
			if cred.Platform != inventory.PlatformGitHub {
				continue
			}
			var rights, holder string
			switch {
			case fineGrainedGrant(cred) && !expired(cred, c.Now):
				var rs []inventory.Resource
				for _, r := range cred.Permissions.AtLeast(inventory.Write) {
					if orgResource(r) || r == inventory.ResAdministration {
						rs = append(rs, r)
					}
				}
				if len(rs) > 0 {
					rights, holder = levelList(cred.Permissions, rs), automationHolder(c, ix, cred)
				}
			case ssoCredential(cred) && cred.API != nil && !expired(cred, c.Now):
				if s := scopesIn(cred.API.Scopes, "admin:org", "admin:enterprise", "delete_repo", "admin:org_hook"); len(s) > 0 {
					rights, holder = "the scopes "+scopeList(s), automationHolder(c, ix, cred)
				}
			case appInstallation(cred) && (cred.API == nil || cred.API.SuspendedAt == nil):
				var rs []inventory.Resource
				for _, r := range []inventory.Resource{inventory.ResOrgAdministration, inventory.ResMembers} {
					if cred.Permissions.Get(r) >= inventory.Write {
						rs = append(rs, r)
					}
				}
				if len(rs) > 0 {
					rights, holder = levelList(cred.Permissions, rs), "an App acts on its own, with no human at the keyboard"
				}
			}
			if rights == "" || holder == "" {
				continue
			}
			agent := ""
			if as := ix.all(cred.ID); len(as) > 0 {
				agent = as[0].ID
			}
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Message: fmt.Sprintf("The %s holds owner-level rights — %s — and %s: whoever steers that automation can change the "+
					"organisation's members, settings or repositories. Reissue it without organisation administration and do "+
					"administrative work as a human.", apiCredLabel(inv, cred), rights, holder),
			})
		}
	},
}

// glAutomationAdmin reports a GitLab token with owner-level rights that
// automation holds: a group or project access token with the Owner role
// or `sudo`/`admin_mode` (it acts as its own bot user), or a personal
// access token with those scopes that automation holds.
func glAutomationAdmin(c *Context, ix agentIndex, cred *inventory.Credential) {
	if cred.API == nil || !glAccessToken(cred) || glInactive(cred, c.Now) {
		return
	}
	var rights []string
	if cred.Kind != inventory.KindPersonalAccessToken && cred.API.AccessLevel >= inventory.GitLabOwner {
		rights = append(rights, fmt.Sprintf("the %s role (access level %d)", glRole(cred.API.AccessLevel), cred.API.AccessLevel))
	}
	if s := scopesIn(cred.API.Scopes, "sudo", "admin_mode"); len(s) > 0 {
		rights = append(rights, plural(len(s), "the scope ", "the scopes ")+scopeList(s))
	}
	if len(rights) == 0 {
		return
	}
	holder := "it acts as its own bot user, with no human at the keyboard"
	if cred.Kind == inventory.KindPersonalAccessToken {
		if holder = automationHolder(c, ix, cred); holder == "" {
			return
		}
	}
	agent := ""
	if as := ix.all(cred.ID); len(as) > 0 {
		agent = as[0].ID
	}
	inv := c.Inventory
	reissue := "at the Maintainer role or lower without `sudo` or `admin_mode`"
	if cred.Kind == inventory.KindPersonalAccessToken {
		reissue = "without `sudo` or `admin_mode`"
	}
	c.Report(Result{
		Subject:    cred.ID,
		Location:   apiLocation(cred),
		Credential: cred.ID,
		Agent:      agent,
		Message: fmt.Sprintf("The %s holds owner-level rights — %s — and %s: whoever holds or steers it can change the members, "+
			"settings, CI/CD variables and code of %s. Reissue it %s, and do administrative work as a human: %s.",
			glCredLabel(inv, cred), joinAnd(rights), holder, glReach(inv, cred), reissue, revocation(cred)),
	})
}

// automationPrincipal says why a principal is an automation identity, or
// "" when it is not known to be one.
func automationPrincipal(c *Context, p *inventory.Principal) string {
	switch {
	case p.Kind == inventory.PrincipalBot || p.Kind == inventory.PrincipalApp:
		return "is a bot account"
	case p.Kind == inventory.PrincipalService:
		return "is a service account"
	}
	if hs := principalHumans(c, p); len(hs) > 0 {
		return fmt.Sprintf("the principals map of .agentreach.yml names it as an agent identity (accountable: %s)", strings.Join(hs, ", "))
	}
	return ""
}

// principalHumans are the humans the principals map makes accountable for
// a principal (it names the login, the user id or the full id).
func principalHumans(c *Context, p *inventory.Principal) []string {
	hs := p.Accountable
	if len(c.Principals) > 0 && p.Login != "" {
		hs = append(hs, inventory.HumansFor(c.Principals, p.Login, "user:"+strings.ToLower(p.Login), p.ID)...)
	}
	return mergeUnique(hs)
}

// automationHolder says why automation holds a token — its owner is a
// bot, the principals map names the token or its owner as an agent
// identity, or an agent or CI job reaches it — or "" when nothing says so.
func automationHolder(c *Context, ix agentIndex, cred *inventory.Credential) string {
	owner := ownerOf(c.Inventory, cred)
	if owner != nil && (owner.Kind == inventory.PrincipalBot || owner.Kind == inventory.PrincipalService) {
		return fmt.Sprintf("its owner @%s is a %s account", owner.Login, owner.Kind)
	}
	if owner != nil {
		if hs := principalHumans(c, owner); len(hs) > 0 {
			return fmt.Sprintf("the principals map of .agentreach.yml names its owner @%s as an agent identity (accountable: %s)",
				owner.Login, strings.Join(hs, ", "))
		}
	}
	if len(cred.Accountable) > 0 {
		return fmt.Sprintf("the principals map of .agentreach.yml names it as an agent identity (accountable: %s)", strings.Join(cred.Accountable, ", "))
	}
	if as := ix.all(cred.ID); len(as) > 0 {
		names := make([]string, len(as))
		for i, a := range as {
			names[i] = codingAgentLabel(c.Inventory, a)
		}
		return "automation uses it: " + joinQuoted(names, 3)
	}
	return ""
}

// orgRoot is the root of an organisation source's locations.
func orgRoot(inv *inventory.Inventory, id string) string {
	if src := inv.SourceByID(id); src != nil {
		return src.Path
	}
	return ""
}

// mergeUnique returns the strings once each, in order of first appearance.
func mergeUnique(in []string) []string {
	var out []string
	for _, s := range in {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
