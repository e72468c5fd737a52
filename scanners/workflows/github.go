// Package workflows reads CI definitions — GitHub Actions workflows (with
// actionlint's parser, for exact positions), local composite actions and
// GitLab CI files — and records each workflow, its jobs as agents, who can
// start them, and which credentials they reach and how.
package workflows

import (
	"cmp"
	"fmt"
	"iter"
	"regexp"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/agentreach/agentreach/inventory"
)

// ghWorkflow is a parsed GitHub workflow with the parse-time facts that
// Finish needs to resolve cross-file reach.
type ghWorkflow struct {
	wf     *inventory.Workflow
	file   inventory.Location
	events []ghEvent
	jobs   []*ghJob // in the order of wf.Jobs
	env    []ref    // workflow-level env references
	// callSecrets are the secrets declared under on.workflow_call.secrets
	// (upper case): parameters whose values the callers choose.
	callSecrets map[string]bool
	ast         *actionlint.Workflow
	taint       *wfTaint // computed once by Finish (taintpass.go)
	busy        bool
}

type ghEvent struct {
	name      string
	types     []string
	workflows []string // workflow_run upstream names
	loc       inventory.Location
}

type ghJob struct {
	ifNode    actionlint.ExprNode
	ifRaw     string
	stepIfs   []actionlint.ExprNode // per step
	refs      []ref
	literals  []literal
	call      *callInfo
	egress    bool // harden-runner with egress-policy: block
	idToken   bool // id-token: write declared on the job or workflow
	declared  *inventory.PermissionBlock
	stepLocal []int // steps using ./local actions
	// ownRepoVars are the env variables (workflow, job) that hold this
	// repository's name, upper case, with GITHUB_REPOSITORY.
	ownRepoVars map[string]bool
	routes      map[string]*outputRoute // job outputs (lower case) whose values can be read
	// localWith holds the with: values, as written, of the steps that use
	// ./local actions (by step index): a composite action's steps read
	// them as ${{ inputs.x }}.
	localWith map[int]map[string]string
	ast       *actionlint.Job
}

// ref is a credential reference before it is bound to a credential id.
type ref struct {
	name string // secret name (upper case); "*" for all; "GITHUB_TOKEN"
	via  inventory.ReachVia
	step int
	loc  inventory.Location
	env  string // the env or input name it is bound to
}

// literal is a literal value that may be a credential the detection engine
// also finds: Finish asks the engine for its id (Options.Values) and links
// the job to that credential. The value is kept only in memory until then
// and never recorded.
type literal struct {
	name  string // the env variable or input it is assigned to
	value string
	via   inventory.ReachVia
	step  int
	loc   inventory.Location
}

type callInfo struct {
	uses    string
	local   string // repository-relative path of a local reusable workflow
	inherit bool
	secrets map[string]secretUse // callee secret name (upper) → caller expression
}

// ParseGitHub parses one GitHub Actions workflow. It returns an error when
// the file is not a workflow it can read (invalid YAML, alias expansion over
// the limit); lint-level problems that actionlint reports beside a usable
// syntax tree come back as notes.
func ParseGitHub(file inventory.Location, data []byte) (*inventory.Workflow, []string, error) {
	g, notes, err := parseGitHub(file, data, newAgentTable(AgentOptions{}))
	if err != nil {
		return nil, nil, err
	}
	return g.wf, notes, nil
}

// duplicateKeyRe is actionlint's message for a key defined twice in one
// mapping, which GitHub refuses the whole workflow file for ("'env' is
// already defined").
var duplicateKeyRe = regexp.MustCompile(`^key "([^"]+)" is duplicated in "?([^".]+)"? (?:section|job|step)?`)

// refusedBy says why GitHub would refuse to run a workflow that actionlint
// parsed with errors, "" when none of the errors makes GitHub refuse it.
// Only a duplicated key is taken for certain: other syntax problems
// actionlint reports are stricter than GitHub, or are GitHub's too but not
// tested here.
func refusedBy(errs []*actionlint.Error) string {
	for _, e := range errs {
		if e == nil || e.Kind != "syntax-check" {
			continue
		}
		if m := duplicateKeyRe.FindStringSubmatch(e.Message); m != nil {
			return fmt.Sprintf("key %q is defined twice (again at line %d)", m[1], e.Line)
		}
	}
	return ""
}

func parseGitHub(file inventory.Location, data []byte, agents *agentTable) (*ghWorkflow, []string, error) {
	if err := checkYAMLSize(data); err != nil {
		return nil, nil, err
	}
	w, errs := actionlint.Parse(data)
	if w == nil {
		msg := "invalid workflow"
		if len(errs) > 0 {
			msg = fmt.Sprintf("invalid workflow YAML at line %d: %s", errs[0].Line, oneLine(errs[0].Message))
		}
		return nil, nil, fmt.Errorf("%s", msg)
	}
	var notes []string
	if len(errs) > 0 {
		notes = append(notes, fmt.Sprintf("parsed with %d syntax problem(s); first at line %d: %s", len(errs), errs[0].Line, oneLine(errs[0].Message)))
	}
	wf := &inventory.Workflow{Source: file.Source, Platform: inventory.PlatformGitHub, Path: file.Path, Root: file.Root}
	wf.Refused = refusedBy(errs)
	g := &ghWorkflow{wf: wf, file: file, ast: w}
	if w.Name != nil {
		wf.Name = w.Name.Value
	}
	for _, ev := range w.On {
		loc := at(file, eventPos(ev))
		wf.Triggers = append(wf.Triggers, inventory.Trigger{Event: ev.EventName(), Location: loc})
		e := ghEvent{name: ev.EventName(), loc: loc}
		if h, ok := ev.(*actionlint.WebhookEvent); ok {
			for _, t := range h.Types {
				if t != nil {
					e.types = append(e.types, strings.ToLower(t.Value))
				}
			}
			for _, n := range h.Workflows {
				if n != nil {
					e.workflows = append(e.workflows, n.Value)
				}
			}
		}
		if wc, ok := ev.(*actionlint.WorkflowCallEvent); ok {
			for id, sec := range wc.Secrets {
				if g.callSecrets == nil {
					g.callSecrets = map[string]bool{}
				}
				name := id
				if sec != nil && sec.Name != nil {
					name = sec.Name.Value
				}
				g.callSecrets[strings.ToUpper(name)] = true
			}
		}
		g.events = append(g.events, e)
	}
	var pnotes []string
	wf.Permissions, pnotes = permissionBlock(file, w.Permissions)
	notes = append(notes, pnotes...)
	g.env = envRefs(file, w.Env, inventory.ViaJobEnv, -1, nil)

	defaults := workflowCallDefaults(w)
	ids := make([]string, 0, len(w.Jobs))
	for id := range w.Jobs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	type pair struct {
		job inventory.Job
		gj  *ghJob
	}
	var jobs []pair
	for _, id := range ids {
		j := w.Jobs[id]
		if j == nil {
			continue
		}
		job, gj, jn := parseJob(file, id, j, agents, ownRepoVars(w.Env, nil))
		notes = append(notes, jn...)
		if j.RunsOn != nil {
			expr := j.RunsOn.LabelsExpr != nil || slices.ContainsFunc(j.RunsOn.Labels, func(l *actionlint.String) bool {
				return l != nil && strings.Contains(l.Value, "${{")
			})
			applyRunner(&job, evalRunsOn(j.RunsOn, j.Strategy, defaults), expr)
		}
		if wf.Permissions != nil && wf.Permissions.Effective.Get(inventory.ResIDToken) >= inventory.Write && job.Permissions == nil {
			gj.idToken = true
		}
		gj.refs = append(slices.Clone(g.env), gj.refs...)
		job.TokenUnused = tokenUnused(&job, gj)
		jobs = append(jobs, pair{job, gj})
	}
	slices.SortStableFunc(jobs, func(a, b pair) int { return cmp.Compare(a.job.Location.Line, b.job.Location.Line) })
	for _, p := range jobs {
		wf.Jobs = append(wf.Jobs, p.job)
		g.jobs = append(g.jobs, p.gj)
	}
	return g, notes, nil
}

