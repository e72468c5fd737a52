package workflows

import (
	"slices"
	"strings"
	"testing"
)

// TestTemplateLabels reads the labels of Markdown templates' front matter
// and of issue forms, as a list or a comma-separated string, and nothing
// from text that is not a template's header (or is an alias bomb).
func TestTemplateLabels(t *testing.T) {
	t.Parallel()
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 'b'; i <= 'k'; i++ {
		bomb += string(i) + ": &" + string(i) + " [" + strings.Repeat("*"+string(i-1)+", ", 9) + "*" + string(i-1) + "]\n"
	}
	for _, c := range []struct {
		name     string
		text     string
		markdown bool
		want     []string
	}{
		{"front matter string", "---\nname: Bug\nlabels: bug, needs triage\n---\nbody\n", true, []string{"bug", "needs triage"}},
		{"front matter list", "\ufeff---\nlabels: [\"bug\", 'ui']\n---\n", true, []string{"bug", "ui"}},
		{"front matter, CRLF", "---\r\nlabels: bug\r\n---\r\n", true, []string{"bug"}},
		{"issue form", "name: Bug\nlabels:\n  - bug\n  - triage\nbody:\n  - type: textarea\n", false, []string{"bug", "triage"}},
		{"no front matter", "labels: bug\n", true, nil},
		{"unterminated front matter", "---\nlabels: bug\n", true, nil},
		{"not YAML", "name: [\n", false, nil},
		{"an alias bomb", bomb + "labels: bug\n", false, nil},
	} {
		if got := templateLabels([]byte(c.text), c.markdown); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
