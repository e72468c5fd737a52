package secrets

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
)

// TestHostileInputsStayLinear feeds inputs that would make a careless
// detector quadratic: one huge line full of keyword candidates, BEGIN lines
// without END, and invalid UTF-8. Each must finish (the test binary's
// timeout is the bound) and still find the credential at the end.
func TestHostileInputsStayLinear(t *testing.T) {
	t.Parallel()
	tok := faketoken.GitHub(faketoken.Rand(21), "ghp")
	const size = 4 << 20
	fill := func(unit string) string { return strings.Repeat(unit, size/len(unit)) }
	cases := map[string]string{
		"one line of AKIA candidates":   fill("xAKIAAAAAAAAAAAAAAAA "),
		"one line of base64":            fill("QUtJQUFBQUFBQUFBQUFBQUFB"),
		"begin lines without end":       fill("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n"), // gitleaks:allow (placeholder or fuzz seed, not a credential)
		"json private keys without end": fill(`"private_key": "-----BEGIN PRIVATE KEY-----\n` + "\n"),
		"urls without credentials":      fill("postgres://host:5432/db "),
		"jwt-like segments":             fill("(eyJhbGciOiJIUzI1NiJ9.eyJ."),
		"key value pairs":               fill("password=x; "),
		"invalid utf-8":                 fill("\xff\xfe\xc3\x28 token=\xe2\x82"),
		"netrc passwords":               fill("password pass "),
	}
	e := NewEngine(nil)
	for name, body := range cases {
		for _, file := range []string{"blob.txt", ".env", ".netrc"} {
			text := body + "\n" + tok + "\n"
			var found []string
			e.ScanFile(file, []byte(text), func(m Match) { found = append(found, m.Format.ID) })
			if len(found) == 0 || found[len(found)-1] != "github-classic-pat" {
				t.Errorf("%s in %s: found %v, want the token at the end", name, file, tail(found))
			}
		}
	}
}

func tail(s []string) []string {
	if len(s) > 5 {
		return s[len(s)-5:]
	}
	return s
}

func TestAnalyzerReportsLimitedSearch(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n", 100)
	err := NewAnalyzer().Analyze(context.Background(), inventory.Location{Path: "x.pem"}, []byte(text), inventory.NewBuilder())
	if !errors.Is(err, errLimited) {
		t.Errorf("err = %v, want the search limit", err)
	}
	if err := NewAnalyzer().Analyze(context.Background(), inventory.Location{Path: "x.pem"}, []byte(text[:400]), inventory.NewBuilder()); err != nil {
		t.Errorf("a few misses: %v", err)
	}
}
