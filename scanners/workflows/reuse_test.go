package workflows

import (
	"slices"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func jobOf(t *testing.T, inv *inventory.Inventory, path, id string) *inventory.Job {
	t.Helper()
	for wi := range inv.Workflows {
		if inv.Workflows[wi].Path != path {
			continue
		}
		for ji := range inv.Workflows[wi].Jobs {
			if inv.Workflows[wi].Jobs[ji].ID == id {
				return &inv.Workflows[wi].Jobs[ji]
			}
		}
	}
	t.Fatalf("job %s#%s not recorded", path, id)
	return nil
}

func starterEvents(j *inventory.Job) map[string]inventory.Audience {
	out := map[string]inventory.Audience{}
	for _, s := range j.Starters {
		out[s.Event] = s.Audience
	}
	return out
}

// TestNeedsOutputRouting: a job gated on a needed job's output starts only on
// the events where the script that sets the output can give it that value,
// and no wider than the needed job's own gate lets through.
func TestNeedsOutputRouting(t *testing.T) {
	t.Parallel()
	router := func(script, output string) string {
		return `on:
  issues:
    types: [opened]
  issue_comment:
    types: [created]
jobs:
  route:
    if: github.event_name == 'issues' || github.event.comment.author_association == 'MEMBER'
    runs-on: ubuntu-latest
    outputs:
      kind: ` + output + `
    steps:
      - id: s
        uses: actions/github-script@v7
        env:
          EV: ${{ github.event_name }}
        with:
          script: ` + script + `
  work:
    needs: route
    if: needs.route.outputs.kind == 'work'
    uses: ./.github/workflows/work.yml
  other:
    needs: route
    if: contains(fromJSON('["other", "more"]'), needs.route.outputs.kind)
    runs-on: ubuntu-latest
    steps:
      - run: make
  always:
    needs: route
    if: always() && needs.route.outputs.kind == 'work'
    runs-on: ubuntu-latest
    steps:
      - run: make
`
	}
	const work = ".github/workflows/work.yml"
	callee := "on: workflow_call\njobs:\n  w:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
	tests := []struct {
		name      string
		script    string
		output    string
		work      map[string]inventory.Audience // starters of the called job
		other     map[string]inventory.Audience
		alwaysRun map[string]inventory.Audience
	}{
		{name: "issues route elsewhere: only gated comments reach work",
			script: `"if (process.env.EV === 'issues') { core.setOutput('kind', 'other') } else { core.setOutput('kind', 'work') }"`,
			output: "${{ steps.s.outputs.kind }}",
			work:   map[string]inventory.Audience{"issue_comment": inventory.AudienceWrite},
			other:  map[string]inventory.Audience{"issues": inventory.AudienceCommenters},
			// always(): the gate of route is not applied (conservative); the routing is
			alwaysRun: map[string]inventory.Audience{"issue_comment": inventory.AudienceCommenters}},
		{name: "unreadable script: unknown, never safe",
			script:    `"core.setOutput('kind', process.env.EV)"`,
			output:    "${{ steps.s.outputs.kind }}",
			work:      map[string]inventory.Audience{"issues": inventory.AudienceCommenters, "issue_comment": inventory.AudienceWrite},
			other:     map[string]inventory.Audience{"issues": inventory.AudienceCommenters, "issue_comment": inventory.AudienceWrite},
			alwaysRun: map[string]inventory.Audience{"issues": inventory.AudienceCommenters, "issue_comment": inventory.AudienceCommenters}},
		{name: "a literal output",
			script:    `"core.setOutput('kind', 'work')"`,
			output:    "other",
			work:      map[string]inventory.Audience{},
			other:     map[string]inventory.Audience{"issues": inventory.AudienceCommenters, "issue_comment": inventory.AudienceWrite},
			alwaysRun: map[string]inventory.Audience{}},
		{name: "an output built from more than one step output is unknown",
			script:    `"core.setOutput('kind', 'x')"`,
			output:    "${{ steps.s.outputs.kind }}${{ steps.s.outputs.more }}",
			work:      map[string]inventory.Audience{"issues": inventory.AudienceCommenters, "issue_comment": inventory.AudienceWrite},
			other:     map[string]inventory.Audience{"issues": inventory.AudienceCommenters, "issue_comment": inventory.AudienceWrite},
			alwaysRun: map[string]inventory.Audience{"issues": inventory.AudienceCommenters, "issue_comment": inventory.AudienceCommenters}},
	}
	for _, tt := range tests {
		inv, _ := scan(t, map[string]string{".github/workflows/router.yml": router(tt.script, tt.output), work: callee})
		for job, want := range map[string]map[string]inventory.Audience{"work": tt.work, "other": tt.other, "always": tt.alwaysRun} {
			if got := starterEvents(jobOf(t, inv, ".github/workflows/router.yml", job)); !mapsEqual(got, want) {
				t.Errorf("%s: %s starters = %v, want %v", tt.name, job, got, want)
			}
		}
		if got := starterEvents(jobOf(t, inv, work, "w")); !mapsEqual(got, tt.work) {
			t.Errorf("%s: called job starters = %v, want the caller's %v", tt.name, got, tt.work)
		}
	}
}

func mapsEqual(a, b map[string]inventory.Audience) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestCalledPermissions: a called job's token is the meet of the caller
// job's and its own declaration; runs of the workflow's own triggers get
// its own permissions or the default.
func TestCalledPermissions(t *testing.T) {
	t.Parallel()
	caller := `on: push
jobs:
  narrow:
    permissions:
      contents: read
      issues: write
    uses: ./.github/workflows/callee.yml
`
	tests := []struct {
		name   string
		callee string
		want   inventory.Permissions // of job j, without metadata
		source string
	}{
		{"the callee's workflow permissions can only narrow",
			"on: workflow_call\npermissions:\n  contents: write\n  issues: write\n  pull-requests: write\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n",
			inventory.Permissions{inventory.ResContents: inventory.Read, inventory.ResIssues: inventory.Write}, "workflow"},
		{"the callee's job permissions can only narrow",
			"on: workflow_call\njobs:\n  j:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: write\n    steps:\n      - run: make\n",
			inventory.Permissions{inventory.ResContents: inventory.Read}, "job"},
		{"no declaration: the caller's",
			"on: workflow_call\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n",
			inventory.Permissions{inventory.ResContents: inventory.Read, inventory.ResIssues: inventory.Write}, "caller"},
		{"own trigger too, with a declaration: the join of both runs",
			"on:\n  workflow_call:\n  pull_request:\njobs:\n  j:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n      pull-requests: write\n    steps:\n      - run: make\n",
			inventory.Permissions{inventory.ResContents: inventory.Read, inventory.ResPullRequests: inventory.Write}, "job"},
	}
	for _, tt := range tests {
		inv, _ := scan(t, map[string]string{".github/workflows/caller.yml": caller, ".github/workflows/callee.yml": tt.callee})
		j := jobOf(t, inv, ".github/workflows/callee.yml", "j")
		got := j.EffectivePermissions.Clone()
		delete(got, inventory.ResMetadata)
		for r, l := range got {
			if l == inventory.None {
				delete(got, r)
			}
		}
		if !mapsEqualPerm(got, tt.want) || j.PermissionsSource != tt.source {
			t.Errorf("%s: permissions = %v (%s), want %v (%s)", tt.name, got, j.PermissionsSource, tt.want, tt.source)
		}
	}
	// Own triggers and no declaration: the direct runs get the default.
	inv, _ := scan(t, map[string]string{".github/workflows/caller.yml": caller,
		".github/workflows/callee.yml": "on:\n  workflow_call:\n  pull_request:\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"})
	if j := jobOf(t, inv, ".github/workflows/callee.yml", "j"); j.PermissionsSource != permissionsDefault ||
		j.EffectivePermissions.Get(inventory.ResContents) < inventory.Write {
		t.Errorf("direct runs: permissions = %v (%s), want the default", j.EffectivePermissions, j.PermissionsSource)
	}
}

func mapsEqualPerm(a, b inventory.Permissions) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestCalledSecrets: a called workflow reaches only what its callers pass,
// bound through chains of callers; with no caller in the scan a declared
// secret is a parameter, not the repository secret of that name.
func TestCalledSecrets(t *testing.T) {
	t.Parallel()
	const leaf = `on:
  workflow_call:
    secrets:
      TOKEN:
        required: false
      OTHER:
        required: false
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - run: make
        env:
          A: ${{ secrets.TOKEN }}
          B: ${{ secrets.OTHER }}
          C: ${{ secrets.UNDECLARED }}
      - uses: actions/checkout@v4
        with:
          token: ${{ secrets.TOKEN }}
`
	secretIDs := func(j *inventory.Job) []string {
		var out []string
		for _, r := range j.Secrets {
			if !slices.Contains(out, r.Credential) {
				out = append(out, r.Credential)
			}
		}
		slices.Sort(out)
		return out
	}
	repo := func(n string) string { return inventory.GitHubSecretID("", n) }
	param := func(p, n string) string { return inventory.GitHubCallSecretID("", p, n) }
	const leafPath = ".github/workflows/leaf.yml"
	tests := []struct {
		name     string
		files    map[string]string
		want     []string
		checkout string // the checkout's token secret after binding
	}{
		{name: "no caller: declared secrets are parameters, undeclared ones inherited by name",
			files: map[string]string{leafPath: leaf},
			want:  []string{param(leafPath, "OTHER"), param(leafPath, "TOKEN"), repo("UNDECLARED")}, checkout: "TOKEN"},
		{name: "explicit map: only what is passed, renamed",
			files: map[string]string{leafPath: leaf, ".github/workflows/top.yml": "on: push\njobs:\n  c:\n    uses: ./.github/workflows/leaf.yml\n    secrets:\n      TOKEN: ${{ secrets.DEPLOY_PAT }}\n"},
			want:  []string{repo("DEPLOY_PAT")}, checkout: "DEPLOY_PAT"},
		{name: "the caller's job token",
			files: map[string]string{leafPath: leaf, ".github/workflows/top.yml": "on: push\njobs:\n  c:\n    uses: ./.github/workflows/leaf.yml\n    secrets:\n      TOKEN: ${{ secrets.GITHUB_TOKEN }}\n"},
			want:  nil, checkout: "GITHUB_TOKEN"},
		{name: "no secrets passed: none",
			files: map[string]string{leafPath: leaf, ".github/workflows/top.yml": "on: push\njobs:\n  c:\n    uses: ./.github/workflows/leaf.yml\n"},
			want:  nil, checkout: "TOKEN"},
		{name: "inherit: all by name",
			files: map[string]string{leafPath: leaf, ".github/workflows/top.yml": "on: push\njobs:\n  c:\n    uses: ./.github/workflows/leaf.yml\n    secrets: inherit\n"},
			want:  []string{repo("OTHER"), repo("TOKEN"), repo("UNDECLARED")}, checkout: "TOKEN"},
		{name: "a chain of callers ending in a parameter",
			files: map[string]string{leafPath: leaf,
				".github/workflows/mid.yml": "on:\n  workflow_call:\n    secrets:\n      UP:\n        required: true\njobs:\n  m:\n    uses: ./.github/workflows/leaf.yml\n    secrets:\n      TOKEN: ${{ secrets.UP || secrets.GITHUB_TOKEN }}\n"},
			want: []string{param(".github/workflows/mid.yml", "UP")}, checkout: "TOKEN"},
		{name: "two callers, and the workflow's own trigger",
			files: map[string]string{
				leafPath:                    "on:\n  workflow_call:\n  workflow_dispatch:\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n        env:\n          A: ${{ secrets.TOKEN }}\n",
				".github/workflows/a.yml":   "on: push\njobs:\n  c:\n    uses: ./.github/workflows/leaf.yml\n    secrets:\n      TOKEN: ${{ secrets.A_PAT }}\n",
				".github/workflows/b.yml":   "on: push\njobs:\n  c:\n    uses: ./.github/workflows/leaf.yml\n    secrets: inherit\n",
				".github/workflows/all.yml": "on: push\njobs:\n  c:\n    uses: ./.github/workflows/leaf.yml\n    secrets:\n      OTHER: ${{ toJSON(secrets) }}\n"},
			want: []string{repo("A_PAT"), repo("TOKEN")}},
	}
	for _, tt := range tests {
		inv, _ := scan(t, tt.files)
		j := jobOf(t, inv, leafPath, "j")
		slices.Sort(tt.want)
		if got := secretIDs(j); !slices.Equal(got, tt.want) {
			t.Errorf("%s: secrets = %v, want %v", tt.name, got, tt.want)
		}
		for _, s := range j.Steps {
			if s.Checkout != nil && s.Checkout.TokenSecret != tt.checkout {
				t.Errorf("%s: checkout token = %q, want %q", tt.name, s.Checkout.TokenSecret, tt.checkout)
			}
		}
		for _, id := range tt.want {
			c := inv.Credential(id)
			if c == nil {
				t.Errorf("%s: credential %s missing", tt.name, id)
				continue
			}
			if wantKind := inventory.KindActionsSecret; c.Kind != wantKind && c.Kind != inventory.KindWorkflowCallSecret {
				t.Errorf("%s: %s kind %s", tt.name, id, c.Kind)
			}
		}
	}
	// toJSON(secrets) in a called workflow: every secret its callers pass.
	inv, _ := scan(t, map[string]string{
		leafPath:                    "on: workflow_call\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"$ALL\"\n        env:\n          ALL: ${{ toJSON(secrets) }}\n",
		".github/workflows/top.yml": "on: push\njobs:\n  c:\n    uses: ./.github/workflows/leaf.yml\n    secrets:\n      X: ${{ secrets.ONE }}\n      Y: ${{ secrets.TWO }}\n"})
	if got := secretIDs(jobOf(t, inv, leafPath, "j")); !slices.Equal(got, []string{repo("ONE"), repo("TWO")}) {
		t.Errorf("toJSON(secrets) with a secrets map = %v", got)
	}
	if c := inv.Credential(param(leafPath, "X")); c != nil {
		t.Errorf("a passed secret recorded as a parameter: %+v", c)
	}
}

// TestNeverRuns: a job whose if: is false on every event, a job that needs
// it, and the jobs of a reusable workflow whose only caller is such a job
// never run; look-alikes that may run (an if: on an output the scan cannot
// read, a second caller that runs, a workflow without triggers) do not get
// the mark.
func TestNeverRuns(t *testing.T) {
	t.Parallel()
	inv, _ := scan(t, map[string]string{
		".github/workflows/dispatch.yml": `on: [issue_comment, push]
jobs:
  dead:
    if: false
    runs-on: ubuntu-latest
    steps: [{run: make}]
  dead-and:
    if: ${{ false && contains(github.event.comment.body, '/run') }}
    uses: ./.github/workflows/invoke.yml
    secrets: inherit
  after-dead:
    needs: dead
    runs-on: ubuntu-latest
    steps: [{run: make}]
  off-folded:
    if: >-
      false && (
        contains(fromJSON('["OWNER", "MEMBER"]'), github.event.comment.author_association)
      )
    runs-on: ubuntu-latest
    steps: [{run: make}]
  off-literals:
    if: "'false' == 'true' && github.event.comment.author_association == 'OWNER'"
    runs-on: ubuntu-latest
    steps: [{run: make}]
  on-literals:
    if: "'a' != 'b' && github.event.comment.body == '/go'"
    runs-on: ubuntu-latest
    steps: [{run: make}]
  on-or-true:
    if: ${{ true || github.event.comment.author_association == 'OWNER' }}
    runs-on: ubuntu-latest
    steps: [{run: make}]
  maybe:
    if: ${{ github.event.comment.body == '/go' }}
    runs-on: ubuntu-latest
    steps: [{run: make}]
  lives:
    runs-on: ubuntu-latest
    steps: [{run: make}]
`,
		".github/workflows/invoke.yml": `on: workflow_call
jobs:
  agent:
    runs-on: ubuntu-latest
    steps: [{run: make}]
`,
		".github/workflows/shared.yml": `on: workflow_call
jobs:
  work:
    runs-on: ubuntu-latest
    steps: [{run: make}]
`,
		".github/workflows/callers.yml": `on: push
jobs:
  off:
    if: false
    uses: ./.github/workflows/shared.yml
  on:
    uses: ./.github/workflows/shared.yml
`,
	})
	for _, c := range []struct {
		path, job string
		never     bool
	}{
		{".github/workflows/dispatch.yml", "dead", true},
		{".github/workflows/dispatch.yml", "dead-and", true},
		{".github/workflows/dispatch.yml", "after-dead", true},
		{".github/workflows/invoke.yml", "agent", true},
		{".github/workflows/dispatch.yml", "maybe", false},
		{".github/workflows/dispatch.yml", "off-folded", true},
		{".github/workflows/dispatch.yml", "on-or-true", false},
		{".github/workflows/dispatch.yml", "off-literals", true},
		{".github/workflows/dispatch.yml", "on-literals", false},
		{".github/workflows/dispatch.yml", "lives", false},
		{".github/workflows/shared.yml", "work", false},
		{".github/workflows/callers.yml", "off", true},
	} {
		if j := jobOf(t, inv, c.path, c.job); j.NeverRuns != c.never {
			t.Errorf("%s#%s: never_runs %v, want %v (starters %v)", c.path, c.job, j.NeverRuns, c.never, starterEvents(j))
		}
	}
	// `true || gate` lets everyone through: the gate does not narrow.
	if a := starterEvents(jobOf(t, inv, ".github/workflows/dispatch.yml", "on-or-true"))["issue_comment"]; a == inventory.AudienceWrite {
		t.Errorf("true || author gate narrowed issue_comment to %s", a)
	}
}

// TestWrappedAgentCommand: a job that installs a file of its repository
// under an agent CLI's name runs its own program, not the agent; a file
// from the agent's installed package stays the agent.
func TestWrappedAgentCommand(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, link string
		agent      bool
	}{
		{"repository wrapper", `sudo ln -sf "$(pwd)/scripts/gemini-cli.cjs" /usr/local/bin/gemini`, false},
		{"copied wrapper", `cp tools/gemini-wrapper.sh ~/.local/bin/gemini`, false},
		{"a wrapper of another agent", `cp tools/claude-wrapper.sh ~/.local/bin/claude`, true},
		{"the npm package's entry point", `ln -s "$(npm root -g)/@google/gemini-cli/dist/index.js" /usr/local/bin/gemini`, true},
		{"no link", `echo ready`, true},
	} {
		inv, _ := scan(t, map[string]string{".github/workflows/ai.yml": "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" +
			"      - uses: actions/checkout@v4\n      - run: |\n          " + c.link + "\n      - run: gemini -p \"triage this issue\"\n"})
		j := jobOf(t, inv, ".github/workflows/ai.yml", "a")
		got := slices.ContainsFunc(j.Steps, func(s inventory.Step) bool { return s.Agent != nil })
		if got != c.agent {
			t.Errorf("%s: agent recognised %v, want %v", c.name, got, c.agent)
		}
	}
}

