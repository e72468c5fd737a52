package rules

import "testing"

func TestUnpinnedAgentSupply(t *testing.T) {
	t.Parallel()
	job := func(perms, step string) string {
		return "on: issues\njobs:\n  t:\n    runs-on: ubuntu-latest\n" + perms + "    steps:\n" + step
	}
	const write = "    permissions: {contents: write}\n"
	const read = "    permissions: {contents: read}\n"
	const sha = "0123456789abcdef0123456789abcdef01234567"
	runCICases(t, UnpinnedAgentSupply, []ciCase{
		{name: "agent action at a branch with write", yaml: job(write, "      - uses: anthropics/claude-code-action@main\n"),
			want: []ciWant{{line: 7, score: 7.5, msg: "action anthropics/claude-code-action@main: @main is not a release tag or a commit"}}},
		{name: "codex repository action at main", yaml: job(write, "      - uses: openai/codex/.github/actions/codex@main\n        with:\n          openai_api_key: ${{ secrets.OPENAI_API_KEY }}\n"),
			want: []ciWant{{msg: "openai/codex/.github/actions/codex@main"}}},
		{name: "release tag is pinned", yaml: job(write, "      - uses: anthropics/claude-code-action@v1\n")},
		{name: "commit pin is pinned", yaml: job(write, "      - uses: anthropics/claude-code-action@"+sha+" # v1.0.200\n")},
		{name: "branch in a read-only job with only the model key", yaml: job(read, "      - uses: anthropics/claude-code-action@main\n        with:\n          anthropic_api_key: ${{ secrets.ANTHROPIC_API_KEY }}\n"),
			want: []ciWant{{msg: "ANTHROPIC_API_KEY"}}},
		{name: "branch in a read-only job without secrets", yaml: job(read, "      - uses: anthropics/claude-code-action@main\n")},
		{name: "npx without a version", yaml: job(write, "      - run: npx -y @anthropic-ai/claude-code -p \"$P\"\n"),
			want: []ciWant{{msg: "npm package @anthropic-ai/claude-code (run with npx): no version"}}},
		{name: "npx at the latest dist-tag", yaml: job(write, "      - run: npx -y @google/gemini-cli@latest -p \"$P\"\n"),
			want: []ciWant{{msg: "dist-tag @latest"}}},
		{name: "npx at an exact version", yaml: job(write, "      - run: npx -y @anthropic-ai/claude-code@2.1.3 -p \"$P\"\n")},
		{name: "gemini extension from its default branch", yaml: job(write, "      - uses: google-github-actions/run-gemini-cli@v0\n        with:\n          settings: '{\"tools\":{\"core\":[\"read_file\"]}}'\n          extensions: '[\"https://github.com/gemini-cli-extensions/code-review\"]'\n"),
			want: []ciWant{{msg: "extension https://github.com/gemini-cli-extensions/code-review"}}},
		{name: "claude plugin marketplace", yaml: job(write, "      - uses: anthropics/claude-code-action@v1\n        with:\n          plugin_marketplaces: https://github.com/example/marketplace.git\n"),
			want: []ciWant{{msg: "plugin marketplace https://github.com/example/marketplace.git"}}},
		{name: "OpenHands resolver workflow at main", yaml: "on: issues\npermissions: {contents: write, issues: write}\njobs:\n  fix:\n    uses: All-Hands-AI/OpenHands/.github/workflows/openhands-resolver.yml@main\n    secrets:\n      LLM_API_KEY: ${{ secrets.LLM_API_KEY }}\n",
			want: []ciWant{{line: 5, msg: "reusable workflow All-Hands-AI/OpenHands/.github/workflows/openhands-resolver.yml@main"}}},
		{name: "OpenHands resolver workflow at a commit", yaml: "on: issues\npermissions: {contents: write, issues: write}\njobs:\n  fix:\n    uses: All-Hands-AI/OpenHands/.github/workflows/openhands-resolver.yml@" + sha + "\n    secrets:\n      LLM_API_KEY: ${{ secrets.LLM_API_KEY }}\n"},
	})
}

func TestOwnAction(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		source, what string
		want         bool
	}{
		{"repo:github.com/acme/agent-action", "action acme/agent-action@main", true},
		{"repo:github.com/acme/agent-action:sub", "action Acme/Agent-Action/sub/dir@main", true},
		{"repo:github.com/acme/app", "action acme/agent-action@main", false},
		{"dir:.", "action acme/agent-action@main", false},
		{"repo:github.com/acme/app", "reusable workflow acme/app/.github/workflows/x.yml@main", true},
		{"repo:github.com/acme/app", "npx @acme/app", false},
	} {
		if got := ownAction(tc.source, tc.what); got != tc.want {
			t.Errorf("ownAction(%q, %q) = %v, want %v", tc.source, tc.what, got, tc.want)
		}
	}
}
