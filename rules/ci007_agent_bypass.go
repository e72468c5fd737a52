package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// AgentBypass is AR-CI-007.
var AgentBypass = &Rule{
	Metadata: Metadata{
		ID:       "AR-CI-007",
		Name:     "agent-unrestricted-in-ci",
		Title:    "Agent runs with unrestricted tools or permission bypass in CI",
		Severity: inventory.SeverityHigh,
		Score:    8.0,
		Escalation: "high 8.0; 8.8 without egress control (no Codex network sandbox, no harden-runner `egress-policy: block`). " +
			"Only when the job holds write permissions or secrets other than the agent's own model key. Codex `--full-auto` keeps its " +
			"sandbox and is not reported; run-gemini-cli always passes `--yolo`, so it is reported only without a `tools.core` allow-list.",
		Description: "A coding agent in CI runs with its permission prompts bypassed (`--dangerously-skip-permissions`, " +
			"`--permission-mode bypassPermissions`, Codex `danger-full-access` or `--dangerously-bypass-approvals-and-sandbox`, Gemini " +
			"`--yolo`, Copilot `--allow-all-tools`, aider `--yes-always`) or with a tool that runs any command — a bare `Bash`, or a " +
			"command that runs anything (`Bash(node:*)`, `Bash(npx:*)`, `Bash(eval:*)`, `Bash(make:*)`, `Bash(curl:*)`, `Bash(gh api:*)`) — " +
			"in a job that holds write permissions or secrets — on GitLab, any CI/CD variable the job receives, since GitLab exports " +
			"them all to the job's environment (a group scan lists the stored ones; a local scan only those the CI file names). Any instruction it reads — from an issue, a diff, a file — can become any " +
			"command with those rights. Expressions the scan cannot evaluate are listed as not evaluable, never as safe.",
		Frameworks: []Mapping{NHI(5), ASI(2), ASI(5), Maestro("L3/T2"), Maestro("T11"), AIRMF("MAP 3.5"), CSF("PR.PS-01")},
		Source:     "GitHub Actions workflows and GitLab CI files (agent action inputs and CLI flags)",
		Remediation: "- Allow-list the commands the task needs (`--allowedTools \"Bash(npm test:*)\"`, a Gemini `tools.core` list).\n" +
			"- Keep the sandbox on (Codex `workspace-write`/`read-only`) and restrict egress (`step-security/harden-runner` with `egress-policy: block`).\n" +
			"- Move writes to a separate, gated job.",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		ciJobs(c.Inventory, "", func(j jobRef) {
			write := writeScopes(jobWrites(j.job))
			if j.wf.Platform == inventory.PlatformGitLab {
				write = "" // CI_JOB_TOKEN's reach is a project setting
			}
			for _, s := range agentSteps(j.job) {
				ag := s.Agent
				secrets, _ := agentSecrets(j, s, true)
				secrets = mergeNames(secrets, jobVariableNames(c.Inventory, j.job.Agent))
				if write == "" && len(secrets) == 0 {
					continue
				}
				var why []string
				for _, b := range ag.Bypass {
					if b == "--full-auto" || strings.HasPrefix(b, "--yolo (always") || b == "network access enabled" {
						continue
					}
					why = append(why, b)
				}
				if strings.Contains(ag.Product, "gemini") && slices.ContainsFunc(ag.Bypass, func(b string) bool { return strings.HasPrefix(b, "--yolo (always") }) && len(ag.Unrestricted) > 0 {
					why = append(why, "--yolo with "+ag.Unrestricted[0])
				} else {
					for _, u := range ag.Unrestricted {
						switch {
						case strings.HasPrefix(u, "all tools"):
						case strings.HasPrefix(u, "any command"):
							why = append(why, u)
						default:
							why = append(why, "allowed tool "+u)
						}
					}
				}
				if len(why) == 0 {
					// What the scan could not read may hide a bypass: it is
					// listed as not evaluable, never passed.
					if len(ag.Unparsed) > 0 {
						c.NotEvaluable(fmt.Sprintf("%s:%d: the %s agent in %s: %s", s.Location.Path, s.Location.Line,
							ag.Product, j.name(), strings.Join(ag.Unparsed, "; ")))
					}
					continue
				}
				score := 8.0
				egress := "and no egress control"
				if ag.Egress {
					egress = "with egress restricted"
				} else {
					score = 8.8
				}
				loc, via := s.Location, ""
				if ag.InputsFrom != nil && s.FromAction != "" {
					// Configured by the inputs the workflow passes to a local
					// composite action: reported where they are written.
					loc, via = *ag.InputsFrom, " (through the local action "+s.FromAction+")"
				}
				c.Report(Result{
					Subject:  j.stepSubject(s) + ":bypass",
					Location: loc,
					Score:    score,
					Agent:    j.job.Agent,
					Message: fmt.Sprintf("The %s agent in %s%s runs unrestricted (%s) %s, holding %s; %s can start it.",
						ag.Product, j.name(), via, strings.Join(why, ", "), egress, reachPhrase(j.job, secrets), startersPhrase(firstNonEmpty(ag.Starters, j.job.Starters))),
				})
			}
		})
	},
}

func firstNonEmpty(a, b []inventory.Starter) []inventory.Starter {
	if len(a) > 0 {
		return a
	}
	return b
}
