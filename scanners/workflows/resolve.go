package workflows

import (
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/agentreach/agentreach/inventory"
)

// Limits on cross-file resolution.
const (
	maxCallDepth   = 8  // reusable workflow and workflow_run chains
	maxActionDepth = 4  // nested local composite actions
	maxExpanded    = 64 // composite steps inlined per job
)

type resolver struct {
	agents *agentTable
	values Values
	st     *rootState
	out    *inventory.Builder
	scope  outOfScope // references beyond the scan's reach, flushed by Finish
	// tokenDefault is the GITHUB_TOKEN a job without a permissions block
	// gets, and its source: the repository's setting when a platform API
	// read it, else the permissive default a local scan assumes.
	tokenDefault       inventory.Permissions
	tokenDefaultSource string

	byPath  map[string]*ghWorkflow
	byName  map[string][]*ghWorkflow
	callers map[string][]caller
	ctx     map[string]*wfCtx // computed per workflow path
	busy    map[string]bool
	upAud   map[string]baseEvent      // workflow_run audience per workflow path
	secrets map[string][]secretTarget // workflow path + "\x00" + secret name → what it stands for
	busySec map[string]bool

	fsys     fs.FS                   // the scanned source, for files the walker does not hand over (custom commands)
	commands map[string]*commandFile // by repository-relative path, read once
	// templateLabels are the labels the issue templates apply (nil until
	// read; see issueTemplateLabels).
	templateLabels map[string]bool
}

type caller struct {
	g   *ghWorkflow
	job int
}

// baseEvent is an event that starts a workflow, before its jobs' gates.
type baseEvent struct {
	name       string
	audience   inventory.Audience
	privileged bool
	gates      []string
	note       string
	loc        inventory.Location
	types      []string // activity types the trigger admits; nil when any
}

// wfCtx is what a workflow's jobs inherit: from its own triggers, or from
// the jobs that call it.
type wfCtx struct {
	events []baseEvent
	// for reusable workflows called from this root
	callerPerms []inventory.Permissions
	callerIDTok bool
	calledBy    []string
	// direct: the workflow also has triggers of its own, whose runs get its
	// own (or the default) permissions and the repository's secrets.
	direct bool
	jobs   []jobResult
}

type jobResult struct {
	starters []inventory.Starter
	perms    inventory.Permissions
	source   string
	idToken  bool
}

// github resolves the root's GitHub workflows and writes them out. It
// reports whether some job ran on the assumed default permissions.
func (r *resolver) github() bool {
	r.byPath = map[string]*ghWorkflow{}
	r.byName = map[string][]*ghWorkflow{}
	r.callers = map[string][]caller{}
	r.ctx = map[string]*wfCtx{}
	r.busy = map[string]bool{}
	r.upAud = map[string]baseEvent{}
	r.secrets = map[string][]secretTarget{}
	r.busySec = map[string]bool{}
	slices.SortFunc(r.st.workflows, func(a, b *ghWorkflow) int { return cmp.Compare(a.wf.Path, b.wf.Path) })
	for _, g := range r.st.workflows {
		r.byPath[g.wf.Path] = g
		name := g.wf.Name
		if name == "" {
			name = path.Base(g.wf.Path)
		}
		r.byName[name] = append(r.byName[name], g)
	}
	for _, g := range r.st.workflows {
		for i, gj := range g.jobs {
			switch {
			case gj.call == nil:
			case gj.call.local != "":
				r.callers[gj.call.local] = append(r.callers[gj.call.local], caller{g: g, job: i})
			default:
				// A reusable workflow in another repository: its jobs are
				// beyond a scan of this tree, not missing from it.
				r.scope.add(g.file, fmt.Sprintf("reusable workflow %s is in another repository and was not read", sanitizeRef(gj.call.uses)))
			}
		}
		r.expandActions(g)
	}
	usedDefault := false
	for _, g := range r.st.workflows {
		c := r.workflowCtx(g, 0)
		for i := range g.wf.Jobs {
			if i < len(c.jobs) && c.jobs[i].source == permissionsDefault {
				usedDefault = true
			}
		}
		r.emit(g, c)
	}
	return usedDefault
}

