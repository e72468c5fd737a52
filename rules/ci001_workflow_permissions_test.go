package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func wfBlock(all string, line int) *inventory.PermissionBlock {
	eff, _ := inventory.FromWorkflowPermissions(all, nil)
	return &inventory.PermissionBlock{All: all, Effective: eff, Location: inventory.Location{Path: "w.yml", Line: line}}
}

func TestWorkflowPermissions(t *testing.T) {
	t.Parallel()
	job := func(id string, line int, p *inventory.PermissionBlock) inventory.Job {
		return inventory.Job{ID: id, Location: inventory.Location{Path: ".github/workflows/w.yml", Line: line}, Permissions: p}
	}
	trig := func(events ...string) []inventory.Trigger {
		var out []inventory.Trigger
		for _, e := range events {
			out = append(out, inventory.Trigger{Event: e})
		}
		return out
	}
	type want struct {
		line  int
		score float64
	}
	tests := []struct {
		name string
		wf   inventory.Workflow
		want []want
	}{
		{"no permissions anywhere: one finding per job", inventory.Workflow{Triggers: trig("push"),
			Jobs: []inventory.Job{job("a", 5, nil), job("b", 9, nil)}}, []want{{5, 5.0}, {9, 5.0}}},
		{"risky trigger raises to high", inventory.Workflow{Triggers: trig("pull_request_target"),
			Jobs: []inventory.Job{job("a", 5, nil)}}, []want{{5, 7.0}}},
		{"issue_comment raises to high", inventory.Workflow{Triggers: trig("issue_comment", "push"),
			Jobs: []inventory.Job{job("a", 5, nil)}}, []want{{5, 7.0}}},
		{"top-level {} is safe", inventory.Workflow{Triggers: trig("pull_request_target"), Permissions: wfBlock("", 3),
			Jobs: []inventory.Job{job("a", 5, nil)}}, nil},
		{"every job declares", inventory.Workflow{Triggers: trig("push"),
			Jobs: []inventory.Job{job("a", 5, wfBlock("read-all", 6)), job("b", 9, wfBlock("", 10))}}, nil},
		{"only the undeclared job", inventory.Workflow{Triggers: trig("push"),
			Jobs: []inventory.Job{job("a", 5, wfBlock("read-all", 6)), job("b", 9, nil)}}, []want{{9, 5.0}}},
		{"top-level write-all", inventory.Workflow{Triggers: trig("push"), Permissions: wfBlock("write-all", 3),
			Jobs: []inventory.Job{job("a", 5, nil)}}, []want{{3, 7.5}}},
		{"job-level write-all under read-all", inventory.Workflow{Triggers: trig("push"), Permissions: wfBlock("read-all", 3),
			Jobs: []inventory.Job{job("a", 5, wfBlock("write-all", 7))}}, []want{{7, 7.5}}},
		{"GitLab workflows are not this rule's", inventory.Workflow{Platform: inventory.PlatformGitLab,
			Jobs: []inventory.Job{job("a", 5, nil)}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wf := tt.wf
			wf.Path = ".github/workflows/w.yml"
			if wf.Platform == "" {
				wf.Platform = inventory.PlatformGitHub
			}
			fs := run(t, WorkflowPermissions, &inventory.Inventory{Workflows: []inventory.Workflow{wf}})
			if len(fs) != len(tt.want) {
				t.Fatalf("findings = %d, want %d: %+v", len(fs), len(tt.want), fs)
			}
			// Findings are sorted by score, then line.
			for i, w := range tt.want {
				if fs[i].Location.Line != w.line || fs[i].Score != w.score {
					t.Errorf("finding %d at line %d score %.1f, want line %d score %.1f", i, fs[i].Location.Line, fs[i].Score, w.line, w.score)
				}
				if fs[i].Message == "" || fs[i].RuleID != "AR-CI-001" {
					t.Errorf("finding %d: %+v", i, fs[i])
				}
			}
		})
	}
}

func TestWorkflowPermissionsFromYAML(t *testing.T) {
	t.Parallel()
	runCICases(t, WorkflowPermissions, []ciCase{
		{name: "undeclared on a comment trigger, with an agent", yaml: "on: issue_comment\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: claude -p hi\n",
			want: []ciWant{{line: 3, score: 7.0, msg: "anyone who can open or comment"}}},
		{name: "undeclared but the comment trigger is gated", yaml: "on: issue_comment\njobs:\n  a:\n    if: github.event.comment.author_association == 'OWNER'\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n",
			want: []ciWant{{line: 3, score: 5.0, msg: "people with write access"}}},
		{name: "a gatekeeper job that only echoes: nothing can use the token", yaml: "on: pull_request\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make\n",
			want: []ciWant{{line: 7, score: 5.0}}},
		{name: "an echo job that names github.token", yaml: "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.token }} | wc -c\n",
			want: []ciWant{{line: 3, score: 5.0}}},
		{name: "an echo job that dumps the github context", yaml: "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo '${{ toJSON(github) }}'\n",
			want: []ciWant{{line: 3, score: 5.0}}},
		{name: "an echo job with an injected issue title", yaml: "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.issue.title }}\"\n",
			want: []ciWant{{line: 3, score: 7.0}}},
		{name: "a script job that runs an interpreter", yaml: "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo start\n      - run: python3 -c 'print(1)'\n",
			want: []ciWant{{line: 3, score: 5.0}}},
		{name: "a job whose only step is an action", yaml: "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/labeler@v5\n",
			want: []ciWant{{line: 3, score: 5.0}}},
		{name: "permissions: {} plus a scoped job", yaml: "on: pull_request_target\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: {pull-requests: write}\n    steps: [{run: make}]\n"},
		{name: "a reusable workflow's job takes the caller's block", files: map[string]string{
			".github/workflows/callee.yml": "on: workflow_call\njobs:\n  w:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n",
			wfPath:                         "on: push\npermissions: {contents: read}\njobs:\n  c:\n    uses: ./.github/workflows/callee.yml\n",
		}},
	})
}
