package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestGuardrailSelfModification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		agent inventory.Agent
		want  bool
	}{
		{"no CODEOWNERS, no deny", profileAgent(".claude/settings.json", inventory.GitTracked, &inventory.ProfileFacts{Codeowners: "absent"}), true},
		{"CODEOWNERS misses it", profileAgent(".claude/settings.json", inventory.GitTracked, &inventory.ProfileFacts{Codeowners: "not-covered"}), true},
		{"CODEOWNERS covers it", profileAgent(".claude/settings.json", inventory.GitTracked, &inventory.ProfileFacts{Codeowners: "covered"}), false},
		{"deny rules protect it", profileAgent(".claude/settings.json", inventory.GitTracked, &inventory.ProfileFacts{Codeowners: "absent", GuardDeny: true}), false},
		{"read-only sandbox", profileAgent(".codex/config.toml", inventory.GitTracked, &inventory.ProfileFacts{ReadOnly: true}), false},
		{"personal settings", profileAgent(".claude/settings.local.json", inventory.GitIgnored, &inventory.ProfileFacts{Codeowners: "absent"}), false},
		{"home settings", profileAgent(".claude/settings.json", "", nil), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, GuardrailSelfModification, &inventory.Inventory{Agents: []inventory.Agent{tt.agent}})
			if got := len(fs) == 1; got != tt.want || len(fs) > 1 {
				t.Fatalf("findings = %+v, want %v", fs, tt.want)
			}
		})
	}
}
