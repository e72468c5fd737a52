package workflows

import (
	"slices"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

// TestReadScript checks which $GITHUB_OUTPUT and $GITHUB_ENV values a run:
// script derives from untrusted text.
func TestReadScript(t *testing.T) {
	t.Parallel()
	env := map[string]sval{"TITLE": {text: origin("github.event.issue.title")}}
	exprs := func(s string) []flow {
		if strings.Contains(s, "github.event.issue.body") {
			return origin("github.event.issue.body")
		}
		return nil
	}
	tests := []struct {
		name, script string
		tainted      []string // output names (env: prefixed) that carry untrusted text
		clean        []string // output names written but clean
	}{
		{"echo of an env variable", `echo "title=$TITLE" >> "$GITHUB_OUTPUT"`, []string{"title"}, nil},
		{"expression in the script", "echo \"b=${{ github.event.issue.body }}\" >> $GITHUB_OUTPUT", []string{"b"}, nil},
		{"literal and number", "echo \"ok=true\" >> $GITHUB_OUTPUT\necho \"n=${{ github.event.issue.number }}\" >> $GITHUB_OUTPUT", nil, []string{"ok", "n"}},
		{"fetched PR through gh api and jq", `json=$(gh api "repos/$REPO/pulls/$PR_NUMBER")
echo "head_sha=$(echo "$json" | jq -r '.head.sha')" >> "$GITHUB_OUTPUT"
echo "base_ref=$(echo "$json" | jq -r '.base.ref')" >> "$GITHUB_OUTPUT"
{
  echo "title<<EOF"
  echo "$json" | jq -r '.title // ""'
  echo "EOF"
  echo "body<<EOF"
  echo "$json" | jq -r '.body // ""'
  echo "EOF"
} >> "$GITHUB_OUTPUT"`, []string{"title", "body"}, []string{"head_sha", "base_ref"}},
		{"gh pr view fields", `T=$(gh pr view "$N" --json title -q .title)
S=$(gh pr view "$N" --json headRefOid --jq .headRefOid)
echo "t=$T" >> $GITHUB_OUTPUT
echo "s=$S" >> $GITHUB_OUTPUT`, []string{"t"}, []string{"s"}},
		{"gh pr view without json prints text", `echo "v=$(gh pr view 12)" >> $GITHUB_OUTPUT`, []string{"v"}, nil},
		{"label names are the maintainers'", `echo "labels=$(gh label list --json name | jq -r '[.[].name] | join(", ")')" >> "$GITHUB_OUTPUT"`, nil, []string{"labels"}},
		{"event payload file", `echo "t=$(jq -r .pull_request.title "$GITHUB_EVENT_PATH")" >> $GITHUB_OUTPUT
echo "n=$(jq -r .pull_request.number "$GITHUB_EVENT_PATH")" >> $GITHUB_OUTPUT`, []string{"t"}, []string{"n"}},
		{"predicate over text", `echo "wip=$(gh pr view 1 --json title --jq '.title | test("WIP")')" >> $GITHUB_OUTPUT`, nil, []string{"wip"}},
		{"heredoc", "cat >> \"$GITHUB_OUTPUT\" <<EOF\nmsg<<DELIM\n$TITLE\nDELIM\nplain=yes\nEOF", []string{"msg"}, []string{"plain"}},
		{"quoted heredoc does not expand", "cat >> \"$GITHUB_OUTPUT\" <<'EOF'\nmsg=$TITLE\nEOF", nil, []string{"msg"}},
		{"env file", `echo "PR_TITLE=$TITLE" >> "$GITHUB_ENV"`, []string{"env:PR_TITLE"}, nil},
		{"tee", `echo "safe=${safe}" | tee -a "${GITHUB_OUTPUT}"`, nil, []string{"safe"}},
		{"set-output", `echo "::set-output name=t::$TITLE"`, []string{"t"}, nil},
		{"multi-line substitution", "ISSUES=\"$(gh issue list \\\n  --json number,title,body \\\n  --limit 10\n)\"\necho \"issues=${ISSUES}\" >> \"${GITHUB_OUTPUT}\"", []string{"issues"}, nil},
		{"count of issues", "N=\"$(gh issue list --json number,title | jq 'length')\"\necho \"n=$N\" >> $GITHUB_OUTPUT", nil, []string{"n"}},
		{"in an if branch", "if [ -n \"$TITLE\" ]; then echo \"t=$TITLE\" >> $GITHUB_OUTPUT; else echo \"t=none\" >> $GITHUB_OUTPUT; fi", []string{"t"}, nil},
		{"single quotes do not expand", `echo 't=$TITLE' >> $GITHUB_OUTPUT`, nil, []string{"t"}},
	}
	for _, tt := range tests {
		vars := map[string]sval{}
		for k, v := range env {
			vars[k] = v
		}
		w := readScript(tt.script, exprs, vars, nil)
		get := func(n string) ([]flow, bool) {
			if e, ok := strings.CutPrefix(n, "env:"); ok {
				fs, ok := w.env[e]
				return fs, ok
			}
			fs, ok := w.outputs[n]
			return fs, ok
		}
		for _, n := range tt.tainted {
			if fs, _ := get(n); len(fs) == 0 {
				t.Errorf("%s: %s is clean, want tainted (outputs %v)", tt.name, n, w.outputs)
			}
		}
		for _, n := range tt.clean {
			fs, ok := get(n)
			if !ok {
				t.Errorf("%s: %s not written", tt.name, n)
			}
			if len(fs) > 0 {
				t.Errorf("%s: %s tainted by %v, want clean", tt.name, n, fs)
			}
		}
	}
}

func TestReadJS(t *testing.T) {
	t.Parallel()
	none := func(string) []flow { return nil }
	script := `const { data: pr } = await github.rest.pulls.get({ owner, repo, pull_number: n });
core.setOutput('title', pr.title);
core.setOutput('number', pr.number);
core.setOutput('sha', pr.head.sha);
core.setOutput('branch', context.payload.pull_request.head.ref);
core.setOutput('body', context.payload.issue.body);
core.setOutput('author', context.payload.issue.user.login);
return pr.body;`
	script += `
let prompt = '';
if (context.eventName === 'pull_request') {
  const pr2 = context.payload.pull_request;
  const desc = pr2.body?.trim();
  const lines = [
    'Review this:',
    ` + "`Title: ${pr2.title}`" + `,
    desc,
  ];
  prompt = lines.join('\n');
} else {
  prompt = context.payload.comment?.body ?? '';
}
core.setOutput('prompt', prompt);
core.setOutput('n', pr2.number);
`
	out := readJS(script, none, none)
	for _, n := range []string{"title", "branch", "body", "result", "prompt"} {
		if len(out[n]) == 0 {
			t.Errorf("%s clean, want tainted", n)
		}
	}
	for _, n := range []string{"number", "sha", "author", "n"} {
		if len(out[n]) > 0 {
			t.Errorf("%s tainted, want clean", n)
		}
	}
}

func injections(inv *inventory.Inventory) []inventory.Injection {
	var out []inventory.Injection
	for _, wf := range inv.Workflows {
		for _, j := range wf.Jobs {
			for _, s := range j.Steps {
				out = append(out, s.Injections...)
			}
		}
	}
	return out
}

// TestTaintFlows runs the pass over whole workflows: which expressions end
// up recorded as injections, at which line, with which origins.
func TestTaintFlows(t *testing.T) {
	t.Parallel()
	type want struct {
		expr    string
		line    int
		origins []string
	}
	tests := []struct {
		name  string
		files map[string]string
		want  []want
	}{
		{"env set from the issue title", map[string]string{file.Path: `on: issue_comment
jobs:
  a:
    runs-on: ubuntu-latest
    env:
      T: ${{ github.event.issue.title }}
      N: ${{ github.event.issue.number }}
    steps:
      - run: |
          echo "${{ env.N }}"
          echo "${{ env.T }}"
`}, []want{{"env.T", 11, []string{"github.event.issue.title"}}}},
		{"workflow env and $GITHUB_ENV", map[string]string{file.Path: `on: issues
env:
  BODY: ${{ github.event.issue.body }}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "B=$BODY" >> "$GITHUB_ENV"
      - run: echo "${{ env.B }}"
      - run: echo "${{ env.BODY }}"
`}, []want{{"env.B", 9, []string{"github.event.issue.body"}}, {"env.BODY", 10, []string{"github.event.issue.body"}}}},
		{"model output into a script", map[string]string{file.Path: `on: issues
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: llm
        uses: actions/ai-inference@v1
        with:
          prompt: Label ${{ github.event.issue.title }}
      - run: gh issue edit --add-label "${{ steps.llm.outputs.response }}"
`}, []want{{"steps.llm.outputs.response", 10, []string{"github.event.issue.title"}}}},
		{"agent output with a fixed prompt", map[string]string{file.Path: `on: issues
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: claude
        uses: anthropics/claude-code-action@v1
        with:
          prompt: Triage the issue.
      - run: echo '${{ steps.claude.outputs.structured_output }}' && echo ${{ steps.claude.outputs.conclusion }}
`}, []want{{"steps.claude.outputs.structured_output", 10, []string{inventory.OriginAgentOutput}}}},
		{"job outputs through needs", map[string]string{file.Path: `on: pull_request_target
jobs:
  a:
    runs-on: ubuntu-latest
    outputs:
      title: ${{ steps.m.outputs.title }}
      n: ${{ steps.m.outputs.n }}
    steps:
      - id: m
        run: |
          echo "title=$(gh pr view ${{ github.event.number }} --json title --jq .title)" >> "$GITHUB_OUTPUT"
          echo "n=${{ github.event.number }}" >> "$GITHUB_OUTPUT"
  b:
    needs: a
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ needs.a.outputs.n }} ${{ needs.a.outputs.title }}"
`}, []want{{"needs.a.outputs.title", 17, []string{inventory.OriginFetched}}}},
		{"composite action input reported at the caller", map[string]string{
			file.Path: `on: issue_comment
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/agent
        env:
          TITLE: ${{ github.event.issue.title }}
        with:
          prompt: |
            Title: ${{ env.TITLE }}
            Number: ${{ github.event.issue.number }}
          other: ${{ github.event.issue.body }}
`,
			".github/actions/agent/action.yml": `runs:
  using: composite
  steps:
    - uses: anthropics/claude-code-action@v1
      with:
        prompt: ${{ inputs.prompt }}
`}, []want{{"env.TITLE", 11, []string{"github.event.issue.title"}}}},
		{"reusable workflow input", map[string]string{
			file.Path: `on: issues
jobs:
  call:
    uses: ./.github/workflows/r.yml
    with:
      title: ${{ github.event.issue.title }}
      number: ${{ github.event.issue.number }}
`,
			".github/workflows/r.yml": `on:
  workflow_call:
    inputs:
      title: {type: string}
      number: {type: number}
jobs:
  r:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ inputs.number }} ${{ inputs.title }}"
`}, []want{{"inputs.title", 10, []string{"github.event.issue.title"}}}},
		{"github-script output", map[string]string{file.Path: `on: pull_request_target
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: pr
        uses: actions/github-script@v7
        with:
          script: |
            const { data } = await github.rest.pulls.get({ ...context.repo, pull_number: context.issue.number })
            core.setOutput('body', data.body)
            core.setOutput('sha', data.head.sha)
      - run: echo "${{ steps.pr.outputs.sha }}"
      - uses: anthropics/claude-code-action@v1
        with:
          prompt: "Review: ${{ steps.pr.outputs.body }}"
`}, []want{{"steps.pr.outputs.body", 16, []string{inventory.OriginFetched}}}},
		{"through env into the shell is safe", map[string]string{file.Path: `on: issues
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: llm
        uses: actions/ai-inference@v1
        with:
          prompt: ${{ github.event.issue.body }}
      - run: echo "$R"
        env:
          R: ${{ steps.llm.outputs.response }}
`}, nil},
	}
	for _, tt := range tests {
		inv, _ := scan(t, tt.files)
		var got []want
		for _, in := range injections(inv) {
			if in.Via == "" && len(in.Origins) == 0 {
				continue // direct, recorded at parse time
			}
			got = append(got, want{in.Expression, in.Location.Line, in.Origins})
		}
		if !slices.EqualFunc(got, tt.want, func(a, b want) bool {
			return a.expr == b.expr && a.line == b.line && slices.Equal(a.origins, b.origins)
		}) {
			t.Errorf("%s: injections %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestCheckoutRefThroughEnv: a checkout of ${{ env.X }} where X holds the
// pull request head is an untrusted checkout.
func TestCheckoutRefThroughEnv(t *testing.T) {
	t.Parallel()
	src := `on: workflow_run
jobs:
  a:
    runs-on: ubuntu-latest
    env:
      SHA: ${{ github.event.workflow_run.head_sha }}
      BASE: ${{ github.event.repository.default_branch }}
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ env.SHA }}
      - uses: actions/checkout@v4
        with:
          ref: ${{ env.BASE }}
      - run: echo "HEAD=${{ github.event.workflow_run.head_branch }}" >> "$GITHUB_ENV"
      - uses: actions/checkout@v4
        with:
          ref: ${{ env.HEAD }}
`
	inv, _ := scan(t, map[string]string{file.Path: src})
	steps := inv.Workflows[0].Jobs[0].Steps
	for i, want := range map[int]bool{0: true, 1: false, 3: true} {
		co := steps[i].Checkout
		if co.UntrustedRef != want || want && !strings.Contains(co.Via, "github.event.workflow_run.head_") {
			t.Errorf("step %d: untrusted %v via %q, want %v", i, co.UntrustedRef, co.Via, want)
		}
	}
}

// TestReadScriptHostile: long lines and deep nesting are read in bounded
// time.
func TestReadScriptHostile(t *testing.T) {
	t.Parallel()
	none := func(string) []flow { return nil }
	for _, s := range []string{
		strings.Repeat("$(", 200000),
		"echo \"a=" + strings.Repeat("$(echo ", 5000) + "\" >> $GITHUB_OUTPUT",
		strings.Repeat("x=$(y)\n", 100000),
		strings.Repeat("{\n", 50000),
		"cat <<EOF >> $GITHUB_OUTPUT\n" + strings.Repeat("a<<B\n", 100000),
	} {
		readScript(s, none, map[string]sval{}, nil)
	}
}
