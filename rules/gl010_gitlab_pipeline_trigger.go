package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// GitLabPipelineTrigger is AR-GL-010.
var GitLabPipelineTrigger = &Rule{
	Metadata: Metadata{
		ID:       "AR-GL-010",
		Name:     "gitlab-pipeline-trigger-stale-or-orphaned",
		Title:    "Pipeline trigger token stale or orphaned",
		Severity: inventory.SeverityMedium,
		Score:    5.0,
		Escalation: "medium 5.0: a trigger never used (created more than 30 days ago, or with no creation date) or last used more " +
			"than STALE (90 days by default) ago, or whose owner GitLab lists as blocked or deactivated, or that has no owner. " +
			"High 7.0 when a coding agent reaches the token (catalog 1.7). Whether the owner still has the Maintainer role is not " +
			"checked yet.",
		Description: "A pipeline trigger token has not been used for months, or the user who owns it is blocked or gone. The token " +
			"still starts the project's pipelines — with whatever variables its holder passes — as its owner; nobody depends on it " +
			"or answers for it, and a leaked one would not be missed.",
		Frameworks:  []Mapping{NHI(1), NHI(7), AIRMF("GOVERN 1.7")},
		Source:      "GitLab group scan: pipeline trigger tokens (`GET /projects/:id/triggers`: `owner`, `last_used`, `created_at`)",
		Remediation: "Delete the trigger (`DELETE /projects/:id/triggers/:trigger_id`, or Settings → CI/CD → Pipeline trigger tokens). If it is still needed, create a new one under a service account.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, glEndpointTriggers)
		inv, now, th := c.Inventory, c.Now, c.Thresholds
		ix := newAgentIndex(inv)
		for _, cred := range gitlabCredentials(inv, func(c *inventory.Credential) bool { return c.Kind == kindGLTrigger }) {
			var facts []string
			as := ", as its owner"
			switch {
			case cred.LastUsedAt == nil && cred.CreatedAt == nil:
				facts = append(facts, "GitLab records neither its creation nor any use of it")
			default:
				if f := staleFact(cred, now, th, "created"); f != "" {
					facts = append(facts, f)
				}
			}
			if p := ownerOf(inv, cred); p != nil && (p.State == inventory.StateSuspended || p.State == inventory.StateOffboarded) {
				facts = append(facts, fmt.Sprintf("its owner %s is blocked, deactivated or gone, so nobody active answers for it",
					glUser(inv, cred.Owner)))
				as = ""
			} else if cred.Owner == "" {
				facts = append(facts, "GitLab lists no owner for it, so nobody answers for it")
				as = ""
			}
			if len(facts) == 0 {
				continue
			}
			score, agents, agent := agentReachable(ix, 5.0, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The %s is stale or orphaned: %s. Whoever holds the token can still start %s's pipelines, with "+
					"the variables they choose%s.%s Delete it: %s; if it is still needed, create a new one under a service "+
					"account.", glCredLabel(inv, cred), strings.Join(facts, "; "), scopeTarget(cred), as, agents, revocation(cred)),
			})
		}
	},
}
