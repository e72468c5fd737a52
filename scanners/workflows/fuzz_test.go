package workflows

import (
	"context"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

// analyzeAll runs one input as a workflow, a composite action and a GitLab
// CI file through Analyze and Finish.
func analyzeAll(t testing.TB, data []byte) {
	a := NewAnalyzer(Options{})
	b := inventory.NewBuilder()
	for _, p := range []string{".github/workflows/f.yml", ".github/actions/x/action.yml", ".gitlab-ci.yml"} {
		err := a.Analyze(context.Background(), inventory.Location{Path: p}, data, b)
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("%s: multi-line error %q", p, err)
		}
	}
	if err := a.Finish(context.Background(), inventory.Source{}, b); err != nil {
		t.Fatalf("finish: %v", err)
	}
	inv, _ := b.Build()
	for _, w := range inv.Workflows {
		for _, j := range w.Jobs {
			if j.Location.Line < 1 {
				t.Fatalf("job %q at line %d", j.ID, j.Location.Line)
			}
			for _, s := range j.Steps {
				if s.Location.Line < 1 {
					t.Fatalf("step at line %d", s.Location.Line)
				}
			}
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"on: issue_comment\njobs:\n  a:\n    if: github.event.comment.author_association == 'OWNER'\n    runs-on: self-hosted\n    permissions: {contents: write}\n    steps:\n      - uses: anthropics/claude-code-action@v1\n        with:\n          allowed_non_write_users: '*'\n          github_token: ${{ secrets.PAT }}\n      - run: claude -p \"${{ github.event.issue.title }}\" --dangerously-skip-permissions\n",
		"on:\n  workflow_call:\njobs:\n  c:\n    uses: ./.github/workflows/f.yml\n    secrets: inherit\n",
		"runs:\n  using: composite\n  steps:\n    - uses: ./.github/actions/x\n    - run: codex exec --yolo\n",
		"include:\n  - local: /.gitlab-ci.yml\nvariables:\n  AWS_SECRET_ACCESS_KEY: $K\n.t: &t\n  script: [gemini --yolo]\njob:\n  <<: *t\n  extends: .t\n  id_tokens:\n    T: {aud: '*'}\n",
		"agent:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == \"trigger\" && $P\n  script:\n    - 'export E=$(cat $TRIGGER_PAYLOAD)'\n    - export Q=\"$E $Q\"\n    - >\n      claude -p \"${AI_FLOW_INPUT:-$Q} $CI_COMMIT_MESSAGE\" --allowedTools Bash\n",
		"a: &a [*a]\n",
		"on: [push\n",
		"{on: push, jobs: {a: {runs-on: x, steps: [{run: x}]}}}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		analyzeAll(t, data)
	})
}

func FuzzGateEval(f *testing.F) {
	for _, s := range []string{
		"contains(fromJSON('[\"OWNER\"]'), github.event.comment.author_association || github.event.issue.author_association)",
		"!github.event.pull_request.head.repo.fork && github.event_name == 'pull_request_target'",
		"${{ github.event.workflow_run.pull_requests[0] }}",
		"github.actor == 'x[bot]' || contains(github.event.pull_request.labels.*.name, 'ok')",
		"${{ secrets.A }} ${{ toJSON(secrets) }} ${{",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, ev := range []string{"issue_comment", "pull_request_target", "push"} {
			g := gateEval{event: ev}
			if n := parseCondition(s); n != nil {
				v := g.eval(n)
				if v < triFalse || v > triTrue {
					t.Fatalf("tri out of range: %d", v)
				}
				_ = statusFunctions(n)
			}
		}
		_ = secretsIn(s)
		_ = untrustedIn(s)
		for _, c := range scriptCommands(s) {
			_ = newAgentTable(AgentOptions{}).commandAgent(c)
		}
	})
}

func TestBadCIInput(t *testing.T) {
	t.Parallel()
	bomb := "a: &a [x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		bomb += n + ": &" + n + " [" + strings.Repeat("*"+prev+", ", 8) + "*" + prev + "]\n"
		prev = n
	}
	matrixBomb := bomb + "on: push\njobs:\n  j:\n    runs-on: x\n    strategy:\n      matrix:\n        os: *i\n    steps: [{run: x}]\n"
	tests := []struct {
		name, path, src string
		wantErr         string
	}{
		{"workflow alias bomb in a matrix", ".github/workflows/w.yml", matrixBomb, "alias"},
		{"GitLab alias bomb", ".gitlab-ci.yml", bomb + "job:\n  script: *i\n", "alias"},
		{"action alias bomb", ".github/actions/a/action.yml", bomb, "alias"},
		{"enormous workflow", ".github/workflows/w.yml", "on: push\n#" + strings.Repeat("x", MaxCIFileBytes), "larger than"},
		{"invalid GitLab YAML", ".gitlab-ci.yml", "job: [\n", "invalid GitLab CI YAML"},
		{"invalid action YAML", ".github/actions/a/action.yml", "runs: {\n", "invalid action metadata"},
		{"invalid UTF-8 workflow", ".github/workflows/w.yml", "on: push\njobs:\n  a:\n    runs-on: \xff\xfe\n", "invalid"},
		{"GitLab sequence at the top", ".gitlab-ci.yml", "- a\n- b\n", ""},
		{"GitLab merge keys", ".gitlab-ci.yml", ".t: &t\n  script: [make]\njob:\n  <<: *t\n", ""},
		{"workflow on: as the YAML 1.1 boolean", ".github/workflows/w.yml", "true: push\njobs: {}\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := NewAnalyzer(Options{})
			b := inventory.NewBuilder()
			err := a.Analyze(context.Background(), inventory.Location{Path: tt.path}, []byte(tt.src), b)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if err := a.Finish(context.Background(), inventory.Source{}, b); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func FuzzReadScript(f *testing.F) {
	for _, s := range []string{
		"json=$(gh api \"repos/$R/pulls/$N\")\n{\n  echo \"t<<EOF\"\n  echo \"$json\" | jq -r '.title'\n  echo EOF\n} >> \"$GITHUB_OUTPUT\"\n",
		"cat >> $GITHUB_OUTPUT <<'X'\na=$B\nX\n",
		"echo \"x=$(echo \"$(echo \"$(",
		"A=\"$(gh issue list \\\n --json title\n)\"\necho \"a=$A\" | tee -a $GITHUB_ENV\n",
		"echo \"::set-output name=a::${{ github.event.issue.body }}\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		readScript(script, func(string) []flow { return nil }, map[string]sval{"T": {text: fetched("x")}}, fetched("agent"))
		readJS(script, func(string) []flow { return nil }, func(string) []flow { return nil })
	})
}
