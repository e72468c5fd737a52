package workflows

import (
	"regexp"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/agentreach/agentreach/inventory"
)

// Pull request automation: steps that approve, merge, enable auto-merge or
// push with the job's credentials, and the bot-name if: checks that often
// are their only gate (AR-CI-011).

var (
	ghApproveRe   = regexp.MustCompile(`\bgh\s+pr\s+review\b[^\n;&|]*\s(--approve|-a)\b`)
	ghMergeRe     = regexp.MustCompile(`\bgh\s+pr\s+merge\b([^\n;&|]*)`)
	gitPushRe     = regexp.MustCompile(`\bgit\s+(-[cC]\s+\S+\s+)*push\b`)
	apiMergeRe    = regexp.MustCompile(`(?i)/pulls/[^/\s"']+/merge\b|\bmergePullRequest\b`)
	apiApproveRe  = regexp.MustCompile(`(?i)/pulls/[^/\s"']+/reviews\b[^\n]*APPROVE|event[=:]\s*['"]?APPROVE\b`)
	autoMergeRe   = regexp.MustCompile(`\benablePullRequestAutoMerge\b`)
	jsMergeRe     = regexp.MustCompile(`\bpulls\.merge\s*\(`)
	jsApproveRe   = regexp.MustCompile(`\bpulls\.createReview\s*\([^)]*APPROVE`)
	jsPushRe      = regexp.MustCompile(`\bgit\.(createRef|updateRef)\s*\(|\brepos\.createOrUpdateFileContents\s*\(`)
	jsApproveLine = regexp.MustCompile(`event:\s*['"]APPROVE['"]`)
)

// automationActions are actions that approve, merge or push.
var automationActions = map[string][]string{
	"hmarr/auto-approve-action":                 {inventory.AutomationApprove},
	"juliangruber/approve-pull-request-action":  {inventory.AutomationApprove},
	"pascalgn/automerge-action":                 {inventory.AutomationMerge},
	"fastify/github-action-merge-dependabot":    {inventory.AutomationApprove, inventory.AutomationMerge},
	"ahmadnassri/action-dependabot-auto-merge":  {inventory.AutomationApprove, inventory.AutomationAutoMerge},
	"peter-evans/enable-pull-request-automerge": {inventory.AutomationAutoMerge},
	"alexwilson/enable-github-automerge-action": {inventory.AutomationAutoMerge},
	"ridedott/merge-me-action":                  {inventory.AutomationMerge},
	"reitermarkus/automerge":                    {inventory.AutomationMerge},
	"stefanzweifel/git-auto-commit-action":      {inventory.AutomationPush},
	"endbug/add-and-commit":                     {inventory.AutomationPush},
	"ad-m/github-push-action":                   {inventory.AutomationPush},
	"peter-evans/create-pull-request":           {inventory.AutomationPush},
}

// scriptAutomation reads a run: script.
func scriptAutomation(script string) []string {
	var out []string
	add := func(a string) {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	if ghApproveRe.MatchString(script) || apiApproveRe.MatchString(script) {
		add(inventory.AutomationApprove)
	}
	for _, m := range ghMergeRe.FindAllStringSubmatch(script, -1) {
		if strings.Contains(m[1], "--auto") {
			add(inventory.AutomationAutoMerge)
		} else {
			add(inventory.AutomationMerge)
		}
	}
	if apiMergeRe.MatchString(script) {
		add(inventory.AutomationMerge)
	}
	if autoMergeRe.MatchString(script) {
		add(inventory.AutomationAutoMerge)
	}
	if gitPushRe.MatchString(script) {
		add(inventory.AutomationPush)
	}
	slices.Sort(out)
	return out
}

// actionAutomation reads a uses: step.
func actionAutomation(uses string, inputs map[string]string) []string {
	name := actionName(uses)
	if name == "actions/github-script" {
		s := inputs["script"]
		var out []string
		if jsApproveRe.MatchString(s) || strings.Contains(s, "createReview") && jsApproveLine.MatchString(s) {
			out = append(out, inventory.AutomationApprove)
		}
		if jsMergeRe.MatchString(s) || apiMergeRe.MatchString(s) {
			out = append(out, inventory.AutomationMerge)
		}
		if autoMergeRe.MatchString(s) {
			out = append(out, inventory.AutomationAutoMerge)
		}
		if jsPushRe.MatchString(s) {
			out = append(out, inventory.AutomationPush)
		}
		slices.Sort(out)
		return out
	}
	return slices.Clone(automationActions[name])
}

// botConditions lists the bot-name checks that admit a job or its steps:
// `context == 'name[bot]'` and `contains(list, context)` outside a
// negation, the checks the gate evaluation records as spoofable
// (gateEval.bots) rather than as gates.
func botConditions(job *inventory.Job, gj *ghJob) []inventory.BotCondition {
	var out []inventory.BotCondition
	read := func(n actionlint.ExprNode, step int, loc inventory.Location) {
		if n == nil {
			return
		}
		ge := gateEval{event: "pull_request_target"}
		ge.eval(n)
		if len(ge.bots) == 0 {
			return
		}
		for _, c := range admittingBotChecks(n, false) {
			c.Step, c.Location = step, loc
			out = append(out, c)
		}
	}
	read(gj.ifNode, -1, job.Location)
	for i, n := range gj.stepIfs {
		if i < len(job.Steps) {
			read(n, job.Steps[i].Index, job.Steps[i].Location)
		}
	}
	return out
}

func admittingBotChecks(n actionlint.ExprNode, negated bool) []inventory.BotCondition {
	var out []inventory.BotCondition
	switch n := n.(type) {
	case *actionlint.NotOpNode:
		return admittingBotChecks(n.Operand, !negated)
	case *actionlint.LogicalOpNode:
		return append(admittingBotChecks(n.Left, negated), admittingBotChecks(n.Right, negated)...)
	case *actionlint.CompareOpNode:
		eq, neq := n.Kind == actionlint.CompareOpNodeKindEq, n.Kind == actionlint.CompareOpNodeKindNotEq
		if !(eq && !negated || neq && negated) {
			return nil
		}
		for _, pair := range [][2]actionlint.ExprNode{{n.Left, n.Right}, {n.Right, n.Left}} {
			p := ctxPath(pair[0])
			if lit, ok := exprLiteral(pair[1]); ok && isActorPath(p) && spoofableName(lit) {
				out = append(out, inventory.BotCondition{Context: p, Login: lit})
			}
		}
	case *actionlint.FuncCallNode:
		if negated || strings.ToLower(n.Callee) != "contains" || len(n.Args) != 2 {
			return nil
		}
		p := ctxPath(n.Args[1])
		if !isActorPath(p) {
			return nil
		}
		vals, _ := literalList(n.Args[0])
		for _, v := range vals {
			if spoofableName(v) {
				out = append(out, inventory.BotCondition{Context: p, Login: v})
			}
		}
	}
	return out
}
