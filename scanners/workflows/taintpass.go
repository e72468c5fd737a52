package workflows

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/agentreach/agentreach/inventory"
)

// wfTaint is what the taint pass keeps of a workflow for the workflows it
// calls.
type wfTaint struct {
	callInputs []map[string][]flow // per job: the with: of its reusable-workflow call
}

// taint runs the taint pass over a workflow once: it adds the indirect
// injections to its steps and follows env references into checkout refs.
// Callers are evaluated first, for the inputs they pass.
func (r *resolver) taint(g *ghWorkflow) *wfTaint {
	if g.taint != nil {
		return g.taint
	}
	if g.busy || g.ast == nil {
		return &wfTaint{}
	}
	g.busy = true
	defer func() { g.busy = false }()
	t := &wfTaint{callInputs: make([]map[string][]flow, len(g.jobs))}
	inputs := map[string][]flow{}
	if slices.ContainsFunc(g.events, func(e ghEvent) bool { return e.name == "workflow_call" }) {
		for _, cl := range r.callers[g.wf.Path] {
			ct := r.taint(cl.g)
			if cl.job < len(ct.callInputs) {
				for k, fs := range ct.callInputs[cl.job] {
					inputs[k] = union(inputs[k], fs...)
				}
			}
		}
	}
	wfs := &scope{env: map[string]envVal{}, steps: map[string]*stepOut{}, inputs: inputs}
	addEnv(g.file, wfs, g.ast.Env, "workflow env")
	index := map[string]int{}
	for i, j := range g.wf.Jobs {
		index[strings.ToLower(j.ID)] = i
	}
	needs := map[string]map[string][]flow{}
	done := make([]bool, len(g.wf.Jobs))
	var visit func(i, depth int)
	visit = func(i, depth int) {
		if done[i] || depth > len(g.wf.Jobs) {
			return
		}
		done[i] = true
		for _, n := range g.wf.Jobs[i].Needs {
			if k, ok := index[strings.ToLower(n)]; ok {
				visit(k, depth+1)
			}
		}
		outs, call := r.taintJob(g, i, wfs, needs)
		needs[strings.ToLower(g.wf.Jobs[i].ID)] = outs
		t.callInputs[i] = call
	}
	for i := range g.wf.Jobs {
		visit(i, 0)
	}
	g.taint = t
	return t
}

// addEnv evaluates an env: block in sc (the block's variables cannot see
// each other) and adds it.
func addEnv(file inventory.Location, sc *scope, env *actionlint.Env, where string) {
	if env == nil {
		return
	}
	vals := map[string]envVal{}
	for k, v := range env.Vars {
		if v == nil || v.Value == nil {
			continue
		}
		name := k
		if v.Name != nil {
			name = v.Name.Value
		}
		vals[strings.ToLower(name)] = envVal{name: name, raw: v.Value.Value, flows: sc.flowsOf(v.Value.Value),
			where: fmt.Sprintf("%s, line %d", where, at(file, v.Value.Pos).Line), str: v.Value, file: file}
	}
	for k, v := range vals {
		sc.env[k] = v
	}
}

type stepKey struct {
	path      string
	line, col int
}

func keyOf(file inventory.Location, p *actionlint.Pos) stepKey {
	l := at(file, p)
	return stepKey{file.Path, l.Line, l.Column}
}

// frame is the scope of the steps of the job or of one composite action
// invocation.
type frame struct {
	sc  *scope
	dir string
}

// taintJob runs the pass over one job and returns its outputs and the
// inputs it passes to a reusable workflow.
func (r *resolver) taintJob(g *ghWorkflow, ji int, wfs *scope, needs map[string]map[string][]flow) (map[string][]flow, map[string][]flow) {
	job := &g.wf.Jobs[ji]
	a := g.jobs[ji].ast
	if a == nil {
		return nil, nil
	}
	top := wfs.clone()
	top.steps = map[string]*stepOut{}
	top.needs = needs
	addEnv(g.file, top, a.Env, "job env")
	var call map[string][]flow
	if wc := a.WorkflowCall; wc != nil {
		call = map[string][]flow{}
		for name, in := range wc.Inputs {
			if in == nil || in.Value == nil {
				continue
			}
			if fs := top.flowsOf(in.Value.Value); len(fs) > 0 {
				call[strings.ToLower(name)] = wrap(fs, fmt.Sprintf("input %s, which %s#%s passes (line %d)", name, g.wf.Path, job.ID, at(g.file, in.Value.Pos).Line))
			}
		}
	}
	byPos := map[stepKey]*actionlint.Step{}
	for _, s := range a.Steps {
		if s != nil {
			byPos[keyOf(g.file, s.Pos)] = s
		}
	}
	files := map[string]inventory.Location{}
	for _, st := range job.Steps {
		if d := st.FromAction; d != "" {
			if act := r.st.actions[d]; act != nil && files[d].Path == "" {
				files[d] = act.file
				for _, s := range act.steps {
					byPos[keyOf(act.file, s.Pos)] = s
				}
			}
		}
	}
	stack := []frame{{sc: top}}
	dyn := map[string]envVal{} // $GITHUB_ENV, for the steps after the one that writes it
	inj := &injector{job: job, seen: map[string]bool{}}
	for k := range job.Steps {
		st := &job.Steps[k]
		for len(stack) > 1 && stack[len(stack)-1].dir != st.FromAction {
			stack = stack[:len(stack)-1]
		}
		fr := stack[len(stack)-1]
		file := g.file
		if st.FromAction != "" {
			file = files[st.FromAction]
		}
		as := byPos[stepKey{file.Path, st.Location.Line, st.Location.Column}]
		if as == nil {
			continue
		}
		sc := fr.sc.clone()
		for n, v := range dyn {
			sc.env[n] = v
		}
		addEnv(file, sc, as.Env, "step env")
		if child := r.taintStep(file, k, st, as, sc, inj, dyn); child != nil {
			stack = append(stack, *child)
		}
	}
	outs := map[string][]flow{}
	for name, o := range a.Outputs {
		if o != nil && o.Value != nil {
			outs[strings.ToLower(name)] = top.flowsOf(o.Value.Value)
		}
	}
	return outs, call
}

