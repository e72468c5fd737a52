package rules

import (
	"fmt"
	"slices"

	"github.com/agentreach/agentreach/inventory"
)

// AppAllRepositories is AR-GH-007.
var AppAllRepositories = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-007",
		Name:     "app-installed-on-all-repositories",
		Title:    "GitHub App installed on all repos with high-impact write",
		Severity: inventory.SeverityHigh,
		Score:    8.0,
		Escalation: "high 8.0; 8.8 when the App is a coding agent (an agent App such as claude, copilot-swe-agent or " +
			"chatgpt-codex-connector) or another coding agent reaches the installation — the catalog's value for agent apps, kept " +
			"in the high band. Suspended installations are left to AR-GH-008.",
		Description: "A GitHub App is installed on every repository of the organisation — today's and every future one — with write " +
			"on contents, workflows, administration, secrets, Actions, organisation administration or members. The App's private " +
			"key mints installation tokens with all of it: whoever controls the App (its vendor, a leaked key, a prompt injection in " +
			"an agent App) can push code, rewrite workflows or change settings in every repository at once.",
		Frameworks:  []Mapping{NHI(3), NHI(5), ASI(3), ASI(4), Maestro("L7/T3"), AIRMF("GOVERN 6.1"), CSF("PR.AA-05"), CISRef("1.4.3")},
		Source:      "GitHub organisation scan: App installations (`GET /orgs/{org}/installations`)",
		Remediation: "Limit the installation to the repositories that need it (organisation settings → GitHub Apps → Configure → Only select repositories) and ask the App's owner for narrower permissions; for an agent App, install it only where agents should work.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointInstallations)
		inv := c.Inventory
		ix := newAgentIndex(inv)
		for _, cred := range githubCredentials(inv, appInstallation) {
			if cred.Scope == nil || cred.Scope.Kind != "all-repositories" || cred.API != nil && cred.API.SuspendedAt != nil {
				continue
			}
			var hit []inventory.Resource
			for _, r := range cred.Permissions.AtLeast(inventory.Write) {
				if slices.Contains(appHighImpact, r) {
					hit = append(hit, r)
				}
			}
			if len(hit) == 0 {
				continue
			}
			score, agentText, agent := 8.0, "", ""
			if agents := ix.coding(cred.ID); len(agents) > 0 {
				score, agentText, agent = 8.8, " "+agentsSentence(inv, agents), agents[0].ID
				if a := agents[0]; len(agents) == 1 && a.Kind == inventory.AgentApp && a.Name == appName(cred) {
					agentText = fmt.Sprintf(" The App is a coding agent (%s): whoever can steer it — an issue, a comment, an "+
						"assignment, a prompt injection in what it reads — acts with these permissions.", productTitle(a.Product))
				}
			}
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The App %q is installed on every repository of %s, present and future, with %s: its installation "+
					"tokens can %s everywhere.%s Limit the installation to selected repositories and ask for narrower permissions.",
					appName(cred), cred.Scope.Target, levelList(cred.Permissions, hit), impactPhrase(hit), agentText),
			})
		}
	},
}

// appHighImpact are the permissions AR-GH-007 reports at write or admin.
var appHighImpact = []inventory.Resource{inventory.ResContents, inventory.ResWorkflows, inventory.ResAdministration,
	inventory.ResSecrets, inventory.ResActions, inventory.ResOrgAdministration, inventory.ResMembers}

// appName is the slug of the App an installation belongs to.
func appName(c *inventory.Credential) string {
	if c.API != nil && c.API.AppSlug != "" {
		return c.API.AppSlug
	}
	return c.Name
}
