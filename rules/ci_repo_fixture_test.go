package rules

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/scanners/workflows"
)

// TestCIAgentsRepo runs every rule over fixtures/repos/ci-agents, the sample
// repository of the README, and checks the rules and the reach edges it is
// there to show.
func TestCIAgentsRepo(t *testing.T) {
	t.Parallel()
	root := "../fixtures/repos/ci-agents"
	a := workflows.NewAnalyzer(workflows.Options{})
	files := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if a.Wants(rel, 0) {
			data, err := os.ReadFile(p)
			files[rel] = string(data)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	inv := ciInventory(t, files)
	fs, _ := Evaluate(All(), Input{Inventory: inv, Now: testNow})
	got := map[string][]string{}
	for _, f := range fs {
		got[f.Location.Path] = append(got[f.Location.Path], f.RuleID)
	}
	want := map[string][]string{
		".github/workflows/claude.yml":         {"AR-PB-004", "AR-PB-005"},
		".github/workflows/pr-assistant.yml":   {"AR-CI-002", "AR-CI-003", "AR-CI-007", "AR-PB-004"},
		".github/actions/ask-agent/action.yml": {"AR-PB-004"},
		".gitlab-ci.yml":                       {"AR-CI-007", "AR-CI-009", "AR-GL-008"},
	}
	for path, ids := range want {
		for _, id := range ids {
			if !slices.Contains(got[path], id) {
				t.Errorf("%s: %s missing (got %v)", path, id, got[path])
			}
		}
	}
	if len(got[".github/workflows/fix-gated.yml"]) != 0 {
		t.Errorf("safe look-alike reported: %v", got[".github/workflows/fix-gated.yml"])
	}
	// Per agent, the reach edges the README promises.
	agent := inv.Agent("github-actions:.github/workflows/claude.yml#claude")
	if agent == nil || agent.Kind != inventory.AgentCICodingJob || agent.StartableBy != inventory.AudienceCommenters {
		t.Fatalf("claude agent = %+v", agent)
	}
	var creds []string
	for _, r := range inv.ReachesOf(agent.ID) {
		creds = append(creds, r.Credential)
	}
	for _, c := range []string{inventory.GitHubSecretID("", "CLAUDE_BOT_PAT"), inventory.GitHubSecretID("", "ANTHROPIC_API_KEY"),
		inventory.GitHubTokenID("", ".github/workflows/claude.yml", "claude")} {
		if !slices.Contains(creds, c) {
			t.Errorf("claude agent does not reach %s: %v", c, creds)
		}
	}
	// Per credential, every agent that reaches it.
	var agents []string
	for _, r := range inv.AgentsReaching(inventory.GitHubSecretID("", "CLAUDE_BOT_PAT")) {
		agents = append(agents, r.Agent)
	}
	if !slices.Contains(agents, "github-actions:.github/workflows/triage.yml#triage") {
		t.Errorf("CLAUDE_BOT_PAT reached by %v", agents)
	}
}
