package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/report"
)

// revokeTree scans a tree whose coding-agent job reaches a secret (shared
// with another job), its GITHUB_TOKEN and an embedded key that is also in
// a shell script, and returns the JSON report's path and the key.
func revokeTree(t *testing.T) (string, string) {
	t.Helper()
	root := t.TempDir()
	key := faketoken.GitHub(faketoken.Rand(1313), "ghp")
	writeFile(t, root, ".github/workflows/agent.yml", `on:
  issue_comment:
    types: [created]
permissions:
  contents: write
jobs:
  claude:
    runs-on: ubuntu-latest
    env:
      GH_TOKEN: `+key+`
    steps:
      - uses: actions/checkout@v4
      - uses: anthropics/claude-code-action@v1
        env:
          DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }}
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make deploy
        env:
          DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }}
`)
	writeFile(t, root, "deploy.sh", "export GH_TOKEN="+key+"\n")
	p := filepath.Join(t.TempDir(), "r.json")
	if res := run(t, nil, "scan", root, "-q", "-o", "json="+p); res.code != ExitOK {
		t.Fatalf("scan: exit %d: %s", res.code, res.err)
	}
	return p, key
}

func planJSON(t *testing.T, out string) report.RevokePlan {
	t.Helper()
	var p report.RevokePlan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	return p
}

// TestRevokePlan: the coding agent's plan lists the embedded key (static,
// rotate then remove from both places), the secret (rotate, then update it;
// revoking it cuts the build job off too) and the GITHUB_TOKEN (expires with
// the job; disable the workflow) in that order, in JSON and in Markdown, and
// no output holds the key's value.
func TestRevokePlan(t *testing.T) {
	t.Parallel()
	rp, key := revokeTree(t)
	// The README's example, with the suffix it gives.
	if !strings.Contains(mustRead(t, "../../README.md"), "agentreach revoke-plan agentreach.json --agent agent.yml#claude") {
		t.Error("the README's revoke-plan example changed; keep this test's agent suffix in step")
	}
	res := run(t, nil, "revoke-plan", rp, "--agent", "agent.yml#claude", "-o", "json")
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	plan := planJSON(t, res.out)
	if len(plan.Plans) != 1 || !strings.HasSuffix(plan.Plans[0].Agent, "|github-actions:.github/workflows/agent.yml#claude") {
		t.Fatalf("plans: %+v", plan.Plans)
	}
	steps := plan.Plans[0].Steps
	var kinds []string
	for _, s := range steps {
		kinds = append(kinds, string(s.Kind))
	}
	if strings.Join(kinds, ",") != "embedded-key,actions-secret,workflow-token" {
		t.Fatalf("order %v, want the embedded key, the secret, the GITHUB_TOKEN last", kinds)
	}
	emb, sec, tok := steps[0], steps[1], steps[2]
	if !strings.Contains(emb.How, "Rotate the value") || !strings.Contains(emb.How, "remove it from 2 places") ||
		!strings.Contains(emb.How, "git history") || strings.Join(emb.Locations, " ") != ".github/workflows/agent.yml:10 deploy.sh:1" ||
		emb.Redacted == "" || !strings.HasPrefix(emb.Redacted, "ghp_") {
		t.Errorf("embedded key step: %+v", emb)
	}
	if sec.Name != "DEPLOY_TOKEN" || !strings.Contains(sec.How, "Settings › Secrets and variables › Actions") ||
		!strings.Contains(strings.Join(sec.Commands, "\n"), "gh secret set DEPLOY_TOKEN") ||
		len(sec.AlsoReachedBy) != 1 || !strings.HasSuffix(sec.AlsoReachedBy[0], "agent.yml#build") {
		t.Errorf("secret step: %+v", sec)
	}
	if !strings.Contains(tok.How, "expires with the job") || !strings.Contains(strings.Join(tok.Commands, "\n"), "gh workflow disable agent.yml") ||
		len(tok.AlsoReachedBy) != 0 {
		t.Errorf("GITHUB_TOKEN step: %+v", tok)
	}

	md := run(t, nil, "revoke-plan", rp, "--agent", plan.Plans[0].Agent)
	if md.code != ExitOK {
		t.Fatalf("markdown: exit %d: %s", md.code, md.err)
	}
	i1, i2, i3 := strings.Index(md.out, "1. **GitHub"), strings.Index(md.out, "2. **DEPLOY\\_TOKEN**"), strings.Index(md.out, "3. **GITHUB\\_TOKEN")
	if i1 < 0 || i2 < i1 || i3 < i2 || !strings.Contains(md.out, "**also cuts off**") || !strings.Contains(md.out, "`deploy.sh:1`") {
		t.Errorf("markdown:\n%s", md.out)
	}
	// The file output, and --kind: every ci-job (here: build).
	f := filepath.Join(t.TempDir(), "plan.json")
	if res := run(t, nil, "revoke-plan", rp, "--kind", "ci-job", "-o", "json="+f); res.code != ExitOK || res.out != "" {
		t.Fatalf("--kind: exit %d, stdout %q: %s", res.code, res.out, res.err)
	}
	kp := planJSON(t, mustRead(t, f))
	if len(kp.Plans) != 1 || kp.Plans[0].Name != "build" || len(kp.Plans[0].Steps) != 2 ||
		!strings.HasSuffix(kp.Plans[0].Steps[0].AlsoReachedBy[0], "#claude") {
		t.Errorf("--kind ci-job: %+v", kp.Plans)
	}
	for _, out := range []string{res.out, md.out, mustRead(t, f)} {
		if strings.Contains(out, key) || strings.Contains(out, key[4:20]) {
			t.Errorf("the plan holds the key's value:\n%s", out)
		}
	}
}

