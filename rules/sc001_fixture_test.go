package rules

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/scanners/secrets"
)

// TestHardcodedCredentialTrees runs the detection engine's analyzer and
// AR-SC-001 over the trees of testdata/sc001 (see its README).
func TestHardcodedCredentialTrees(t *testing.T) {
	t.Parallel()
	names, err := filepath.Glob("testdata/sc001/*.txt")
	if err != nil || len(names) == 0 {
		t.Fatalf("no trees: %v", err)
	}
	for _, name := range names {
		t.Run(strings.TrimSuffix(filepath.Base(name), ".txt"), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			var want, wantReport []string
			var valueTmpl string
			files := map[string]string{}
			var order []string
			current := ""
			for _, line := range strings.SplitAfter(string(data), "\n") {
				trimmed := strings.TrimSpace(line)
				if p, ok := strings.CutPrefix(trimmed, "-- "); ok && strings.HasSuffix(p, " --") {
					current = strings.TrimSuffix(p, " --")
					order = append(order, current)
					continue
				}
				if current != "" {
					files[current] += line
					continue
				}
				if v, ok := strings.CutPrefix(trimmed, "# value: "); ok {
					valueTmpl = v
				}
				if w, ok := strings.CutPrefix(trimmed, "# want: "); ok {
					want = append(want, strings.Join(strings.Fields(w), " "))
				}
				if w, ok := strings.CutPrefix(trimmed, "# want-report: "); ok {
					wantReport = append(wantReport, strings.Join(strings.Fields(w), " "))
				}
			}
			r := faketoken.Rand(41)
			value := faketoken.Expand(r, valueTmpl)
			an := secrets.NewAnalyzer()
			b := inventory.NewBuilder()
			for _, p := range order {
				text := faketoken.Expand(r, strings.ReplaceAll(files[p], "@VALUE@", value))
				l := inventory.Location{Source: "dir:.", Root: ".", Path: p, Git: inventory.GitTracked}
				if err := an.Analyze(context.Background(), l, []byte(text), b); err != nil {
					t.Fatal(err)
				}
			}
			inv, _ := b.Build()
			check := func(mode string, fs []inventory.Finding, want []string) {
				t.Helper()
				var got []string
				for _, f := range fs {
					ctx := f.Properties["context"]
					if ctx == "" {
						ctx = "-"
					}
					got = append(got, fmt.Sprintf("%s %.1f %s %s", f.Location.Path, f.Score, ctx, strconv.Itoa(1+len(f.Related))))
					if ctx != "-" && f.Severity != inventory.SeverityLow {
						t.Errorf("%s: %s: %s in %s context", mode, f.Location.Path, f.Severity, ctx)
					}
				}
				slices.Sort(got)
				want = slices.Sorted(slices.Values(want))
				if !slices.Equal(got, want) {
					t.Errorf("%s: findings:\n  %s\nwant:\n  %s", mode, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
				}
			}
			check("default", run(t, HardcodedCredential, inv), want)
			fs, _ := Evaluate([]*Rule{HardcodedCredential}, Input{Inventory: inv, Now: testNow, ReportTestCredentials: true})
			check("scan.test_credentials: report", fs, append(slices.Clone(want), wantReport...))
			// What is not reported by default is still inventoried, with
			// its context.
			for _, w := range wantReport {
				p := strings.Fields(w)[0]
				found := false
				for _, c := range inv.Credentials {
					for _, l := range c.Locations {
						if l.Path == p {
							found = true
							if c.Context != inventory.ContextTest {
								t.Errorf("%s: credential %s has context %q, want test", p, c.ID, c.Context)
							}
						}
					}
				}
				if !found {
					t.Errorf("%s: not in the inventory", p)
				}
			}
		})
	}
}
