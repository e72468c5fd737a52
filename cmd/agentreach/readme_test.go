package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeToolchain: the README's Go version is go.mod's, and its test
// command says what the race detector needs.
func TestReadmeToolchain(t *testing.T) {
	t.Parallel()
	readme := mustRead(t, "../../README.md")
	gomod := mustRead(t, "../../go.mod")
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(gomod)
	if m == nil {
		t.Fatal("no go line in go.mod")
	}
	if !strings.Contains(readme, "Go "+m[1]+" or newer") {
		t.Errorf("the README does not say Go %s or newer, the version go.mod names", m[1])
	}
	i := strings.Index(readme, "go test -race ./...")
	if i < 0 {
		t.Fatal("the README has no race test command")
	}
	section := readme[i:min(len(readme), i+600)]
	if !strings.Contains(section, "C compiler") || !strings.Contains(section, "cgo") {
		t.Errorf("the README's test command does not say the race detector needs cgo and a C compiler:\n%s", section)
	}
	if _, err := os.Stat("../../.ci/run"); err != nil {
		t.Errorf("the README names ./.ci/run: %v", err)
	}
}
