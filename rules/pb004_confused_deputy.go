package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// ConfusedDeputy is AR-PB-004.
var ConfusedDeputy = &Rule{
	Metadata: Metadata{
		ID:       "AR-PB-004",
		Name:     "confused-deputy-agent",
		Title:    "Confused deputy: lower-privileged users can drive a write-privileged agent",
		Severity: inventory.SeverityCritical,
		Score:    9.1,
		Escalation: "critical 9.1; high 7.5 when the job runs in a deployment environment whose required reviewers a local scan cannot see; " +
			"medium 6.0 when the agent can only write issues, pull requests or discussions and holds no secrets (it can be steered to edit, " +
			"label or close them, not to change code). " +
			"The agent's own model API key and a read-only GITHUB_TOKEN do not count as privilege. A remote agent the job starts " +
			"(google-labs-code/jules-invoke, or a request to the Jules, Devin or Cursor background-agent API from a script) works through its " +
			"vendor's GitHub App, which pushes branches and opens pull requests: critical 9.1 whatever the job's own token holds.",
		Description: "A CI job runs a coding agent on an event that people without write access can cause (an issue or comment, a fork " +
			"pull request on `pull_request_target`, a `workflow_run` chain, …), no `if:` gate or permission check limits it to trusted " +
			"authors, the agent action's own write-access check is absent or opened (`allowed_non_write_users`, `allow-users`), and the " +
			"job holds write permissions, an OIDC token or secrets. Whoever writes the comment steers an agent that acts with more rights " +
			"than they have.",
		Frameworks: []Mapping{NHI(5), ASI(1), ASI(2), ASI(3), Maestro("L3/T2"), Maestro("L7/T14"), CSF("PR.AA-05"), AIRMF("MAP 3.5")},
		Source:     "GitHub Actions workflows and local composite actions (who can start a job, its gates, the agent action's built-in gate, effective permissions and secrets)",
		Remediation: "- Gate the job on trusted authors: `if: contains(fromJSON('[\"OWNER\",\"MEMBER\",\"COLLABORATOR\"]'), github.event.comment.author_association)`, " +
			"or keep the action's built-in write-access check (do not set `allowed_non_write_users` / `allow-users` on a privileged job).\n" +
			"- Run agent steps that read untrusted input with `permissions: {}` (or read-only) and no secrets but the model key, and hand " +
			"their output to a separate, privileged job that a maintainer approves (an environment with required reviewers).",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		ciJobs(c.Inventory, inventory.PlatformGitHub, func(j jobRef) {
			if everyoneWrites(c.Inventory, j.wf.Source) {
				// An organisation scan read who can start it: everyone who
				// can comment on (or fork) this private repository holds
				// write already — no caller has less than the agent.
				return
			}
			reach, appAll := agentReach(j.job)
			for _, s := range agentSteps(j.job) {
				secrets, persist := agentSecrets(j, s, true)
				open := openStarters(s.Agent.Starters)
				if len(open) == 0 {
					continue
				}
				// The one test of "more than its caller": the agent's reach
				// against what the widest audience that can start it holds.
				cap, _ := inventory.AudienceCap(widestAudience(open))
				excess := reach.Exceeds(cap)
				if len(excess) == 0 && len(secrets) == 0 && !appAll {
					continue
				}
				score := 9.1
				if len(secrets) == 0 && !appAll && triageOnly(excess) {
					score = 6.0
				}
				env := ""
				if persist != "" {
					env = " Some of those secrets it reaches " + persist + "."
				}
				if j.job.Environment != nil {
					score = 7.5
					env += fmt.Sprintf(" It runs in the environment %q: if that environment requires reviewers, a maintainer approves each run (a local scan cannot see this).", j.job.Environment.Name)
				}
				gate := "no if: gate limits it to trusted authors"
				switch {
				case s.Agent.GateWidened != "" && s.Agent.GateOpen:
					gate = "its built-in write-access check is opened by `" + s.Agent.GateWidened + "`"
				case s.Agent.Gate == "":
					gate = "the agent has no write-access check of its own and " + gate
				default:
					gate = "the action's write-access check does not cover these events and " + gate
				}
				c.Report(Result{
					Subject:  j.stepSubject(s) + ":agent",
					Location: s.Location,
					Score:    score,
					Agent:    j.job.Agent,
					Message: fmt.Sprintf("%s can drive the %s agent in %s, which holds %s: %s, so the agent acts with rights its caller lacks.%s",
						capitalize(startersPhrase(open)), s.Agent.Product, j.name(), reachPhrase(j.job, secrets), gate, env),
					Properties: map[string]string{"events": eventsOf(open), "product": s.Agent.Product, "excess": excessList(excess)},
				})
			}
			for _, s := range remoteAgentSteps(j.job) {
				// A remote agent acts through its vendor's App: it pushes
				// branches and opens pull requests whoever wrote its prompt.
				open := openStarters(s.Agent.Starters)
				if len(open) == 0 {
					continue
				}
				cap, _ := inventory.AudienceCap(widestAudience(open))
				excess := remoteReach.Exceeds(cap)
				if len(excess) == 0 {
					continue
				}
				c.Report(Result{
					Subject:  j.stepSubject(s) + ":agent",
					Location: s.Location,
					Score:    9.1,
					Agent:    j.job.Agent,
					Message: fmt.Sprintf("%s can drive the %s agent that %s starts (%s): it runs %s, which pushes branches and opens pull "+
						"requests, and nothing in the job keeps the people who start it to trusted authors, so the agent acts with rights its caller lacks.",
						capitalize(startersPhrase(open)), s.Agent.Product, j.name(), s.Agent.Via, s.Agent.Remote),
					Properties: map[string]string{"events": eventsOf(open), "product": s.Agent.Product, "excess": excessList(excess), "remote": "true"},
				})
			}
		})
	},
}

