package rules

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// jobRef is a job with its workflow, as the CI rules walk them.
type jobRef struct {
	wf  *inventory.Workflow
	job *inventory.Job
}

// ciJobs calls fn for every job of every workflow of the platform ("" for
// all) that some trigger reaches (not inventory.Job.NeverRuns).
func ciJobs(inv *inventory.Inventory, platform string, fn func(j jobRef)) {
	for wi := range inv.Workflows {
		wf := &inv.Workflows[wi]
		if platform != "" && wf.Platform != platform {
			continue
		}
		for ji := range wf.Jobs {
			if wf.Jobs[ji].NeverRuns {
				continue // no trigger reaches it: nothing it holds is reachable
			}
			fn(jobRef{wf: wf, job: &wf.Jobs[ji]})
		}
	}
}

// jobSubject is the stable identity of a job.
func (j jobRef) subject() string {
	return inventory.Scoped(j.wf.Source, "workflow:"+j.wf.Path+"#jobs."+j.job.ID)
}

// stepSubject names a step by its id, else its action or position among
// steps of the same kind — never by line.
func (j jobRef) stepSubject(s inventory.Step) string {
	switch {
	case s.ID != "":
		return j.subject() + ".steps." + s.ID
	case s.Uses != "":
		name, _, _ := strings.Cut(s.Uses, "@")
		n := 0
		for _, o := range j.job.Steps[:min(s.Index, len(j.job.Steps))] {
			if on, _, _ := strings.Cut(o.Uses, "@"); on == name {
				n++
			}
		}
		return j.subject() + ".steps." + name + "#" + strconv.Itoa(n)
	}
	return j.subject() + ".steps[" + strconv.Itoa(s.Index) + "]"
}

func (j jobRef) name() string { return fmt.Sprintf("job `%s` of %s", j.job.ID, j.wf.Path) }

// untrusted reports whether an audience is wider than the repository's
// writers.
func untrusted(a inventory.Audience) bool {
	return a == inventory.AudienceAnyone || a == inventory.AudienceCommenters
}

// openStarters are the starters through which people without write access
// get a run with the job's full token and secrets.
func openStarters(ss []inventory.Starter) []inventory.Starter {
	var out []inventory.Starter
	for _, s := range ss {
		if s.Privileged && untrusted(s.Audience) {
			out = append(out, s)
		}
	}
	return out
}

// audiencePhrase says who an audience is, for messages.
func audiencePhrase(a inventory.Audience) string {
	switch a {
	case inventory.AudienceAnyone:
		return "anyone with a GitHub account"
	case inventory.AudienceCommenters:
		return "anyone who can open or comment on an issue or pull request"
	case inventory.AudienceWrite:
		return "people with write access"
	case inventory.AudienceMaintainers:
		return "maintainers"
	case inventory.AudienceSchedule:
		return "only a schedule"
	default:
		return "an unknown audience"
	}
}

// startersPhrase renders "anyone … (issue_comment, pull_request_target)".
func startersPhrase(ss []inventory.Starter) string {
	if len(ss) == 0 {
		return "nobody (no trigger reaches it)"
	}
	// A run that gets a read-only token and no secrets (a pull request from
	// a fork on pull_request) reaches nothing: for what the job holds, the
	// same event counts as started by someone with write access (a branch of
	// the repository), and the forks are said apart.
	var priv []inventory.Starter
	var forks []string
	for _, s := range ss {
		if !s.Privileged {
			if !slices.Contains(forks, s.Event) {
				forks = append(forks, s.Event)
			}
			if inventory.AudienceRank(s.Audience) < inventory.AudienceRank(inventory.AudienceWrite) {
				s.Audience = inventory.AudienceWrite
			}
		}
		priv = append(priv, s)
	}
	wide := priv[0].Audience
	var events []string
	for _, s := range priv {
		if inventory.AudienceRank(s.Audience) < inventory.AudienceRank(wide) {
			wide = s.Audience
		}
	}
	for _, s := range priv {
		if s.Audience == wide && !slices.Contains(events, s.Event) {
			events = append(events, s.Event)
		}
	}
	fork := ""
	if len(forks) > 0 {
		fork = fmt.Sprintf("; fork pull requests (%s) run it too, with a read-only token and no secrets", strings.Join(forks, ", "))
	}
	if wide == inventory.AudienceUnknown && len(events) == 1 && events[0] == "workflow_call" {
		// A reusable workflow no workflow of the repository calls: its
		// callers elsewhere decide, on their own events.
		return "whoever the workflows that call it let start them (workflow_call: no workflow of this repository calls it; callers " +
			"elsewhere decide, on their own events" + fork + ")"
	}
	return fmt.Sprintf("%s (%s%s)", audiencePhrase(wide), strings.Join(events, ", "), fork)
}

