package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// UnpinnedAgentSupply is AR-CI-010.
var UnpinnedAgentSupply = &Rule{
	Metadata: Metadata{
		ID:       "AR-CI-010",
		Name:     "unpinned-agent-supply",
		Title:    "Coding agent pulled unpinned into a job with write access or secrets",
		Severity: inventory.SeverityHigh,
		Score:    7.5,
		Escalation: "high 7.5. Only when the job holds write permissions or secrets — the agent's own model key counts, since the code that " +
			"runs is what receives it. A release tag (`@v1`, `@v1.2.3`) and a full commit id count as pinned; a branch (`@main`, `@beta`), " +
			"no ref, an npm dist-tag (`@latest`) or no version do not.",
		Description: "The agent itself is fetched at run time from something that moves: an agent action or reusable workflow at a " +
			"branch (`anthropics/claude-code-action@main`, `openai/codex/.github/actions/codex@main`, an OpenHands resolver workflow " +
			"`@main`), an agent CLI run with `npx` or `pnpm dlx` or installed with `npm install -g` without a version or by piping its vendor's install script into a shell without a " +
			"version (`curl -fsSL https://opencode.ai/install | bash`) (a job that installs " +
			"an agent and runs it through a release tool or script counts: the install step stands for the agent), or an extension or plugin source installed from " +
			"its default branch (run-gemini-cli `extensions`, claude-code-action `plugin_marketplaces`). Whoever can push to that " +
			"branch or publish that package — a compromised maintainer account, a hijacked release — decides what code runs, " +
			"with the job's token, its secrets and the agent's model key, on the next run.",
		Frameworks: []Mapping{NHI(3), NHI(5), ASI(4), Maestro("L7/T13"), Maestro("BV-2"), CSF("PR.PS-05"), CISRef("3.1.7")},
		Source:     "GitHub Actions workflows and GitLab CI files (agent actions, reusable workflows, CLI invocations, extension inputs)",
		Remediation: "1. Pin agent actions and reusable workflows to a full commit id (`uses: anthropics/claude-code-action@<40-hex> # v1.0.200`) " +
			"and let Dependabot or Renovate propose updates.\n" +
			"2. Run agent CLIs at an exact version (`npx -y @anthropic-ai/claude-code@2.1.3`), or install them in a pinned step.\n" +
			"3. Pin extensions and plugin sources to a commit, or vendor them into the repository.\n" +
			"4. Keep write permissions and secrets out of jobs whose agent code you do not pin.",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		ciJobs(c.Inventory, "", func(j jobRef) {
			write := writeScopes(jobWrites(j.job))
			if j.wf.Platform == inventory.PlatformGitLab {
				write = ""
			}
			for _, s := range agentSteps(j.job) {
				ag := s.Agent
				if len(ag.Supply) == 0 {
					continue
				}
				secrets, _ := agentSecrets(j, s, false)
				if write == "" && len(secrets) == 0 {
					continue
				}
				var what []string
				for _, sp := range ag.Supply {
					if ownAction(j.wf.Source, sp.What) {
						continue // the repository's own action: whoever can move its branch can edit this workflow too
					}
					what = append(what, sp.What+": "+sp.Unpinned)
				}
				if len(what) == 0 {
					continue
				}
				c.Report(Result{
					Subject:  j.stepSubject(s) + ":supply",
					Location: s.Location,
					Agent:    j.job.Agent,
					Message: fmt.Sprintf("The %s agent in %s is pulled unpinned (%s), and the code that runs holds %s: whoever can change "+
						"that source decides what runs with them on the next run.",
						ag.Product, j.name(), strings.Join(what, "; "), supplyReach(j.job, write, secrets)),
					Properties: map[string]string{"product": ag.Product},
				})
			}
		})
	},
}

// supplyReach says what the agent's code receives: the token's write
// scopes and the secrets, its own model key included.
func supplyReach(j *inventory.Job, write string, secrets []string) string {
	var parts []string
	if write != "" {
		parts = append(parts, "a GITHUB_TOKEN with "+write)
	}
	if len(secrets) > 0 {
		parts = append(parts, "the secrets "+secretsPhrase(secrets))
	}
	if len(parts) == 0 {
		return reachPhrase(j, secrets)
	}
	return joinAnd(parts)
}

// ownAction reports a supply item that is an action or reusable workflow of
// the scanned repository itself (the source's remote is github.com/owner/name
// and the reference is owner/name[/path]@ref).
func ownAction(source, what string) bool {
	remote, ok := strings.CutPrefix(source, "repo:")
	if !ok {
		return false
	}
	remote, _, _ = strings.Cut(remote, ":") // a sub-directory scope
	ref, ok := strings.CutPrefix(what, "action ")
	if !ok {
		ref, ok = strings.CutPrefix(what, "reusable workflow ")
	}
	if !ok {
		return false
	}
	ref, _, _ = strings.Cut(ref, "@")
	parts := strings.SplitN(ref, "/", 3)
	return len(parts) >= 2 && strings.EqualFold(remote, "github.com/"+parts[0]+"/"+parts[1])
}
