// Package workflows reads CI definitions — GitHub Actions workflows (with
// actionlint's parser, for exact positions) and GitLab CI files — and records
// each workflow, its jobs as agents, and what the jobs can reach.
package workflows

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/rhysd/actionlint"

	"github.com/agentreach/agentreach/inventory"
)

// Source is the coverage source name.
const Source = "workflows"

// Analyzer parses CI definitions handed over by the walker.
type Analyzer struct {
	mu       sync.Mutex
	defaults map[string]bool // roots with a job that runs on the default permissions
}

// NewAnalyzer returns a workflow analyzer.
func NewAnalyzer() *Analyzer { return &Analyzer{defaults: map[string]bool{}} }

// Finish implements the walker's Finisher: it records, once per root, that
// the default GITHUB_TOKEN permissions were assumed.
func (a *Analyzer) Finish(_ context.Context, root string, out *inventory.Builder) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.defaults[root] {
		out.AddCoverage(inventory.Coverage{Source: Source, Target: root, Status: inventory.CoverageComplete, Reason: DefaultPermissionsNote})
	}
	return nil
}

// Name implements the walker's Analyzer.
func (a *Analyzer) Name() string { return Source }

// Wants implements the walker's Analyzer.
func (a *Analyzer) Wants(path string, _ int64) bool {
	return inventory.ClassifyPath(path) == inventory.FileGitHubWorkflow
}

const permissionsDefault = "default (assumed permissive)"

// DefaultPermissionsNote explains the assumption a local scan makes.
const DefaultPermissionsNote = "default GITHUB_TOKEN permissions are a repository/organisation setting a local scan cannot read; " +
	"jobs without a permissions block are assumed to get GitHub's permissive (read-write) default"

// Analyze implements the walker's Analyzer.
func (a *Analyzer) Analyze(_ context.Context, file inventory.Location, data []byte, out *inventory.Builder) error {
	wf, notes, err := ParseGitHub(file, data)
	if err != nil {
		return err
	}
	for _, n := range notes {
		out.AddCoverage(inventory.Coverage{Source: Source, Target: file.Root, Path: file.Path, Status: inventory.CoverageComplete, Reason: n})
	}
	out.AddWorkflow(*wf)
	for _, agent := range jobAgents(wf) {
		if agent.Attributes["permissions_source"] == permissionsDefault {
			a.mu.Lock()
			a.defaults[file.Root] = true
			a.mu.Unlock()
		}
		out.AddAgent(agent)
	}
	return nil
}

// ParseGitHub parses one GitHub Actions workflow. It returns an error when
// the file is not a workflow it can read (invalid YAML); lint-level problems
// that actionlint reports beside a usable syntax tree come back as notes.
func ParseGitHub(file inventory.Location, data []byte) (*inventory.Workflow, []string, error) {
	w, errs := actionlint.Parse(data)
	if w == nil {
		msg := "invalid workflow"
		if len(errs) > 0 {
			msg = fmt.Sprintf("invalid workflow YAML at line %d: %s", errs[0].Line, errs[0].Message)
		}
		return nil, nil, fmt.Errorf("%s", msg)
	}
	var notes []string
	if len(errs) > 0 {
		notes = append(notes, fmt.Sprintf("parsed with %d syntax problem(s); first at line %d: %s", len(errs), errs[0].Line, errs[0].Message))
	}
	wf := &inventory.Workflow{Platform: inventory.PlatformGitHub, Path: file.Path, Root: file.Root}
	if w.Name != nil {
		wf.Name = w.Name.Value
	}
	for _, ev := range w.On {
		wf.Triggers = append(wf.Triggers, inventory.Trigger{Event: ev.EventName(), Location: at(file, eventPos(ev))})
	}
	var pnotes []string
	wf.Permissions, pnotes = permissionBlock(file, w.Permissions)
	notes = append(notes, pnotes...)
	ids := make([]string, 0, len(w.Jobs))
	for id := range w.Jobs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		j := w.Jobs[id]
		if j == nil {
			continue
		}
		job := inventory.Job{ID: id, Location: at(file, j.Pos)}
		if j.ID != nil {
			job.ID = j.ID.Value
			job.Location = at(file, j.ID.Pos)
		}
		if j.Name != nil {
			job.Name = j.Name.Value
		}
		if j.WorkflowCall != nil && j.WorkflowCall.Uses != nil {
			job.Uses = j.WorkflowCall.Uses.Value
		}
		job.Permissions, pnotes = permissionBlock(file, j.Permissions)
		notes = append(notes, pnotes...)
		job.Agent = jobAgentID(file, job.ID)
		wf.Jobs = append(wf.Jobs, job)
	}
	slices.SortFunc(wf.Jobs, func(a, b inventory.Job) int { return cmp.Compare(a.Location.Line, b.Location.Line) })
	return wf, notes, nil
}

func jobAgentID(file inventory.Location, job string) string {
	return "github-actions:" + file.Path + "#" + job
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

// jobAgents turns jobs into CI-job agents with their effective GITHUB_TOKEN
// permissions: the job's block, else the workflow's, else the default.
func jobAgents(wf *inventory.Workflow) []inventory.Agent {
	var out []inventory.Agent
	for _, j := range wf.Jobs {
		a := inventory.Agent{
			ID: j.Agent, Kind: inventory.AgentCIJob, Name: cmp.Or(j.Name, j.ID), Platform: inventory.PlatformGitHub,
			Location: j.Location, Triggers: wf.Triggers, Attributes: map[string]string{"workflow": wf.Path, "job": j.ID},
		}
		switch {
		case j.Permissions != nil:
			a.Permissions = j.Permissions.Effective
			a.Attributes["permissions_source"] = "job"
		case wf.Permissions != nil:
			a.Permissions = wf.Permissions.Effective
			a.Attributes["permissions_source"] = "workflow"
		default:
			a.Permissions = inventory.GitHubTokenDefault(false)
			a.Attributes["permissions_source"] = permissionsDefault
		}
		out = append(out, a)
	}
	return out
}

func at(file inventory.Location, p *actionlint.Pos) inventory.Location {
	l := inventory.Location{Root: file.Root, Path: file.Path, Git: file.Git, Line: 1, Column: 1}
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
