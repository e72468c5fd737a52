package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// RunnerBroadOrPersistent is AR-GH-018.
var RunnerBroadOrPersistent = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-018",
		Name:     "runner-group-broad-or-persistent",
		Title:    "Runner group too broad or runners persistent",
		Severity: inventory.SeverityMedium,
		Score:    6.0,
		Escalation: "medium 6.0: a persistent (not ephemeral) runner, or one in a group every repository of the organisation may " +
			"use. High 7.0 when a coding agent reaches the runner (catalog 1.7). Runners in groups that allow public repositories " +
			"are AR-GH-017's and not reported here. Whether a group is restricted to selected workflows is not read yet.",
		Description: "A self-hosted runner is persistent, or sits in a runner group that every repository of the organisation may " +
			"use. A persistent runner keeps what each job leaves on the machine for the next one; a group open to every repository " +
			"lets the least trusted workflow in the organisation run next to — and after — the most privileged one, on the same " +
			"machine and network.",
		Frameworks:  []Mapping{NHI(9), NHI(8), ASI(5), ASI(8), Maestro("L4/T11"), CISRef("2.2.1"), CISRef("2.2.3")},
		Source:      "GitHub organisation scan: self-hosted runners and runner groups (`GET /orgs/{org}/actions/runners`, `/runner-groups`: `ephemeral`, `visibility`)",
		Remediation: "Restrict the runner group to the repositories (and workflows) that need it, and use ephemeral just-in-time runners that take one job each.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointRunners, endpointRunnerGroups)
		inv := c.Inventory
		ix := newAgentIndex(inv)
		for _, cred := range githubCredentials(inv, apiRunner) {
			if cred.API.PublicRepositories {
				continue // AR-GH-017
			}
			var facts []string
			if !cred.API.Ephemeral {
				facts = append(facts, "it is persistent (not ephemeral), so what one job leaves on the machine waits for the next")
			}
			if cred.API.GroupVisibility == "all" {
				facts = append(facts, fmt.Sprintf("its runner group %q is open to every repository of %s, so any of their workflows "+
					"can run on it", cmpStr(cred.API.RunnerGroup, "(unknown)"), orgLogin(inv, apiLocation(cred).Source)))
			}
			if len(facts) == 0 {
				continue
			}
			score, agents, agent := agentReachable(ix, 6.0, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The %s is shared more than it needs to be: %s.%s Use ephemeral just-in-time runners and "+
					"restrict the group to the repositories that need it.", apiCredLabel(inv, cred), joinAnd(facts), agents),
			})
		}
	},
}
