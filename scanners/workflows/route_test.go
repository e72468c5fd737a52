package workflows

import (
	"slices"
	"testing"
)

// TestScriptRoute checks which values a github-script step can give an
// output, event by event, and that whatever the reader does not understand
// stays unknown or widens the answer — never narrows it.
func TestScriptRoute(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"KIND": "${{ github.event_name }}.${{ github.event.action }}",
		"TEXT": "${{ github.event.comment.body || github.event.issue.body }}",
	}
	const typeFirst = `const kind = process.env.KIND;
const text = (process.env.TEXT || '').trim()
// a comment with a { brace } and a "quote
/* and a block
   comment */
if (kind === 'pull_request.opened') {
  core.setOutput('task', "review");
} else if (['issues.opened', 'issues.reopened'].includes(kind)) {
  core.setOutput('task', 'label');
} else if (text.startsWith('/bot fix')) {
  const rest = text.replace(/^\/bot fix\s*{?/, '').trim();
  core.setOutput('task', 'fix');
  core.setOutput('args', rest);
} else {
  core.setOutput('task', 'none');
}
`
	const textFirst = `const kind = process.env.KIND
const text = process.env.TEXT
if (text.startsWith('/bot fix')) {
  core.setOutput('task', 'fix')
} else if (kind == 'issues.opened') {
  core.setOutput('task', 'label')
}
`
	issues := routeEvent{name: "issues", types: []string{"opened", "reopened"}}
	comment := routeEvent{name: "issue_comment", types: []string{"created"}}
	pr := routeEvent{name: "pull_request", types: []string{"opened"}}
	anyIssue := routeEvent{name: "issues"} // no types: any activity
	tests := []struct {
		name   string
		script string
		env    map[string]string
		event  routeEvent
		want   []string // nil: unknown
	}{
		{"event type first: a new issue is labelled", typeFirst, env, issues, []string{"", "label"}},
		{"event type first: a comment can be anything but review", typeFirst, env, comment, []string{"", "fix", "none"}},
		{"event type first: a pull request is reviewed", typeFirst, env, pr, []string{"", "review"}},
		{"open activity types: the type test is unknown", typeFirst, env, anyIssue, []string{"", "review", "label", "fix", "none"}},
		{"text first: a new issue can ask for a fix", textFirst, env, issues, []string{"", "fix", "label"}},
		{"text first: no else leaves it unset", textFirst, env, comment, []string{"", "fix"}},
		{"an env the step does not set is unknown", typeFirst, map[string]string{}, issues, []string{"", "review", "label", "fix", "none"}},
		{"context.eventName and payload.action",
			"if (context.eventName === 'issues' && context.payload.action !== 'opened') { core.setOutput('task', 'x') } else { core.setOutput('task', 'y') }",
			nil, issues, []string{"", "x", "y"}},
		{"payload alias: a labelled check is false for other actions",
			"const p = context.payload;\nif (p.action === 'labeled' && p.label.name.includes('go')) {\n core.setOutput('task', 'x')\n} else if (context.eventName === 'issues') {\n core.setOutput('task', 'y')\n}",
			nil, issues, []string{"", "y"}},
		{"reassigned variable is unknown",
			"let kind = process.env.KIND\nif (x) { kind = 'issues.zzz' }\nif (kind === 'issues.zzz') { core.setOutput('task', 'x') } else { core.setOutput('task', 'y') }",
			env, issues, []string{"", "x", "y"}},
		{"process.env written is unknown",
			"process.env.KIND = 'pull_request.opened'\nif (process.env.KIND === 'pull_request.opened') { core.setOutput('task', 'x') } else { core.setOutput('task', 'y') }",
			env, issues, []string{"", "x", "y"}},
		{"sets outside one chain: every literal",
			"core.setOutput('task', 'a')\nif (context.eventName === 'push') { core.setOutput('task', 'b') }",
			nil, issues, []string{"", "a", "b"}},
		{"a set in a nested block counts for its branch",
			"if (context.eventName === 'issues') { if (y) { core.setOutput('task', 'a') } } else { core.setOutput('task', 'b') }",
			nil, issues, []string{"", "a"}},
		{"a computed value is unknown", "core.setOutput('task', text)", nil, issues, nil},
		{"a computed name is unknown", "core.setOutput(name, 'x')", nil, issues, nil},
		{"an aliased setOutput is unknown", "const set = core.setOutput; set('task', 'x')", nil, issues, nil},
		{"the output file is unknown", "fs.appendFileSync(process.env.GITHUB_OUTPUT, 'task=x')", nil, issues, nil},
		{"an unterminated string is unknown", "core.setOutput('task', 'x)", nil, issues, nil},
		{"an unknown condition keeps every branch",
			"if (a + b > 2) { core.setOutput('task', 'x') } else { core.setOutput('task', 'y') }", nil, issues, []string{"", "x", "y"}},
		{"other outputs do not matter", "core.setOutput('other', v)\ncore.setOutput('task', 'x')", nil, issues, []string{"", "x"}},
	}
	for _, tt := range tests {
		r := parseScriptRoute(tt.script, "task", tt.env)
		if tt.want == nil {
			if r != nil {
				t.Errorf("%s: route = %+v, want unknown", tt.name, r)
			}
			continue
		}
		if r == nil {
			t.Errorf("%s: unknown, want %v", tt.name, tt.want)
			continue
		}
		got := r.values(tt.event)
		if !sameSet(got, tt.want) {
			t.Errorf("%s: values = %q, want %q", tt.name, got, tt.want)
		}
	}
	if r := parseScriptRoute(typeFirst, "result", env); r != nil {
		t.Error("the result output (the return value) is not read")
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestTemplateValues(t *testing.T) {
	t.Parallel()
	e := routeEvent{name: "issues", types: []string{"opened", "edited"}}
	if got, ok := templateValues("${{ github.event_name }}.${{github.event.action}}!", e); !ok || !sameSet(got, []string{"issues.opened!", "issues.edited!"}) {
		t.Errorf("got %q %v", got, ok)
	}
	if _, ok := templateValues("${{ github.event.action }}", routeEvent{name: "issues"}); ok {
		t.Error("an open activity type is known")
	}
	if _, ok := templateValues("${{ github.event.issue.title }}", e); ok {
		t.Error("a title is known")
	}
	if got, ok := templateValues("plain", e); !ok || !slices.Equal(got, []string{"plain"}) {
		t.Errorf("literal = %q %v", got, ok)
	}
}

func FuzzScriptRoute(f *testing.F) {
	f.Add("if (process.env.K === 'a.b') { core.setOutput('task', 'x') } else if (['c'].includes(k)) { core.setOutput('task', 'y') } else { core.setOutput('task', 'z') }")
	f.Add("const r = /[/]{/; const s = `a${b}c`; if (!(x || y) && z != 'q') { core.setOutput('task', 'w') }")
	f.Fuzz(func(t *testing.T, script string) {
		r := parseScriptRoute(script, "task", map[string]string{"K": "${{ github.event_name }}.${{ github.event.action }}"})
		if r == nil {
			return
		}
		vals := r.values(routeEvent{name: "a", types: []string{"b"}})
		if !slices.Contains(vals, "") {
			t.Errorf("values %q lack the unset output", vals)
		}
		for _, v := range vals {
			if v != "" && !slices.Contains(r.all, v) {
				t.Errorf("value %q is not one the script sets (%q)", v, r.all)
			}
		}
	})
}
