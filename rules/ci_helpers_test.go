package rules

import (
	"context"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/scanners/workflows"
)

// ciInventory builds an inventory from in-memory CI files with the real
// workflow scanner (test-only dependency), so that rule tests exercise the
// facts the scanner records from real YAML. A key "root::path" puts the
// file in another scan root (another repository).
func ciInventory(t testing.TB, files map[string]string) *inventory.Inventory {
	t.Helper()
	return ciInventoryWith(t, files, nil)
}

// ciInventoryWith is ciInventory with more parts added to the builder
// (what a platform scan would add: stored variables, bindings).
func ciInventoryWith(t testing.TB, files map[string]string, extra func(b *inventory.Builder)) *inventory.Inventory {
	t.Helper()
	a := workflows.NewAnalyzer(workflows.Options{})
	b := inventory.NewBuilder()
	if extra != nil {
		extra(b)
	}
	keys := make([]string, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	roots := []string{}
	// Files the scanner does not take from the walker (custom command
	// files) are read through the source's FS.
	fsys := map[string]fstest.MapFS{}
	for _, k := range keys {
		root, p, ok := strings.Cut(k, "::")
		if !ok {
			root, p = "", k
		}
		if !slices.Contains(roots, root) {
			roots = append(roots, root)
		}
		if !a.Wants(p, int64(len(files[k]))) {
			if !strings.HasSuffix(p, ".toml") && !strings.HasPrefix(p, ".github/ISSUE_TEMPLATE/") {
				t.Fatalf("scanner does not read %s", p)
			}
			if fsys[root] == nil {
				fsys[root] = fstest.MapFS{}
			}
			fsys[root][p] = &fstest.MapFile{Data: []byte(files[k])}
			continue
		}
		if err := a.Analyze(context.Background(), inventory.Location{Source: root, Root: root, Path: p, Git: inventory.GitTracked}, []byte(files[k]), b); err != nil {
			t.Fatalf("analyze %s: %v", k, err)
		}
	}
	for _, r := range roots {
		if err := a.Finish(context.Background(), inventory.Source{ID: r, Path: r, FS: fsys[r]}, b); err != nil {
			t.Fatalf("finish: %v", err)
		}
	}
	inv, _ := b.Build()
	return inv
}

// ciCase is one vulnerable form or safe look-alike of a CI rule.
type ciCase struct {
	name  string
	files map[string]string // or yaml for one workflow file
	yaml  string
	want  []ciWant // expected findings in order (score desc, then line)
}

type ciWant struct {
	line  int
	score float64
	msg   string // substring of the message
}

const wfPath = ".github/workflows/w.yml"

func runCICases(t *testing.T, r *Rule, cases []ciCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			files := tc.files
			if files == nil {
				files = map[string]string{wfPath: tc.yaml}
			}
			fs := run(t, r, ciInventory(t, files))
			if len(fs) != len(tc.want) {
				for _, f := range fs {
					t.Logf("got %s line %d score %.1f: %s", f.Subject, f.Location.Line, f.Score, f.Message)
				}
				t.Fatalf("findings = %d, want %d", len(fs), len(tc.want))
			}
			for i, w := range tc.want {
				f := fs[i]
				if w.line != 0 && f.Location.Line != w.line {
					t.Errorf("finding %d at line %d, want %d (%s)", i, f.Location.Line, w.line, f.Message)
				}
				if w.score != 0 && f.Score != w.score {
					t.Errorf("finding %d score %.1f, want %.1f", i, f.Score, w.score)
				}
				if w.msg != "" && !strings.Contains(f.Message, w.msg) {
					t.Errorf("finding %d message %q lacks %q", i, f.Message, w.msg)
				}
				if f.RuleID != r.ID || f.Subject == "" || strings.Contains(f.Subject, "line") {
					t.Errorf("finding %d: %+v", i, f)
				}
			}
		})
	}
}

