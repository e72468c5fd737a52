package workflows

import (
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
