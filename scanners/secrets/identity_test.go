package secrets

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
)

// TestEmbeddedJudgesLikeAFileScan: a parser's call gives the credential a
// scan of the file gives the same value (so the two merge), detection by
// key name included, and an id for values no detector accepts.
func TestEmbeddedJudgesLikeAFileScan(t *testing.T) {
	t.Parallel()
	e := NewEngine(nil)
	r := faketoken.Rand(11)
	tok := faketoken.GitHub(r, "ghp")
	pw := faketoken.Expand(r, "Z{pw:20}7aB")
	scanned := func(file, text string) inventory.Credential {
		t.Helper()
		an := &Analyzer{Engine: e}
		b := inventory.NewBuilder()
		if err := an.Analyze(context.Background(), inventory.Location{Path: file}, []byte(text), b); err != nil {
			t.Fatal(err)
		}
		inv, _ := b.Build()
		if len(inv.Credentials) != 1 {
			t.Fatalf("%s: credentials %+v", file, inv.Credentials)
		}
		return inv.Credentials[0]
	}
	tests := []struct {
		name, key, value string
		file, text       string // a file in which the engine finds the same value
		recognised       bool
		typ              string
	}{
		{"token under any key", "NOTES", tok, "a.env", "X=" + tok + "\n", true, "github-classic-pat"},
		{"token without a key", "", tok, "a.env", "X=" + tok + "\n", true, "github-classic-pat"},
		{"password by its key name", "DB_PASSWORD", pw, ".env", "DB_PASSWORD=" + pw + "\n", true, "generic-password"},
		{"key name with blanks", "db password", pw, ".env", "DB_PASSWORD=" + pw + "\n", true, "generic-password"},
		{"token inside a longer value", "ARGS", "--token=" + tok, "a.env", "X=" + tok + "\n", true, "github-classic-pat"},
		{"password under a neutral key", "GREETING", pw, "", "", false, ""},
		{"a word", "DB_PASSWORD", "changeme", "", "", false, ""},
	}
	for _, tt := range tests {
		c, ok := e.Embedded(tt.key, []byte(tt.value))
		if ok != tt.recognised || c.Type != tt.typ {
			t.Errorf("%s: recognised %v type %q, want %v %q", tt.name, ok, c.Type, tt.recognised, tt.typ)
		}
		if !strings.HasPrefix(c.ID, "embedded:") || c.Kind != inventory.KindEmbeddedKey || c.Redacted == "" || len(c.Locations) != 0 {
			t.Errorf("%s: credential %+v", tt.name, c)
		}
		if s := fmt.Sprintf("%+v", c); strings.Contains(s, tt.value) || len(tt.value) > 12 && strings.Contains(s, tt.value[4:len(tt.value)-4]) {
			t.Errorf("%s: the credential holds the value", tt.name)
		}
		if tt.file != "" {
			if f := scanned(tt.file, tt.text); f.ID != c.ID || f.Type != c.Type || f.Redacted != c.Redacted {
				t.Errorf("%s: file scan %s %s %s, parser call %s %s %s", tt.name, f.ID, f.Type, f.Redacted, c.ID, c.Type, c.Redacted)
			}
		}
	}
}

// TestHasher: fingerprints are keyed (the same key gives the same
// fingerprint, another key another one, never the plain SHA-256), and short
// keys are refused.
func TestHasher(t *testing.T) {
	t.Parallel()
	v := []byte("Vq3mZ8kP")
	plain := sha256.Sum256(v)
	a, err := NewHasher([]byte(strings.Repeat("a", MinKeyLen)))
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := NewHasher([]byte(strings.Repeat("a", MinKeyLen)))
	b, _ := NewHasher([]byte(strings.Repeat("b", MinKeyLen)))
	if a.Sum(v) != a2.Sum(v) || a.Sum(v) == b.Sum(v) || a.Sum(v) == hex.EncodeToString(plain[:]) || len(a.Sum(v)) != 64 {
		t.Errorf("sums %s %s %s", a.Sum(v), a2.Sum(v), b.Sum(v))
	}
	if RandomHasher().Sum(v) == RandomHasher().Sum(v) {
		t.Error("random hashers share a key")
	}
	if _, err := NewHasher([]byte(strings.Repeat("a", MinKeyLen-1))); err == nil {
		t.Error("a short key was accepted")
	}
	// Two engines with the same key agree; without one they do not.
	ea, eb := NewEngine(nil, WithHasher(a)), NewEngine(nil, WithHasher(a2))
	if ea.CredentialID(v) != eb.CredentialID(v) || NewEngine(nil).CredentialID(v) == NewEngine(nil).CredentialID(v) {
		t.Error("engine ids")
	}
}