// expandActions inlines the steps of local composite actions after the step
// that uses them, renumbering step indices.
func (r *resolver) expandActions(g *ghWorkflow) {
	for ji := range g.wf.Jobs {
		job := &g.wf.Jobs[ji]
		gj := g.jobs[ji]
		if len(gj.stepLocal) == 0 {
			continue
		}
		var steps []inventory.Step
		var ifs []actionlint.ExprNode
		remap := map[int]int{}
		var extra []ref
		var extraLits []literal
		expanded := 0
		for i, s := range job.Steps {
			remap[i] = len(steps)
			steps = append(steps, s)
			ifs = append(ifs, gj.stepIfs[i])
			if !strings.HasPrefix(s.Uses, "./") {
				continue
			}
			caller := s.Location
			var inline func(dir string, depth int, parentIf actionlint.ExprNode, with map[string]string, parent exprEnv)
			inline = func(dir string, depth int, parentIf actionlint.ExprNode, with map[string]string, parent exprEnv) {
				act := r.st.actions[dir]
				if act == nil || !act.composite || depth > maxActionDepth {
					return
				}
				env := act.inputEnv(with, parent)
				for _, cs := range act.steps {
					if expanded >= maxExpanded {
						return
					}
					expanded++
					tmp := &ghJob{}
					idx := len(steps)
					st := parseStep(act.file, idx, cs, r.agents, tmp)
					r.agents.compositeAgent(&st, cs, env, caller)
					st.FromAction = dir
					steps = append(steps, st)
					ifs = append(ifs, parentIf)
					extra = append(extra, tmp.refs...)
					extraLits = append(extraLits, tmp.literals...)
					gj.egress = gj.egress || tmp.egress
					if strings.HasPrefix(st.Uses, "./") {
						inline(localDir(st.Uses), depth+1, parentIf, tmp.localWith[idx], env)
					}
				}
			}
			inline(localDir(s.Uses), 1, gj.stepIfs[i], gj.localWith[i], exprEnv{})
		}
		for k := range gj.refs {
			if gj.refs[k].step >= 0 {
				gj.refs[k].step = remap[gj.refs[k].step]
			}
		}
		for k := range gj.literals {
			if gj.literals[k].step >= 0 {
				gj.literals[k].step = remap[gj.literals[k].step]
			}
		}
		for k := range steps {
			steps[k].Index = k
		}
		gj.refs = append(gj.refs, extra...)
		gj.literals = append(gj.literals, extraLits...)
		job.Steps = steps
		gj.stepIfs = ifs
	}
}

func localDir(uses string) string {
	p := strings.TrimPrefix(uses, "./")
	p, _, _ = strings.Cut(p, "@")
	return path.Clean(strings.TrimSuffix(p, "/"))
}

// eventBase says who can start a workflow through one event, before gates.
func eventBase(e ghEvent) baseEvent {
	b := baseEvent{name: e.name, loc: e.loc, privileged: true, types: e.types}
	writerOnly := len(e.types) > 0 && !slices.ContainsFunc(e.types, func(t string) bool { return !writerTypes[t] })
	switch e.name {
	case "pull_request":
		b.audience, b.privileged = inventory.AudienceAnyone, false
		b.note = "pull requests from forks run with a read-only token and no secrets"
	case "pull_request_target", "fork", "watch":
		b.audience = inventory.AudienceAnyone
	case "issues", "issue_comment", "discussion", "discussion_comment", "pull_request_review", "pull_request_review_comment", "gollum":
		b.audience = inventory.AudienceCommenters
	case "schedule":
		b.audience = inventory.AudienceSchedule
	case "member", "branch_protection_rule", "public", "security_and_analysis", "repository_ruleset":
		b.audience = inventory.AudienceMaintainers
	case "workflow_call":
		b.audience = inventory.AudienceUnknown
		b.note = "reusable workflow with no caller in this scan: who can start it depends on its callers"
	default:
		b.audience = inventory.AudienceWrite
	}
	if writerOnly && (b.audience == inventory.AudienceAnyone || b.audience == inventory.AudienceCommenters) {
		b.audience = inventory.AudienceWrite
		b.note = "only people who can triage (label, assign) fire these activity types: " + strings.Join(e.types, ", ")
	}
	return b
}

// writerTypes are activity types only people with triage or write access
// cause.
var writerTypes = map[string]bool{
	"labeled": true, "unlabeled": true, "assigned": true, "unassigned": true, "milestoned": true, "demilestoned": true,
	"pinned": true, "unpinned": true, "transferred": true, "locked": true, "unlocked": true, "deleted": true,
	"review_requested": true, "review_request_removed": true, "auto_merge_enabled": true, "auto_merge_disabled": true,
	"enqueued": true, "dequeued": true, "category_changed": true, "answered": true, "unanswered": true,
}

