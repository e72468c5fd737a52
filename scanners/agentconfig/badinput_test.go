package agentconfig

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
)

var wordRun = regexp.MustCompile(`[A-Za-z0-9_-]{12,}`)

// checkNoEcho fails when an error message repeats a long word of the input:
// a broken file may hold a credential, and reasons never quote it.
func checkNoEcho(t *testing.T, input []byte, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	for _, w := range wordRun.FindAll(input, -1) {
		if strings.Contains(msg, string(w)) {
			t.Fatalf("error %q repeats input text", msg)
		}
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	pat := faketoken.GitHub(faketoken.Rand(9), "ghp")
	tests := []struct {
		name    string
		path    string
		content string
		wantErr string // "" : parses
	}{
		{"invalid JSON names the line", ".mcp.json", "{\n  \"mcpServers\": {\n    \"a\": {\"env\": {\"T\": \"" + pat + "\" \"x\"}}\n  }\n}", "invalid JSON at line 3"},
		{"bad escape in a string with a token", ".mcp.json", `{"mcpServers": {"a": {"env": {"T": "` + pat + `\q"}}}}`, "invalid JSON at line 1"},
		{"unterminated", ".vscode/mcp.json", `{"servers": {"a": `, "unexpected end of file"},
		{"deep nesting", ".mcp.json", strings.Repeat("[", 100000), "nesting deeper than"},
		{"deep nesting in comments is fine", ".mcp.json", "// " + strings.Repeat("[", 1000) + "\n{}", ""},
		{"top level array", ".mcp.json", `[1, 2]`, "top level is not an object"},
		{"invalid TOML", ".codex/config.toml", "approval_policy = \"never\"\napproval_policy = \"" + pat + "\"\n", "invalid TOML at line 2"},
		{"TOML garbage", ".codex/config.toml", "[mcp_servers.x\ncommand = \"" + pat + "\"\n", "invalid TOML"},
		{"YAML garbage", ".continue/config.yaml", "mcpServers:\n  - name: [\n" + pat, "invalid YAML"},
		{"YAML alias bomb", ".continue/config.yaml", aliasBomb(), "more than"},
		{"invalid UTF-8", ".mcp.json", "{\"mcpServers\": {\"\xff\xfe\": {\"command\": \"npx\", \"args\": [\"\xc3\x28\"]}}}", ""},
		{"byte-order mark", ".mcp.json", "\xef\xbb\xbf{\"mcpServers\": {}}", ""},
		{"empty file", ".vscode/settings.json", "", ""},
		{"empty YAML", ".aider.conf.yml", "# nothing\n", ""},
		{"wrong types everywhere", ".mcp.json", `{"mcpServers": {"a": {"command": 5, "args": {"x": 1}, "env": [1], "headers": "h", "url": false}, "b": [], "c": null}}`, ""},
		{"huge", ".mcp.json", `{"x": "` + strings.Repeat("a", maxConfigSize) + `"}`, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := NewAnalyzer(testEngine)
			err := a.Analyze(context.Background(), inventory.Location{Root: ".", Path: tt.path}, []byte(tt.content), nil)
			checkNoEcho(t, []byte(tt.content), err)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("error %v, want none", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func aliasBomb() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		b.WriteString("a" + itoa(i) + ": &a" + itoa(i) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + itoa(i-1))
		}
		b.WriteString("]\n")
	}
	return b.String()
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// TestWalkerCoverage runs the analyzer the way the walker does: a broken file
// is a coverage entry and the other files are still read.
func TestAnalyzeErrorLeavesOtherFiles(t *testing.T) {
	t.Parallel()
	a := NewAnalyzer(testEngine)
	ctx := context.Background()
	if err := a.Analyze(ctx, inventory.Location{Root: ".", Path: "broken/.mcp.json"}, []byte("{"), nil); err == nil {
		t.Fatal("broken file parsed")
	}
	if err := a.Analyze(ctx, inventory.Location{Root: ".", Path: ".mcp.json"}, []byte(`{"mcpServers": {"a": {"command": "a"}}}`), nil); err != nil {
		t.Fatal(err)
	}
	b := inventory.NewBuilder()
	if err := a.Finish(ctx, inventory.Source{Path: "."}, b); err != nil {
		t.Fatal(err)
	}
	inv, cov := b.Build()
	if len(inv.Agents) != 1 || len(cov) != 1 || cov[0].Count != 1 {
		t.Fatalf("agents %d, coverage %+v", len(inv.Agents), cov)
	}
}
