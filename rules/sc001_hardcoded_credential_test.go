package rules

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func embedded(lifetime inventory.LifetimeClass, reach inventory.ReachClass, locs ...inventory.Location) inventory.Credential {
	return inventory.Credential{
		ID: "embedded:0123456789abcdef", Kind: inventory.KindEmbeddedKey, Platform: "github",
		Name: "GitHub classic personal access token", Redacted: "ghp_…WXYZ", Lifetime: lifetime, Reach: reach, Locations: locs,
	}
}

func TestHardcodedCredential(t *testing.T) {
	t.Parallel()
	loc := func(p string, g inventory.GitState) inventory.Location {
		return inventory.Location{Path: p, Line: 3, Git: g}
	}
	tests := []struct {
		name   string
		cred   inventory.Credential
		scores []float64
	}{
		{"committed static key is critical", embedded(inventory.LifetimeStatic, inventory.ReachSourceControl, loc("app/config.py", inventory.GitTracked)), []float64{9.2}},
		{"ignored static key is high", embedded(inventory.LifetimeStatic, inventory.ReachSourceControl, loc(".env", inventory.GitIgnored)), []float64{7.5}},
		{"history counts as committed", embedded(inventory.LifetimeRefresh, inventory.ReachSourceControl, loc("old.txt", inventory.GitHistory)), []float64{9.2}},
		{"short-lived committed is medium", embedded(inventory.LifetimeShortLived, inventory.ReachSourceControl, loc("a.txt", inventory.GitTracked)), []float64{6.0}},
		{"short-lived untracked is medium", embedded(inventory.LifetimeShortLived, inventory.ReachSourceControl, loc("a.txt", inventory.GitUntracked)), []float64{4.5}},
		{"unknown lifetime outside git", embedded(inventory.LifetimeUnknown, inventory.ReachSourceControl, loc("a.txt", inventory.GitNone)), []float64{6.5}},
		{"uncommitted line is local", embedded(inventory.LifetimeStatic, inventory.ReachCloud, loc("a.txt", inventory.GitUncommitted)), []float64{7.5}},
		{"llm key committed is high", embedded(inventory.LifetimeStatic, inventory.ReachLLMAPI, loc("a.txt", inventory.GitTracked)), []float64{8.7}},
		{"generic secret committed is high", embedded(inventory.LifetimeStatic, inventory.ReachGeneric, loc("a.env", inventory.GitTracked)), []float64{8.2}},
		{"observability key ignored is medium", embedded(inventory.LifetimeStatic, inventory.ReachObservability, loc(".env", inventory.GitIgnored)), []float64{6.5}},
		{"short-lived chat token untracked", embedded(inventory.LifetimeShortLived, inventory.ReachChat, loc("a.txt", inventory.GitUntracked)), []float64{4.0}},
		{"refresh token ignored is high", embedded(inventory.LifetimeRefresh, inventory.ReachCloud, loc(".env", inventory.GitIgnored)), []float64{7.5}},
		{"one finding per location", embedded(inventory.LifetimeStatic, inventory.ReachSourceControl,
			loc("a.txt", inventory.GitTracked), loc("b.txt", inventory.GitIgnored)), []float64{9.2, 7.5}},
		{"workflow and agent config belong to other rules", embedded(inventory.LifetimeStatic, inventory.ReachSourceControl,
			loc(".github/workflows/ci.yml", inventory.GitTracked), loc(".mcp.json", inventory.GitTracked)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, HardcodedCredential, &inventory.Inventory{Credentials: []inventory.Credential{tt.cred}})
			if len(fs) != len(tt.scores) {
				t.Fatalf("findings = %d, want %d", len(fs), len(tt.scores))
			}
			for i, s := range tt.scores {
				if fs[i].Score != s {
					t.Errorf("finding %d score %.1f, want %.1f", i, fs[i].Score, s)
				}
				if fs[i].Credential != tt.cred.ID || !strings.Contains(fs[i].Message, "ghp_…WXYZ") {
					t.Errorf("finding %d: %+v", i, fs[i])
				}
			}
		})
	}
	unc := embedded(inventory.LifetimeStatic, inventory.ReachCloud, loc("a.txt", inventory.GitUncommitted))
	if fs := run(t, HardcodedCredential, &inventory.Inventory{Credentials: []inventory.Credential{unc}}); len(fs) != 1 || !strings.Contains(fs[0].Message, "uncommitted change") {
		t.Errorf("uncommitted: %+v", fs)
	}
	enc := embedded(inventory.LifetimeStatic, inventory.ReachCrypto, loc("id_rsa", inventory.GitTracked))
	enc.Type = "private-key-encrypted"
	if fs := run(t, HardcodedCredential, &inventory.Inventory{Credentials: []inventory.Credential{enc}}); len(fs) != 1 || fs[0].Score != 7.2 {
		t.Errorf("encrypted key: %+v", fs)
	}
	// Non-embedded credentials (API inventory) are not file findings.
	c := embedded(inventory.LifetimeStatic, inventory.ReachSourceControl, loc("a.txt", inventory.GitTracked))
	c.Kind = inventory.KindActionsSecret
	if fs := run(t, HardcodedCredential, &inventory.Inventory{Credentials: []inventory.Credential{c}}); len(fs) != 0 {
		t.Errorf("actions secret reported: %+v", fs)
	}
}