// taintStep reads one step: its sinks, what it outputs, and for a local
// composite action the frame its steps run in.
func (r *resolver) taintStep(file inventory.Location, k int, st *inventory.Step, as *actionlint.Step, sc *scope, inj *injector, dyn map[string]envVal) *frame {
	id := ""
	if as.ID != nil {
		id = strings.ToLower(as.ID.Value)
	}
	label := cmpStr(id, st.Name)
	if label == "" {
		label = fmt.Sprintf("#%d", st.Index+1)
	}
	so := &stepOut{outputs: map[string][]flow{}, raws: map[string]string{}, line: st.Location.Line}
	var child *frame
	switch e := as.Exec.(type) {
	case *actionlint.ExecRun:
		if e.Run == nil {
			break
		}
		inj.sink(sc, file, k, e.Run, "run", "")
		vars := map[string]sval{}
		for _, v := range sc.env {
			if len(v.flows) > 0 {
				vars[v.name] = sval{text: wrap(v.flows, "env "+v.name+" ("+v.where+")")}
			}
		}
		var fallback []flow
		if st.Agent != nil {
			so.agent = st.Agent.Product
			so.prompt = sc.flowsOf(e.Run.Value)
			for _, v := range vars {
				so.prompt = union(so.prompt, v.text...)
			}
			fallback = agentFlows(so, label, "text")
		}
		w := readScript(e.Run.Value, sc.flowsOf, vars, fallback)
		so.outputs, so.raws = w.outputs, w.raws
		for name, fs := range w.env {
			dyn[strings.ToLower(name)] = envVal{name: name, raw: w.envRaw[name], flows: fs,
				where: fmt.Sprintf("written to $GITHUB_ENV by step %s, line %d", label, st.Location.Line)}
		}
		if st.Agent != nil {
			so.agent = "" // its outputs are what the script wrote
		}
	case *actionlint.ExecAction:
		if e.Uses == nil {
			break
		}
		inputs := map[string]*actionlint.String{}
		for n, in := range e.Inputs {
			if in != nil && in.Value != nil {
				inputs[strings.ToLower(n)] = in.Value
			}
		}
		name := actionName(e.Uses.Value)
		allFlows := func() []flow {
			var fs []flow
			for _, v := range inputs {
				fs = union(fs, sc.flowsOf(v.Value)...)
			}
			return fs
		}
		switch {
		case name == "actions/github-script":
			inj.sink(sc, file, k, inputs["script"], "script", "")
			if s := inputs["script"]; s != nil {
				so.outputs = readJS(s.Value, sc.flowsOf, func(n string) []flow {
					if v, ok := sc.env[strings.ToLower(n)]; ok {
						return wrap(v.flows, "env "+v.name+" ("+v.where+")")
					}
					return nil
				})
			}
		case st.Agent != nil:
			for _, pk := range promptInputs {
				inj.sink(sc, file, k, inputs[pk], "prompt ("+pk+")", st.Agent.Product)
			}
			inj.sink(sc, file, k, inputs["claude_args"], "agent arguments (claude_args)", st.Agent.Product)
			r.commandSinks(sc, file, k, st, inputs, inj)
			so.agent, so.prompt = st.Agent.Product, allFlows()
		case llmActions[name] != "":
			so.agent, so.prompt = llmActions[name]+" model", allFlows()
		case fetchActions[name] != nil:
			so.fetch, so.fetchBy = fetchActions[name], name
		case strings.HasPrefix(e.Uses.Value, "./"):
			dir := localDir(e.Uses.Value)
			if act := r.st.actions[dir]; act != nil && act.composite {
				ins := map[string][]flow{}
				for n, v := range inputs {
					for _, h := range sc.spans(v.Value) {
						for _, f := range h.flows {
							if f.site == nil {
								f.site = &site{step: k, expr: h.expr, input: n, dir: dir, loc: exprLoc(file, v, h.off)}
							}
							ins[n] = union(ins[n], f)
						}
					}
				}
				cs := &scope{env: sc.env, steps: map[string]*stepOut{}, inputs: ins, needs: sc.needs, dir: dir}
				child = &frame{sc: cs, dir: dir}
			}
		}
		if co := st.Checkout; co != nil && !co.ByScript && !co.UntrustedRef {
			checkoutVia(sc, co, inputs["ref"], inputs["repository"])
		}
	}
	if id != "" {
		sc.steps[id] = so
	}
	return child
}

