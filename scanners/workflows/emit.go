package workflows

import (
	"cmp"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// emit writes one resolved GitHub workflow: its jobs' facts, one agent per
// job, the credentials the jobs reference and the reach edges.
func (r *resolver) emit(g *ghWorkflow, c *wfCtx) {
	r.taint(g)
	wf := g.wf
	for i := range wf.Jobs {
		job := &wf.Jobs[i]
		gj := g.jobs[i]
		var jr jobResult
		if i < len(c.jobs) {
			jr = c.jobs[i]
		}
		job.Starters = jr.starters
		job.StartableBy = widest(jr.starters)
		// The workflow has triggers and none reaches the job: its if: is
		// false on every one (`if: false`), a job it needs never runs, or
		// it is a reusable workflow whose every caller never runs.
		job.NeverRuns = len(g.events) > 0 && len(jr.starters) == 0
		job.EffectivePermissions = jr.perms
		job.PermissionsSource = jr.source
		job.CalledBy = c.calledBy
		r.agentStarters(job, gj)
		job.BotConditions = botConditions(job, gj)
		refs := r.bindRefs(g, gj.refs)
		r.bindOwnKeys(job, refs)
		job.Secrets, job.AllSecrets = nil, false // as bound: a called workflow gets what its callers pass
		agent := r.jobAgent(wf, job, gj)
		if agent.CI != nil {
			agent.CI.NeverRuns = job.NeverRuns
		}
		for _, rf := range refs {
			job.Secrets = append(job.Secrets, inventory.SecretRef{Credential: rf.cred, Name: rf.name, Via: rf.via, Step: rf.step, Env: rf.env, Location: rf.loc})
			if rf.all {
				job.AllSecrets = true
			}
		}
		r.credentials(g, job, gj, refs, agent)
		r.bindCheckoutTokens(g, job)
		r.out.AddAgent(*agent)
	}
	r.out.AddWorkflow(*wf)
}

func widest(ss []inventory.Starter) inventory.Audience {
	if len(ss) == 0 {
		return inventory.AudienceUnknown
	}
	a := ss[0].Audience
	for _, s := range ss[1:] {
		if inventory.AudienceRank(s.Audience) < inventory.AudienceRank(a) {
			a = s.Audience
		}
	}
	return a
}

// agentStarters narrows each agent step's starters by the step's if:, a
// permission check before it and the action's built-in gate.
func (r *resolver) agentStarters(job *inventory.Job, gj *ghJob) {
	for i := range job.Steps {
		st := &job.Steps[i]
		ag := st.Agent
		if ag == nil {
			continue
		}
		permBefore := slices.ContainsFunc(job.Steps[:i], func(s inventory.Step) bool { return s.PermissionCheck })
		ag.Starters = nil
		for _, s := range job.Starters {
			s.Gates = slices.Clone(s.Gates)
			if i < len(gj.stepIfs) && gj.stepIfs[i] != nil {
				ge := gateEval{event: s.Event}
				v := ge.eval(gj.stepIfs[i])
				if v == triFalse && len(ge.gates) == 0 {
					continue
				}
				if v == triFalse {
					narrow(&s, inventory.AudienceWrite, sortedKeys(ge.gates)...)
				}
			}
			if permBefore {
				narrow(&s, inventory.AudienceWrite, inventory.GatePermissionStep)
			}
			if builtinGateApplies(ag, s.Event) {
				narrow(&s, inventory.AudienceWrite, inventory.GateBuiltin)
			}
			ag.Starters = append(ag.Starters, s)
		}
		ag.StartableBy = widest(ag.Starters)
	}
}

// builtinGateApplies reports whether the agent action's own write-access
// check covers this event and is not opened to everyone.
func builtinGateApplies(ag *inventory.StepAgent, event string) bool {
	if ag.Gate == "" || ag.GateOpen {
		return false
	}
	for _, a := range append(knownActions[:len(knownActions):len(knownActions)], knownWorkflows...) {
		name, _, _ := strings.Cut(strings.ToLower(ag.Via), "@")
		if name != a.prefix && !strings.HasPrefix(name, a.prefix+"/") {
			continue
		}
		if slices.Contains(a.gatedEvents, "*") {
			return true
		}
		if !slices.Contains(a.gatedEvents, event) {
			return false
		}
		// claude-code-action checks workflow_run actors since v1.0.185.
		if event == "workflow_run" && a.product == "claude-code" && versionBefore(ag.Ref, 1, 0, 185) {
			return false
		}
		// … and supports pull_request_target since v1.0.9 (older releases fail on it).
		return true
	}
	return false
}

// boundRef is a reference bound to a credential id.
type boundRef struct {
	cred  string
	name  string
	via   inventory.ReachVia
	step  int
	loc   inventory.Location
	all   bool
	env   string
	param string // the reusable workflow whose callers pass the value (see secretTarget)
	from  string // the credential id the name has where it is written
}

// bindRefs maps reference names to credential ids: in a reusable workflow
// to what its callers pass (see secretTargets).
func (r *resolver) bindRefs(g *ghWorkflow, refs []ref) []boundRef {
	var out []boundRef
	for _, rf := range refs {
		if rf.name == "GITHUB_TOKEN" {
			continue // the job token is linked separately
		}
		for _, t := range r.secretTargets(g, rf.name, 0) {
			if t.name == "GITHUB_TOKEN" {
				continue // a caller passes its job token
			}
			out = append(out, boundRef{cred: secretTargetID(rf.loc.Source, t), name: t.name, via: rf.via, step: rf.step, loc: rf.loc,
				all: t.name == "*", env: rf.env, param: t.param, from: inventory.GitHubSecretID(rf.loc.Source, rf.name)})
		}
	}
	return out
}

func secretTargetID(source string, t secretTarget) string {
	if t.param != "" {
		return inventory.GitHubCallSecretID(source, t.param, t.name)
	}
	return inventory.GitHubSecretID(source, t.name)
}

// bindCheckoutTokens names a checkout's token secret as its references
// were bound, when it stands for one secret: in a reusable workflow, the
// caller's (GITHUB_TOKEN when the caller passes its job token).
func (r *resolver) bindCheckoutTokens(g *ghWorkflow, job *inventory.Job) {
	for k := range job.Steps {
		co := job.Steps[k].Checkout
		if co == nil || co.TokenSecret == "" || co.TokenSecret == "GITHUB_TOKEN" {
			continue
		}
		if ts := r.secretTargets(g, co.TokenSecret, 0); len(ts) == 1 && ts[0].param == "" {
			co.TokenSecret = ts[0].name
		}
	}
}

// bindOwnKeys renames the agents' own model keys as their references were
// bound.
func (r *resolver) bindOwnKeys(job *inventory.Job, refs []boundRef) {
	for i := range job.Steps {
		ag := job.Steps[i].Agent
		if ag == nil || len(ag.OwnKeys) == 0 {
			continue
		}
		var keys []string
		for _, k := range ag.OwnKeys {
			n := len(keys)
			for _, rf := range refs {
				if rf.from == k {
					keys = appendUnique(keys, rf.cred)
				}
			}
			if len(keys) == n {
				keys = appendUnique(keys, k) // not bound through this job's references
			}
		}
		ag.OwnKeys = keys
	}
}

// jobAgent builds the job's agent: a ci-job, or a ci-coding-agent when a
// step runs a coding agent.
func (r *resolver) jobAgent(wf *inventory.Workflow, job *inventory.Job, gj *ghJob) *inventory.Agent {
	a := &inventory.Agent{
		ID: job.Agent, Kind: inventory.AgentCIJob, Name: cmp.Or(job.Name, job.ID), Platform: inventory.PlatformGitHub,
		Location: job.Location, Triggers: wf.Triggers, StartableBy: job.StartableBy, Permissions: job.EffectivePermissions,
		CI: &inventory.CIJobFacts{Workflow: wf.Path, Job: job.ID, PermissionsSource: job.PermissionsSource},
	}
	for _, gt := range job.Gates {
		a.Guardrails.Gates = append(a.Guardrails.Gates, fmt.Sprintf("%s: %s (line %d)", gt.Kind, gt.Detail, gt.Location.Line))
	}
	var products []string
	for _, s := range job.Steps {
		ag := s.Agent
		if ag == nil {
			continue
		}
		if a.Kind != inventory.AgentCICodingJob {
			a.Kind = inventory.AgentCICodingJob
			a.Product = ag.Product
			a.Location = s.Location
			a.StartableBy = ag.StartableBy
		} else if inventory.AudienceRank(ag.StartableBy) < inventory.AudienceRank(a.StartableBy) {
			a.StartableBy = ag.StartableBy
		}
		products = appendUnique(products, ag.Product)
		a.Guardrails.AllowedTools = append(a.Guardrails.AllowedTools, ag.AllowedTools...)
		a.Guardrails.Bypass = append(a.Guardrails.Bypass, ag.Bypass...)
		if ag.Sandbox != "" {
			a.Guardrails.Sandbox = ag.Sandbox
		}
		if ag.Approval != "" {
			a.Guardrails.ApprovalMode = ag.Approval
		}
		if gj.egress {
			ag.Egress = true
		}
		a.Guardrails.EgressControl = ag.Egress
		if ag.Gate != "" {
			g := "built-in: " + ag.Via + " refuses actors without write access"
			if ag.GateWidened != "" {
				g += " (widened: " + ag.GateWidened + ")"
			}
			a.Guardrails.Gates = append(a.Guardrails.Gates, g)
		}
	}
	// copilot-setup-steps.yml: its copilot-setup-steps job prepares the
	// environment the Copilot coding agent then works in, so whatever the
	// setup steps reach, the agent reaches. Only people with write access
	// can assign work to Copilot.
	if path.Base(wf.Path) == "copilot-setup-steps.yml" && job.ID == "copilot-setup-steps" {
		a.Kind, a.Product = inventory.AgentCICodingJob, "copilot-coding-agent"
		a.StartableBy = inventory.AudienceWrite
		a.CI.CopilotSetupSteps = true
		products = appendUnique(products, "copilot-coding-agent")
	}
	if len(products) > 1 {
		a.CI.Products = products
	}
	a.CI.SelfHosted = job.SelfHosted
	if job.Environment != nil {
		a.CI.Environment = job.Environment.Name
	}
	return a
}

var (
	cloudSecretRe  = regexp.MustCompile(`(?i)(AWS|AZURE|ARM_|GCP|GOOGLE|GCLOUD|SERVICE_ACCOUNT|DIGITALOCEAN|CLOUDFLARE)`)
	scmSecretRe    = regexp.MustCompile(`(?i)(PAT\b|PAT_|_PAT|GH_?TOKEN|GITHUB|BOT_?TOKEN|PERSONAL_ACCESS|GITLAB|GL_TOKEN|APP_PRIVATE_KEY|PRIVATE_KEY)`)
	registrySecret = regexp.MustCompile(`(?i)(NPM|PYPI|DOCKER|REGISTRY|NUGET|CARGO|RUBYGEMS|MAVEN|GRADLE|CODECOV|SONAR)`)
)

func reachClass(name string) inventory.ReachClass {
	switch {
	case isLLMKeyName(name):
		return inventory.ReachLLMAPI
	case scmSecretRe.MatchString(name):
		return inventory.ReachSourceControl
	case cloudSecretRe.MatchString(name):
		return inventory.ReachCloud
	case registrySecret.MatchString(name):
		return inventory.ReachPackageRegistry
	}
	return inventory.ReachGeneric
}

// credentials adds the job's credentials and the agent's reach edges.
func (r *resolver) credentials(g *ghWorkflow, job *inventory.Job, gj *ghJob, refs []boundRef, agent *inventory.Agent) {
	wf := g.wf
	reach := func(cred string, via inventory.ReachVia, loc inventory.Location, perms inventory.Permissions) {
		l := loc
		r.out.AddReach(inventory.Reach{Agent: agent.ID, Credential: cred, Via: via, Location: &l, Permissions: perms})
	}
	ownKeys := map[string]bool{}
	for _, s := range job.Steps {
		if s.Agent != nil {
			for _, k := range s.Agent.OwnKeys {
				ownKeys[k] = true
			}
		}
	}
	for _, rf := range refs {
		c := inventory.Credential{ID: rf.cred, Kind: inventory.KindActionsSecret, Platform: inventory.PlatformGitHub, Name: rf.name,
			Storage: "GitHub Actions secrets", Lifetime: inventory.LifetimeUnknown, Locations: []inventory.Location{rf.loc}}
		if rf.param != "" {
			c.Kind = inventory.KindWorkflowCallSecret
			c.Storage = "passed by each caller of the reusable workflow " + rf.param + " (no caller in this scan)"
		}
		if rf.all {
			c.Name = "all secrets of the repository, its organisation and environments"
		} else {
			c.Reach = reachClass(rf.name)
			if isLLMKeyName(rf.env) {
				c.Reach = inventory.ReachLLMAPI
			}
		}
		c.AgentAPIKey = ownKeys[rf.cred]
		r.out.AddCredential(c)
		reach(rf.cred, rf.via, rf.loc, nil)
	}
	// The job's GITHUB_TOKEN.
	tokID := inventory.GitHubTokenID(wf.Source, wf.Path, job.ID)
	tokLoc := job.Location
	if job.Permissions != nil {
		tokLoc = job.Permissions.Location
	} else if wf.Permissions != nil {
		tokLoc = wf.Permissions.Location
	}
	r.out.AddCredential(inventory.Credential{ID: tokID, Kind: inventory.KindWorkflowToken, Platform: inventory.PlatformGitHub,
		Name: "GITHUB_TOKEN of " + wf.Path + "#" + job.ID, Permissions: job.EffectivePermissions, Lifetime: inventory.LifetimeShortLived,
		Reach: inventory.ReachSourceControl, Scope: &inventory.Scope{Kind: "repository"}, Revocation: "expires when the job ends",
		Locations: []inventory.Location{tokLoc}, Attributes: map[string]string{"permissions_source": job.PermissionsSource}})
	reach(tokID, inventory.ViaWorkflowToken, tokLoc, job.EffectivePermissions)
	// Persisted checkout credentials.
	for _, s := range job.Steps {
		co := s.Checkout
		if co == nil || co.ByScript || !co.PersistCredentials {
			continue
		}
		if co.TokenSecret == "" || co.TokenSecret == "GITHUB_TOKEN" {
			reach(tokID, inventory.ViaPersistedCheckout, s.Location, job.EffectivePermissions)
			continue
		}
		for _, t := range r.secretTargets(g, co.TokenSecret, 0) {
			if t.name == "GITHUB_TOKEN" {
				reach(tokID, inventory.ViaPersistedCheckout, s.Location, job.EffectivePermissions)
			} else {
				reach(secretTargetID(wf.Source, t), inventory.ViaPersistedCheckout, s.Location, nil)
			}
		}
	}
	// OIDC and what it feeds.
	if gj.idToken {
		id := inventory.Scoped(wf.Source, "github-oidc:"+wf.Path+"#"+job.ID)
		var feeds []string
		for _, s := range job.Steps {
			if s.CloudAuth != nil && s.CloudAuth.OIDC {
				feeds = appendUnique(feeds, s.CloudAuth.Action)
			}
			if s.Agent != nil && s.Agent.UsesOIDCApp {
				feeds = appendUnique(feeds, s.Agent.Via+" (vendor GitHub App token)")
			}
		}
		c := inventory.Credential{ID: id, Kind: inventory.KindOIDC, Platform: inventory.PlatformGitHub, Name: "OIDC token of " + wf.Path + "#" + job.ID,
			Lifetime: inventory.LifetimeShortLived, Reach: inventory.ReachCloud, Locations: []inventory.Location{tokLoc},
			Permissions: inventory.Permissions{inventory.ResIDToken: inventory.Write}}
		c.Feeds = feeds
		r.out.AddCredential(c)
		reach(id, inventory.ViaOIDC, tokLoc, c.Permissions)
	}
	for _, s := range job.Steps {
		switch {
		case s.AppToken != nil:
			id := inventory.Scoped(wf.Source, "github-app-token:"+wf.Path+"#"+job.ID+":"+cmp.Or(s.ID, strconv.Itoa(s.Index)))
			c := inventory.Credential{ID: id, Kind: inventory.KindInstallationToken, Platform: inventory.PlatformGitHub,
				Name: "App installation token minted by " + s.AppToken.Action, Lifetime: inventory.LifetimeShortLived,
				Reach: inventory.ReachSourceControl, Locations: []inventory.Location{s.Location}, Attributes: map[string]string{}}
			switch {
			case s.AppToken.Repositories != "":
				c.Scope = &inventory.Scope{Kind: "selected-repositories", Target: s.AppToken.Owner}
			case s.AppToken.Owner != "":
				c.Scope = &inventory.Scope{Kind: "all-repositories", Target: s.AppToken.Owner}
			default:
				c.Scope = &inventory.Scope{Kind: "repository"}
			}
			c.Permissions = s.AppToken.Granted
			if len(s.AppToken.Permissions) == 0 {
				c.Attributes["permissions"] = "every permission of the App installation"
			}
			if s.AppToken.SkipRevoke {
				c.Revocation = "not revoked at job end (skip-token-revoke)"
			} else {
				c.Revocation = "revoked at job end"
			}
			if s.AppToken.KeySecret != "" {
				c.Attributes["private_key_secret"] = s.AppToken.KeySecret
			}
			r.out.AddCredential(c)
			reach(id, inventory.ViaAppToken, s.Location, c.Permissions)
		case s.Agent != nil && s.Agent.UsesOIDCApp && gj.idToken:
			id := inventory.Scoped(wf.Source, "github-app-token:"+s.Agent.Product+":"+wf.Path+"#"+job.ID)
			c := inventory.Credential{ID: id, Kind: inventory.KindInstallationToken, Platform: inventory.PlatformGitHub,
				Name: "vendor GitHub App token minted by " + s.Agent.Via + " through OIDC", Lifetime: inventory.LifetimeShortLived,
				Reach: inventory.ReachSourceControl, Locations: []inventory.Location{s.Location}, Scope: &inventory.Scope{Kind: "repository"},
				Permissions: inventory.Permissions{inventory.ResContents: inventory.Write, inventory.ResIssues: inventory.Write,
					inventory.ResPullRequests: inventory.Write, inventory.ResMetadata: inventory.Read}}
			r.out.AddCredential(c)
			reach(id, inventory.ViaAppToken, s.Location, c.Permissions)
		}
	}
	if job.SelfHosted {
		sets := [][]string{job.RunsOn}
		if len(job.RunnerLabels) > 0 {
			sets = nil
			for _, s := range job.RunnerLabels {
				if slices.ContainsFunc(s, func(l string) bool { return strings.EqualFold(strings.TrimSpace(l), "self-hosted") }) {
					sets = append(sets, s)
				}
			}
		}
		for _, set := range sets {
			labels := slices.Clone(set)
			slices.Sort(labels)
			id := inventory.Scoped(wf.Source, "github-runner:"+strings.Join(labels, ","))
			r.out.AddCredential(inventory.Credential{ID: id, Kind: inventory.KindRunner, Platform: inventory.PlatformGitHub,
				Name: "self-hosted runner " + strings.Join(labels, ","), Reach: inventory.ReachInfrastructure, Lifetime: inventory.LifetimeUnknown,
				Locations: []inventory.Location{job.Location}})
			reach(id, inventory.ViaRunner, job.Location, nil)
		}
	}
	for _, l := range gj.literals {
		if id, ok := r.literalID(l.name, l.value); ok {
			loc := l.loc
			r.out.AddRef(inventory.Reach{Agent: agent.ID, Credential: id, Via: l.via, Location: &loc})
		}
	}
}

// appPermissions maps permission-* inputs (name:level) onto the lattice.
func appPermissions(ps []string) inventory.Permissions {
	in := map[string]string{}
	for _, p := range ps {
		k, v, ok := strings.Cut(p, ":")
		if !ok || k == "permissions" {
			continue
		}
		in[strings.ReplaceAll(k, "-", "_")] = strings.ToLower(strings.TrimSpace(v))
	}
	if len(in) == 0 {
		return nil
	}
	out, _, err := inventory.FromGitHubPermissions(in)
	if err != nil {
		return nil
	}
	return out
}