// TestAgentSecrets: env is step-scoped. An agent reaches the job's env and
// its own step's, never an earlier step's, and a later step's only when its
// shell can write $GITHUB_ENV.
func TestAgentSecrets(t *testing.T) {
	t.Parallel()
	wf := func(agent string) string {
		return "on: issue_comment\njobs:\n  t:\n    runs-on: ubuntu-latest\n    env:\n      JOB_KEY: ${{ secrets.JOB_KEY }}\n    steps:\n" +
			"      - uses: actions/create-github-app-token@v2\n        with:\n          app-id: '1'\n          private-key: ${{ secrets.APP_PRIVATE_KEY }}\n" +
			agent +
			"      - run: ./report.sh\n        env:\n          LATER_KEY: ${{ secrets.LATER_KEY }}\n"
	}
	for _, tc := range []struct {
		name, agent string
		want        []string
		persist     bool
	}{
		{"no shell", "      - uses: anthropics/claude-code-action@v1\n        env:\n          OWN: ${{ secrets.STEP_KEY }}\n", []string{"JOB_KEY", "STEP_KEY"}, false},
		{"bypassed CLI", "      - run: claude -p \"$P\" --dangerously-skip-permissions\n        env:\n          OWN: ${{ secrets.STEP_KEY }}\n",
			[]string{"JOB_KEY", "LATER_KEY", "STEP_KEY"}, true},
	} {
		inv := ciInventory(t, map[string]string{".github/workflows/w.yml": wf(tc.agent)})
		job := &inv.Workflows[0].Jobs[0]
		steps := agentSteps(job)
		if len(steps) != 1 {
			t.Fatalf("%s: agent steps = %d", tc.name, len(steps))
		}
		got, persist := agentSecrets(jobRef{wf: &inv.Workflows[0], job: job}, steps[0], true)
		if strings.Join(got, ",") != strings.Join(tc.want, ",") || (persist != "") != tc.persist {
			t.Errorf("%s: secrets = %v (persist %q), want %v (persist %v)", tc.name, got, persist, tc.want, tc.persist)
		}
	}
	// GitLab exports every CI/CD variable to the whole job: a token the
	// before_script names is in the agent's environment in script, and one
	// after_script names too (no persistence needed).
	inv := ciInventory(t, map[string]string{".gitlab-ci.yml": "agent:\n  before_script:\n    - git remote set-url origin \"https://oauth2:${BOT_TOKEN}@$CI_SERVER_HOST/$CI_PROJECT_PATH.git\"\n" +
		"  script:\n    - claude -p \"review\" --allowedTools \"Bash,Edit\"\n  after_script:\n    - ./notify.sh \"$SLACK_TOKEN\"\n"})
	job := &inv.Workflows[0].Jobs[0]
	steps := agentSteps(job)
	if len(steps) != 1 {
		t.Fatalf("GitLab: agent steps = %d", len(steps))
	}
	got, persist := agentSecrets(jobRef{wf: &inv.Workflows[0], job: job}, steps[0], true)
	if strings.Join(got, ",") != "BOT_TOKEN,SLACK_TOKEN" || persist != "" {
		t.Errorf("GitLab: secrets = %v (persist %q), want BOT_TOKEN,SLACK_TOKEN, job-wide", got, persist)
	}
}

// TestNeverRunningJobsNotReported: the CI rules report nothing for a job no
// trigger reaches (`if: false` on a dispatcher job that passes every secret
// to a reusable agent workflow, and that workflow's agent job); the same
// files with a real gate are reported.
func TestNeverRunningJobsNotReported(t *testing.T) {
	t.Parallel()
	files := func(gate string) map[string]string {
		return map[string]string{
			".github/workflows/dispatch.yml": `on: issue_comment
jobs:
  invoke:
    if: ` + gate + `
    uses: ./.github/workflows/invoke.yml
    secrets: inherit
`,
			".github/workflows/invoke.yml": `on: workflow_call
jobs:
  agent:
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - uses: actions/checkout@v4
      - uses: google-github-actions/run-gemini-cli@v0
        with:
          gemini_api_key: ${{ secrets.GEMINI_API_KEY }}
          prompt: ${{ github.event.comment.body }}
`,
		}
	}
	rulesOf := func(gate string) []string {
		fs, _ := Evaluate(All(), Input{Inventory: ciInventory(t, files(gate)), Now: testNow})
		var out []string
		for _, f := range fs {
			if strings.HasPrefix(f.RuleID, "AR-CI-") || strings.HasPrefix(f.RuleID, "AR-PB-") {
				out = append(out, f.RuleID)
			}
		}
		slices.Sort(out)
		return out
	}
	if got := rulesOf("false"); len(got) != 0 {
		t.Errorf("if: false: %v", got)
	}
	if got := rulesOf("${{ false && contains(github.event.comment.body, '@gemini') }}"); len(got) != 0 {
		t.Errorf("if: false && …: %v", got)
	}
	got := rulesOf("${{ contains(github.event.comment.body, '@gemini') }}")
	for _, want := range []string{"AR-CI-003", "AR-CI-004", "AR-CI-007"} {
		if !slices.Contains(got, want) {
			t.Errorf("a live gate: %s not reported (got %v)", want, got)
		}
	}
}

