package agentconfig

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

// bigClaudeState is a ~/.claude.json-shaped file with many projects, the
// largest agent configuration users have (it grows with history).
func bigClaudeState(projects int) []byte {
	var b strings.Builder
	b.WriteString(`{"projects": {`)
	for i := range projects {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"/home/dev/p%d": {"allowedTools": ["Bash(npm test)"], "history": [{"display": "fix the build please %d"}], "mcpServers": {"gh": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"], "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN}"}}}}`, i, i)
	}
	b.WriteString(`}}`)
	return []byte(b.String())
}

// BenchmarkParseClaudeState compares the agent-config parse of a 2,000
// project file with encoding/json decoding the same bytes (the baseline),
// in one invocation: compare the ns/op of the two sub-benchmarks.
func BenchmarkParseClaudeState(b *testing.B) {
	data := bigClaudeState(2000)
	b.Run("baseline-encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var v any
			if err := json.Unmarshal(data, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("agentconfig", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := parseFile(testEngine, inventory.Location{Root: "~", Path: ".claude.json"}, data, fmtClaudeState, "claude-code"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