// TestRevokePlanAgents: unknown agents, kinds and reports are one line on
// stderr and exit 2; a suffix must be unique; repeats are listed once.
func TestRevokePlanAgents(t *testing.T) {
	t.Parallel()
	rp, _ := revokeTree(t)
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"schema_version": 1, "tool": {"name": "agentreach"}, "inventory": {}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	notReport := filepath.Join(t.TempDir(), "x.json")
	if err := os.WriteFile(notReport, []byte(`{"hello": "world"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{rp, "--agent", "claudee"}, `closest: "`},
		{[]string{rp, "--agent", "b"}, `no agent "b"`},
		{[]string{rp, "--agent", "agent.yml"}, `no agent`},
		{[]string{rp, "--kind", "robot"}, "unknown agent kind"},
		{[]string{rp, "--kind", "mcp-server"}, "no agent of kind mcp-server"},
		{[]string{rp}, "--agent ID"},
		{[]string{rp, "--agent", "claude", "--kind", "ci-job"}, "not both"},
		{[]string{rp, "--agent", "claude", "-o", "csv"}, "want markdown or json"},
		{[]string{bad, "--agent", "claude"}, "schema version 1"},
		{[]string{notReport, "--agent", "claude"}, "not an agentreach JSON report"},
	} {
		res := run(t, nil, append([]string{"revoke-plan"}, tc.args...)...)
		if res.code != ExitUsage || res.out != "" || strings.Count(res.err, "\n") != 1 || !strings.Contains(res.err, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q (want one line with %q)", tc.args, res.code, res.out, res.err, tc.want)
		}
	}
	if res := run(t, nil, "revoke-plan", rp, "--agent", "claudee"); !strings.Contains(res.err, "agent.yml#claude") {
		t.Errorf("no suggestion of the closest id: %q", res.err)
	}
	// "ld" is a suffix of build only; "#claude" and the full local part
	// name one agent, given twice it is planned once.
	res := run(t, nil, "revoke-plan", rp, "--agent", "ld", "--agent", "#claude", "--agent", "github-actions:.github/workflows/agent.yml#claude", "-o", "json")
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	p := planJSON(t, res.out)
	if len(p.Plans) != 2 || p.Plans[0].Name != "build" || p.Plans[1].Name != "claude" {
		t.Errorf("plans: %+v", p.Plans)
	}
	// Two checkouts in one scan: the local part is ambiguous, the full id is not.
	a, b := t.TempDir(), t.TempDir()
	wf := "on: push\njobs:\n  claude:\n    runs-on: x\n    steps: [{uses: anthropics/claude-code-action@v1}]\n"
	writeFile(t, a, ".github/workflows/agent.yml", wf)
	writeFile(t, b, ".github/workflows/agent.yml", wf)
	two := filepath.Join(t.TempDir(), "two.json")
	if res := run(t, nil, "scan", a, b, "-q", "-o", "json="+two); res.code != ExitOK {
		t.Fatalf("scan: exit %d: %s", res.code, res.err)
	}
	if res := run(t, nil, "revoke-plan", two, "--agent", "#claude"); res.code != ExitUsage || strings.Count(res.err, "\n") != 1 || !strings.Contains(res.err, "ambiguous") {
		t.Errorf("a suffix two agents share: exit %d, %q", res.code, res.err)
	}
	full := readReport(t, two).Inventory.Agents[0].ID
	if res := run(t, nil, "revoke-plan", two, "--agent", full, "-o", "json"); res.code != ExitOK || planJSON(t, res.out).Plans[0].Agent != full {
		t.Errorf("full id %s: exit %d, %s", full, res.code, res.err)
	}
}
