package workflows

import (
	"context"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/scanners/secrets"
)

// TestLiteralLinkedToEngineCredential: a token written into a job's env and
// a GitLab variable is the credential the detection engine found in the
// file, and the job reaches it.
func TestLiteralLinkedToEngineCredential(t *testing.T) {
	t.Parallel()
	e := secrets.NewEngine(nil)
	r := faketoken.Rand(3)
	gh, gl := faketoken.GitHub(r, "ghp"), faketoken.GitHub(r, "ghp")
	files := map[string]string{
		".github/workflows/w.yml": "on: push\njobs:\n  a:\n    runs-on: x\n    env:\n      GH_TOKEN: " + gh + "\n    steps: [{run: make}]\n",
		".gitlab-ci.yml":          "variables:\n  GH_TOKEN: " + gl + "\njob:\n  script: [make]\n",
	}
	b := inventory.NewBuilder()
	engine := &secrets.Analyzer{Engine: e}
	a := NewAnalyzer(Options{Values: e})
	for _, p := range []string{".github/workflows/w.yml", ".gitlab-ci.yml"} {
		loc := inventory.Location{Path: p, Git: inventory.GitTracked}
		if err := engine.Analyze(context.Background(), loc, []byte(files[p]), b); err != nil {
			t.Fatal(err)
		}
		if err := a.Analyze(context.Background(), loc, []byte(files[p]), b); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Finish(context.Background(), inventory.Source{}, b); err != nil {
		t.Fatal(err)
	}
	inv, _ := b.Build()
	for _, tc := range []struct {
		value string
		via   inventory.ReachVia
	}{{gh, inventory.ViaJobEnv}, {gl, inventory.ViaCIVariable}} {
		c, _ := e.Embedded("", []byte(tc.value))
		if inv.Credential(c.ID) == nil {
			t.Fatalf("the engine did not record %s", c.ID)
		}
		edges := inv.AgentsReaching(c.ID)
		if len(edges) != 1 || edges[0].Via != tc.via {
			t.Errorf("%s: edges %+v, want one via %s", c.ID, edges, tc.via)
		}
	}
}
