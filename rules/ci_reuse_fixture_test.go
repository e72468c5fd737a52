package rules

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCIReuseFixtures runs every rule over the small repositories in
// scanners/workflows/testdata/reuse: reusable workflows with their callers,
// where who can start a called job and what it holds come from across the
// files. The first line of each workflow says which rules must fire on it
// ("# expect: AR-…, …", empty for none); no other rule may fire on it.
func TestCIReuseFixtures(t *testing.T) {
	t.Parallel()
	dirs, err := filepath.Glob("../scanners/workflows/testdata/reuse/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			files := map[string]string{}
			want := map[string][]string{}
			err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(dir, p)
				rel = filepath.ToSlash(rel)
				files[rel] = string(data)
				first, _, _ := strings.Cut(string(data), "\n")
				spec, ok := strings.CutPrefix(first, "# expect:")
				if !ok {
					t.Fatalf("%s: first line %q is not an expect line", rel, first)
				}
				want[rel] = []string{}
				for _, id := range strings.Split(spec, ",") {
					if id = strings.TrimSpace(id); id != "" {
						want[rel] = append(want[rel], id)
					}
				}
				slices.Sort(want[rel])
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			inv := ciInventory(t, files)
			fs, _ := Evaluate(All(), Input{Inventory: inv, Now: testNow})
			got := map[string][]string{}
			for _, fd := range fs {
				if _, ok := want[fd.Location.Path]; !ok {
					t.Errorf("%s points at %s:%d", fd.RuleID, fd.Location.Path, fd.Location.Line)
					continue
				}
				if !slices.Contains(got[fd.Location.Path], fd.RuleID) {
					got[fd.Location.Path] = append(got[fd.Location.Path], fd.RuleID)
				}
			}
			for path, ids := range want {
				g := got[path]
				if g == nil {
					g = []string{}
				}
				slices.Sort(g)
				if !slices.Equal(g, ids) {
					for _, fd := range fs {
						if fd.Location.Path == path {
							t.Logf("%s %.1f line %d: %s", fd.RuleID, fd.Score, fd.Location.Line, fd.Message)
						}
					}
					t.Errorf("%s: rules = %v, want %v", path, g, ids)
				}
			}
		})
	}
}
