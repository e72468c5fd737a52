package workflows

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestExprSpans(t *testing.T) {
	t.Parallel()
	got := exprSpans("a ${{ format('{0}}}', inputs.x) }} b ${{ vars.Y }} ${{ unterminated")
	var bodies []string
	for _, s := range got {
		bodies = append(bodies, s.body)
	}
	want := []string{"format('{0}}}', inputs.x)", "vars.Y"}
	if !slices.Equal(bodies, want) {
		t.Fatalf("bodies = %q, want %q", bodies, want)
	}
}

func TestExprEval(t *testing.T) {
	t.Parallel()
	env := exprEnv{inputs: map[string]exprValue{
		"allowed-tools": strVal("Edit,Bash(*)"),
		"extra":         strVal(""),
		"token":         {raw: "${{ secrets.T }}"},
	}}
	tests := []struct {
		body  string
		want  string
		known bool
	}{
		{"inputs.allowed-tools", "Edit,Bash(*)", true},
		{"inputs.missing", "", true},
		{"(inputs.allowed-tools != '' || inputs.extra != '') && format('--allowedTools ''{0}{1}''', inputs.allowed-tools, inputs.extra != '' && format(',{0}', inputs.extra) || '') || ''",
			"--allowedTools 'Edit,Bash(*)'", true},
		{"inputs.extra || 'default'", "default", true},
		{"inputs.token", "", false},
		{"secrets.X || 'fallback'", "", false},
		{"'lit' || secrets.X", "lit", true},
		{"github.event.issue.title", "", false},
		{"contains('a,b', 'B')", "true", true},
		{"fromJSON(vars.X)", "", false},
	}
	for _, tt := range tests {
		v := env.evalBody(tt.body)
		if v.known != tt.known || v.known && v.text() != tt.want {
			t.Errorf("%s = %+v, want %q (known %v)", tt.body, v, tt.want, tt.known)
		}
	}
	if v := (exprEnv{}).evalBody("inputs.x"); v.known {
		t.Errorf("inputs outside a composite action are unknown, got %+v", v)
	}
}

func TestSubstituteJSON(t *testing.T) {
	t.Parallel()
	sub := exprEnv{}.substituteJSON(`{"debug": ${{ fromJSON(vars.D || false) }}, "model": "${{ vars.MODEL }}", "n": ${{ 3 }}}`)
	var got map[string]any
	if err := json.Unmarshal([]byte(sub.text), &got); err != nil {
		t.Fatalf("%s: %v", sub.text, err)
	}
	if got["debug"] != nil || got["model"] != "${{ vars.MODEL }}" || got["n"] != float64(3) {
		t.Errorf("got %v", got)
	}
	if len(sub.unknown) != 2 {
		t.Errorf("unknown = %q", sub.unknown)
	}
}

func TestSplitArgs(t *testing.T) {
	t.Parallel()
	a, _ := splitArgs("--allowedTools \"Bash(git diff:*),Edit\"\n--model ${{ vars.M }}\n${{ vars.EXTRA }}", exprEnv{})
	if len(a.words) != 5 || a.words[1] != "Bash(git diff:*),Edit" || !a.dyn[3] || !a.dyn[4] {
		t.Fatalf("words %q dyn %v", a.words, a.dyn)
	}
	if len(a.opaque) != 2 || !strings.Contains(strings.Join(a.opaque, ";"), "${{ vars.EXTRA }}") {
		t.Errorf("opaque = %q", a.opaque)
	}
}

func TestParseScriptFallsBack(t *testing.T) {
	t.Parallel()
	cmds, err := parseScript("claude -p 'unterminated --dangerously-skip-permissions\n", substituted{}, 0)
	if err == nil {
		t.Fatal("want a parse error")
	}
	if len(cmds) == 0 || cmds[0].name != "claude" {
		t.Errorf("fallback commands = %+v", cmds)
	}
}