// agentReach is what an agent step of the job can act with on the
// repository: the job token's permissions (without id_token when its only
// use is the agent's own model login), every App token minted in the job,
// and id_token for a vendor App the agent logs in to with OIDC. appAll is
// true when an App token carries every permission of its installation (no
// permission input narrows it).
func agentReach(j *inventory.Job) (reach inventory.Permissions, appAll bool) {
	reach = jobWrites(j).Clone()
	for _, s := range j.Steps {
		if s.Agent != nil && s.Agent.UsesOIDCApp && j.EffectivePermissions.Get(inventory.ResIDToken) >= inventory.Write {
			reach = reach.Raise(inventory.ResIDToken, inventory.Write)
		}
		if s.AppToken != nil {
			if s.AppToken.Granted == nil {
				appAll = true
			}
			reach = reach.Join(s.AppToken.Granted)
		}
	}
	return reach, appAll
}

// triageOnly reports an excess limited to writing issues, pull requests and
// discussions: the agent can be steered to edit, label or close them, not to
// change code or mint tokens.
func triageOnly(excess []inventory.Excess) bool {
	for _, e := range excess {
		switch e.Resource {
		case inventory.ResIssues, inventory.ResPullRequests, inventory.ResDiscussions:
		default:
			return false
		}
	}
	return true
}

// widestAudience is the widest audience of the starters.
func widestAudience(ss []inventory.Starter) inventory.Audience {
	wide := ss[0].Audience
	for _, s := range ss[1:] {
		if inventory.AudienceRank(s.Audience) < inventory.AudienceRank(wide) {
			wide = s.Audience
		}
	}
	return wide
}

func eventsOf(ss []inventory.Starter) string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Event)
	}
	return strings.Join(out, ",")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// excessList renders an excess as "contents:write,id_token:write".
func excessList(excess []inventory.Excess) string {
	parts := make([]string, len(excess))
	for i, e := range excess {
		parts[i] = string(e.Resource) + ":" + e.Have.String()
	}
	return strings.Join(parts, ",")
}

// everyoneWrites reports, for a repository an organisation scan read,
// that everyone who can reach it holds write: it is private or internal, the
// organisation's base permission is write or admin, and the organisation
// has no outside collaborators (whose per-repository roles the scan does not
// read). Then commenters and fork authors are all members with write.
func everyoneWrites(inv *inventory.Inventory, source string) bool {
	src := inv.SourceByID(source)
	if src == nil || src.Kind != inventory.SourceGitHubRepo || src.Repo == nil || src.Repo.Org == "" || src.Repo.Public() || src.Repo.Visibility == "" {
		return false
	}
	base := ""
	for _, st := range inv.SettingsOf(src.Repo.Org) {
		if st.Name == inventory.SettingDefaultRepoPermission {
			base = st.Value
		}
	}
	if base != "write" && base != "admin" {
		return false
	}
	membersRead := false
	for _, p := range inv.Principals {
		s, _ := inventory.Unscoped(p.ID)
		if s != src.Repo.Org {
			continue
		}
		if p.Role == "outside-collaborator" {
			return false
		}
		if p.Role == "admin" || p.Role == "member" {
			membersRead = true
		}
	}
	return membersRead
}
