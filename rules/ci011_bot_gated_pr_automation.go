package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// botGateEvents run with the base repository's token and secrets for
// pull requests from forks.
var botGateEvents = []string{"pull_request_target", "workflow_run"}

// actorContexts name who caused the event, as opposed to who wrote the pull
// request: a fork's own Dependabot updating its branch makes the actor of
// the base repository's pull_request_target event dependabot[bot].
var actorContexts = []string{"github.actor", "github.triggering_actor", "github.event.sender.login",
	"github.event.workflow_run.actor.login", "github.event.workflow_run.triggering_actor.login"}

// BotGatedPRAutomation is AR-CI-011.
var BotGatedPRAutomation = &Rule{
	Metadata: Metadata{
		ID:       "AR-CI-011",
		Name:     "bot-gated-pr-automation",
		Title:    "Privileged pull request automation gated only by a bot-name check",
		Severity: inventory.SeverityHigh,
		Score:    8.8,
		Escalation: "high 8.8 when the check is on the event's actor (`github.actor`, `github.triggering_actor`, `sender`, the " +
			"workflow_run's actor); medium 5.0 when it is on the pull request's author (`github.event.pull_request.user.login`), " +
			"which a fork cannot take on but which says nothing about who pushed the head since. Quiet when another gate (same " +
			"repository, author_association, label, permission check) keeps outsiders out, and when the job holds no write " +
			"permission and no secret.",
		Description: "A `pull_request_target` or `workflow_run` job approves, merges, enables auto-merge or pushes with write " +
			"permissions or secrets, and the only thing between a fork's pull request and that step is `if: github.actor == " +
			"'dependabot[bot]'` (or another bot's name). The actor is whoever caused the event, not who wrote the change: Dependabot " +
			"running in an attacker's fork updates the fork's branch, and the base repository's workflow sees dependabot[bot] as the " +
			"actor of the attacker's pull request, then approves or merges it with the repository's token.",
		Frameworks: []Mapping{NHI(4), NHI(5), ASI(3), Maestro("L4/T3"), CSF("PR.AA-03")},
		Source:     "GitHub Actions workflows",
		Remediation: "Run Dependabot automation on `pull_request` (Dependabot's own runs get the permissions the workflow declares; a " +
			"fork's do not), check the pull request's author *and* that its head is in this repository " +
			"(`github.event.pull_request.user.login == 'dependabot[bot]' && github.event.pull_request.head.repo.full_name == " +
			"github.repository`), and use `dependabot/fetch-metadata` to limit what is merged automatically.",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		ciJobs(c.Inventory, inventory.PlatformGitHub, func(j jobRef) {
			var open []inventory.Starter
			for _, s := range j.job.Starters {
				if s.Privileged && untrusted(s.Audience) && slices.Contains(botGateEvents, s.Event) {
					open = append(open, s)
				}
			}
			if len(open) == 0 || len(j.job.BotConditions) == 0 {
				return
			}
			secrets := jobSecrets(j.job, false)
			appToken := slices.ContainsFunc(j.job.Steps, func(s inventory.Step) bool { return s.AppToken != nil })
			if !jobWrites(j.job).HasWrite() && len(secrets) == 0 && !appToken {
				return
			}
			for _, s := range j.job.Steps {
				if len(s.Automation) == 0 {
					continue
				}
				var conds []inventory.BotCondition
				for _, bc := range j.job.BotConditions {
					if bc.Step == -1 || bc.Step == s.Index {
						conds = append(conds, bc)
					}
				}
				if len(conds) == 0 {
					continue
				}
				score, why := 5.0, "it checks who opened the pull request, not who pushed its head since"
				var checks []string
				for _, bc := range conds {
					checks = append(checks, fmt.Sprintf("`%s == '%s'`", bc.Context, bc.Login))
					if slices.Contains(actorContexts, bc.Context) {
						score, why = 8.8, "the actor is whoever caused the event (Dependabot updating a fork's branch makes it dependabot[bot] on that fork's pull request)"
					}
				}
				slices.Sort(checks)
				checks = slices.Compact(checks)
				c.Report(Result{
					Subject:  j.stepSubject(s) + ":bot-gated:" + strings.Join(s.Automation, ","),
					Location: s.Location,
					Score:    score,
					Agent:    j.job.Agent,
					Message: fmt.Sprintf("%s can %s with %s on %s, gated only by %s: a name check is not a gate — %s.",
						capitalize(j.name()), automationPhrase(s.Automation), reachPhrase(j.job, secrets), eventsOf(open),
						strings.Join(checks, " or "), why),
					Properties: map[string]string{"automation": strings.Join(s.Automation, ","), "events": eventsOf(open)},
				})
			}
		})
	},
}

func automationPhrase(as []string) string {
	var out []string
	for _, a := range as {
		switch a {
		case inventory.AutomationApprove:
			out = append(out, "approve pull requests")
		case inventory.AutomationMerge:
			out = append(out, "merge pull requests")
		case inventory.AutomationAutoMerge:
			out = append(out, "enable auto-merge")
		case inventory.AutomationPush:
			out = append(out, "push commits")
		}
	}
	return joinAnd(out)
}
