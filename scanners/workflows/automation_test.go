package workflows

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestScriptAutomation(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		`gh pr review --approve "$URL"`:                    {inventory.AutomationApprove},
		`gh pr review "$URL" -a`:                           {inventory.AutomationApprove},
		`gh pr review --comment -b "looks fine" "$URL"`:    nil,
		`gh pr merge --auto --squash "$URL"`:               {inventory.AutomationAutoMerge},
		`gh pr merge --squash "$URL"`:                      {inventory.AutomationMerge},
		`git commit -am fix && git push origin HEAD`:       {inventory.AutomationPush},
		`git -c user.name=bot push`:                        {inventory.AutomationPush},
		`gh api -X PUT repos/$R/pulls/$N/merge`:            {inventory.AutomationMerge},
		`gh pr view "$URL" --json mergeStateStatus`:        nil,
		"echo 'run git push after review' > notes.txt":     {inventory.AutomationPush}, // a reading, not a shell
		`gh pr edit "$URL" --add-label dependencies`:       nil,
		`curl -X PUT "$API/repos/$R/pulls/$N/merge" -d {}`: {inventory.AutomationMerge},
	}
	for script, want := range tests {
		if got := scriptAutomation(script); !slices.Equal(got, want) {
			t.Errorf("%q: %v, want %v", script, got, want)
		}
	}
	if got := actionAutomation("actions/github-script@v7", map[string]string{"script": "await github.rest.pulls.createReview({...context.repo, pull_number: n, event: 'APPROVE'})"}); !slices.Equal(got, []string{inventory.AutomationApprove}) {
		t.Errorf("github-script approve: %v", got)
	}
	if got := actionAutomation("hmarr/auto-approve-action@v4", nil); !slices.Equal(got, []string{inventory.AutomationApprove}) {
		t.Errorf("auto-approve-action: %v", got)
	}
}

func TestBotConditions(t *testing.T) {
	t.Parallel()
	src := `on: pull_request_target
jobs:
  a:
    if: github.actor == 'dependabot[bot]' || contains(fromJSON('["renovate[bot]"]'), github.event.pull_request.user.login)
    runs-on: ubuntu-latest
    steps:
      - if: github.actor != 'dependabot[bot]'
        run: echo excluded
      - if: "!(github.triggering_actor != 'dependabot[bot]')"
        run: gh pr merge --auto "$N"
      - if: github.actor == 'octocat'
        run: echo person
`
	inv, _ := scan(t, map[string]string{file.Path: src})
	var got []string
	for _, c := range inv.Workflows[0].Jobs[0].BotConditions {
		got = append(got, strings.Join([]string{c.Context, c.Login, strconv.Itoa(c.Step)}, " "))
	}
	want := []string{"github.actor dependabot[bot] -1", "github.event.pull_request.user.login renovate[bot] -1", "github.triggering_actor dependabot[bot] 1"}
	if !slices.Equal(got, want) {
		t.Errorf("bot conditions %q, want %q", got, want)
	}
}