// TestIssueTemplateLabelIsNoGate: a job that runs a write-holding agent
// on an opened issue only when it carries a label is gated to triagers —
// unless an issue template of the repository applies that label, so that
// anyone who opens an issue from it passes the check.
func TestIssueTemplateLabelIsNoGate(t *testing.T) {
	t.Parallel()
	const wf = `on:
  issues:
    types: [opened]
permissions:
  contents: write
  issues: write
jobs:
  fix:
    if: contains(github.event.issue.labels.*.name, 'bug')
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: openai/codex-action@v1
        with:
          openai-api-key: ${{ secrets.OPENAI_API_KEY }}
          prompt: Fix the issue described in the event.
          allow-users: "*"
`
	for _, c := range []struct {
		name     string
		template string
		want     bool
	}{
		{"a Markdown template applies the label", "---\nname: Bug report\nlabels: bug\n---\nDescribe it.\n", true},
		{"an issue form applies it among others", "name: Bug\nlabels: [\"triage\", \"Bug\"]\nbody: []\n", true},
		{"templates apply other labels", "---\nname: Idea\nlabels: enhancement, idea\n---\n", false},
		{"no templates", "", false},
	} {
		files := map[string]string{".github/workflows/fix.yml": wf}
		if c.template != "" {
			name := ".github/ISSUE_TEMPLATE/report.md"
			if !strings.HasPrefix(c.template, "---") {
				name = ".github/ISSUE_TEMPLATE/report.yml"
			}
			files[name] = c.template
		}
		fs := run(t, ConfusedDeputy, ciInventory(t, files))
		if got := len(fs) > 0; got != c.want {
			t.Errorf("%s: AR-PB-004 findings %+v, want reported %v", c.name, fs, c.want)
		}
	}
}

// TestNeverRunningAgentSharesNothing: a PAT used by a release workflow and
// by an agent job that no trigger reaches is no identity shared with an
// agent (AR-PB-002); with the agent job live, it is.
func TestNeverRunningAgentSharesNothing(t *testing.T) {
	t.Parallel()
	files := func(gate string) map[string]string {
		return map[string]string{
			".github/workflows/agent.yml": "on: issue_comment\njobs:\n  fix:\n    if: " + gate + "\n    runs-on: ubuntu-latest\n    steps:\n" +
				"      - run: claude -p fix\n        env:\n          GH_TOKEN: ${{ secrets.GH_PAT }}\n",
			".github/workflows/release.yml": "on: push\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n" +
				"      - run: gh release create v1\n        env:\n          GH_TOKEN: ${{ secrets.GH_PAT }}\n",
		}
	}
	if fs := run(t, SharedCIIdentity, ciInventory(t, files("false"))); len(fs) != 0 {
		t.Errorf("dead agent job: %+v", fs)
	}
	if fs := run(t, SharedCIIdentity, ciInventory(t, files("github.event.comment.author_association == 'OWNER'"))); len(fs) != 1 {
		t.Errorf("live agent job: %d findings", len(fs))
	}
}

// TestRemoteAgentConfusedDeputy: a job that anyone who comments starts and
// that hands a prompt to Jules (its action or its API from github-script)
// lets them drive an agent that pushes through the Jules GitHub App; the
// same job gated to trusted commenters does not; and a remote agent is no
// agent in the job (AR-CI-005 and AR-CI-007 stay quiet about it).
func TestRemoteAgentConfusedDeputy(t *testing.T) {
	t.Parallel()
	const script = `      - uses: actions/github-script@v7
        env:
          JULES_API_KEY: ${{ secrets.JULES_API_KEY }}
        with:
          script: |
            const { data: issue } = await github.rest.issues.get({ ...context.repo, issue_number: context.issue.number });
            await fetch('https://jules.googleapis.com/v1alpha/sessions', { method: 'POST', headers: { 'X-Goog-Api-Key': process.env.JULES_API_KEY },
              body: JSON.stringify({ prompt: issue.body }) });
`
	const action = `      - uses: google-labs-code/jules-invoke@v1
        with:
          prompt: Fix the issue this comment is on.
          jules_api_key: ${{ secrets.JULES_API_KEY }}
`
	wf := func(gate, step string) string {
		return "on: issue_comment\npermissions:\n  contents: write\njobs:\n  relay:\n" + gate + "    runs-on: ubuntu-latest\n    steps:\n" +
			"      - uses: actions/checkout@v4\n" + step
	}
	trusted := "    if: contains(fromJSON('[\"OWNER\",\"MEMBER\"]'), github.event.comment.author_association)\n"
	for _, c := range []struct {
		name, yaml string
		want       int
	}{
		{"github-script relay, open", wf("", script), 1},
		{"jules-invoke, open", wf("", action), 1},
		{"jules-invoke, trusted commenters", wf(trusted, action), 0},
	} {
		inv := ciInventory(t, map[string]string{".github/workflows/relay.yml": c.yaml})
		fs := run(t, ConfusedDeputy, inv)
		if len(fs) != c.want || c.want == 1 && !strings.Contains(fs[0].Message, "through the Jules GitHub App") {
			t.Errorf("%s: AR-PB-004 %+v", c.name, fs)
		}
		for _, r := range []*Rule{PersistedCheckout, AgentBypass} {
			if fs := run(t, r, inv); len(fs) != 0 {
				t.Errorf("%s: %s reported a remote agent: %+v", c.name, r.ID, fs)
			}
		}
	}
}