// jobToken is what the job's GITHUB_TOKEN itself can do. id-token: write is
// not among it: it lets the job request OIDC tokens from the runner (through
// ACTIONS_ID_TOKEN_REQUEST_TOKEN), never writes with the GITHUB_TOKEN.
func jobToken(j *inventory.Job) inventory.Permissions {
	p := j.EffectivePermissions
	if p.Get(inventory.ResIDToken) == inventory.None {
		return p
	}
	out := p.Clone()
	delete(out, inventory.ResIDToken)
	return out
}

// jobWrites is what the job can act with: its token's permissions, and
// id_token when a step of the job exchanges the OIDC token for something —
// a cloud login, a vendor GitHub App token. An OIDC grant no step uses, or
// that only logs the agent in to its own model provider, is not counted:
// what an unused OIDC token could be exchanged for depends on trust
// policies a local scan cannot see.
func jobWrites(j *inventory.Job) inventory.Permissions {
	p := jobToken(j)
	if j.EffectivePermissions.Get(inventory.ResIDToken) < inventory.Write {
		return p
	}
	for _, s := range j.Steps {
		if (s.CloudAuth != nil && s.CloudAuth.OIDC) || (s.Agent != nil && s.Agent.UsesOIDCApp) {
			return p.Raise(inventory.ResIDToken, inventory.Write)
		}
	}
	return p
}

// writeScopes lists the write scopes of a token, "" when it has none.
func writeScopes(p inventory.Permissions) string {
	var out []string
	for _, r := range p.AtLeast(inventory.Write) {
		out = append(out, string(r)+":write")
	}
	return strings.Join(out, ", ")
}

// jobSecrets lists the named secrets a job can reach, minus the agents'
// own model keys when own is set; "*" stands for every secret.
func jobSecrets(j *inventory.Job, skipOwn bool) []string {
	own := map[string]bool{}
	if skipOwn {
		for _, s := range j.Steps {
			if s.Agent != nil {
				for _, k := range s.Agent.OwnKeys {
					own[k] = true
				}
			}
		}
	}
	var out []string
	for _, r := range j.Secrets {
		if own[r.Credential] || slices.Contains(out, r.Name) {
			continue
		}
		if skipOwn && llmKeyName.MatchString(r.Name) {
			continue
		}
		if j.Steps != nil && r.Name == "CI_JOB_TOKEN" {
			continue
		}
		out = append(out, r.Name)
	}
	slices.Sort(out)
	return out
}

// agentSecrets lists the secrets an agent step reaches. Env and inputs are
// step-scoped: the agent gets the job's env and its own step's; an earlier
// step's secrets are gone by the time it runs; a later step's it reaches only
// when it can run commands that persist — a shell writes $GITHUB_ENV and
// $GITHUB_PATH, which every later step of the job reads — and then persist
// says so. The agent's own model keys are left out (skipOwn), as in
// jobSecrets.
func agentSecrets(j jobRef, s inventory.Step, skipOwn bool) (names []string, persist string) {
	ag := s.Agent
	shell := agentShell(ag)
	sub := *j.job
	sub.Secrets = nil
	for _, r := range j.job.Secrets {
		switch {
		case r.Step == -1 || r.Step == s.Index:
		case j.wf.Platform == inventory.PlatformGitLab:
			// GitLab exports every CI/CD variable to the whole job's
			// environment: whichever script section names it, all hold it.
		case r.Step > s.Index && shell:
			if !(skipOwn && llmKeyName.MatchString(r.Name)) {
				persist = "through a later step (its shell can write $GITHUB_ENV and $GITHUB_PATH, which later steps read)"
			}
		default:
			continue
		}
		sub.Secrets = append(sub.Secrets, r)
	}
	return jobSecrets(&sub, skipOwn), persist
}

// jobVariableNames lists the stored CI/CD variables (a GitLab platform
// scan) that reach a job's agent through its environment though the CI file
// may not name them (inventory.ViaJobVariables), without the agent's own
// model keys.
func jobVariableNames(inv *inventory.Inventory, agent string) []string {
	var out []string
	for _, r := range inv.ReachesOf(agent) {
		if r.Via != inventory.ViaJobVariables {
			continue
		}
		if cr := inv.Credential(r.Credential); cr != nil && !llmKeyName.MatchString(cr.Name) && !slices.Contains(out, cr.Name) {
			out = append(out, cr.Name)
		}
	}
	slices.Sort(out)
	return out
}

