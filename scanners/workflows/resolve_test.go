package workflows

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func reachVias(inv *inventory.Inventory, agent, cred string) []inventory.ReachVia {
	var out []inventory.ReachVia
	for _, r := range inv.ReachesOf(agent) {
		if r.Credential == cred && !slices.Contains(out, r.Via) {
			out = append(out, r.Via)
		}
	}
	slices.Sort(out)
	return out
}

func TestReachEdges(t *testing.T) {
	t.Parallel()
	src := `on: issue_comment
permissions:
  contents: write
  id-token: write
env:
  GLOBAL: ${{ secrets.GLOBAL_KEY }}
jobs:
  agent:
    runs-on: [self-hosted, linux]
    env:
      JOBKEY: ${{ secrets.JOB_SECRET }}
    steps:
      - uses: actions/checkout@v4
        with:
          token: ${{ secrets.BOT_PAT }}
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/ci
      - uses: actions/create-github-app-token@v2
        id: app
        with:
          app-id: ${{ vars.APP_ID }}
          private-key: ${{ secrets.APP_KEY }}
          permission-contents: write
      - run: claude -p "${{ secrets.INLINE }}" --allowedTools Edit
        env:
          ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}
`
	inv, _ := scan(t, map[string]string{file.Path: src})
	id := jobAgentID(file, "agent")
	a := inv.Agent(id)
	if a == nil || a.Kind != inventory.AgentCICodingJob || a.Product != "claude-code" || a.StartableBy != inventory.AudienceCommenters {
		t.Fatalf("agent = %+v", a)
	}
	want := map[string][]inventory.ReachVia{
		inventory.GitHubSecretID("", "GLOBAL_KEY"):        {inventory.ViaJobEnv},
		inventory.GitHubSecretID("", "JOB_SECRET"):        {inventory.ViaJobEnv},
		inventory.GitHubSecretID("", "BOT_PAT"):           {inventory.ViaPersistedCheckout, inventory.ViaWith},
		inventory.GitHubSecretID("", "APP_KEY"):           {inventory.ViaWith},
		inventory.GitHubSecretID("", "INLINE"):            {inventory.ViaRunScript},
		inventory.GitHubSecretID("", "ANTHROPIC_API_KEY"): {inventory.ViaStepEnv},
		inventory.GitHubTokenID("", file.Path, "agent"):   {inventory.ViaWorkflowToken},
		"github-oidc:" + file.Path + "#agent":             {inventory.ViaOIDC},
		"github-app-token:" + file.Path + "#agent:app":    {inventory.ViaAppToken},
		"github-runner:linux,self-hosted":                 {inventory.ViaRunner},
	}
	for cred, vias := range want {
		if got := reachVias(inv, id, cred); !slices.Equal(got, vias) {
			t.Errorf("%s: via %v, want %v", cred, got, vias)
		}
		if inv.Credential(cred) == nil {
			t.Errorf("credential %s missing", cred)
		}
	}
	if c := inv.Credential(inventory.GitHubSecretID("", "ANTHROPIC_API_KEY")); c.Reach != inventory.ReachLLMAPI || !c.AgentAPIKey {
		t.Errorf("model key = %+v", c)
	}
	if c := inv.Credential("github-oidc:" + file.Path + "#agent"); !slices.ContainsFunc(c.Feeds, func(f string) bool { return strings.Contains(f, "configure-aws-credentials") }) {
		t.Errorf("oidc = %+v", c)
	}
	if c := inv.Credential("github-app-token:" + file.Path + "#agent:app"); c.Permissions.Get(inventory.ResContents) != inventory.Write || c.Scope.Kind != "repository" {
		t.Errorf("app token = %+v", c)
	}
	if got := inv.AgentsReaching(inventory.GitHubSecretID("", "BOT_PAT")); len(got) == 0 {
		t.Error("no agent reaches BOT_PAT")
	}
}

func TestReusableWorkflowContext(t *testing.T) {
	t.Parallel()
	inv, _ := scan(t, map[string]string{
		".github/workflows/caller.yml": `on: pull_request_target
permissions:
  contents: write
  pull-requests: read
jobs:
  call:
    uses: ./.github/workflows/callee.yml
    secrets:
      token: ${{ secrets.RELEASE_PAT }}
`,
		".github/workflows/callee.yml": `on:
  workflow_call:
    secrets:
      token:
        required: true
jobs:
  work:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write
    steps:
      - run: make
        env:
          TOKEN: ${{ secrets.token }}
`,
	})
	var job *inventory.Job
	for _, w := range inv.Workflows {
		if w.Path == ".github/workflows/callee.yml" {
			job = &w.Jobs[0]
		}
	}
	if job == nil {
		t.Fatal("callee not recorded")
	}
	if job.StartableBy != inventory.AudienceAnyone || len(job.CalledBy) != 1 {
		t.Errorf("callee starters = %+v calledBy %v", job.Starters, job.CalledBy)
	}
	// The callee can only narrow the caller's token: contents read, pull requests none.
	if job.EffectivePermissions.Get(inventory.ResContents) != inventory.Read || job.EffectivePermissions.Get(inventory.ResPullRequests) != inventory.Read {
		t.Errorf("callee permissions = %v", job.EffectivePermissions)
	}
	if !slices.ContainsFunc(job.Secrets, func(r inventory.SecretRef) bool { return r.Name == "RELEASE_PAT" }) {
		t.Errorf("callee secret not mapped to the caller's: %+v", job.Secrets)
	}
}

