package rules

import "testing"

func TestAllSecrets(t *testing.T) {
	t.Parallel()
	runCICases(t, AllSecrets, []ciCase{
		{name: "toJSON(secrets)", yaml: "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"$S\" > s.json\n        env:\n          S: ${{ toJSON(secrets) }}\n",
			want: []ciWant{{line: 8, score: 6.5}}},
		{name: "secrets[matrix.name]", yaml: "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: deploy\n        env:\n          K: ${{ secrets[matrix.key] }}\n",
			want: []ciWant{{score: 6.5}}},
		{name: "secrets with a literal index is one secret", yaml: "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: deploy\n        env:\n          K: ${{ secrets['NPM_TOKEN'] }}\n"},
		{name: "secrets: inherit on a comment trigger", yaml: "on: issue_comment\njobs:\n  call:\n    uses: org/repo/.github/workflows/x.yml@v1\n    secrets: inherit\n",
			want: []ciWant{{line: 4, score: 7.5, msg: "secrets: inherit"}}},
		{name: "secrets: inherit to a local workflow that runs an agent", files: map[string]string{
			".github/workflows/call.yml":  "on: push\njobs:\n  call:\n    uses: ./.github/workflows/agent.yml\n    secrets: inherit\n",
			".github/workflows/agent.yml": "on: workflow_call\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: claude -p review\n",
		}, want: []ciWant{{line: 4, score: 7.5, msg: "secrets: inherit"}}},
		{name: "named secrets passed", yaml: "on: push\njobs:\n  call:\n    uses: org/repo/.github/workflows/x.yml@v1\n    secrets:\n      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n"},
	})
}
