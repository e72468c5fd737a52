package rules

import (
	"fmt"
	"slices"

	"github.com/agentreach/agentreach/inventory"
)

// OrgSecretAllRepos is AR-GH-015.
var OrgSecretAllRepos = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-015",
		Name:     "org-secret-exposed-to-all-repositories",
		Title:    "Org secret exposed to all repositories",
		Severity: inventory.SeverityMedium,
		Score:    6.5,
		Escalation: "medium 6.5; high 7.5 when a coding agent reaches the secret (catalog 1.7) through a repository's reference " +
			"that the organisation secret backs. The message counts the agents (CI jobs included) and repositories that reference " +
			"it. Names are matched against the credential patterns of the other rules (personal and bot tokens, static cloud keys, " +
			"model API keys, and names that say token, secret, password, key or credential).",
		Description: "An organisation Actions secret whose name says it is a credential is visible to every repository of the " +
			"organisation (`visibility: all`), or every private and internal one (`private`). Any workflow in any of them — " +
			"including repositories created tomorrow, and jobs that run coding agents or untrusted code — can read it by naming " +
			"it, so the secret is only as safe as the least careful workflow in the organisation.",
		Frameworks:  []Mapping{NHI(9), NHI(8), ASI(3), Maestro("L6/T3"), CSF("PR.AA-05"), CISRef("2.1.7")},
		Source:      "GitHub organisation scan: organisation Actions secrets (`GET /orgs/{org}/actions/secrets`, `visibility`) and the workflows that reference them",
		Remediation: "Set the secret's repository access to selected repositories (`visibility: selected`) listing only those that need it, or move it to environment secrets protected by required reviewers.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointOrgSecrets)
		inv := c.Inventory
		ix := newAgentIndex(inv)
		for _, cred := range githubCredentials(inv, func(c *inventory.Credential) bool { return c.Type == typeOrgSecret && c.API != nil }) {
			vis := cred.API.Visibility
			if vis != "all" && vis != "private" || !credentialName(cred.Name) {
				continue
			}
			org := orgLogin(inv, apiLocation(cred).Source)
			audience := "every repository of " + org
			if vis == "private" {
				audience = "every private and internal repository of " + org
			}
			reached := ix.all(cred.ID)
			var repos []string
			for _, a := range reached {
				if r := cmpStr(sourceName(inv, a.Location.Source), a.Location.Source); !slices.Contains(repos, r) {
					repos = append(repos, r)
				}
			}
			slices.Sort(repos)
			use := "no workflow read references it yet, but any of them can"
			if len(reached) > 0 {
				use = fmt.Sprintf("%d %s (CI jobs included) in %d %s %s it through the repository's reference (%s)", len(reached),
					plural(len(reached), "agent", "agents"), len(repos), plural(len(repos), "repository", "repositories"),
					plural(len(reached), "reaches", "reach"), joinQuoted(repos, 3))
			}
			score, agents, agent := agentReachable(ix, 6.5, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The %s is visible to %s (`visibility: %s`): any workflow there, including in repositories "+
					"created later, can read it by name; %s.%s Set its repository access to the repositories that need it "+
					"(`visibility: selected`), or move it to a protected environment.",
					apiCredLabel(inv, cred), audience, vis, use, agents),
				Properties: map[string]string{"agents": fmt.Sprint(len(reached)), "repositories": fmt.Sprint(len(repos))},
			})
		}
	},
}
