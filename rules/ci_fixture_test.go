package rules

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCIFixtures runs every rule over realistic workflows in
// scanners/workflows/testdata/github. Each file's first line says which rules
// must fire ("# expect: AR-…, …", empty for a safe look-alike); no other
// rule may fire.
func TestCIFixtures(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../scanners/workflows/testdata/github/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(data), "\n")
			spec, ok := strings.CutPrefix(first, "# expect:")
			if !ok {
				t.Fatalf("first line %q is not an expect line", first)
			}
			var want []string
			for _, id := range strings.Split(spec, ",") {
				if id = strings.TrimSpace(id); id != "" {
					want = append(want, id)
				}
			}
			slices.Sort(want)
			inv := ciInventory(t, map[string]string{".github/workflows/" + filepath.Base(f): string(data)})
			fs, _ := Evaluate(All(), Input{Inventory: inv, Now: testNow})
			var got []string
			for _, fd := range fs {
				if !slices.Contains(got, fd.RuleID) {
					got = append(got, fd.RuleID)
				}
				if fd.Location.Line < 1 || !strings.HasSuffix(fd.Location.Path, filepath.Base(f)) {
					t.Errorf("%s points at %s:%d", fd.RuleID, fd.Location.Path, fd.Location.Line)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				for _, fd := range fs {
					t.Logf("%s %.1f line %d: %s", fd.RuleID, fd.Score, fd.Location.Line, fd.Message)
				}
				t.Errorf("rules = %v, want %v", got, want)
			}
		})
	}
}