// tokenUnused says that nothing in the job can use its GITHUB_TOKEN: it
// calls no reusable workflow, every step is a run: script (no action, which
// could take github.token as a default input) of inert commands only (echo,
// test, jq, … — no build tool, interpreter or agent, any of which could read
// the token out of the runner's memory, as the tj-actions/changed-files
// compromise did with secrets), and no expression of the workflow's env, the
// job or its steps names github.token, secrets.GITHUB_TOKEN, the whole
// secrets context or the whole github context. The runner gives a script the
// token only through such an expression. A gatekeeper job that echoes is one.
func tokenUnused(job *inventory.Job, gj *ghJob) bool {
	if job.Uses != "" || len(job.Steps) == 0 || job.AllSecrets {
		return false
	}
	for _, s := range job.Steps {
		if s.Uses != "" || !s.Run || s.RunsWorkspace || s.Agent != nil || len(s.Injections) > 0 {
			// An expression injected into the script is code someone else
			// runs in the job, and that code can read the token.
			return false
		}
	}
	for _, r := range gj.refs {
		if r.name == "GITHUB_TOKEN" || r.name == "*" {
			return false
		}
	}
	return true
}

func parseJob(file inventory.Location, id string, j *actionlint.Job, agents *agentTable, own map[string]bool) (inventory.Job, *ghJob, []string) {
	job := inventory.Job{ID: id, Location: at(file, j.Pos)}
	gj := &ghJob{ast: j, ownRepoVars: ownRepoVars(j.Env, own)}
	var notes []string
	if j.ID != nil {
		job.ID = j.ID.Value
		job.Location = at(file, j.ID.Pos)
	}
	if j.Name != nil {
		job.Name = j.Name.Value
	}
	var pn []string
	job.Permissions, pn = permissionBlock(file, j.Permissions)
	notes = append(notes, pn...)
	gj.declared = job.Permissions
	if job.Permissions != nil && job.Permissions.Effective.Get(inventory.ResIDToken) >= inventory.Write {
		gj.idToken = true
	}
	job.Agent = jobAgentID(file, job.ID)
	if j.If != nil {
		job.If = j.If.Value
		gj.ifRaw = j.If.Value
		gj.ifNode = parseCondition(j.If.Value)
		gj.refs = append(gj.refs, stringRefs(file, j.If.Value, j.If.Pos, inventory.ViaSameJob, -1, "")...)
	}
	for _, n := range j.Needs {
		if n != nil {
			job.Needs = append(job.Needs, n.Value)
		}
	}
	if r := j.RunsOn; r != nil {
		for _, l := range r.Labels {
			if l == nil {
				continue
			}
			job.RunsOn = append(job.RunsOn, l.Value)
			if strings.EqualFold(strings.TrimSpace(l.Value), "self-hosted") {
				job.SelfHosted = true
			}
		}
		if r.LabelsExpr != nil {
			job.RunsOn = append(job.RunsOn, r.LabelsExpr.Value)
		}
		if r.Group != nil {
			job.RunsOn = append(job.RunsOn, "group:"+r.Group.Value)
		}
	}
	if e := j.Environment; e != nil && e.Name != nil {
		job.Environment = &inventory.JobEnvironment{Name: e.Name.Value, Location: at(file, e.Name.Pos), Protected: "unknown"}
	}
	gj.refs = append(gj.refs, envRefs(file, j.Env, inventory.ViaJobEnv, -1, &gj.literals)...)
	for _, c := range []*actionlint.Container{j.Container} {
		gj.refs = append(gj.refs, containerRefs(file, c)...)
	}
	if j.Services != nil {
		for _, s := range j.Services.Value {
			if s != nil {
				gj.refs = append(gj.refs, containerRefs(file, s.Container)...)
			}
		}
	}
	if wc := j.WorkflowCall; wc != nil && wc.Uses != nil {
		job.Uses = wc.Uses.Value
		ci := &callInfo{uses: wc.Uses.Value, inherit: wc.InheritSecrets, secrets: map[string]secretUse{}}
		if p, ok := strings.CutPrefix(wc.Uses.Value, "./"); ok {
			ci.local = strings.TrimSuffix(p, "/")
		}
		loc := at(file, wc.Uses.Pos)
		if wc.InheritSecrets {
			job.InheritSecrets = true
			gj.refs = append(gj.refs, ref{name: "*", via: inventory.ViaSecretsInherit, step: -1, loc: loc})
		}
		for name, s := range wc.Secrets {
			if s == nil || s.Value == nil {
				continue
			}
			u := secretsIn(s.Value.Value)
			ci.secrets[strings.ToUpper(name)] = u
			gj.refs = append(gj.refs, useRefs(u, inventory.ViaWith, -1, at(file, s.Value.Pos), strings.ToUpper(name))...)
		}
		for _, in := range wc.Inputs {
			if in != nil && in.Value != nil {
				gj.refs = append(gj.refs, stringRefs(file, in.Value.Value, in.Value.Pos, inventory.ViaWith, -1, "")...)
			}
		}
		gj.call = ci
		if a, r, ok := agents.workflow(wc.Uses.Value); ok {
			// A reusable workflow in another repository that runs a coding
			// agent: the job is recorded with one step that stands for it.
			st := inventory.Step{Index: 0, Uses: wc.Uses.Value, Location: loc, Agent: workflowAgent(a, r, wc.Uses.Value)}
			for _, k := range a.keyInputs {
				for _, n := range ci.secrets[strings.ToUpper(k)].names {
					st.Agent.OwnKeys = appendUnique(st.Agent.OwnKeys, inventory.GitHubSecretID(file.Source, n))
				}
			}
			if why := unpinnedRef(r); why != "" {
				st.Agent.Supply = append(st.Agent.Supply, inventory.AgentSupply{What: "reusable workflow " + sanitizeRef(wc.Uses.Value), Unpinned: why})
			}
			job.Steps = append(job.Steps, st)
			gj.stepIfs = append(gj.stepIfs, nil)
		}
	}
	for i, s := range j.Steps {
		if s == nil {
			continue
		}
		st := parseStep(file, i, s, agents, gj)
		job.Steps = append(job.Steps, st)
		var cond actionlint.ExprNode
		if s.If != nil {
			cond = parseCondition(s.If.Value)
		}
		gj.stepIfs = append(gj.stepIfs, cond)
	}
	for _, r := range gj.refs {
		if r.name == "*" && r.via == inventory.ViaAllSecrets {
			job.AllSecrets = true
		}
	}
	dropWrappedAgents(&job, j)
	installedAgents(&job, j)
	stepTokens(&job, j)
	gj.routes = jobRoutes(j)
	return job, gj, notes
}