// TestInstalledAgent: a job that installs an agent CLI globally and runs it
// only through a program the scan does not read has the install step as
// the agent, with the package's pin as its supply and its flags listed as
// not evaluated; a job that also runs the CLI by name has that step as the
// agent.
func TestInstalledAgent(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, install, run string
		agentAt            int // index of the agent step, -1 for none
		unpinned           bool
	}{
		{"unpinned, run by a release tool", "npm install -g @anthropic-ai/claude-code", "npx semantic-release", 1, true},
		{"pinned, run by a script", "npm i --global @openai/codex@0.46.0", "./scripts/review.sh", 1, false},
		{"run by name in a later step", "npm install -g @anthropic-ai/claude-code", "claude -p \"review\"", 2, false},
		{"another package", "npm install -g semantic-release", "npx semantic-release", -1, false},
		{"a vendor install script, run by name later", "curl -fsSL https://opencode.ai/install | bash", "opencode run \"triage\"", 2, true},
		{"a vendor install script, run by a script", "curl -fsSL https://claude.ai/install.sh | bash", "./scripts/review.sh", 1, true},
		{"another install script", "curl -fsSL https://get.docker.com | sh", "./scripts/review.sh", -1, false},
		{"a vendor install script given a version", "curl -fsSL https://claude.ai/install.sh | bash -s -- \"$PINNED_VERSION\"", "claude -p review", 2, false},
	} {
		inv, _ := scan(t, map[string]string{".github/workflows/r.yml": "on: push\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n" +
			"      - uses: actions/checkout@v4\n      - run: " + c.install + "\n      - run: " + c.run + "\n"})
		j := jobOf(t, inv, ".github/workflows/r.yml", "r")
		at := slices.IndexFunc(j.Steps, func(s inventory.Step) bool { return s.Agent != nil })
		if at != c.agentAt {
			t.Errorf("%s: agent at step %d, want %d", c.name, at, c.agentAt)
			continue
		}
		if at < 0 {
			continue
		}
		ag := j.Steps[at].Agent
		if got := len(ag.Supply) > 0; got != c.unpinned {
			t.Errorf("%s: supply %+v, want unpinned %v", c.name, ag.Supply, c.unpinned)
		}
		if at == 1 && len(ag.Unparsed) == 0 {
			t.Errorf("%s: the install step's agent does not say its flags were not read", c.name)
		}
	}
}
