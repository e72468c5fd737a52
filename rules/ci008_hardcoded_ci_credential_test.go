package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestHardcodedCICredential(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cred  inventory.Credential
		score float64 // 0: no finding
	}{
		{"workflow committed", embedded(inventory.LifetimeStatic, inventory.ReachSourceControl,
			inventory.Location{Path: ".github/workflows/ci.yml", Line: 12, Git: inventory.GitTracked}), 9.1},
		{"gitlab ci untracked", embedded(inventory.LifetimeStatic, inventory.ReachSourceControl,
			inventory.Location{Path: ".gitlab-ci.yml", Line: 2, Git: inventory.GitUntracked}), 7.5},
		{"composite action short-lived", embedded(inventory.LifetimeShortLived, inventory.ReachSourceControl,
			inventory.Location{Path: ".github/actions/x/action.yml", Line: 2, Git: inventory.GitTracked}), 6.0},
		{"ordinary file is not CI", embedded(inventory.LifetimeStatic, inventory.ReachSourceControl,
			inventory.Location{Path: "ci.yml", Line: 2, Git: inventory.GitTracked}), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, HardcodedCICredential, &inventory.Inventory{Credentials: []inventory.Credential{tt.cred}})
			if tt.score == 0 {
				if len(fs) != 0 {
					t.Fatalf("unexpected findings: %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Score != tt.score || fs[0].Location.Line != tt.cred.Locations[0].Line {
				t.Fatalf("findings = %+v, want one at score %.1f", fs, tt.score)
			}
		})
	}
}
