package workflows

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

var file = inventory.Location{Root: "", Path: ".github/workflows/w.yml", Git: inventory.GitTracked}

func parse(t *testing.T, src string) *inventory.Workflow {
	t.Helper()
	wf, _, err := ParseGitHub(file, []byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return wf
}

// scan runs the analyzer over in-memory files of one root and finishes it.
func scan(t testing.TB, files map[string]string) (*inventory.Inventory, []inventory.Coverage) {
	t.Helper()
	a := NewAnalyzer(Options{})
	b := inventory.NewBuilder()
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		loc := inventory.Location{Root: "", Path: p, Git: inventory.GitTracked}
		if !a.Wants(p, int64(len(files[p]))) {
			t.Fatalf("analyzer does not want %s", p)
		}
		if err := a.Analyze(context.Background(), loc, []byte(files[p]), b); err != nil {
			b.AddCoverage(inventory.Coverage{Source: "test", Path: p, Status: inventory.CoveragePartial, Reason: err.Error()})
		}
	}
	if err := a.Finish(context.Background(), inventory.Source{}, b); err != nil {
		t.Fatalf("finish: %v", err)
	}
	return b.Build()
}

func events(wf *inventory.Workflow) []string {
	var out []string
	for _, t := range wf.Triggers {
		out = append(out, t.Event)
	}
	slices.Sort(out)
	return out
}

func TestTriggerForms(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		"on: push\njobs: {}\n":                        {"push"},
		"on: [push, pull_request_target]\njobs: {}\n": {"pull_request_target", "push"},
		"on:\n  issue_comment:\n    types: [created]\n  schedule:\n    - cron: '0 0 * * *'\njobs: {}\n": {"issue_comment", "schedule"},
		"'on': {workflow_dispatch: {}}\njobs: {}\n":                                                     {"workflow_dispatch"},
		"true: push\njobs: {}\n": nil, // YAML 1.1 on→true quirk: not an "on" key to actionlint
	}
	for src, want := range tests {
		wf, _, err := ParseGitHub(file, []byte(src))
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if got := events(wf); !slices.Equal(got, want) {
			t.Errorf("%q: events %v, want %v", src, got, want)
		}
	}
}

func TestPermissionsAndJobs(t *testing.T) {
	t.Parallel()
	src := `name: ci
on: pull_request_target
permissions:
  contents: read
  pull-requests: write
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  release:
    permissions: write-all
    runs-on: ubuntu-latest
    steps:
      - run: make release
  quiet:
    permissions: {}
    runs-on: ubuntu-latest
    steps:
      - run: true
`
	wf := parse(t, src)
	if wf.Name != "ci" || wf.Permissions == nil || wf.Permissions.Location.Line != 3 {
		t.Fatalf("workflow = %+v", wf)
	}
	if wf.Permissions.Effective.Get(inventory.ResPullRequests) != inventory.Write || wf.Permissions.Effective.Get(inventory.ResContents) != inventory.Read {
		t.Errorf("workflow effective = %v", wf.Permissions.Effective)
	}
	if len(wf.Jobs) != 3 || wf.Jobs[0].ID != "build" || wf.Jobs[0].Location.Line != 7 {
		t.Fatalf("jobs = %+v", wf.Jobs)
	}
	rel := wf.Jobs[1]
	if rel.Permissions == nil || rel.Permissions.All != "write-all" || rel.Permissions.Location.Line != 12 || !rel.Permissions.Effective.HasWrite() {
		t.Errorf("release = %+v", rel)
	}
	q := wf.Jobs[2]
	if q.Permissions == nil || q.Permissions.Effective.HasWrite() || q.Permissions.Effective.Get(inventory.ResContents) != inventory.None {
		t.Errorf("quiet = %+v", q.Permissions)
	}
	inv, _ := scan(t, map[string]string{file.Path: src})
	if a := inv.Agent(jobAgentID(file, "build")); a == nil || a.CI.PermissionsSource != "workflow" {
		t.Errorf("build agent = %+v", a)
	}
	if a := inv.Agent(jobAgentID(file, "release")); a == nil || a.CI.PermissionsSource != "job" {
		t.Errorf("release agent = %+v", a)
	}
}

func TestDefaultPermissionsAssumed(t *testing.T) {
	t.Parallel()
	a := NewAnalyzer(Options{})
	b := inventory.NewBuilder()
	src := "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
	if err := a.Analyze(context.Background(), file, []byte(src), b); err != nil {
		t.Fatal(err)
	}
	if err := a.Finish(context.Background(), inventory.Source{}, b); err != nil {
		t.Fatal(err)
	}
	inv, cov := b.Build()
	if len(inv.Agents) != 1 || !inv.Agents[0].Permissions.HasWrite() {
		t.Fatalf("agents = %+v", inv.Agents)
	}
	if !slices.ContainsFunc(cov, func(c inventory.Coverage) bool { return c.Reason == DefaultPermissionsNote }) {
		t.Errorf("coverage lacks the default-permissions note: %+v", cov)
	}
}

func TestBadWorkflows(t *testing.T) {
	t.Parallel()
	bomb := "a: &a [x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		bomb += n + ": &" + n + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = n
	}
	bomb += "on: push\njobs:\n  j:\n    runs-on: x\n    env: *i\n    steps: [{run: x}]\n"
	tests := map[string]struct {
		src     string
		wantErr bool
	}{
		"invalid yaml":  {"on: [push\njobs:", true},
		"not a mapping": {"- a\n- b\n", false},
		"empty":         {"", false},
		"unknown keys":  {"on: push\nfoo: bar\njobs:\n  a:\n    runs-on: x\n    bogus: 1\n    steps: [{run: x}]\n", false},
		"unknown scope": {"on: push\npermissions:\n  everything: write\n  contents: read\njobs: {}\n", false},
		"alias bomb":    {bomb, true},
		"flow mapping":  {"{on: push, jobs: {a: {runs-on: x, steps: [{run: x}]}}}", false},
		"block scalars": {"on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n          echo a\n          echo b\n", false},
		"matrix":        {"on: push\njobs:\n  a:\n    strategy:\n      matrix:\n        os: [a, b]\n    runs-on: ${{ matrix.os }}\n    steps: [{run: x}]\n", false},
	}
	for name, tt := range tests {
		wf, _, err := ParseGitHub(file, []byte(tt.src))
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v, wantErr %v", name, err, tt.wantErr)
		}
		if err == nil && wf == nil {
			t.Errorf("%s: nil workflow without error", name)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: multi-line error %q", name, err)
		}
	}
	wf := parse(t, "on: push\npermissions:\n  everything: write\n  contents: read\njobs: {}\n")
	if wf.Permissions.Effective.Get(inventory.ResContents) != inventory.Read || wf.Permissions.Effective.HasWrite() {
		t.Errorf("unknown scope handling: %v", wf.Permissions.Effective)
	}
}

func FuzzParseGitHub(f *testing.F) {
	f.Add([]byte("on: push\njobs:\n  a:\n    runs-on: x\n    permissions: write-all\n    steps: [{run: x}]\n"))
	f.Add([]byte("on: [pull_request_target]\npermissions: {}\njobs: {}\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		wf, _, err := ParseGitHub(file, data)
		if err == nil && wf == nil {
			t.Fatal("nil workflow without error")
		}
		if wf != nil {
			for _, j := range wf.Jobs {
				if j.Location.Line < 1 {
					t.Fatalf("job %q at line %d", j.ID, j.Location.Line)
				}
			}
		}
	})
}
