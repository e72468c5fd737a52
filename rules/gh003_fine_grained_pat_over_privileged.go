package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// FineGrainedPATOverPrivileged is AR-GH-003.
var FineGrainedPATOverPrivileged = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-003",
		Name:     "fine-grained-pat-over-privileged",
		Title:    "Fine-grained PAT over-privileged",
		Severity: inventory.SeverityHigh,
		Score:    8.0,
		Escalation: "high 8.0; the message says when the grant covers every repository of the organisation. Critical 9.1 when a coding " +
			"agent reaches the token (catalog 1.7). Tokens GitHub lists as expired are not reported. Organisation packages and team " +
			"discussions share lattice resources with their repository permissions and are not counted as organisation-level.",
		Description: "A fine-grained personal access token granted to the organisation holds write or admin on what changes how code " +
			"is built and who may change it — repository administration, workflows, secrets, Actions, environments, Actions " +
			"variables — or any organisation permission at write. A token like that is a way around branch protection and review: " +
			"whoever holds it can rewrite a workflow to run with the repository's secrets, or change the settings that guard the code.",
		Frameworks:  []Mapping{NHI(5), ASI(3), Maestro("L6/T3"), CSF("PR.AA-05")},
		Source:      "GitHub organisation scan: fine-grained PAT grants (`GET /orgs/{org}/personal-access-tokens`, GitHub App only)",
		Remediation: "Reissue the token with only the contents and pull-request permissions its task needs, on selected repositories; do administrative work as a human, or through a GitHub App with a narrow purpose.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointPATGrants)
		inv := c.Inventory
		ix := newAgentIndex(inv)
		for _, cred := range githubCredentials(inv, fineGrainedGrant) {
			if expired(cred, c.Now) {
				continue
			}
			risky := riskyPATPermissions(cred.Permissions)
			if len(risky) == 0 {
				continue
			}
			where := "on " + scopePhrase(cred.Scope)
			switch {
			case cred.Scope != nil && cred.Scope.Kind == "all-repositories":
				where = "on every repository of " + cred.Scope.Target + ", present and future"
			case cred.Scope != nil && cred.Scope.Kind == "org":
				where = "on the organisation " + cred.Scope.Target
			}
			score, agents, agent := agentReachable(ix, 8.0, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The %s holds %s %s: whoever has the token can %s.%s Reissue it with only the contents and "+
					"pull-request permissions its task needs, on selected repositories.",
					apiCredLabel(inv, cred), levelList(cred.Permissions, risky), where, impactPhrase(risky), agents),
			})
		}
	},
}

// patRiskyResources are the repository permissions AR-GH-003 reports at
// write or admin (actions_variables maps onto variables).
var patRiskyResources = []inventory.Resource{inventory.ResAdministration, inventory.ResWorkflows, inventory.ResSecrets,
	inventory.ResActions, inventory.ResEnvironments, inventory.ResVariables}

// orgResources are the lattice resources of GitHub's organisation
// permissions. Unknown organisation permissions keep their own name
// (organization_…) on the lattice.
var orgResources = map[inventory.Resource]bool{inventory.ResMembers: true, inventory.ResOrgAdministration: true,
	inventory.ResOrgSecrets: true, inventory.ResOrgHooks: true, inventory.ResOrgRunners: true, inventory.ResOrgProjects: true,
	inventory.ResOrgTokens: true, inventory.ResCopilot: true, inventory.ResAuditLog: true, inventory.ResEnterprise: true}

// orgResource reports an organisation-level lattice resource.
func orgResource(r inventory.Resource) bool {
	return orgResources[r] || strings.HasPrefix(string(r), "org_") || strings.HasPrefix(string(r), "organization_")
}

// riskyPATPermissions lists, in order, the resources of AR-GH-003 held at
// write or admin.
func riskyPATPermissions(p inventory.Permissions) []inventory.Resource {
	var out []inventory.Resource
	for _, r := range p.AtLeast(inventory.Write) {
		for _, q := range patRiskyResources {
			if r == q {
				out = append(out, r)
			}
		}
		if orgResource(r) {
			out = append(out, r)
		}
	}
	return out
}

// levelList renders resources with their levels: "`administration: write`,
// `workflows: write`".
func levelList(p inventory.Permissions, rs []inventory.Resource) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("`%s: %s`", r, p[r])
	}
	return joinAnd(parts)
}

// resourceImpacts says what write on a resource lets its holder do.
var resourceImpacts = map[inventory.Resource]string{
	inventory.ResContents:          "push code",
	inventory.ResAdministration:    "change repository settings and branch protection",
	inventory.ResWorkflows:         "rewrite workflow files, which then run with the repository's secrets",
	inventory.ResSecrets:           "replace Actions secrets",
	inventory.ResActions:           "dispatch, re-run and cancel workflow runs",
	inventory.ResEnvironments:      "change deployment environments and their protection rules",
	inventory.ResVariables:         "change Actions variables that workflows trust",
	inventory.ResMembers:           "change members and teams",
	inventory.ResOrgAdministration: "change organisation settings",
	inventory.ResOrgSecrets:        "replace organisation secrets",
	inventory.ResOrgHooks:          "add organisation webhooks that receive every event",
	inventory.ResOrgRunners:        "register self-hosted runners",
	inventory.ResOrgTokens:         "approve or revoke fine-grained PAT grants",
	inventory.ResEnterprise:        "administer the enterprise",
}

// impactPhrase joins the impacts of the resources (others are summed up).
func impactPhrase(rs []inventory.Resource) string {
	var parts []string
	other := false
	for _, r := range rs {
		if s, ok := resourceImpacts[r]; ok {
			parts = append(parts, s)
		} else {
			other = true
		}
	}
	if other {
		parts = append(parts, "act on further organisation resources")
	}
	return joinAnd(parts)
}