// mergeNames is the sorted union of two name lists.
func mergeNames(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// agentShell reports an agent that can run arbitrary commands on the runner
// outside a sandbox (inventory.StepAgent.HasShell).
func agentShell(ag *inventory.StepAgent) bool { return ag.HasShell() }

var llmKeyName = regexp.MustCompile(`(?i)^(ANTHROPIC|OPENAI|CLAUDE_CODE_OAUTH|GEMINI|GOOGLE_API|GOOGLE_GENAI|OPENROUTER|DEEPSEEK|MISTRAL|GROQ|XAI|CURSOR|AMP|FACTORY|OPENCODE|MINIMAX|MOONSHOT|ZAI)[A-Z_]*(KEY|TOKEN)$`)

// secretsPhrase renders secret names for a message.
func secretsPhrase(names []string) string {
	if slices.Contains(names, "*") {
		return "every secret of the repository"
	}
	if len(names) > 6 {
		return strings.Join(names[:6], ", ") + fmt.Sprintf(" and %d more secrets", len(names)-6)
	}
	return strings.Join(names, ", ")
}

// reachPhrase says what a job's agent can reach: write scopes of its
// token, OIDC and secrets.
func reachPhrase(j *inventory.Job, secrets []string) string {
	var parts []string
	if w := writeScopes(jobWrites(j)); w != "" && !strings.HasPrefix(j.PermissionsSource, "CI_JOB_TOKEN") {
		tok := "a GITHUB_TOKEN with " + w
		if j.PermissionsSource == "default (assumed permissive)" {
			tok += " (the permissive default, assumed)"
		}
		parts = append(parts, tok)
	}
	if len(secrets) > 0 {
		parts = append(parts, "the secrets "+secretsPhrase(secrets))
	}
	for _, s := range j.Steps {
		if s.AppToken != nil {
			parts = append(parts, "a GitHub App token from "+s.AppToken.Action)
			break
		}
	}
	if len(parts) == 0 {
		if strings.HasPrefix(j.PermissionsSource, "CI_JOB_TOKEN") {
			return "its CI_JOB_TOKEN"
		}
		return "a read-only GITHUB_TOKEN"
	}
	return joinAnd(parts)
}

func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// agentSteps lists a job's steps that run a coding agent.
func agentSteps(j *inventory.Job) []inventory.Step {
	var out []inventory.Step
	for _, s := range j.Steps {
		if s.Agent != nil && s.Agent.Remote == "" {
			out = append(out, s)
		}
	}
	return out
}

// remoteAgentSteps are the steps that start a remote coding agent (Jules,
// Devin, a Cursor background agent): it runs in its vendor's cloud with
// the vendor's GitHub App, not with the job's token, secrets or shell, so
// the rules about what an agent in the job reaches leave it out.
func remoteAgentSteps(j *inventory.Job) []inventory.Step {
	var out []inventory.Step
	for _, s := range j.Steps {
		if s.Agent != nil && s.Agent.Remote != "" {
			out = append(out, s)
		}
	}
	return out
}

// remoteReach is what a remote coding agent's vendor App does on the
// repository: it pushes branches and opens pull requests.
var remoteReach = inventory.Permissions{inventory.ResContents: inventory.Write, inventory.ResPullRequests: inventory.Write}

// runsAgent reports whether a job runs a coding agent.
func runsAgent(j *inventory.Job) bool { return len(agentSteps(j)) > 0 }

// tokenSecretRe matches secret names of personal access tokens and bot
// tokens (the catalog's PAT regex).
var tokenSecretRe = regexp.MustCompile(`(?i)(PAT$|PAT_|_PAT\b|^PAT|GH_?TOKEN|BOT_?TOKEN|PERSONAL_ACCESS|GITHUB_TOKEN_|_GITHUB_TOKEN|GITLAB_TOKEN|GL_?TOKEN|PRIVATE_TOKEN|API_TOKEN_GITHUB|REPO_TOKEN|RELEASE_TOKEN|PUSH_TOKEN|WORKFLOW_TOKEN|ADMIN_TOKEN|ACCESS_TOKEN$)`)

// isPATName reports a secret name that holds a standing personal token.
func isPATName(name string) bool {
	n := strings.ToUpper(name)
	return n != "GITHUB_TOKEN" && n != "CI_JOB_TOKEN" && tokenSecretRe.MatchString(n) && !llmKeyName.MatchString(n)
}

// stepAt returns the job's step with the index, or nil.
func stepAt(j *inventory.Job, i int) *inventory.Step {
	for k := range j.Steps {
		if j.Steps[k].Index == i {
			return &j.Steps[k]
		}
	}
	return nil
}

func firstOr[T any](s []T, def T) T {
	if len(s) > 0 {
		return s[0]
	}
	return def
}

// cmpScore returns the higher of two scores.
func cmpScore(a, b float64) float64 { return cmp.Or(max(a, b), a) }