// injector records the indirect injections of a job's steps.
type injector struct {
	job  *inventory.Job
	seen map[string]bool
}

// sink records the tainted expressions of a value that step k expands into
// a script or prompt. Direct github.event expressions were recorded when
// the step was parsed.
func (in *injector) sink(sc *scope, file inventory.Location, k int, s *actionlint.String, into, agent string) {
	in.sinkVia(sc, file, k, s, into, agent, false, "")
}

// sinkVia is sink for a value that reaches the sink of step k by another
// way than being expanded there (an env variable a custom command's prompt
// reads): its direct github.event expressions count too (withDirect), and
// via, when set, leads what the injection says about where the text comes
// from.
func (in *injector) sinkVia(sc *scope, file inventory.Location, k int, s *actionlint.String, into, agent string, withDirect bool, via string) {
	if s == nil || !strings.Contains(s.Value, "${{") {
		return
	}
	for _, h := range sc.spans(s.Value) {
		if h.direct && !withDirect {
			continue
		}
		// One injection per place the text is written: here, or in the
		// with: of the step that called this composite action.
		var sites []*site
		for _, f := range h.flows {
			if !slices.Contains(sites, f.site) {
				sites = append(sites, f.site)
			}
		}
		for _, st := range sites {
			var fs []flow
			for _, f := range h.flows {
				if f.site == st {
					fs = append(fs, f)
				}
			}
			step, loc, expr, intoS := k, exprLoc(file, s, h.off), h.expr, into
			if st != nil {
				step, loc, expr = st.step, st.loc, st.expr
				intoS = into + " through input " + st.input + " of ./" + st.dir
			}
			origins := originsOf(fs)
			if len(origins) == 1 && origins[0] == expr {
				origins = nil
			}
			var vias []string
			if via != "" {
				vias = append(vias, via)
			}
			for _, f := range fs {
				if f.via != "" && !slices.Contains(vias, f.via) && len(vias) < 3 {
					vias = append(vias, f.via)
				}
			}
			key := fmt.Sprintf("%d:%d:%d:%s:%s", step, loc.Line, loc.Column, expr, intoS)
			if in.seen[key] || step >= len(in.job.Steps) {
				continue
			}
			in.seen[key] = true
			in.job.Steps[step].Injections = append(in.job.Steps[step].Injections, inventory.Injection{
				Expression: expr, Into: intoS, Location: loc, Origins: origins, Via: strings.Join(vias, "; "), Agent: agent})
		}
	}
}

var (
	envRefRe    = regexp.MustCompile(`(?i)\benv\.([A-Za-z_][A-Za-z0-9_]*)`)
	outputRefRe = regexp.MustCompile(`(?i)\bsteps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)`)
)

// checkoutVia follows env and step-output references of a checkout's ref
// and repository inputs to the values they were set from.
func checkoutVia(sc *scope, co *inventory.Checkout, ref, repo *actionlint.String) {
	for _, c := range []struct {
		s  *actionlint.String
		re *regexp.Regexp
	}{{ref, untrustedRefRe}, {repo, forkRepoRe}} {
		if c.s == nil {
			continue
		}
		raw, via := sc.resolveRaw(c.s.Value, 0)
		if via != "" && c.re.MatchString(raw) {
			co.UntrustedRef = true
			co.Via = via
			return
		}
	}
}

// resolveRaw replaces env and step-output references of s by the values
// they were set from, and says which it replaced.
func (sc *scope) resolveRaw(s string, depth int) (string, string) {
	if depth > 4 || !strings.Contains(s, "${{") {
		return s, ""
	}
	var vias []string
	out := envRefRe.ReplaceAllStringFunc(s, func(m string) string {
		name := strings.ToLower(m[len("env."):])
		v, ok := sc.env[name]
		if !ok {
			return m
		}
		raw, _ := sc.resolveRaw(v.raw, depth+1)
		vias = append(vias, fmt.Sprintf("env %s = %s (%s)", v.name, oneLine(raw), v.where))
		return raw
	})
	out = outputRefRe.ReplaceAllStringFunc(out, func(m string) string {
		p := outputRefRe.FindStringSubmatch(m)
		so := sc.steps[strings.ToLower(p[1])]
		if so == nil {
			return m
		}
		raw, ok := so.raws[strings.ToLower(p[2])]
		if !ok {
			return m
		}
		raw, _ = sc.resolveRaw(raw, depth+1)
		vias = append(vias, fmt.Sprintf("output %s of step %s = %s (line %d)", p[2], p[1], oneLine(raw), so.line))
		return raw
	})
	return out, strings.Join(vias, "; ")
}
