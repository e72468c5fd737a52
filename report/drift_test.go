package report

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestDiffInventory(t *testing.T) {
	t.Parallel()
	loc := []inventory.Location{{Path: ".github/workflows/ci.yml", Line: 4}}
	prev := &inventory.Inventory{
		Credentials: []inventory.Credential{
			{ID: "tok", Kind: inventory.KindWorkflowToken, Name: "GITHUB_TOKEN", Locations: loc,
				Permissions: inventory.Permissions{inventory.ResContents: inventory.Read}},
			{ID: "narrowed", Kind: inventory.KindFineGrainedPAT, Permissions: inventory.Permissions{inventory.ResContents: inventory.Write}},
			{ID: "gone", Kind: inventory.KindDeployKey, Name: "old key"},
		},
		Agents:  []inventory.Agent{{ID: "agent-a", Kind: inventory.AgentKind("ci-agent"), Name: "claude"}},
		Reaches: []inventory.Reach{{Agent: "agent-a", Credential: "tok"}},
	}
	now := &inventory.Inventory{
		Credentials: []inventory.Credential{
			{ID: "tok", Kind: inventory.KindWorkflowToken, Name: "GITHUB_TOKEN", Locations: loc,
				Permissions: inventory.Permissions{inventory.ResContents: inventory.Write, inventory.ResWorkflows: inventory.Write}},
			{ID: "narrowed", Kind: inventory.KindFineGrainedPAT, Permissions: inventory.Permissions{inventory.ResContents: inventory.Read}},
			{ID: "app", Kind: inventory.KindAppInstallation, Name: "ci-bot"},
			{ID: "new-pat", Kind: inventory.KindClassicPAT, Name: "PAT"},
		},
		Agents: []inventory.Agent{{ID: "agent-a", Kind: inventory.AgentKind("ci-agent"), Name: "claude"},
			{ID: "agent-b", Kind: inventory.AgentKind("mcp-server"), Name: "github"}},
		Reaches: []inventory.Reach{{Agent: "agent-a", Credential: "tok"}, {Agent: "agent-b", Credential: "new-pat"},
			{Agent: "agent-b", Credential: "new-pat", Via: "other way"}, {Credential: "tok"}},
	}
	d := DiffInventory(prev, now)
	ids := func(l []DriftEntry) (out []string) {
		for _, e := range l {
			out = append(out, e.ID)
		}
		return strings.Split(strings.Join(out, ","), ",")
	}
	check := func(what string, got []string, want string) {
		t.Helper()
		if strings.Join(got, ",") != want {
			t.Errorf("%s = %v, want %s", what, got, want)
		}
	}
	check("new credentials", ids(d.NewCredentials), "new-pat")
	check("new App installations", ids(d.NewAppInstalls), "app")
	check("removed", ids(d.RemovedCredentials), "gone")
	check("new agents", ids(d.NewAgents), "agent-b")
	if len(d.Widened) != 1 || d.Widened[0].ID != "tok" {
		t.Fatalf("widened = %+v, want tok only (a narrowed credential is not widened)", d.Widened)
	}
	gained := d.Widened[0].Gained
	if len(gained) != 2 || gained[0] != (Gain{inventory.ResContents, inventory.Read, inventory.Write}) ||
		gained[1] != (Gain{inventory.ResWorkflows, inventory.None, inventory.Write}) {
		t.Errorf("gained = %+v", gained)
	}
	// One edge per agent and credential, however many ways; none for a
	// reach without an agent (a credential a job holds).
	if len(d.NewReaches) != 1 || d.NewReaches[0] != (ReachDrift{"agent-b", "github", "new-pat", "PAT"}) {
		t.Errorf("new reaches = %+v", d.NewReaches)
	}
	if d.Len() != 6 {
		t.Errorf("Len = %d, want 6", d.Len())
	}
	if same := DiffInventory(now, now); same.Len() != 0 {
		t.Errorf("an inventory drifts from itself: %+v", same)
	}

	r := &Report{Drift: d}
	lines := strings.Join(r.driftLines(), "\n")
	for _, want := range []string{
		"widened workflow-token GITHUB_TOKEN at .github/workflows/ci.yml:4: contents read→write, workflows none→write",
		"new App installation ci-bot", "new credential classic-pat PAT", "agent github now reaches PAT",
		"new agent mcp-server github", "removed credential deploy-key old key",
	} {
		if !strings.Contains(lines, want) {
			t.Errorf("drift lines lack %q:\n%s", want, lines)
		}
	}

	merged := MergeDrift(d, nil, DiffInventory(prev, now))
	if merged.Len() != d.Len() {
		t.Errorf("merging a drift with itself gives %d changes, want %d", merged.Len(), d.Len())
	}
	if MergeDrift(nil, nil) != nil {
		t.Error("merging no drift gives drift")
	}
}
