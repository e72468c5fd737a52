package rules

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestWorkstationCredential(t *testing.T) {
	t.Parallel()
	home := func(path string) inventory.Location {
		return inventory.Location{Source: inventory.HomeSourceID, Root: inventory.HomeRoot, Path: path, Line: 2, Git: inventory.GitNone}
	}
	cred := func(lifetime inventory.LifetimeClass, reach inventory.ReachClass, l inventory.Location) inventory.Credential {
		return inventory.Credential{ID: "embedded:9", Kind: inventory.KindEmbeddedKey, Name: "GitHub OAuth token", Redacted: "gho_…wxyz",
			Lifetime: lifetime, Reach: reach, Locations: []inventory.Location{l}, Store: "gh-cli"}
	}
	tests := []struct {
		name  string
		cred  inventory.Credential
		score float64
	}{
		{"gh hosts.yml", cred(inventory.LifetimeStatic, inventory.ReachSourceControl, home(".config/gh/hosts.yml")), 7.5},
		{"llm key in history", cred(inventory.LifetimeStatic, inventory.ReachLLMAPI, home(".bash_history")), 6.0},
		{"short-lived session", cred(inventory.LifetimeShortLived, inventory.ReachCloud, home(".aws/credentials")), 3.5},
		{"home agent config is AR-AG-001", cred(inventory.LifetimeStatic, inventory.ReachSourceControl, home(".cursor/mcp.json")), 0},
		{"repository file is AR-SC-001", cred(inventory.LifetimeStatic, inventory.ReachSourceControl, inventory.Location{Root: ".", Path: ".config/gh/hosts.yml"}), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, WorkstationCredential, &inventory.Inventory{Credentials: []inventory.Credential{tt.cred}})
			if tt.score == 0 {
				if len(fs) != 0 {
					t.Fatalf("unexpected findings: %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Score != tt.score {
				t.Fatalf("findings = %+v, want %.1f", fs, tt.score)
			}
			if !strings.Contains(fs[0].Message, "gho_…wxyz") || !strings.Contains(fs[0].Message, "~/") {
				t.Errorf("message = %q", fs[0].Message)
			}
		})
	}
	// AR-SC-001 leaves home locations to this rule.
	fs := run(t, HardcodedCredential, &inventory.Inventory{Credentials: []inventory.Credential{
		cred(inventory.LifetimeStatic, inventory.ReachSourceControl, home(".config/gh/hosts.yml"))}})
	if len(fs) != 0 {
		t.Errorf("AR-SC-001 reported a home credential: %+v", fs)
	}
}
