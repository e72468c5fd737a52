package secrets

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
)

func find(t *testing.T, text string) []Match {
	t.Helper()
	var out []Match
	NewEngine(nil).Scan([]byte(text), func(m Match) {
		m.Value = append([]byte(nil), m.Value...)
		out = append(out, m)
	})
	return out
}

func TestGitHubTokensDetected(t *testing.T) {
	t.Parallel()
	r := faketoken.Rand(1)
	tests := []struct {
		token    string
		format   string
		lifetime inventory.LifetimeClass
	}{
		{faketoken.GitHub(r, "ghp"), "github-classic-pat", inventory.LifetimeStatic},
		{faketoken.GitHub(r, "gho"), "github-oauth-token", inventory.LifetimeStatic},
		{faketoken.GitHub(r, "ghu"), "github-user-to-server-token", inventory.LifetimeShortLived},
		{faketoken.GitHub(r, "ghs"), "github-installation-token", inventory.LifetimeShortLived},
		{faketoken.GitHub(r, "ghr"), "github-refresh-token", inventory.LifetimeRefresh},
		{faketoken.GitHubFineGrained(r), "github-fine-grained-pat", inventory.LifetimeStatic},
	}
	for _, tt := range tests {
		for _, wrap := range []string{"%s", "TOKEN=%s\n", `{"token": "%s"}`, "Authorization: token %s", "x\ny\n  - '%s'"} {
			text := fmt.Sprintf(wrap, tt.token)
			ms := find(t, text)
			if len(ms) != 1 {
				t.Errorf("%s in %q: %d matches", tt.format, wrap, len(ms))
				continue
			}
			m := ms[0]
			if m.Format.ID != tt.format || m.Format.Lifetime != tt.lifetime || string(m.Value) != tt.token {
				t.Errorf("%s: got format %s value ok=%v", tt.format, m.Format.ID, string(m.Value) == tt.token)
			}
			if want := strings.Index(text, tt.token); m.Offset != want {
				t.Errorf("%s: offset %d, want %d", tt.format, m.Offset, want)
			}
		}
	}
}

func TestGitHubNegatives(t *testing.T) {
	t.Parallel()
	r := faketoken.Rand(2)
	good := faketoken.GitHub(r, "ghp")
	repl := "A"
	if good[39] == 'A' {
		repl = "B"
	}
	bad := good[:39] + repl // checksum no longer matches
	negatives := map[string]string{
		"bad checksum":         bad,
		"placeholder":          "ghp_" + strings.Repeat("x", 36),
		"placeholder angle":    "ghp_<your-token-here>",
		"inside a longer word": "xghp" + good[3:],
		"too long":             good + "A",
		"too short":            good[:39],
		"env reference":        "${{ secrets.GH_PAT }}",
		"fine-grained short":   "github_pat_" + strings.Repeat("A", 22) + "_" + strings.Repeat("B", 40),
		"prefix only":          "ghp_",
	}
	for name, text := range negatives {
		if ms := find(t, text); len(ms) != 0 {
			t.Errorf("%s: %d matches in %q", name, len(ms), text)
		}
	}
}

func TestLineAndColumn(t *testing.T) {
	t.Parallel()
	tok := faketoken.GitHub(faketoken.Rand(3), "ghp")
	text := "line one\n\n  key: " + tok + "\nlast " + tok
	ms := find(t, text)
	if len(ms) != 2 {
		t.Fatalf("matches = %d", len(ms))
	}
	if ms[0].Line != 3 || ms[0].Column != 8 || ms[1].Line != 4 || ms[1].Column != 6 {
		t.Errorf("positions = %d:%d %d:%d", ms[0].Line, ms[0].Column, ms[1].Line, ms[1].Column)
	}
}

func TestRedactAndCredential(t *testing.T) {
	t.Parallel()
	tok := faketoken.GitHub(faketoken.Rand(4), "ghp")
	ms := find(t, "a="+tok)
	key := []byte(strings.Repeat("k", MinKeyLen))
	h, err := NewHasher(key)
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(nil, WithHasher(h))
	c := e.Credential(ms[0], inventory.Location{Root: ".", Path: "a.env", Git: inventory.GitTracked})
	if c.Redacted != "ghp_…"+tok[len(tok)-4:] {
		t.Errorf("redacted = %q", c.Redacted)
	}
	if strings.Contains(fmt.Sprintf("%+v", c), tok) || strings.Contains(fmt.Sprintf("%+v", c), tok[4:34]) {
		t.Fatal("credential holds the value")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(tok))
	want := hex.EncodeToString(mac.Sum(nil))
	if c.ValueHMAC != want || c.ID != "embedded:"+want[:16] || c.ID != e.CredentialID([]byte(tok)) || c.Type != "github-classic-pat" {
		t.Errorf("identity: %+v", c)
	}
	if l := c.Locations[0]; l.Line != 1 || l.Column != 3 || l.EndColumn != 3+len(tok) || l.Git != inventory.GitTracked {
		t.Errorf("location = %+v", l)
	}
	if got := Redact(nil, []byte("abcdefgh")); got != "…gh" {
		t.Errorf("short redaction = %q", got)
	}
}

func TestAnalyzerMergesSameValue(t *testing.T) {
	t.Parallel()
	tok := faketoken.GitHub(faketoken.Rand(5), "ghp")
	a := NewAnalyzer()
	b := inventory.NewBuilder()
	for _, p := range []string{"a.txt", "b/c.env"} {
		if err := a.Analyze(context.Background(), inventory.Location{Path: p}, []byte("t="+tok), b); err != nil {
			t.Fatal(err)
		}
	}
	inv, _ := b.Build()
	if len(inv.Credentials) != 1 || len(inv.Credentials[0].Locations) != 2 {
		t.Fatalf("credentials = %+v", inv.Credentials)
	}
}

func TestSanitize(t *testing.T) {
	t.Parallel()
	r := faketoken.Rand(6)
	a, b := faketoken.GitHub(r, "ghp"), faketoken.GitHubFineGrained(r)
	e := NewEngine(nil)
	s := e.Sanitize("x " + b + " y " + a + " z")
	if strings.Contains(s, a) || strings.Contains(s, b) || !strings.Contains(s, "ghp_…") || !strings.Contains(s, "github_pat_…") {
		t.Errorf("sanitized = %q", s)
	}
	if !e.Contains(a) || e.Contains("nothing here") {
		t.Error("Contains")
	}
	// A token named as a directory or a JSON-pointer segment.
	for _, p := range []string{"dir/" + a + "/.mcp.json", "/mcpServers/" + a + "/env/X", a + "/x", "x/" + a} {
		if got := e.Sanitize(p); strings.Contains(got, a[4:]) || !strings.Contains(got, "ghp_…") {
			t.Errorf("sanitized path = %q", got)
		}
	}
	if p := "docs/a/b.md"; e.Sanitize(p) != p {
		t.Errorf("a plain path changed: %q", e.Sanitize(p))
	}
}