// upstreamAudience is who can start the workflows a workflow_run trigger
// follows.
func (r *resolver) upstreamAudience(e ghEvent, depth int) baseEvent {
	b := baseEvent{name: e.name, loc: e.loc, privileged: true, audience: inventory.AudienceSchedule, types: e.types}
	found := false
	for _, name := range e.workflows {
		for _, up := range r.byName[name] {
			found = true
			c := r.workflowCtx(up, depth+1)
			for _, ue := range c.events {
				if inventory.AudienceRank(ue.audience) < inventory.AudienceRank(b.audience) {
					b.audience = ue.audience
					b.note = fmt.Sprintf("follows %q, which %s can start (%s)", name, ue.audience, ue.name)
				}
			}
		}
	}
	if !found {
		b.audience = inventory.AudienceAnyone
		b.note = "the upstream workflow is not in this scan; a workflow_run chain can start from a fork pull request"
	}
	return b
}

// workflowCtx computes (once) the events and caller context of a workflow
// and the starters and permissions of each of its jobs.
func (r *resolver) workflowCtx(g *ghWorkflow, depth int) *wfCtx {
	if c, ok := r.ctx[g.wf.Path]; ok {
		return c
	}
	if r.busy[g.wf.Path] || depth > maxCallDepth {
		return &wfCtx{events: []baseEvent{{name: "workflow_call", audience: inventory.AudienceUnknown, privileged: true,
			note: "call chain too deep or cyclic"}}}
	}
	r.busy[g.wf.Path] = true
	defer delete(r.busy, g.wf.Path)
	c := &wfCtx{}
	for _, e := range g.events {
		switch e.name {
		case "workflow_call":
			if cs := r.callers[g.wf.Path]; len(cs) > 0 {
				for _, cl := range cs {
					cc := r.workflowCtx(cl.g, depth+1)
					if cl.job >= len(cc.jobs) {
						continue
					}
					cj := cc.jobs[cl.job]
					// The caller job's starters are already narrowed by its
					// if:, by the jobs it needs (transitively) and by the
					// outputs those route on.
					for _, s := range cj.starters {
						var types []string
						for _, ce := range cc.events {
							if ce.name == s.Event {
								types = ce.types
							}
						}
						c.events = append(c.events, baseEvent{name: s.Event, audience: s.Audience, privileged: s.Privileged,
							gates: s.Gates, loc: s.Location, types: types, note: "called from " + cl.g.wf.Path + "#" + cl.g.wf.Jobs[cl.job].ID})
					}
					c.callerPerms = append(c.callerPerms, cj.perms)
					c.callerIDTok = c.callerIDTok || cj.idToken
					c.calledBy = append(c.calledBy, cl.g.wf.Path+"#"+cl.g.wf.Jobs[cl.job].ID)
				}
				continue
			}
			c.events = append(c.events, eventBase(e))
		case "workflow_run":
			c.direct = true
			c.events = append(c.events, r.upstreamAudience(e, depth))
		default:
			c.direct = true
			c.events = append(c.events, eventBase(e))
		}
	}
	r.ctx[g.wf.Path] = c // jobs filled below; callers only read events
	c.jobs = r.jobResults(g, c)
	return c
}

// secretTarget is what a secret name used in a workflow stands for: a
// secret of the repository (or the job token, GITHUB_TOKEN), or the value
// the callers of a reusable workflow pass for one of its declared
// workflow_call secrets when none of those callers is in the scan.
type secretTarget struct {
	name  string // the secret's name where its value is chosen
	param string // the reusable workflow declaring it as a parameter; "" for a repository secret
}