func TestCompositeActionSteps(t *testing.T) {
	t.Parallel()
	inv, _ := scan(t, map[string]string{
		".github/actions/setup/action.yml": "runs:\n  using: composite\n  steps:\n    - uses: ./.github/actions/inner\n    - run: echo ok\n      shell: bash\n",
		".github/actions/inner/action.yml": "runs:\n  using: composite\n  steps:\n    - run: codex exec --yolo fix\n      shell: bash\n",
		".github/actions/loop/action.yml":  "runs:\n  using: composite\n  steps:\n    - uses: ./.github/actions/loop\n",
		file.Path:                          "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/setup\n      - uses: ./.github/actions/loop\n      - run: make\n",
	})
	job := inv.Workflows[0].Jobs[0]
	var from []string
	for i, s := range job.Steps {
		if s.Index != i {
			t.Errorf("step %d has index %d", i, s.Index)
		}
		from = append(from, s.FromAction)
	}
	if len(job.Steps) < 6 || job.Steps[len(job.Steps)-1].Run != true || job.Steps[len(job.Steps)-1].FromAction != "" {
		t.Fatalf("steps = %v", from)
	}
	if a := inv.Agent(jobAgentID(file, "j")); a == nil || a.Product != "codex" || !slices.Contains(a.Guardrails.Bypass, "--yolo") {
		t.Errorf("agent from nested composite = %+v", a)
	}
}

func TestGitLabIncludesAndExtends(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(p, s string) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	main := `include:
  - local: /ci/base.yml
  - project: acme/templates
    file: /x.yml
  - local: ../../etc/passwd
variables:
  GLOBAL_TOKEN: $SOME_TOKEN
default:
  id_tokens:
    VAULT_ID:
      aud: https://vault.example.com
deploy:
  extends: [.base, .cloud]
  script:
    - claude -p "deploy" --dangerously-skip-permissions
loop:
  extends: .a
`
	write(".gitlab-ci.yml", main)
	write("ci/base.yml", ".base:\n  variables:\n    DEPLOY_TOKEN: $DEPLOY_TOKEN\n  tags: [shell]\n.cloud:\n  variables:\n    AWS_SECRET_ACCESS_KEY: $AWS_KEY\n.a:\n  extends: .b\n.b:\n  extends: .a\n")
	a := NewAnalyzer(Options{})
	b := inventory.NewBuilder()
	loc := inventory.Location{Root: dir, Path: ".gitlab-ci.yml"}
	if err := a.Analyze(context.Background(), loc, []byte(main), b); err != nil {
		t.Fatal(err)
	}
	if err := a.Finish(context.Background(), inventory.Source{Path: dir, FS: os.DirFS(dir)}, b); err != nil {
		t.Fatal(err)
	}
	inv, cov := b.Build()
	if len(inv.Workflows) != 1 {
		t.Fatalf("workflows = %+v", inv.Workflows)
	}
	var deploy *inventory.Job
	for i := range inv.Workflows[0].Jobs {
		if inv.Workflows[0].Jobs[i].ID == "deploy" {
			deploy = &inv.Workflows[0].Jobs[i]
		}
	}
	if deploy == nil {
		t.Fatal("deploy job missing")
	}
	var names []string
	for _, s := range deploy.Secrets {
		names = append(names, s.Name)
	}
	for _, n := range []string{"DEPLOY_TOKEN", "AWS_SECRET_ACCESS_KEY", "GLOBAL_TOKEN", "SOME_TOKEN", "AWS_KEY"} {
		if !slices.Contains(names, n) {
			t.Errorf("deploy lacks %s: %v", n, names)
		}
	}
	if len(deploy.IDTokens) != 1 || deploy.IDTokens[0].Audience[0] != "https://vault.example.com" {
		t.Errorf("id tokens from default: %+v", deploy.IDTokens)
	}
	if !slices.Equal(deploy.RunsOn, []string{"shell"}) {
		t.Errorf("tags = %v", deploy.RunsOn)
	}
	if ag := inv.Agent("gitlab-ci:.gitlab-ci.yml#deploy"); ag == nil || ag.Kind != inventory.AgentCICodingJob {
		t.Errorf("agent = %+v", ag)
	}
	reasons := ""
	for _, c := range cov {
		reasons += c.Reason + "\n"
	}
	for _, want := range []string{"project: acme/templates", "etc/passwd", "cyclic"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("coverage lacks %q:\n%s", want, reasons)
		}
	}
}

func TestCopilotSetupStepsAndCustomAgents(t *testing.T) {
	t.Parallel()
	inv, _ := scan(t, map[string]string{
		".github/workflows/copilot-setup-steps.yml": "on: workflow_dispatch\njobs:\n  copilot-setup-steps:\n    runs-on: ubuntu-latest\n    permissions: {contents: read}\n    steps:\n      - run: npm ci\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n",
	})
	a := inv.Agent("github-actions:.github/workflows/copilot-setup-steps.yml#copilot-setup-steps")
	if a == nil || a.Kind != inventory.AgentCICodingJob || a.Product != "copilot-coding-agent" || a.StartableBy != inventory.AudienceWrite {
		t.Fatalf("copilot agent = %+v", a)
	}
	if got := reachVias(inv, a.ID, inventory.GitHubSecretID("", "NPM_TOKEN")); len(got) == 0 {
		t.Error("copilot agent does not reach the setup steps' secret")
	}
	tbl := newAgentTable(AgentOptions{Actions: []string{"Acme/Agent-Action@v2"}})
	if act, _, ok := tbl.action("acme/agent-action/sub@v1"); !ok || act.gatedEvents != nil {
		t.Errorf("custom action = %+v %v", act, ok)
	}
}
