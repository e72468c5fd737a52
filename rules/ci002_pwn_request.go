package rules

import (
	"fmt"
	"slices"

	"github.com/agentreach/agentreach/inventory"
)

// pwnEvents are the triggers that run with the base repository's token and
// secrets while a checkout can fetch a pull request's head.
var pwnEvents = []string{"pull_request_target", "workflow_run", "issue_comment", "pull_request_review_comment"}

// PwnRequest is AR-CI-002.
var PwnRequest = &Rule{
	Metadata: Metadata{
		ID:       "AR-CI-002",
		Name:     "pwn-request",
		Title:    "Pwn request: privileged trigger checks out PR head",
		Severity: inventory.SeverityCritical,
		Score:    9.3,
		Escalation: "critical 9.3 when people without write access can start the job; medium 5.5 when a label, author or permission gate " +
			"admits the run (the head can still change between approval and checkout). Quiet for base-ref checkouts, for same-repository " +
			"gates and for actions/checkout v7+, which refuses fork heads on `pull_request_target` and `workflow_run` unless " +
			"`allow-unsafe-pr-checkout: true`.",
		Description: "A job triggered by `pull_request_target`, `workflow_run` or a comment runs with the base repository's token and " +
			"secrets, checks out the pull request's head (`ref: ${{ github.event.pull_request.head.sha }}`, `refs/pull/N/head`, " +
			"`gh pr checkout`, or an env variable or step output set from one) and then runs build steps or an agent over it. The pull request's author controls that code — and any " +
			"agent instructions (CLAUDE.md, AGENTS.md) in it.",
		Frameworks: []Mapping{NHI(5), NHI(2), ASI(5), ASI(2), Maestro("L4/T11"), CSF("PR.PS-01")},
		Source:     "GitHub Actions workflows",
		Remediation: "Build untrusted code on `pull_request` (read-only token, no secrets), or split the workflow: an unprivileged job " +
			"builds the head and uploads an artifact, and a privileged `workflow_run` job consumes only the artifact as data. Never run " +
			"an agent with write permissions over a checked-out fork head.",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		ciJobs(c.Inventory, inventory.PlatformGitHub, func(j jobRef) {
			for i, s := range j.job.Steps {
				co := s.Checkout
				if co == nil || !co.UntrustedRef {
					continue
				}
				runs := slices.ContainsFunc(j.job.Steps[i+1:], executes)
				if !runs && !co.ByScript {
					continue
				}
				var open, gated []inventory.Starter
				for _, st := range j.job.Starters {
					if !slices.Contains(pwnEvents, st.Event) || !st.Privileged {
						continue
					}
					if co.BlocksForkPR && !co.AllowUnsafe && !co.ByScript && (st.Event == "pull_request_target" || st.Event == "workflow_run") {
						continue
					}
					switch {
					case untrusted(st.Audience):
						open = append(open, st)
					case slices.Contains(st.Gates, inventory.GateSameRepository):
					case st.Audience == inventory.AudienceWrite:
						gated = append(gated, st)
					}
				}
				score, who := 9.3, open
				what := "people without write access can start it"
				if len(open) == 0 {
					if len(gated) == 0 {
						continue
					}
					score, who = 5.5, gated
					what = "a trusted person's label, comment or approval admits the run, but the head can change after that"
				}
				secrets := jobSecrets(j.job, false)
				ref := cmpStr(co.Ref, co.Repository)
				if co.Via != "" {
					ref += ", where " + co.Via
				}
				c.Report(Result{
					Subject:  j.stepSubject(s) + ":untrusted-checkout",
					Location: s.Location,
					Score:    score,
					Agent:    j.job.Agent,
					Message: fmt.Sprintf("%s checks out the pull request head (%s) on %s and then runs it with %s; %s.",
						capitalize(j.name()), ref, eventsOf(who), reachPhrase(j.job, secrets), what),
					Properties: map[string]string{"events": eventsOf(who)},
				})
			}
		})
	},
}

// executes reports a step that runs code from the workspace: a script that
// does more than print, read and talk to git or the API, a local action, a
// build tool action, or an agent — which loads the checkout's own agent
// configuration (hooks, MCP servers) besides running commands — unless it is
// Codex in its read-only sandbox.
func executes(s inventory.Step) bool {
	if s.Agent != nil {
		// A remote agent works in its vendor's cloud, not in this checkout.
		return s.Agent.Remote == "" && !(s.Agent.Product == "codex" && s.Agent.Sandbox == "read-only")
	}
	if s.Run {
		return s.RunsWorkspace
	}
	if s.Uses == "" {
		return false
	}
	if s.Uses[0] == '.' {
		return true
	}
	name := s.Uses
	for _, safe := range []string{"actions/upload-artifact", "actions/download-artifact", "actions/cache", "actions/checkout",
		"actions/create-github-app-token", "actions/labeler", "actions/first-interaction", "actions/stale"} {
		if len(name) >= len(safe) && name[:len(safe)] == safe {
			return false
		}
	}
	return true
}

func cmpStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