// secretTargets binds a secret name used in workflow g. A run started by a
// trigger of g's own reads the repository's secrets; a run called from a
// job of this scan reads only what that job passes (`secrets: inherit`
// passes all of its own, a `secrets:` map the listed ones, nothing else
// none), resolved in the caller's workflow in turn; a reusable workflow
// with no caller in the scan gets its declared secrets from callers the
// scan cannot see: they are parameters, not the repository's secrets.
func (r *resolver) secretTargets(g *ghWorkflow, name string, depth int) []secretTarget {
	if name == "GITHUB_TOKEN" {
		return []secretTarget{{name: name}}
	}
	key := g.wf.Path + "\x00" + name
	if t, ok := r.secrets[key]; ok {
		return t
	}
	if depth > maxCallDepth || r.busySec[key] {
		return []secretTarget{{name: name}}
	}
	r.busySec[key] = true
	defer delete(r.busySec, key)
	var out []secretTarget
	add := func(ts ...secretTarget) {
		for _, t := range ts {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	called := slices.ContainsFunc(g.events, func(e ghEvent) bool { return e.name == "workflow_call" })
	direct := !called || slices.ContainsFunc(g.events, func(e ghEvent) bool { return e.name != "workflow_call" })
	if direct {
		add(secretTarget{name: name})
	}
	cs := r.callers[g.wf.Path]
	switch {
	case !called:
	case len(cs) == 0 && name != "*" && g.callSecrets[name]:
		add(secretTarget{name: name, param: g.wf.Path})
	case len(cs) == 0:
		add(secretTarget{name: name}) // inherited by name from a caller beyond the scan
	}
	for _, cl := range cs {
		ci := cl.g.jobs[cl.job].call
		switch {
		case ci.inherit:
			add(r.secretTargets(cl.g, name, depth+1)...)
		case name == "*":
			for _, k := range sortedKeys(ci.secrets) {
				add(r.useTargets(cl.g, ci.secrets[k], depth+1)...)
			}
		default:
			if u, ok := ci.secrets[name]; ok {
				add(r.useTargets(cl.g, u, depth+1)...)
			}
		}
	}
	r.secrets[key] = out
	return out
}

// useTargets binds the secrets a caller's expression names.
func (r *resolver) useTargets(g *ghWorkflow, u secretUse, depth int) []secretTarget {
	var out []secretTarget
	names := slices.Clone(u.names)
	if u.all {
		names = append(names, "*")
	}
	for _, n := range names {
		for _, t := range r.secretTargets(g, n, depth) {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// jobResults computes starters and effective permissions for every job.
func (r *resolver) jobResults(g *ghWorkflow, c *wfCtx) []jobResult {
	res := make([]jobResult, len(g.wf.Jobs))
	done := make([]bool, len(g.wf.Jobs))
	index := map[string]int{}
	for i, j := range g.wf.Jobs {
		index[j.ID] = i
	}
	var compute func(i, depth int)
	compute = func(i, depth int) {
		if done[i] || depth > len(g.wf.Jobs) {
			return
		}
		done[i] = true
		job := &g.wf.Jobs[i]
		gj := g.jobs[i]
		jr := jobResult{}
		// Effective GITHUB_TOKEN permissions. A called run gets the caller
		// job's token, which the called workflow can only narrow (the meet
		// of the two); a run of the workflow's own triggers gets its own
		// permissions or the default. Over all runs, the join.
		switch {
		case gj.declared != nil:
			jr.perms, jr.source = gj.declared.Effective.Clone(), "job"
		case g.wf.Permissions != nil:
			jr.perms, jr.source = g.wf.Permissions.Effective.Clone(), "workflow"
		}
		if len(c.callerPerms) > 0 {
			var joined inventory.Permissions
			for _, cp := range c.callerPerms {
				p := cp
				if jr.perms != nil {
					p = jr.perms.Meet(cp)
					p = p.Raise(inventory.ResMetadata, inventory.Read)
				}
				joined = joined.Join(p)
			}
			switch {
			case c.direct && jr.perms == nil:
				joined = joined.Join(r.tokenDefault)
				jr.source = r.tokenDefaultSource
			case c.direct:
				joined = joined.Join(jr.perms)
			case jr.source == "":
				jr.source = "caller"
			}
			jr.perms = joined
		}
		if jr.perms == nil {
			jr.perms, jr.source = r.tokenDefault, r.tokenDefaultSource
		}
		jr.idToken = jr.perms.Get(inventory.ResIDToken) >= inventory.Write
		gj.idToken = jr.idToken
		// Starters: base events narrowed by the job's if:, its needs and its
		// permission-check steps.
		var needs []int
		for _, n := range job.Needs {
			if k, ok := index[n]; ok && k != i {
				compute(k, depth+1)
				needs = append(needs, k)
			}
		}
		lenient := gj.ifNode != nil && statusFunctions(gj.ifNode)
		permStep := slices.ContainsFunc(job.Steps, func(s inventory.Step) bool { return s.PermissionCheck })
		for _, e := range c.events {
			s := inventory.Starter{Event: e.name, Audience: e.audience, Privileged: e.privileged, Gates: slices.Clone(e.gates), Location: e.loc}
			ge := gateEval{event: e.name, outputs: r.needsOutputs(g, job, index, routeEvent{name: e.name, types: e.types})}
			if e.name == "issues" && (len(e.types) == 0 || slices.Contains(e.types, "opened")) {
				ge.selfLabels = r.issueTemplateLabels()
			}
			v := triUnknown
			if gj.ifNode != nil {
				v = ge.eval(gj.ifNode)
			}
			if v == triFalse && len(ge.gates) == 0 {
				continue // the job never runs on this event
			}
			if v == triFalse {
				narrow(&s, inventory.AudienceWrite, sortedKeys(ge.gates)...)
			}
			excluded := false
			for _, k := range needs {
				ns, ok := starterFor(res[k].starters, e.name)
				if !ok {
					if !lenient {
						excluded = true
					}
					continue
				}
				if !lenient && inventory.AudienceRank(ns.Audience) > inventory.AudienceRank(s.Audience) {
					narrow(&s, ns.Audience, inventory.GateNeeds)
				}
			}
			if excluded {
				continue
			}
			if permStep {
				narrow(&s, inventory.AudienceWrite, inventory.GatePermissionStep)
			}
			if job.Environment != nil && !slices.Contains(s.Gates, inventory.GateEnvironment) {
				s.Gates = append(s.Gates, inventory.GateEnvironment)
			}
			jr.starters = append(jr.starters, s)
		}
		res[i] = jr
		job.Gates = jobGates(job, gj)
	}
	for i := range g.wf.Jobs {
		compute(i, 0)
	}
	return res
}

// needsOutputs looks up `needs.<job>.outputs.<name>` for one event among
// the jobs job needs.
func (r *resolver) needsOutputs(g *ghWorkflow, job *inventory.Job, index map[string]int, e routeEvent) func(string) ([]string, bool) {
	return func(p string) ([]string, bool) {
		rest, _ := strings.CutPrefix(p, "needs.")
		id, out, ok := strings.Cut(rest, ".outputs.")
		if !ok || strings.Contains(out, ".") {
			return nil, false
		}
		for _, n := range job.Needs {
			if !strings.EqualFold(n, id) {
				continue
			}
			k, ok := index[n]
			if !ok || g.jobs[k].call != nil {
				return nil, false // a reusable workflow's outputs are not read
			}
			return g.jobs[k].routes[out].values(e)
		}
		return nil, false
	}
}

func starterFor(ss []inventory.Starter, event string) (inventory.Starter, bool) {
	for _, s := range ss {
		if s.Event == event {
			return s, true
		}
	}
	return inventory.Starter{}, false
}

// narrow lowers a starter's audience to at most a, recording the gates.
func narrow(s *inventory.Starter, a inventory.Audience, gates ...string) {
	if inventory.AudienceRank(a) > inventory.AudienceRank(s.Audience) {
		s.Audience = a
	}
	for _, g := range gates {
		if !slices.Contains(s.Gates, g) {
			s.Gates = append(s.Gates, g)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// jobGates lists the gates of a job for the inventory.
func jobGates(job *inventory.Job, gj *ghJob) []inventory.Gate {
	var out []inventory.Gate
	if gj.ifNode != nil {
		seen := map[string]bool{}
		for _, ev := range []string{"issue_comment", "pull_request_target", "issues", "workflow_run", "pull_request_review_comment", "discussion_comment"} {
			ge := gateEval{event: ev}
			ge.eval(gj.ifNode)
			for _, k := range sortedKeys(ge.gates) {
				if !seen[k] {
					seen[k] = true
					out = append(out, inventory.Gate{Kind: k, Detail: ge.gates[k], Location: job.Location})
				}
			}
		}
	}
	for _, s := range job.Steps {
		if s.PermissionCheck {
			out = append(out, inventory.Gate{Kind: inventory.GatePermissionStep, Detail: cmpStr(s.Uses, "run: script"), Location: s.Location})
		}
	}
	if job.Environment != nil {
		out = append(out, inventory.Gate{Kind: inventory.GateEnvironment, Detail: "environment " + job.Environment.Name +
			" (required reviewers are not visible to a local scan)", Location: job.Environment.Location})
	}
	return out
}

// literalID is the id the detection engine gives a literal value assigned to
// name; false without Options.Values.
func (r *resolver) literalID(name, value string) (string, bool) {
	if r.values == nil {
		return "", false
	}
	c, _ := r.values.Embedded(name, []byte(value))
	return c.ID, true
}
