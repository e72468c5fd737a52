package gitlab

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/gitlab-permissions.md")

// TestPermissionsDoc keeps docs/gitlab-permissions.md equal to the table
// the scanner's coverage reasons come from.
func TestPermissionsDoc(t *testing.T) {
	const path = "../../docs/gitlab-permissions.md"
	want := PermissionsDoc()
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./scanners/gitlab -run TestPermissionsDoc -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("docs/gitlab-permissions.md is stale: run go test ./scanners/gitlab -run TestPermissionsDoc -update")
	}
}
