package secrets

import (
	"context"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
)

// scanSynthetic scans one file and returns its matches by value.
func scanSynthetic(t *testing.T, e *Engine, name, text string) map[string]Match {
	t.Helper()
	got := map[string]Match{}
	e.ScanFile(name, []byte(text), func(m Match) { got[string(m.Value)] = m })
	return got
}

// TestSyntheticSharedBody: values whose random part the file writes after
// several token-type prefixes are made up; other values are not.
func TestSyntheticSharedBody(t *testing.T) {
	t.Parallel()
	r := faketoken.Rand(61)
	e := NewEngine(nil)
	gh := faketoken.Base62(r, 30)
	gl := faketoken.Expand(r, "{bu:20}")
	routable := faketoken.Expand(r, "{bu:40}")
	tests := []struct {
		name      string
		file      string
		values    []string
		synthetic bool
	}{
		{"one GitHub body under ghp_ and ghs_", "test/format.test.ts",
			[]string{faketoken.GitHubWithBody("ghp", gh), faketoken.GitHubWithBody("ghs", gh)}, true},
		{"one GitLab body under three runner prefixes", "helpers/token_test.go",
			[]string{"glrt-" + gl, "glrtr-" + gl, "glcbt-" + gl}, true},
		{"one routable GitLab payload under two prefixes, checksums differ", "config.txt",
			[]string{faketoken.Expand(r, "glpat-"+routable+".01{la:7}"), faketoken.Expand(r, "gldt-"+routable+".01{la:7}")}, true},
		{"two GitHub bodies under ghp_ and ghs_", "test/format.test.ts",
			[]string{faketoken.GitHub(r, "ghp"), faketoken.GitHub(r, "ghs")}, false},
		{"two GitLab bodies under two prefixes", "notes.txt",
			[]string{faketoken.Expand(r, "glrt-{bu:20}"), faketoken.Expand(r, "glcbt-{bu:20}")}, false},
		{"one value twice (one prefix)", "notes.txt",
			[]string{faketoken.GitHubWithBody("ghp", gh), faketoken.GitHubWithBody("ghp", gh)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			for i, v := range tt.values {
				b.WriteString("token" + string(rune('a'+i)) + " = \"" + v + "\"\n")
			}
			got := scanSynthetic(t, e, tt.file, b.String())
			for _, v := range tt.values {
				m, ok := got[v]
				switch {
				case !ok:
					t.Errorf("%s: not found", Redact(nil, []byte(v)))
				case tt.synthetic && m.Synthetic == "":
					t.Errorf("%s: not recognised as made up", Redact(m.Format, m.Value))
				case !tt.synthetic && m.Synthetic != "":
					t.Errorf("%s: taken for made up: %s", Redact(m.Format, m.Value), m.Synthetic)
				}
			}
		})
	}
}

// TestSyntheticPerFile: one body under two prefixes in two files is not
// judged (each file has one type of it); within one file it is, and the
// credential carries the reason wherever else its value is written.
func TestSyntheticPerFile(t *testing.T) {
	t.Parallel()
	r := faketoken.Rand(62)
	body := faketoken.Base62(r, 30)
	ghp, ghs := faketoken.GitHubWithBody("ghp", body), faketoken.GitHubWithBody("ghs", body)
	analyze := func(files map[string]string, order ...string) map[string]inventory.Credential {
		an, b := NewAnalyzer(), inventory.NewBuilder()
		for _, p := range order {
			if err := an.Analyze(context.Background(), inventory.Location{Source: "dir:.", Root: ".", Path: p}, []byte(files[p]), b); err != nil {
				t.Fatal(err)
			}
		}
		inv, _ := b.Build()
		out := map[string]inventory.Credential{}
		for _, c := range inv.Credentials {
			out[c.Type] = c
		}
		return out
	}
	two := analyze(map[string]string{"a.txt": "A=" + ghp + "\n", "b.txt": "B=" + ghs + "\n"}, "a.txt", "b.txt")
	for _, c := range two {
		if c.Synthetic != "" {
			t.Errorf("two files: %s taken for made up: %s", c.Redacted, c.Synthetic)
		}
	}
	if len(two) != 2 {
		t.Fatalf("two files: %d credentials", len(two))
	}
	one := analyze(map[string]string{"other.txt": "A=" + ghp + "\n", "t.txt": "A=" + ghp + "\nB=" + ghs + "\n"}, "other.txt", "t.txt")
	for _, typ := range []string{"github-classic-pat", "github-installation-token"} {
		c, ok := one[typ]
		if !ok || !strings.Contains(c.Synthetic, "ghp_ and ghs_") {
			t.Errorf("one file: %s: %q", typ, c.Synthetic)
		}
	}
	if n := len(one["github-classic-pat"].Locations); n != 2 {
		t.Errorf("one file: the classic token has %d locations, want 2", n)
	}
}

// TestRandomPart strips the type prefix (the longest that matches) and the
// checksum.
func TestRandomPart(t *testing.T) {
	t.Parallel()
	r := faketoken.Rand(63)
	body := faketoken.Base62(r, 30)
	p, got, ok := randomPart(FormatByID("github-installation-token"), []byte(faketoken.GitHubWithBody("ghs", body)))
	if !ok || p != "ghs_" || string(got) != body {
		t.Errorf("GitHub: %q %v", p, ok)
	}
	payload := faketoken.Expand(r, "{bu:40}")
	p, got, ok = randomPart(FormatByID("gitlab-personal-access-token"), []byte(faketoken.Expand(r, "glpat-"+payload+".01{la:7}")))
	if !ok || p != "glpat-" || string(got) != payload {
		t.Errorf("GitLab routable: %q %v", p, ok)
	}
	if f := FormatByID("private-key-rsa"); f == nil {
		t.Fatal("no private-key-rsa format")
	} else if _, _, ok := randomPart(f, []byte(faketoken.Expand(r, "{pem:RSA PRIVATE KEY}"))); ok {
		t.Error("a PEM block has no type prefix")
	}
}