// pairedSteps yields each recorded step of a job with the step of the
// syntax tree it was parsed from (the tree may hold nil steps, which were
// not recorded).
func pairedSteps(job *inventory.Job, j *actionlint.Job) iter.Seq2[*inventory.Step, *actionlint.Step] {
	return func(yield func(*inventory.Step, *actionlint.Step) bool) {
		k := 0
		for _, s := range j.Steps {
			if s == nil {
				continue
			}
			if k >= len(job.Steps) || !yield(&job.Steps[k], s) {
				return
			}
			k++
		}
	}
}

// wrapperLinkRe finds a script line that puts a file under the name of a
// coding-agent CLI on the PATH: `ln -sf "$(pwd)/scripts/gemini-cli.cjs"
// /usr/local/bin/gemini`, `cp tools/claude ~/.local/bin/claude`.
var wrapperLinkRe = regexp.MustCompile(`(?m)^\s*(?:sudo\s+)?(?:ln\s+-[A-Za-z]*s[A-Za-z]*|cp|install(?:\s+-m\s*\d+)?)\s+(?:-[A-Za-z]+\s+)*("[^"]+"|'[^']+'|\S+)\s+["']?(?:\S*/)?([A-Za-z][A-Za-z0-9-]*)["']?\s*$`)

// dropWrappedAgents forgets the agents a job's scripts recognised by a CLI
// name when an earlier line of the job (or the same script) installs a file
// of the repository or the workspace under that name: the job's own
// program, not the vendor's agent (a wrapper that sends one API request has
// no tools). A file from an installed package (node_modules, the agent's
// npm package) keeps the agent.
func dropWrappedAgents(job *inventory.Job, j *actionlint.Job) {
	wrapped := map[string]bool{}
	for st, s := range pairedSteps(job, j) {
		if e, ok := s.Exec.(*actionlint.ExecRun); ok && e.Run != nil {
			for _, m := range wrapperLinkRe.FindAllStringSubmatch(e.Run.Value, -1) {
				src := strings.Trim(m[1], `"'`)
				if strings.Contains(src, "node_modules") || strings.Contains(src, "@") {
					continue
				}
				for _, c := range knownCommands {
					if c.name != "" && c.name == m[2] {
						wrapped[m[2]] = true
					}
				}
			}
		}
		if st.Agent != nil && st.Uses == "" && wrapped[st.Agent.Via] {
			st.Agent = nil
		}
	}
}

// globalInstallRe finds a global install of npm packages: npm install -g,
// npm i --global, pnpm add -g, yarn global add, bun add -g.
var globalInstallRe = regexp.MustCompile(`(?m)\b(?:npm\s+(?:i|install|add)\s+(?:[^\n;&|]*\s)?(?:-g|--global)\b|pnpm\s+(?:add|install)\s+(?:[^\n;&|]*\s)?(?:-g|--global)\b|yarn\s+global\s+add\b|bun\s+(?:add|install)\s+(?:[^\n;&|]*\s)?(?:-g|--global)\b)([^\n;&|]*)`)

