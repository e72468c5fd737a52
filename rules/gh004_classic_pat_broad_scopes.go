package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// ClassicPATBroadScopes is AR-GH-004.
var ClassicPATBroadScopes = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-004",
		Name:     "classic-pat-broad-scopes",
		Title:    "Classic PAT with broad scopes (SSO orgs)",
		Severity: inventory.SeverityHigh,
		Score:    8.0,
		Escalation: "high 8.0 for `repo`, `workflow`, `write:org`, `admin:repo_hook`, `write:packages` or `admin:public_key`; critical " +
			"9.2 with `admin:org`, `admin:enterprise` or `delete_repo`. A coding agent reaching the token (catalog 1.7) raises high to " +
			"critical 9.1 and is named. Evaluable only for organisations with SAML SSO (otherwise reported as not evaluable); " +
			"authorisations whose expiry has passed are not reported.",
		Description: "A classic personal access token authorised for the organisation through SAML SSO carries broad scopes. A " +
			"classic scope is not limited to a repository: `repo` is every repository its owner can reach, `workflow` lets it rewrite " +
			"any of their workflows, and the admin scopes act on the organisation itself. Whoever holds the token acts as its owner " +
			"everywhere the owner can.",
		Frameworks:  []Mapping{NHI(5), NHI(7), ASI(3), Maestro("L6/T3"), CSF("PR.AA-05")},
		Source:      "GitHub organisation scan: SAML SSO credential authorisations (`GET /orgs/{org}/credential-authorizations`)",
		Remediation: "Replace the token with a fine-grained PAT or a GitHub App scoped to the repositories and permissions needed, then remove its SSO authorisation (`DELETE /orgs/{org}/credential-authorizations/{credential_id}`, an organisation owner; agentreach never calls it).",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointSSO)
		inv := c.Inventory
		ix := newAgentIndex(inv)
		for _, cred := range githubCredentials(inv, func(c *inventory.Credential) bool { return c.Type == typeSSOClassicPAT }) {
			if expired(cred, c.Now) || cred.API == nil {
				continue
			}
			critical := scopesIn(cred.API.Scopes, "admin:org", "admin:enterprise", "delete_repo")
			broad := scopesIn(cred.API.Scopes, "repo", "workflow", "write:org", "admin:repo_hook", "write:packages", "admin:public_key")
			if len(broad)+len(critical) == 0 {
				continue
			}
			score := 8.0
			if len(critical) > 0 {
				score = 9.2
			}
			score, agents, agent := agentReachable(ix, score, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The %s is authorised for %s through SAML SSO with the scopes %s: %s.%s Replace it with a "+
					"fine-grained PAT or a GitHub App scoped to what it is for, then remove the SSO authorisation: %s.",
					apiCredLabel(inv, cred), orgOf(cred), scopeList(cred.API.Scopes), scopeImpact(append(critical, broad...)), agents, revocation(cred)),
			})
		}
	},
}

// scopesIn returns the scopes of have that are among want, in want's order.
func scopesIn(have []string, want ...string) []string {
	var out []string
	for _, w := range want {
		if slices.Contains(have, w) {
			out = append(out, w)
		}
	}
	return out
}

// scopeList renders classic scopes: "`repo`, `workflow`".
func scopeList(scopes []string) string {
	q := make([]string, len(scopes))
	for i, s := range scopes {
		q[i] = "`" + s + "`"
	}
	return strings.Join(q, ", ")
}

// classicScopeImpacts say what a classic scope lets its holder do.
var classicScopeImpacts = map[string]string{
	"admin:org":        "`admin:org` administers the organisation — members, teams, settings, secrets, runners",
	"admin:enterprise": "`admin:enterprise` administers the enterprise",
	"delete_repo":      "`delete_repo` deletes repositories",
	"admin:org_hook":   "`admin:org_hook` adds organisation webhooks that receive every event",
	"repo":             "`repo` reads and pushes to every repository its owner can reach, private ones included",
	"workflow":         "`workflow` rewrites workflow files, which then run with the repositories' secrets",
	"write:org":        "`write:org` changes organisation membership and teams",
	"admin:repo_hook":  "`admin:repo_hook` adds repository webhooks",
	"write:packages":   "`write:packages` publishes packages",
	"admin:public_key": "`admin:public_key` adds SSH keys to its owner's account",
}

// scopeImpact joins the impacts of the scopes.
func scopeImpact(scopes []string) string {
	var parts []string
	for _, s := range scopes {
		if p, ok := classicScopeImpacts[s]; ok && !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "; ")
}

// orgOf names the organisation a credential is scoped to.
func orgOf(c *inventory.Credential) string {
	if c.Scope != nil && c.Scope.Target != "" {
		return "the organisation " + c.Scope.Target
	}
	return "the organisation"
}
