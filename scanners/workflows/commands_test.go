package workflows

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/agentreach/agentreach/inventory"
)

const commandWorkflow = `name: fixer
on:
  issues:
    types: [opened]
jobs:
  fix:
    runs-on: ubuntu-latest
    steps:
      - uses: google-github-actions/run-gemini-cli@v0
        env:
          TEXT: ${{ github.event.issue.title }}
        with:
          prompt: /fix
`

// commandRun scans commandWorkflow with the given command files.
func commandRun(t *testing.T, files fstest.MapFS) (*inventory.Inventory, []inventory.Coverage) {
	t.Helper()
	a := NewAnalyzer(Options{})
	b := inventory.NewBuilder()
	loc := inventory.Location{Source: "r", Root: "r", Path: ".github/workflows/fixer.yml"}
	if err := a.Analyze(context.Background(), loc, []byte(commandWorkflow), b); err != nil {
		t.Fatal(err)
	}
	var fsys fstest.MapFS
	if files != nil {
		fsys = files
	}
	if err := a.Finish(context.Background(), inventory.Source{ID: "r", Path: "r", FS: fsys}, b); err != nil {
		t.Fatal(err)
	}
	return b.Build()
}

func commandInjections(inv *inventory.Inventory) []inventory.Injection {
	var out []inventory.Injection
	for _, w := range inv.Workflows {
		for _, j := range w.Jobs {
			for _, s := range j.Steps {
				out = append(out, s.Injections...)
			}
		}
	}
	return out
}

func TestGeminiCommandFile(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("# pad\n", maxCommandFileBytes/6+1) + "prompt = \"!{echo $TEXT}\"\n"
	for _, tc := range []struct {
		name   string
		files  fstest.MapFS
		inject bool
		status inventory.CoverageStatus // of the coverage note, "" for none
	}{
		{"reads env", fstest.MapFS{".gemini/commands/fix.toml": {Data: []byte("prompt = \"\"\"\nTitle: !{echo \"${TEXT:-none}\"}\n\"\"\"\n")}}, true, ""},
		{"action layout", fstest.MapFS{".github/commands/fix.toml": {Data: []byte("prompt = '!{echo $TEXT}'\n")}}, true, ""},
		{"no env", fstest.MapFS{".gemini/commands/fix.toml": {Data: []byte("prompt = \"Fix it: {{args}} !{git log -1}\"\n")}}, false, ""},
		{"single-quoted", fstest.MapFS{".gemini/commands/fix.toml": {Data: []byte("prompt = \"!{echo '$TEXT'}\"\n")}}, false, ""},
		{"missing", fstest.MapFS{}, false, inventory.CoverageOutOfScope},
		{"no FS", nil, false, inventory.CoverageOutOfScope},
		{"unparsable", fstest.MapFS{".gemini/commands/fix.toml": {Data: []byte("prompt = \"\"\"unclosed\n")}}, false, inventory.CoveragePartial},
		{"no prompt", fstest.MapFS{".gemini/commands/fix.toml": {Data: []byte("description = \"x\"\n")}}, false, inventory.CoveragePartial},
		{"too large", fstest.MapFS{".gemini/commands/fix.toml": {Data: []byte(big)}}, false, inventory.CoveragePartial},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inv, cov := commandRun(t, tc.files)
			inj := commandInjections(inv)
			if got := len(inj) > 0; got != tc.inject {
				t.Fatalf("injections = %+v, want some: %v", inj, tc.inject)
			}
			if tc.inject && (inj[0].Expression != "github.event.issue.title" || !strings.Contains(inj[0].Into, "through the command file") || inj[0].Location.Line != 11) {
				t.Errorf("injection = %+v", inj[0])
			}
			var status inventory.CoverageStatus
			for _, c := range cov {
				if strings.Contains(c.Reason, "/fix") {
					status = c.Status
				}
			}
			if status != tc.status {
				t.Errorf("coverage status = %q, want %q (%+v)", status, tc.status, cov)
			}
		})
	}
}

func TestShellSnippets(t *testing.T) {
	t.Parallel()
	got := shellSnippets("a !{echo ${A}} b !{x {y} $B} c !{unclosed $C")
	if len(got) != 3 || got[0] != "echo ${A}" || got[1] != "x {y} $B" || got[2] != "unclosed $C" {
		t.Fatalf("snippets = %q", got)
	}
	if v := shellVars(`echo "$A" '$B' \$C ${D:-x} $1`); strings.Join(v, ",") != "A,D" {
		t.Fatalf("vars = %v", v)
	}
}