// installedAgents records a coding agent that a job installs globally
// (npm install -g @anthropic-ai/claude-code) but runs through something
// the scan does not read — a release tool, a script of the repository —
// so that no step names its CLI: the install step stands for the agent,
// with the package's pin as its supply and its flags and prompt listed as
// not evaluated. A job that also runs the CLI in a step of its own has
// that step as the agent instead.
func installedAgents(job *inventory.Job, j *actionlint.Job) {
	runs := map[string]bool{}
	for _, st := range job.Steps {
		if st.Agent != nil {
			runs[st.Agent.Product] = true
		}
	}
	scriptInstalls(job, j, runs)
	for st, s := range pairedSteps(job, j) {
		e, ok := s.Exec.(*actionlint.ExecRun)
		if !ok || e.Run == nil || st.Agent != nil {
			continue
		}
		for _, m := range globalInstallRe.FindAllStringSubmatch(e.Run.Value, -1) {
			for _, spec := range strings.Fields(m[1]) {
				spec = strings.Trim(spec, `"'\`)
				if strings.HasPrefix(spec, "-") {
					continue
				}
				cmd, ok := npmPackages[stripVersion(spec)]
				if !ok {
					continue
				}
				product := ""
				for _, c := range knownCommands {
					if c.name == cmd {
						product = c.product
					}
				}
				if product == "" || runs[product] {
					continue
				}
				ag := &inventory.StepAgent{Product: product, Via: "npm install -g " + stripVersion(spec)}
				if why := npmUnpinned(spec); why != "" {
					ag.Supply = append(ag.Supply, inventory.AgentSupply{What: "npm package " + spec + " (installed globally)", Unpinned: why})
				}
				unparsed(ag, "this step installs "+cmd+" and no step of the job runs it by name (a program the scan does not read does): "+
					"its flags and prompt were not evaluated")
				st.Agent = ag
				runs[product] = true
				break
			}
			if st.Agent != nil {
				break
			}
		}
	}
}

// installScripts are the vendor install scripts of agent CLIs, run as
// `curl -fsSL URL | bash`: whatever the host serves at run time is what
// runs, with the job's token and secrets.
var installScripts = map[string]string{
	"opencode.ai/install":    "opencode",
	"claude.ai/install.sh":   "claude",
	"cursor.com/install":     "cursor-agent",
	"app.factory.ai/cli":     "droid",
	"ampcode.com/install.sh": "amp",
}

// curlPipeRe finds a script fetched with curl or wget and piped into a shell.
var curlPipeRe = regexp.MustCompile(`(?m)\b(?:curl|wget)\b[^\n|]*?https?://([^\s"'|]+)[^\n|]*\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b([^\n;&|]*)`)

// installVersionRe finds a version handed to an install script
// (`| bash -s -- 1.2.3`, `| bash -s "$PINNED_VERSION"`): the vendor's
// installer fetches that release, as npx does for pkg@1.2.3.
var installVersionRe = regexp.MustCompile(`-s\s+(?:--\s+)?\S`)

// scriptInstalls adds the supply of an agent CLI installed by piping its
// vendor's install script into a shell: to the step that runs it, or, when
// no step runs it by name, to the install step as the agent (as
// installedAgents does for npm).
func scriptInstalls(job *inventory.Job, j *actionlint.Job, runs map[string]bool) {
	for st, s := range pairedSteps(job, j) {
		e, ok := s.Exec.(*actionlint.ExecRun)
		if !ok || e.Run == nil {
			continue
		}
		for _, m := range curlPipeRe.FindAllStringSubmatch(e.Run.Value, -1) {
			url := strings.TrimPrefix(strings.TrimPrefix(m[1], "www."), "")
			cmd := ""
			for prefix, c := range installScripts {
				if strings.HasPrefix(url, prefix) {
					cmd = c
				}
			}
			if cmd == "" || installVersionRe.MatchString(m[2]) {
				continue
			}
			supply := inventory.AgentSupply{What: "install script https://" + url + " piped into a shell",
				Unpinned: "fetched at run time (whatever the host serves on the next run runs)"}
			product := ""
			for _, c := range knownCommands {
				if c.name == cmd {
					product = c.product
				}
			}
			added := false // to the first step that runs it: one install, one supply
			for i := range job.Steps {
				if ag := job.Steps[i].Agent; ag != nil && ag.Product == product && ag.Remote == "" {
					ag.Supply = append(ag.Supply, supply)
					added = true
					break
				}
			}
			if !added && st.Agent == nil && product != "" {
				ag := &inventory.StepAgent{Product: product, Via: "install script " + url, Supply: []inventory.AgentSupply{supply}}
				unparsed(ag, "this step installs "+cmd+" and no step of the job runs it by name (a program the scan does not read does): "+
					"its flags and prompt were not evaluated")
				st.Agent = ag
				runs[product] = true
			}
		}
	}
}

// stepTokenRe finds a reference to a step's token output (the token a
// GitHub App token step mints: steps.app.outputs.token).
var stepTokenRe = regexp.MustCompile(`steps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.token\b`)

// stepTokens records which step's minted token a checkout persists
// (Checkout.TokenStep) and which minted tokens each agent step holds
// (StepAgent.StepTokens): named in its inputs or env, in the job's env, or
// exported to GITHUB_ENV by an earlier run: script.
func stepTokens(job *inventory.Job, j *actionlint.Job) {
	ids := func(text string, into *[]string) {
		for _, m := range stepTokenRe.FindAllStringSubmatch(text, -1) {
			if !slices.Contains(*into, m[1]) {
				*into = append(*into, m[1])
			}
		}
	}
	envText := func(env *actionlint.Env) string {
		if env == nil {
			return ""
		}
		var b strings.Builder
		for _, v := range env.Vars {
			if v != nil && v.Value != nil {
				b.WriteString(v.Value.Value + "\n")
			}
		}
		return b.String()
	}
	var exported []string
	ids(envText(j.Env), &exported)
	for st, s := range pairedSteps(job, j) {
		switch e := s.Exec.(type) {
		case *actionlint.ExecRun:
			if e.Run != nil {
				for _, line := range strings.Split(e.Run.Value, "\n") {
					if strings.Contains(line, "GITHUB_ENV") {
						ids(line, &exported)
					}
				}
			}
		case *actionlint.ExecAction:
			if st.Checkout != nil {
				if in, ok := e.Inputs["token"]; ok && in != nil && in.Value != nil {
					var t []string
					ids(in.Value.Value, &t)
					if len(t) == 1 {
						st.Checkout.TokenStep = t[0]
					}
				}
			}
			if st.Agent != nil {
				held := slices.Clone(exported)
				for _, in := range e.Inputs {
					if in != nil && in.Value != nil {
						ids(in.Value.Value, &held)
					}
				}
				ids(envText(s.Env), &held)
				st.Agent.StepTokens = held
			}
		}
		if st.Agent != nil && st.Agent.StepTokens == nil {
			held := slices.Clone(exported)
			ids(envText(s.Env), &held)
			st.Agent.StepTokens = held
		}
	}
}

var stepOutputRe = regexp.MustCompile(`^\$\{\{\s*steps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}$`)

// jobRoutes reads the job's outputs that are literals or that an
// actions/github-script step sets (see route.go).
func jobRoutes(j *actionlint.Job) map[string]*outputRoute {
	out := map[string]*outputRoute{}
	for name, o := range j.Outputs {
		if o == nil || o.Value == nil {
			continue
		}
		v := strings.TrimSpace(o.Value.Value)
		if !strings.Contains(v, "${{") {
			out[strings.ToLower(name)] = &outputRoute{literal: &v}
			continue
		}
		m := stepOutputRe.FindStringSubmatch(v)
		if m == nil {
			continue
		}
		var step *actionlint.Step
		for _, s := range j.Steps {
			if s != nil && s.ID != nil && strings.EqualFold(s.ID.Value, m[1]) {
				if step != nil {
					step = nil // ambiguous
					break
				}
				step = s
			}
		}
		if step == nil {
			continue
		}
		e, ok := step.Exec.(*actionlint.ExecAction)
		if !ok || e.Uses == nil {
			continue
		}
		if name, _, _ := strings.Cut(strings.ToLower(e.Uses.Value), "@"); name != "actions/github-script" {
			continue
		}
		script, ok := e.Inputs["script"]
		if !ok || script == nil || script.Value == nil {
			continue
		}
		env := map[string]string{}
		for _, ev := range []*actionlint.Env{j.Env, step.Env} {
			if ev == nil {
				continue
			}
			if ev.Expression != nil {
				env = map[string]string{} // names it may set are unknown
			}
			for _, kv := range ev.Vars {
				if kv != nil && kv.Name != nil && kv.Value != nil {
					env[kv.Name.Value] = kv.Value.Value
				}
			}
		}
		if r := parseScriptRoute(script.Value.Value, m[2], env); r != nil {
			out[strings.ToLower(name)] = &outputRoute{script: r}
		}
	}
	return out
}

func containerRefs(file inventory.Location, c *actionlint.Container) []ref {
	if c == nil {
		return nil
	}
	var out []ref
	if cr := c.Credentials; cr != nil {
		for _, s := range []*actionlint.String{cr.Username, cr.Password, cr.Expression} {
			if s != nil {
				out = append(out, stringRefs(file, s.Value, s.Pos, inventory.ViaJobEnv, -1, "")...)
			}
		}
	}
	out = append(out, envRefs(file, c.Env, inventory.ViaJobEnv, -1, nil)...)
	return out
}

// envRefs reads the secret references of an env: block; literal values of
// credential-looking length are kept for hash linking.
func envRefs(file inventory.Location, env *actionlint.Env, via inventory.ReachVia, step int, lits *[]literal) []ref {
	if env == nil {
		return nil
	}
	var out []ref
	if env.Expression != nil {
		out = append(out, stringRefs(file, env.Expression.Value, env.Expression.Pos, via, step, "")...)
	}
	names := make([]string, 0, len(env.Vars))
	for k := range env.Vars {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		v := env.Vars[k]
		if v == nil || v.Value == nil {
			continue
		}
		name := k
		if v.Name != nil {
			name = v.Name.Value
		}
		out = append(out, stringRefs(file, v.Value.Value, v.Value.Pos, via, step, name)...)
		if lits != nil {
			if l, ok := literalValue(v.Value.Value); ok {
				*lits = append(*lits, literal{name: name, value: l, via: via, step: step, loc: at(file, v.Value.Pos)})
			}
		}
	}
	return out
}

// literalValue returns a literal value long enough to be a key (no
// expression, no whitespace), trimmed.
func literalValue(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if len(v) < 16 || len(v) > 4096 || strings.Contains(v, "${{") || strings.ContainsAny(v, " \t\n") || strings.HasPrefix(v, "$") {
		return "", false
	}
	return v, true
}

func stringRefs(file inventory.Location, s string, pos *actionlint.Pos, via inventory.ReachVia, step int, env string) []ref {
	u := secretsIn(s)
	return useRefs(u, via, step, at(file, pos), env)
}

func useRefs(u secretUse, via inventory.ReachVia, step int, loc inventory.Location, env string) []ref {
	var out []ref
	for _, n := range u.names {
		out = append(out, ref{name: n, via: via, step: step, loc: loc, env: env})
	}
	if u.all {
		out = append(out, ref{name: "*", via: inventory.ViaAllSecrets, step: step, loc: loc, env: env})
	}
	return out
}

var (
	untrustedRefRe  = regexp.MustCompile(`(?i)(github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|github\.event\.workflow_run\.head_(sha|branch)|refs/pull/|github\.event\.pull_request\.merge_commit_sha|github\.event\.issue\.number|outputs\.(head_ref|head_sha|pr_head|head|sha|ref|pr_ref|pr_sha)\b|github\.event\.workflow_run\.pull_requests)`)
	forkRepoRe      = regexp.MustCompile(`(?i)(github\.event\.pull_request\.head\.repo\.full_name|github\.event\.workflow_run\.head_repository\.full_name|outputs\.(head_repo|repo|repository)\b)`)
	scriptPRFetchRe = regexp.MustCompile(`(?i)(gh\s+pr\s+checkout|git\s+fetch\s+[^\n;&|]*pull/|git\s+(checkout|switch)\s+[^\n;&|]*(pr-|pull/|FETCH_HEAD|head_ref|HEAD_REF|head_sha|HEAD_SHA)|hub\s+pr\s+checkout)`)
	permCheckRe     = regexp.MustCompile(`(?i)(getCollaboratorPermissionLevel|checkCollaborator|collaborators/[^/\s]+/permission|/collaborators/\$)`)
	sameRepoRe      = regexp.MustCompile(`(?i)(\bgit\s+push\b|\bgh\s+(pr|issue|release|api|label|repo\s+edit|workflow|run|cache)\b|api\.github\.com/repos/\$\{\{\s*github\.repository\s*\}\}|repos/\$\{?GITHUB_REPOSITORY)`)
	crossRepoRe     = regexp.MustCompile(`(?i)(\s(-R|--repo)\s+[^\s$]+/|github\.com/(?:[A-Za-z0-9_.-]+)/(?:[A-Za-z0-9_.-]+)\.git|\bgit\s+clone\b|repository:\s)`)
	workspacePathRe = regexp.MustCompile(`^\s*(\.|\./|\./\*\*|\*\*|\*|\$\{\{\s*github\.workspace\s*\}\}/?|\.\./\S*)\s*$`)
)

// sameRepoActions are actions that write to the repository the workflow
// runs in with the token they are given (env GITHUB_TOKEN or their token
// input) — releases, pull requests, commits — unless an input names
// another repository; the inputs that would.
var sameRepoActions = map[string][]string{
	"softprops/action-gh-release":                 {"repository"},
	"actions/create-release":                      {"owner", "repo"},
	"ncipollo/release-action":                     {"owner", "repo"},
	"svenstaro/upload-release-action":             {"repo_name"},
	"marvinpinto/action-automatic-releases":       nil,
	"peter-evans/create-pull-request":             {"push-to-fork", "path"}, // path: a checkout of another repository
	"googleapis/release-please-action":            {"repo-url"},
	"google-github-actions/release-please-action": {"repo-url"},
	"stefanzweifel/git-auto-commit-action":        {"repository"}, // a path, perhaps another checkout
	"ad-m/github-push-action":                     {"repository", "directory"},
}

// sameRepoAction reports a step of one of sameRepoActions whose inputs name
// no other repository.
func sameRepoAction(uses string, inputs map[string]string) bool {
	name, _, _ := strings.Cut(strings.ToLower(uses), "@")
	other, ok := sameRepoActions[name]
	if !ok {
		return false
	}
	for _, in := range other {
		if v := strings.TrimSpace(inputs[in]); v != "" && !strings.Contains(v, "github.repository") && !strings.EqualFold(v, "false") {
			return false
		}
	}
	return true
}

// promptInputs are agent action inputs whose text becomes the prompt.
var promptInputs = []string{"prompt", "direct_prompt", "custom_instructions", "override_prompt", "append_system_prompt", "system_prompt"}

// permissionCheckActions check the actor's repository permission.
var permissionCheckActions = []string{
	"actions-cool/check-user-permission", "prince-chrismc/check-actor-permissions-action",
	"lannonbr/repo-permission-check-action", "sushichop/action-repository-permission",
	"theModdingInquisition/actions-team-membership", "tspascoal/get-user-teams-membership",
	"skjnldsv/check-actor-permission",
}

func parseStep(file inventory.Location, i int, s *actionlint.Step, agents *agentTable, gj *ghJob) inventory.Step {
	st := inventory.Step{Index: i, Location: at(file, s.Pos)}
	if s.ID != nil {
		st.ID = s.ID.Value
	}
	if s.Name != nil {
		st.Name = s.Name.Value
	}
	if s.If != nil {
		st.If = s.If.Value
		gj.refs = append(gj.refs, stringRefs(file, s.If.Value, s.If.Pos, inventory.ViaSameJob, i, "")...)
	}
	gj.refs = append(gj.refs, envRefs(file, s.Env, inventory.ViaStepEnv, i, &gj.literals)...)
	envNames := []string{}
	if s.Env != nil {
		for _, v := range s.Env.Vars {
			if v != nil && v.Name != nil {
				envNames = append(envNames, v.Name.Value)
			}
		}
	}
	ownRepo := ownRepoVars(s.Env, gj.ownRepoVars)
	switch e := s.Exec.(type) {
	case *actionlint.ExecRun:
		st.Run = true
		if e.Run == nil {
			break
		}
		script := e.Run.Value
		gj.refs = append(gj.refs, stringRefs(file, script, e.Run.Pos, inventory.ViaRunScript, i, "")...)
		for _, u := range untrustedAt(file, e.Run) {
			st.Injections = append(st.Injections, inventory.Injection{Expression: u.path, Into: "run", Location: u.loc})
		}
		if len(script) > 1<<20 {
			script = script[:1<<20]
		}
		var seen []string
		cmds, perr := agents.scriptCmds(script, exprEnv{})
		st.RunsWorkspace = len(cmds) == 0 && strings.TrimSpace(script) != ""
		for _, c := range cmds {
			if !inertCommands[c.name] {
				st.RunsWorkspace = true
			}
			if ag := agents.commandAgent(c); ag != nil && st.Agent == nil {
				st.Agent = ag
			}
			if (c.name == "gh" || c.name == "git") && !slices.Contains(seen, c.name) {
				seen = append(seen, c.name)
			}
		}
		if st.Agent == nil {
			st.Agent = remoteAgent(script, "a run: script")
		}
		if st.Agent != nil && perr != nil {
			unparsed(st.Agent, "the run: script is "+perr.Error()+"; its commands were split by lines")
		}
		st.Commands = seen
		if scriptPRFetchRe.MatchString(script) {
			st.Checkout = &inventory.Checkout{ByScript: true, UntrustedRef: true, Ref: "pull request head (script)"}
		}
		if permCheckRe.MatchString(script) {
			st.PermissionCheck = true
		}
		st.SameRepoAPI = sameRepoRe.MatchString(script) && !crossRepoRe.MatchString(script) && !otherRepoFlag(script, ownRepo)
		st.OtherS3Endpoint = otherS3Re.MatchString(script)
		st.Automation = scriptAutomation(script)
	case *actionlint.ExecAction:
		if e.Uses == nil {
			break
		}
		st.Uses = e.Uses.Value
		inputs := map[string]string{}
		inputPos := map[string]*actionlint.Pos{}
		inputStr := map[string]*actionlint.String{}
		names := make([]string, 0, len(e.Inputs))
		for k, in := range e.Inputs {
			if in == nil || in.Value == nil {
				continue
			}
			name := k
			if in.Name != nil {
				name = in.Name.Value
			}
			names = append(names, name)
			inputs[strings.ToLower(name)] = in.Value.Value
			inputPos[strings.ToLower(name)] = in.Value.Pos
			inputStr[strings.ToLower(name)] = in.Value
		}
		slices.Sort(names)
		st.Inputs = names
		for _, n := range names {
			ln := strings.ToLower(n)
			gj.refs = append(gj.refs, stringRefs(file, inputs[ln], inputPos[ln], inventory.ViaWith, i, n)...)
			if l, ok := literalValue(inputs[ln]); ok && looksSecretName(n) {
				gj.literals = append(gj.literals, literal{name: n, value: l, via: inventory.ViaWith, step: i, loc: at(file, inputPos[ln])})
			}
		}
		stepAction(file, &st, e.Uses.Value, inputs, inputStr, agents, gj)
		st.Automation = actionAutomation(e.Uses.Value, inputs)
		st.SameRepoAPI = sameRepoAction(e.Uses.Value, inputs)
		if strings.HasPrefix(st.Uses, "./") {
			gj.stepLocal = append(gj.stepLocal, i)
			if gj.localWith == nil {
				gj.localWith = map[int]map[string]string{}
			}
			gj.localWith[i] = inputs
		}
	}
	if st.Agent != nil {
		for _, r := range gj.refs {
			if (r.step == i || r.step == -1) && r.name == "GITHUB_TOKEN" {
				st.Agent.HoldsRepoToken = true // github.token or secrets.GITHUB_TOKEN in its inputs, its env or the job's
			}
			if r.step == i && (isLLMKeyName(r.name) || isLLMKeyName(r.env)) && r.name != "*" {
				st.Agent.OwnKeys = appendUnique(st.Agent.OwnKeys, inventory.GitHubSecretID(file.Source, r.name))
			}
		}
		_ = envNames
	}
	return st
}

// scriptCmds parses a run: script after substituting its expressions.
func (t *agentTable) scriptCmds(script string, env exprEnv) ([]scriptCommand, error) {
	sub := env.substituteText(script)
	return parseScript(sub.text, sub, 0)
}

func appendUnique(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

var secretNameRe = regexp.MustCompile(`(?i)(token|secret|password|passwd|key|credential|auth|pat)`)

func looksSecretName(n string) bool { return secretNameRe.MatchString(n) }

// stepAction derives facts from a uses: step.
func stepAction(file inventory.Location, st *inventory.Step, uses string, inputs map[string]string, strs map[string]*actionlint.String,
	agents *agentTable, gj *ghJob) {
	name, ref, _ := strings.Cut(strings.ToLower(uses), "@")
	in := func(k string) string { return strings.TrimSpace(inputs[k]) }
	if a, r, ok := agents.action(uses); ok {
		st.Agent = actionAgent(a, r, uses, inputs, exprEnv{})
		st.Agent.Remote = remoteOf(a.product)
		for _, k := range a.keyInputs {
			u := secretsIn(inputs[k])
			for _, n := range u.names {
				st.Agent.OwnKeys = appendUnique(st.Agent.OwnKeys, inventory.GitHubSecretID(file.Source, n))
			}
		}
		for _, k := range promptInputs {
			for _, u := range untrustedAt(file, strs[k]) {
				st.Injections = append(st.Injections, inventory.Injection{Expression: u.path, Into: "prompt (" + k + ")", Location: u.loc})
			}
		}
		for _, u := range untrustedAt(file, strs["claude_args"]) {
			st.Injections = append(st.Injections, inventory.Injection{Expression: u.path, Into: "agent arguments (claude_args)", Location: u.loc})
		}
	}
	if name == "actions/github-script" && st.Agent == nil {
		st.Agent = remoteAgent(inputs["script"], "actions/github-script")
	}
	switch {
	case name == "actions/checkout":
		co := &inventory.Checkout{Ref: in("ref"), Repository: in("repository"), PersistCredentials: !strings.EqualFold(in("persist-credentials"), "false")}
		co.UntrustedRef = untrustedRefRe.MatchString(co.Ref) || forkRepoRe.MatchString(co.Repository)
		if u := secretsIn(inputs["token"]); len(u.names) > 0 {
			co.TokenSecret = u.names[0]
		}
		co.AllowUnsafe = strings.EqualFold(in("allow-unsafe-pr-checkout"), "true")
		if v, ok := parseVersion(ref); ok && v[0] >= 7 {
			co.BlocksForkPR = true
		}
		co.HeaderInInclude = isCommitPin(ref) || !versionBefore(ref, 4, 3, 1) && (!versionBefore(ref, 6, 0, 0) || versionBefore(ref, 5, 0, 0) || !versionBefore(ref, 5, 0, 1))
		st.Checkout = co
	case name == "actions/create-github-app-token" || name == "tibdex/github-app-token" || name == "getsentry/action-github-app-token" ||
		name == "peter-murray/workflow-application-token-action" || name == "navikt/github-app-token-generator":
		tok := &inventory.AppToken{Action: name, Owner: in("owner"), Repositories: cmpStr(in("repositories"), in("repository"))}
		for k, v := range inputs {
			if p, ok := strings.CutPrefix(k, "permission-"); ok {
				tok.Permissions = append(tok.Permissions, p+":"+strings.TrimSpace(v))
			}
		}
		if p := in("permissions"); p != "" {
			tok.Permissions = append(tok.Permissions, "permissions:"+oneLine(p))
		}
		slices.Sort(tok.Permissions)
		tok.Granted = appPermissions(tok.Permissions)
		tok.SkipRevoke = strings.EqualFold(in("skip-token-revoke"), "true") || strings.EqualFold(in("revoke"), "false")
		if u := secretsIn(cmpStr(inputs["private-key"], inputs["private_key"])); len(u.names) > 0 {
			tok.KeySecret = u.names[0]
		}
		st.AppToken = tok
	case name == "aws-actions/configure-aws-credentials":
		ca := &inventory.CloudAuth{Provider: "aws", Action: name}
		if in("aws-access-key-id") != "" || in("aws-secret-access-key") != "" {
			ca.StaticKey = "aws-access-key-id"
		} else if in("role-to-assume") != "" {
			ca.OIDC = true
		}
		st.CloudAuth = ca
	case name == "google-github-actions/auth":
		ca := &inventory.CloudAuth{Provider: "gcp", Action: name}
		if in("credentials_json") != "" {
			ca.StaticKey = "credentials_json"
		} else if in("workload_identity_provider") != "" {
			ca.OIDC = true
		}
		st.CloudAuth = ca
	case name == "azure/login":
		ca := &inventory.CloudAuth{Provider: "azure", Action: name}
		if in("creds") != "" {
			ca.StaticKey = "creds"
		} else if in("client-id") != "" {
			ca.OIDC = true
		}
		st.CloudAuth = ca
	case name == "actions/upload-artifact":
		path := in("path")
		hidden := strings.EqualFold(in("include-hidden-files"), "true")
		old := versionBefore(ref, 4, 4, 0)
		if workspacePathRe.MatchString(path) && (hidden || old) {
			st.UploadsWorkspace = true
		}
	case name == "step-security/harden-runner":
		if strings.EqualFold(in("egress-policy"), "block") {
			gj.egress = true
		}
	case name == "actions/github-script":
		script := inputs["script"]
		for _, u := range untrustedAt(file, strs["script"]) {
			st.Injections = append(st.Injections, inventory.Injection{Expression: u.path, Into: "script", Location: u.loc})
		}
		if permCheckRe.MatchString(script) {
			st.PermissionCheck = true
		}
	}
	for _, p := range permissionCheckActions {
		if name == strings.ToLower(p) {
			st.PermissionCheck = true
		}
	}
}

// ownRepoVars adds to inherited (copied) the variables of env set to
// ${{ github.repository }}; GITHUB_REPOSITORY is always one.
func ownRepoVars(env *actionlint.Env, inherited map[string]bool) map[string]bool {
	out := map[string]bool{"GITHUB_REPOSITORY": true}
	for k := range inherited {
		out[k] = true
	}
	if env != nil {
		for _, v := range env.Vars {
			if v != nil && v.Name != nil && v.Value != nil && strings.Contains(strings.ReplaceAll(v.Value.Value, " ", ""), "${{github.repository}}") {
				out[strings.ToUpper(v.Name.Value)] = true
			}
		}
	}
	return out
}

// repoFlagRe finds gh's -R/--repo values.
var repoFlagRe = regexp.MustCompile(`(?i)\s(?:-R|--repo)[ =]+(?:"([^"]*)"|'([^']*)'|(\S+))`)

// otherRepoFlag reports a gh command aimed at a repository other than the
// workflow's own with -R/--repo: a literal owner/name, or a variable that is
// not one of own (GITHUB_REPOSITORY, or a step env variable set to
// ${{ github.repository }}).
func otherRepoFlag(script string, own map[string]bool) bool {
	for _, m := range repoFlagRe.FindAllStringSubmatch(script, 64) {
		v := m[1] + m[2] + m[3]
		if strings.Contains(strings.ReplaceAll(v, " ", ""), "${{github.repository}}") {
			continue
		}
		name := strings.Trim(strings.TrimPrefix(v, "$"), "{}")
		if e, ok := strings.CutPrefix(strings.ReplaceAll(v, " ", ""), "${{env."); ok {
			name = strings.TrimSuffix(e, "}}")
		}
		if strings.HasPrefix(v, "$") && own[strings.ToUpper(name)] {
			continue
		}
		return true
	}
	return false
}

// otherS3Re finds AWS-style keys sent to an S3-compatible service that is
// not AWS (Ceph, MinIO, R2, …).
var otherS3Re = regexp.MustCompile(`--endpoint-url[ =]|\bAWS_ENDPOINT_URL(_S3)?\b|\bhost_base\b|--host[ =]\S+\s.*\bs3cmd\b|\bs3cmd\b.*--host[ =]`)

// inertCommands run nothing of a checked-out workspace: they print, read,
// move files or talk to git and the GitHub API. Anything else in a script —
// a build tool, an interpreter, ./a-script, make — may run code the
// checkout brought.
var inertCommands = map[string]bool{
	"echo": true, "printf": true, "cat": true, "jq": true, "yq": true, "grep": true, "sed": true, "awk": true, "head": true,
	"tail": true, "sort": true, "uniq": true, "wc": true, "tr": true, "cut": true, "tee": true, "ls": true, "pwd": true, "cd": true,
	"mkdir": true, "rm": true, "cp": true, "mv": true, "touch": true, "test": true, "[": true, "date": true, "sleep": true,
	"exit": true, "true": true, "false": true, "set": true, "export": true, "git": true, "gh": true, "curl": true, "wget": true,
	"base64": true, "sha256sum": true, "diff": true, "basename": true, "dirname": true, "find": true, "xargs": false,
}

func jobAgentID(file inventory.Location, job string) string {
	return inventory.Scoped(file.Source, "github-actions:"+file.Path+"#"+job)
}

// permissionBlock converts a permissions node; unknown scopes or levels are
// kept out of the lattice and returned as notes.
func permissionBlock(file inventory.Location, p *actionlint.Permissions) (*inventory.PermissionBlock, []string) {
	if p == nil {
		return nil, nil
	}
	b := &inventory.PermissionBlock{Location: at(file, p.Pos), Scopes: map[string]string{}}
	var notes []string
	if p.All != nil {
		b.All = strings.ToLower(strings.TrimSpace(p.All.Value))
		eff, err := inventory.FromWorkflowPermissions(b.All, nil)
		if err != nil {
			notes = append(notes, fmt.Sprintf("line %d: %v", b.Location.Line, err))
			eff = inventory.Permissions{}
		}
		b.Effective = eff
		return b, notes
	}
	known := map[string]string{}
	for name, s := range p.Scopes {
		if s == nil || s.Value == nil {
			continue
		}
		b.Scopes[name] = s.Value.Value
		if _, err := inventory.FromWorkflowPermissions("", map[string]string{name: s.Value.Value}); err != nil {
			notes = append(notes, fmt.Sprintf("line %d: %v", b.Location.Line, err))
			continue
		}
		known[name] = s.Value.Value
	}
	eff, _ := inventory.FromWorkflowPermissions("", known)
	b.Effective = eff
	return b, notes
}

func at(file inventory.Location, p *actionlint.Pos) inventory.Location {
	l := inventory.Location{Source: file.Source, Root: file.Root, Path: file.Path, Git: file.Git, Line: 1, Column: 1}
	if p != nil {
		l.Line, l.Column = max(p.Line, 1), max(p.Col, 1)
	}
	return l
}

func eventPos(ev actionlint.Event) *actionlint.Pos {
	switch e := ev.(type) {
	case *actionlint.WebhookEvent:
		if e.Hook != nil {
			return e.Hook.Pos
		}
		return e.Pos
	case *actionlint.ScheduledEvent:
		return e.Pos
	case *actionlint.WorkflowDispatchEvent:
		return e.Pos
	case *actionlint.RepositoryDispatchEvent:
		return e.Pos
	case *actionlint.WorkflowCallEvent:
		return e.Pos
	case *actionlint.ImageVersionEvent:
		return e.Pos
	}
	return nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
