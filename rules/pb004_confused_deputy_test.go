package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestConfusedDeputy(t *testing.T) {
	t.Parallel()
	const claudeOpen = `name: claude
on:
  issue_comment:
    types: [created]
jobs:
  claude:
    runs-on: ubuntu-latest
    permissions:
      contents: write
      pull-requests: write
    steps:
      - uses: actions/checkout@v4
      - uses: anthropics/claude-code-action@v1
        with:
          anthropic_api_key: ${{ secrets.ANTHROPIC_API_KEY }}
          github_token: ${{ secrets.GITHUB_TOKEN }}
          allowed_non_write_users: "*"
`
	cliJob := func(on, ifCond, perms string) string {
		s := "on:\n" + on + "jobs:\n  agent:\n    runs-on: ubuntu-latest\n"
		if ifCond != "" {
			s += "    if: " + ifCond + "\n"
		}
		s += perms + "    steps:\n      - uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n" +
			"      - run: claude -p \"fix the issue\" --allowedTools \"Edit,Read\"\n        env:\n" +
			"          ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}\n          GH_TOKEN: ${{ secrets.BOT_PAT }}\n"
		return s
	}
	const readOnly = "    permissions:\n      contents: read\n"
	cases := []ciCase{
		{name: "claude-code-action opened to everyone with write token", yaml: claudeOpen,
			want: []ciWant{{line: 13, score: 9.1, msg: "Anyone who can open or comment"}}},
		{name: "built-in gate kept: quiet", yaml: replace(claudeOpen, `          allowed_non_write_users: "*"`+"\n", "")},
		{name: "allowed_non_write_users without github_token is ignored by the action: quiet",
			yaml: replace(claudeOpen, "          github_token: ${{ secrets.GITHUB_TOKEN }}\n", "")},
		{name: "listed non-write users only: quiet", yaml: replace(claudeOpen, `"*"`, `"alice,bob"`)},
		{name: "opened but read-only and only the model key: quiet",
			yaml: replace(claudeOpen, "      contents: write\n      pull-requests: write\n", "      contents: read\n")},
		{name: "opened with issues:write only is medium, not critical",
			yaml: replace(claudeOpen, "      contents: write\n      pull-requests: write\n", "      contents: read\n      issues: write\n"),
			want: []ciWant{{line: 13, score: 6.0, msg: "issues:write"}}},
		{name: "opencode with its model key and issues:write is medium", yaml: "on:\n  issues:\n    types: [opened]\npermissions:\n  contents: read\n  issues: write\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n" +
			"      - run: opencode run \"triage this issue\"\n        env:\n          OPENCODE_API_KEY: ${{ secrets.OPENCODE_API_KEY }}\n          GH_TOKEN: ${{ github.token }}\n",
			want: []ciWant{{score: 6.0, msg: "issues:write"}}},
		{name: "OIDC used only for the model login does not count",
			yaml: replace(replace(claudeOpen, "      contents: write\n      pull-requests: write\n", "      contents: read\n      id-token: write\n"),
				"          allowed_non_write_users", "          anthropic_federation_rule_id: ${{ vars.RULE }}\n          allowed_non_write_users")},
		{name: "CLI agent on issue_comment with a PAT", yaml: cliJob("  issue_comment:\n", "", readOnly),
			want: []ciWant{{line: 12, score: 9.1, msg: "BOT_PAT"}}},
		{name: "spoofable bot check is no gate", yaml: cliJob("  issue_comment:\n", "github.actor == 'dependabot[bot]'", readOnly),
			want: []ciWant{{score: 9.1}}},
		{name: "author_association gate", yaml: cliJob("  issue_comment:\n",
			`contains(fromJSON('["OWNER","MEMBER","COLLABORATOR"]'), github.event.comment.author_association)`, readOnly)},
		{name: "author_association gate as a string list", yaml: cliJob("  issue_comment:\n",
			`${{ contains('OWNER,MEMBER,COLLABORATOR', github.event.comment.author_association) && contains(github.event.comment.body, '@claude') }}`, readOnly)},
		{name: "author_association gate admitting contributors is no gate", yaml: cliJob("  issue_comment:\n",
			`contains(fromJSON('["OWNER","CONTRIBUTOR"]'), github.event.comment.author_association)`, readOnly),
			want: []ciWant{{score: 9.1}}},
		{name: "same-repository gate on pull_request_target", yaml: cliJob("  pull_request_target:\n",
			"github.event.pull_request.head.repo.full_name == github.repository", readOnly)},
		{name: "pull_request_target without gate", yaml: cliJob("  pull_request_target:\n", "", readOnly),
			want: []ciWant{{score: 9.1, msg: "pull_request_target"}}},
		{name: "pull_request from forks gets no secrets: quiet", yaml: cliJob("  pull_request:\n", "", readOnly)},
		{name: "event filter excludes the comment trigger", yaml: cliJob("  push:\n  issue_comment:\n", "github.event_name == 'push'", readOnly)},
		{name: "or of a gated branch and an open branch is open", yaml: cliJob("  issue_comment:\n  issues:\n",
			"(github.event_name == 'issue_comment' && github.event.comment.author_association == 'OWNER') || github.event_name == 'issues'", readOnly),
			want: []ciWant{{score: 9.1, msg: "(issues)"}}},
		{name: "label-only trigger types need triage rights", yaml: cliJob("  pull_request_target:\n    types: [labeled]\n", "", readOnly)},
		{name: "schedule and dispatch", yaml: cliJob("  schedule:\n    - cron: '0 0 * * *'\n  workflow_dispatch:\n", "", readOnly)},
		{name: "environment gate lowers the score", yaml: replace(cliJob("  issue_comment:\n", "", readOnly), "    runs-on: ubuntu-latest\n",
			"    runs-on: ubuntu-latest\n    environment: agents\n"), want: []ciWant{{score: 7.5, msg: "environment"}}},
		{name: "step-level gate on the agent step", yaml: replace(cliJob("  issue_comment:\n", "", readOnly), "      - run: claude",
			"      - if: github.event.comment.author_association == 'MEMBER'\n        run: claude")},
		{name: "permission check step before the agent", yaml: replace(cliJob("  issue_comment:\n", "", readOnly), "      - run: claude",
			"      - uses: actions/github-script@v7\n        with:\n          script: |\n            const r = await github.rest.repos.getCollaboratorPermissionLevel({owner: context.repo.owner, repo: context.repo.repo, username: context.actor});\n            if (!['admin','write'].includes(r.data.permission)) core.setFailed('no');\n      - run: claude")},
		{name: "gated job this one needs", yaml: `on: issue_comment
jobs:
  authorize:
    if: github.event.comment.author_association == 'OWNER'
    runs-on: ubuntu-latest
    steps: [{run: "true"}]
  agent:
    needs: authorize
    runs-on: ubuntu-latest
    permissions: {contents: write}
    steps:
      - run: codex exec --full-auto "do it"
`},
		{name: "always() escapes the needs gate", yaml: `on: issue_comment
jobs:
  authorize:
    if: github.event.comment.author_association == 'OWNER'
    runs-on: ubuntu-latest
    steps: [{run: "true"}]
  agent:
    needs: authorize
    if: always()
    runs-on: ubuntu-latest
    permissions: {contents: write}
    steps:
      - run: codex exec --full-auto "do it"
`, want: []ciWant{{line: 13, score: 9.1}}},
		{name: "codex-action keeps its write check", yaml: `on: issue_comment
permissions: {contents: write}
jobs:
  codex:
    runs-on: ubuntu-latest
    steps:
      - uses: openai/codex-action@v1
        with:
          openai-api-key: ${{ secrets.OPENAI_API_KEY }}
          prompt: review
`},
		{name: "codex-action opened with allow-users", yaml: `on: issue_comment
permissions: {contents: write}
jobs:
  codex:
    runs-on: ubuntu-latest
    steps:
      - uses: openai/codex-action@v1
        with:
          openai-api-key: ${{ secrets.OPENAI_API_KEY }}
          allow-users: "*"
`, want: []ciWant{{line: 7, score: 9.1, msg: "allow-users"}}},
		{name: "run-gemini-cli has no built-in gate", yaml: `on:
  issues:
    types: [opened]
jobs:
  triage:
    runs-on: ubuntu-latest
    permissions:
      issues: write
      contents: read
    steps:
      - uses: google-github-actions/run-gemini-cli@v0
        with:
          gemini_api_key: ${{ secrets.GEMINI_API_KEY }}
          settings: '{"tools": {"core": ["run_shell_command(gh issue edit)"]}}'
        env:
          GITHUB_TOKEN: ${{ secrets.TRIAGE_PAT }}
`, want: []ciWant{{line: 11, score: 9.1, msg: "TRIAGE_PAT"}}},
		{name: "workflow_run chain from a fork pull request", files: map[string]string{
			".github/workflows/ci.yml":  "name: CI\non: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n",
			".github/workflows/fix.yml": "on:\n  workflow_run:\n    workflows: [CI]\n    types: [completed]\npermissions: {contents: write}\njobs:\n  fix:\n    runs-on: ubuntu-latest\n    steps:\n      - run: claude -p 'fix the failure'\n        env:\n          ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}\n",
		}, want: []ciWant{{line: 10, score: 9.1, msg: "workflow_run"}}},
		{name: "workflow_run chain from push only", files: map[string]string{
			".github/workflows/ci.yml":  "name: CI\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n",
			".github/workflows/fix.yml": "on:\n  workflow_run:\n    workflows: [CI]\npermissions: {contents: write}\njobs:\n  fix:\n    runs-on: ubuntu-latest\n    steps:\n      - run: claude -p 'fix the failure'\n",
		}},
		{name: "agent in a local composite action", files: map[string]string{
			".github/actions/agent/action.yml": "name: agent\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: gemini --yolo -p \"$PROMPT\"\n",
			wfPath:                             "on: issue_comment\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: {pull-requests: write, contents: write}\n    steps:\n      - uses: ./.github/actions/agent\n",
		}, want: []ciWant{{line: 5, score: 9.1, msg: "gemini-cli"}}},
		{name: "agent in a reusable workflow called on comments with inherited secrets", files: map[string]string{
			".github/workflows/agent.yml": "on:\n  workflow_call:\njobs:\n  run:\n    runs-on: ubuntu-latest\n    steps:\n      - run: aider --yes-always --message \"$MSG\"\n        env:\n          OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n          DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}\n",
			wfPath:                        "on: issue_comment\npermissions: {contents: read}\njobs:\n  call:\n    uses: ./.github/workflows/agent.yml\n    secrets: inherit\n",
		}, want: []ciWant{{line: 7, score: 9.1, msg: "DEPLOY_KEY"}}},
		{name: "reusable workflow called only from a gated job", files: map[string]string{
			".github/workflows/agent.yml": "on:\n  workflow_call:\njobs:\n  run:\n    runs-on: ubuntu-latest\n    steps:\n      - run: aider --yes-always\n        env:\n          DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}\n",
			wfPath:                        "on: issue_comment\npermissions: {contents: read}\njobs:\n  call:\n    if: github.event.comment.author_association == 'OWNER'\n    uses: ./.github/workflows/agent.yml\n    secrets: inherit\n",
		}},
	}
	runCICases(t, ConfusedDeputy, cases)
}

