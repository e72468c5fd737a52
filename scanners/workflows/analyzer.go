package workflows

import (
	"context"
	"sync"

	"github.com/agentreach/agentreach/inventory"
)

// Source is the coverage source name.
const Source = "workflows"

// Options configure the analyzer.
type Options struct {
	// Agents extends the known coding-agent actions and CLIs.
	Agents AgentOptions
	// Values, when set, gives the id of a literal value (env, with: input,
	// GitLab variable) as the detection engine records it, so that the job
	// is linked to the embedded credential the engine found in the file.
	// *secrets.Engine implements it. Without it literals are not linked.
	Values Values
}

// Values judges a literal value as the detection engine does; the analyzer
// never hashes a value itself.
type Values interface {
	Embedded(key string, value []byte) (c inventory.Credential, recognised bool)
}

// Analyzer parses CI definitions handed over by the walker. Analyze parses
// each file and keeps its facts per scan root; Finish resolves what spans
// files (reusable workflows, local composite actions, workflow_run chains,
// GitLab includes) and writes workflows, agents, credentials and reach
// edges into the inventory.
type Analyzer struct {
	agents *agentTable
	values Values
	mu     sync.Mutex
	roots  map[string]*rootState
}

type rootState struct {
	workflows []*ghWorkflow
	actions   map[string]*localAction // by repository-relative directory
	gitlab    []*glFile
}

// NewAnalyzer returns a workflow analyzer.
func NewAnalyzer(opts Options) *Analyzer {
	return &Analyzer{agents: newAgentTable(opts.Agents), values: opts.Values, roots: map[string]*rootState{}}
}

// Name implements the walker's Analyzer.
func (a *Analyzer) Name() string { return Source }

// Wants implements the walker's Analyzer.
func (a *Analyzer) Wants(path string, _ int64) bool {
	switch inventory.ClassifyPath(path) {
	case inventory.FileGitHubWorkflow, inventory.FileGitHubAction, inventory.FileGitLabCI:
		return true
	}
	return false
}

const permissionsDefault = "default (assumed permissive)"

// DefaultPermissionsNote explains the assumption a local scan makes.
const DefaultPermissionsNote = "default GITHUB_TOKEN permissions are a repository/organisation setting a local scan cannot read; " +
	"jobs without a permissions block are assumed to get GitHub's permissive (read-write) default"

func (a *Analyzer) state(source string) *rootState {
	a.mu.Lock()
	defer a.mu.Unlock()
	st, ok := a.roots[source]
	if !ok {
		st = &rootState{actions: map[string]*localAction{}}
		a.roots[source] = st
	}
	return st
}

// Analyze implements the walker's Analyzer. A file that cannot be read as a
// CI definition is an error, which the walker records in coverage.
func (a *Analyzer) Analyze(_ context.Context, file inventory.Location, data []byte, out *inventory.Builder) error {
	note := func(n string) {
		out.AddCoverage(inventory.Coverage{Source: Source, Target: file.Root, Path: file.Path, Status: inventory.CoverageComplete, Reason: n})
	}
	switch inventory.ClassifyPath(file.Path) {
	case inventory.FileGitHubWorkflow:
		g, notes, err := parseGitHub(file, data, a.agents)
		if err != nil {
			return err
		}
		for _, n := range notes {
			note(n)
		}
		st := a.state(file.Source)
		a.mu.Lock()
		st.workflows = append(st.workflows, g)
		a.mu.Unlock()
	case inventory.FileGitHubAction:
		act, err := parseAction(file, data)
		if err != nil {
			return err
		}
		st := a.state(file.Source)
		a.mu.Lock()
		st.actions[act.dir] = act
		a.mu.Unlock()
	case inventory.FileGitLabCI:
		f, err := parseGitLabFile(file, data)
		if err != nil {
			return err
		}
		st := a.state(file.Source)
		a.mu.Lock()
		st.gitlab = append(st.gitlab, f)
		a.mu.Unlock()
	}
	return nil
}

// Finish implements the walker's Finisher: it resolves the root's files and
// records, once per root, that default GITHUB_TOKEN permissions were
// assumed.
func (a *Analyzer) Finish(ctx context.Context, src inventory.Source, out *inventory.Builder) error {
	a.mu.Lock()
	st := a.roots[src.ID]
	delete(a.roots, src.ID)
	a.mu.Unlock()
	if st == nil {
		return nil
	}
	r := &resolver{agents: a.agents, values: a.values, st: st, out: out, fsys: src.FS,
		tokenDefault: inventory.GitHubTokenDefault(false), tokenDefaultSource: permissionsDefault}
	if src.Repo != nil {
		// The repository's setting, read through the API.
		switch src.Repo.DefaultWorkflowPermissions {
		case "read":
			r.tokenDefault, r.tokenDefaultSource = inventory.GitHubTokenDefault(true), "default (repository setting: read)"
		case "write":
			r.tokenDefaultSource = "default (repository setting: write)"
		}
	}
	usedDefault := r.github()
	if usedDefault {
		out.AddCoverage(inventory.Coverage{Source: Source, Target: src.Path, Status: inventory.CoverageComplete, Reason: DefaultPermissionsNote})
	}
	err := r.gitlab(ctx, src.FS)
	r.scope.flush(out)
	return err
}
