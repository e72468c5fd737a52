package secrets

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
)

// lookalikeFile is one file of a testdata/lookalikes shape.
type lookalikeFile struct {
	path, tmpl string
}

// readLookalikes parses a testdata/lookalikes file: comment lines, then
// files that each start with a line "-- path --".
func readLookalikes(t *testing.T, name string) []lookalikeFile {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var files []lookalikeFile
	for _, line := range strings.SplitAfter(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		if p, ok := strings.CutPrefix(trimmed, "-- "); ok && strings.HasSuffix(p, " --") {
			files = append(files, lookalikeFile{path: strings.TrimSuffix(p, " --")})
			continue
		}
		if len(files) == 0 {
			if trimmed != "" && !strings.HasPrefix(trimmed, "#") {
				t.Fatalf("%s: text before the first file: %q", name, trimmed)
			}
			continue
		}
		files[len(files)-1].tmpl += line
	}
	if len(files) == 0 {
		t.Fatalf("%s: no files", name)
	}
	return files
}

// expandMarked expands a template in which any number of values are marked
// ⟦…⟧ (found as secrets) or ⟪…⟫ (found and recognised as public by design)
// and returns the text and the marked values (value → public).
func expandMarked(r *rand.Rand, tmpl string) (text string, marked map[string]bool) {
	var b strings.Builder
	marked = map[string]bool{}
	for {
		i, j := strings.Index(tmpl, "⟦"), strings.Index(tmpl, "⟪")
		open, closing, public := "⟦", "⟧", false
		if j >= 0 && (i < 0 || j < i) {
			open, closing, public = "⟪", "⟫", true
		}
		pre, rest, ok := strings.Cut(tmpl, open)
		if !ok {
			b.WriteString(faketoken.Expand(r, tmpl))
			return b.String(), marked
		}
		mid, post, ok := strings.Cut(rest, closing)
		if !ok {
			panic("unclosed " + open + " in " + tmpl)
		}
		b.WriteString(faketoken.Expand(r, pre))
		v := faketoken.Expand(r, mid)
		b.WriteString(v)
		marked[v] = public
		tmpl = post
	}
}

// TestLookalikes runs every shape of testdata/lookalikes: the marked values
// are found, nothing else is.
func TestLookalikes(t *testing.T) {
	t.Parallel()
	names, err := filepath.Glob("testdata/lookalikes/*.txt")
	if err != nil || len(names) == 0 {
		t.Fatalf("no look-alike files: %v", err)
	}
	e := NewEngine(nil)
	for _, name := range names {
		t.Run(strings.TrimSuffix(filepath.Base(name), ".txt"), func(t *testing.T) {
			t.Parallel()
			positives := 0
			for _, f := range readLookalikes(t, name) {
				for seed := uint64(1); seed <= 5; seed++ {
					text, want := expandMarked(faketoken.Rand(seed), f.tmpl)
					positives += len(want)
					var found []Match
					e.ScanFile(f.path, []byte(text), func(m Match) { m.Value = bytes.Clone(m.Value); found = append(found, m) })
					for _, m := range found {
						public, ok := want[string(m.Value)]
						switch {
						case !ok:
							t.Errorf("%s (seed %d): %s found %q", f.path, seed, m.Format.ID, m.Value)
							continue
						case public && m.Public == "":
							t.Errorf("%s (seed %d): %s %q is not recognised as public", f.path, seed, m.Format.ID, m.Value)
						case !public && m.Public != "":
							t.Errorf("%s (seed %d): %s %q is taken for public: %s", f.path, seed, m.Format.ID, m.Value, m.Public)
						}
						delete(want, string(m.Value))
					}
					for v := range want {
						t.Errorf("%s (seed %d): missed %q", f.path, seed, v)
					}
				}
			}
			if positives == 0 {
				t.Errorf("%s has no vulnerable variant", name)
			}
		})
	}
}

func TestNotLiteral(t *testing.T) {
	t.Parallel()
	for _, v := range []string{
		"self.settings.client.api_key", "process.env.API_KEY", "import.meta.env.VITE_KEY", "this.apiKey", "config?.oauth?.clientSecret",
		"demo_auth.server:main", "session.get(", "Optional[SecretStr]", "SERVICE_API_KEY", "MY_TOKEN_V2", "2026-01-31T12:00:00Z",
		"12:30:00.000", "fake-session-token", "newly-issued-key-2025", "local-service-api-key-v2", "secrets/db/password",
		"openssl rand -hex 32",
	} {
		if !notLiteral([]byte(v)) {
			t.Errorf("notLiteral(%q) = false", v)
		}
	}
	// Issued values of every common alphabet stay literals. The heuristics
	// are statistical: a few in ten thousand random values of the rarer
	// shapes (letters with separators) read as words, and about one in a
	// hundred of random small letters in dashed groups.
	const n = 10000
	for i, tmpl := range []string{"{a:16}", "{a:24}", "{a:40}", "{b:40}", "{h:32}", "{bu:43}", "{pw:20}", "{A:32}", "{a:8}.{a:24}",
		"sk-{a:20}", "{h:8}-{h:4}-{h:4}-{h:4}-{h:12}", "{u:4}_{A:28}", "{L:20}", "{l:6}-{l:6}-{l:6}"} {
		perMille := 1
		if strings.HasPrefix(tmpl, "{l:") {
			perMille = 20
		}
		r := faketoken.Rand(uint64(i))
		bad, example := 0, ""
		for range n {
			if v := faketoken.Expand(r, tmpl); notLiteral([]byte(v)) {
				bad, example = bad+1, v
			}
		}
		if bad*1000 > n*perMille {
			t.Errorf("%d of %d random %s are not literals, e.g. %q", bad, n, tmpl, example)
		} else if bad > 0 {
			t.Logf("%d of %d random %s are not literals, e.g. %q", bad, n, tmpl, example)
		}
	}
}
