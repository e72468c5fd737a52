package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// SharedCIIdentity is AR-PB-002 (the part visible in CI files).
var SharedCIIdentity = &Rule{
	Metadata: Metadata{
		ID:       "AR-PB-002",
		Name:     "shared-ci-identity",
		Title:    "Shared CI/automation identity used by several workflows, agents or people",
		Severity: inventory.SeverityHigh,
		Score:    7.5,
		Escalation: "high 7.5. From files alone: a personal or bot token secret referenced from the workflows of two or more scanned " +
			"repositories, or from a coding-agent job and another workflow of one repository. Organisation data (secret visibility, " +
			"token owners) refines this in an org scan.",
		Description: "One standing token — a machine user's PAT, a bot token — is used by several workflows, repositories or agents. " +
			"Whatever one of them does is done as the same identity, so audit logs cannot tell them apart, one leak exposes all of " +
			"them, and revoking it breaks every one at once. An agent that shares the identity of release automation holds its rights too.",
		Frameworks:  []Mapping{NHI(9), NHI(10), ASI(3), Maestro("L6/T3"), Maestro("L5/T8"), CSF("PR.AA-02"), CSF("PR.AA-01"), AIRMF("GOVERN 2.1")},
		Source:      "GitHub Actions workflows and GitLab CI files of every scanned repository",
		Remediation: "Give each workflow or agent its own identity with its own owner: a GitHub App per purpose (minted per run with `actions/create-github-app-token`), a GitLab project access token per project.",
		Precision:   PrecisionMedium,
	},
	Check: func(c *Context) {
		inv := c.Inventory
		// Secrets are scoped by the repository that references them; the
		// same token name in several repositories is, from files alone, the
		// sign of one organisation secret (an org scan knows for sure).
		type group struct {
			creds   []*inventory.Credential
			sources []string
		}
		groups := map[string]*group{}
		var keys []string
		for i := range inv.Credentials {
			cred := &inv.Credentials[i]
			if (cred.Kind != inventory.KindActionsSecret && cred.Kind != inventory.KindCIVariable) || !isPATName(cred.Name) {
				continue
			}
			k := string(cred.Kind) + "\x00" + cred.Name
			// An organisation scan knows what a name stands for: references
			// backed by one organisation secret are one identity; a
			// repository's own secret is its own, whatever its name; the
			// organisation secret is reported through its references.
			switch {
			case cred.Type == typeOrgSecret || cred.Type == "github-dependabot-org-secret" || cred.Type == "github-org-actions-variable" ||
				cred.Type == "gitlab-group-variable":
				continue
			case len(cred.Backing) == 1 && (strings.Contains(cred.Backing[0], "|github-org-secret:") || strings.Contains(cred.Backing[0], "|gitlab-group-variable:")):
				k = "backing\x00" + cred.Backing[0]
			case cred.Type == typeRepoSecret || cred.Type == typeEnvSecret || cred.Type == "gitlab-project-variable":
				k = "own\x00" + cred.ID
			}
			g := groups[k]
			if g == nil {
				g = &group{}
				groups[k] = g
				keys = append(keys, k)
			}
			g.creds = append(g.creds, cred)
			for _, l := range cred.Locations {
				if !slices.Contains(g.sources, l.Source) {
					g.sources = append(g.sources, l.Source)
				}
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			g := groups[k]
			cred := g.creds[0]
			var why string
			if len(g.sources) >= 2 {
				var rs []string
				for _, cr := range g.creds {
					rs = append(rs, cmpStr(firstOr(cr.Locations, inventory.Location{}).Root, "."))
				}
				slices.Sort(rs)
				rs = slices.Compact(rs)
				why = fmt.Sprintf("the workflows of %d repositories reference a token secret of this name (%s)", len(g.sources), strings.Join(rs, ", "))
			} else {
				workflows := map[string]bool{}
				agentWF := ""
				for _, r := range inv.AgentsReaching(cred.ID) {
					a := inv.Agent(r.Agent)
					if a == nil || a.CI != nil && a.CI.NeverRuns {
						continue // a job no trigger reaches uses nothing
					}
					wf := ""
					if a.CI != nil {
						wf = a.CI.Workflow
					}
					workflows[wf] = true
					if a.Kind == inventory.AgentCICodingJob && agentWF == "" {
						agentWF = wf + " (" + a.Product + ")"
					}
				}
				if agentWF == "" || len(workflows) < 2 {
					continue
				}
				why = fmt.Sprintf("the coding agent of %s and %d other workflow(s) use it", agentWF, len(workflows)-1)
			}
			subject, loc, what := cred.ID, firstOr(cred.Locations, inventory.Location{}), "token secret "+cred.Name
			if b, ok := strings.CutPrefix(k, "backing\x00"); ok {
				if org := inv.Credential(b); org != nil {
					subject, loc, what = org.ID, firstOr(org.Locations, loc), apiCredLabel(inv, org)
				}
			}
			c.Report(Result{
				Subject:    "credential:" + subject,
				Location:   loc,
				Credential: subject,
				Message: fmt.Sprintf("The %s is one shared CI identity: %s, so each of them acts — and is logged — as the same account, and one leak exposes all of them.",
					what, why),
			})
		}
	},
}