func replace(s, old, new string) string {
	out := ""
	for {
		i := indexOf(s, old)
		if i < 0 {
			return out + s
		}
		out += s[:i] + new
		s = s[i+len(old):]
	}
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// TestConfusedDeputyEveryoneWrites: in a private repository of an
// organisation whose base permission is write and which has no outside
// collaborators, everyone who can comment holds write: no confused deputy.
func TestConfusedDeputyEveryoneWrites(t *testing.T) {
	const org, repo = "github:github.com/acme", "github:github.com/acme/app"
	inv := &inventory.Inventory{
		Sources: []inventory.Source{{ID: org, Kind: inventory.SourceGitHubOrg},
			{ID: repo, Kind: inventory.SourceGitHubRepo, Repo: &inventory.RepoFacts{FullName: "acme/app", Visibility: "private", Org: org}}},
		Settings:   []inventory.Setting{{Source: org, Name: inventory.SettingDefaultRepoPermission, Value: "write"}},
		Principals: []inventory.Principal{{ID: org + "|user:alice", Role: "member"}},
	}
	if !everyoneWrites(inv, repo) {
		t.Fatal("private, base write, no outside collaborators: everyone writes")
	}
	inv.Principals = append(inv.Principals, inventory.Principal{ID: org + "|user:eve", Role: "outside-collaborator"})
	if everyoneWrites(inv, repo) {
		t.Error("an outside collaborator may hold read only")
	}
	inv.Principals = inv.Principals[:1]
	inv.Sources[1].Repo.Visibility = "public"
	if everyoneWrites(inv, repo) {
		t.Error("a public repository: anyone can comment")
	}
	inv.Sources[1].Repo.Visibility = "private"
	inv.Settings[0].Value = "read"
	if everyoneWrites(inv, repo) {
		t.Error("base permission read: members can comment with read only")
	}
	if everyoneWrites(inv, "dir:.") {
		t.Error("a local tree: nothing is known about roles")
	}
}
