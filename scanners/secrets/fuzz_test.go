package secrets

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
)

// checkMatch asserts the invariants of every match: in bounds, positions
// consistent, and no output derived from it holds the value.
// fingerprints builds credentials in checkMatch (only its hasher is used).
var fingerprints = &Engine{hasher: RandomHasher()}

func checkMatch(t *testing.T, data []byte, m Match) {
	t.Helper()
	if m.Offset < 0 || len(m.Value) == 0 || m.Offset+len(m.Value) > len(data) || m.Line < 1 || m.Column < 1 {
		t.Fatalf("bad match %s at %d len %d line %d col %d", m.Format.ID, m.Offset, len(m.Value), m.Line, m.Column)
	}
	if got := strings.Count(string(data[:m.Offset]), "\n") + 1; got != m.Line {
		t.Fatalf("%s: line %d, want %d", m.Format.ID, m.Line, got)
	}
	if len(m.Format.Prefixes) > 0 && !slices.ContainsFunc(m.Format.Prefixes, func(p string) bool { return strings.HasPrefix(string(m.Value), p) }) {
		t.Fatalf("%s: value does not start with its prefix", m.Format.ID)
	}
	c := fingerprints.Credential(m, inventory.Location{Path: "f"})
	if len(m.Value) >= 8 && strings.Contains(fmt.Sprintf("%+v", c), string(m.Value)) {
		t.Fatalf("%s: credential holds the value", m.Format.ID)
	}
	head, tail, ok := strings.Cut(c.Redacted, "…")
	if !ok || len(tail) > 4 || len(head) > 64 {
		t.Fatalf("%s: preview %q", m.Format.ID, c.Redacted)
	}
}

func FuzzScan(f *testing.F) {
	r := faketoken.Rand(7)
	f.Add([]byte("token=" + faketoken.GitHub(r, "ghp")))
	f.Add([]byte(faketoken.GitHubFineGrained(r) + "\n" + faketoken.GitHub(r, "ghs")))
	f.Add([]byte("ghp_ghp_github_pat_\n\x00\xff"))
	for _, fm := range Formats() {
		if fm.Example != "" {
			f.Add([]byte(faketoken.Expand(r, fm.Example)))
		}
		for _, s := range fm.Samples {
			text, _, _ := expandSample(r, s.Text)
			f.Add([]byte(text))
		}
	}
	e := NewEngine(nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		e.Scan(data, func(m Match) { checkMatch(t, data, m) })
		_ = e.Sanitize(string(data))
	})
}

// FuzzScanFile runs the engine as the walker does, with the file name (and
// so the file kind: code, configuration, netrc) chosen by the fuzzer.
func FuzzScanFile(f *testing.F) {
	names := []string{"main.go", ".env", "config.yaml", "settings.json", ".netrc", ".npmrc", ".kube/config", "README.md"}
	r := faketoken.Rand(8)
	for _, fm := range Formats() {
		for i, s := range append(slices.Clone(fm.Samples), fm.Negatives...) {
			text, _, _ := expandSample(r, s.Text)
			f.Add(uint8(i), []byte(text))
		}
	}
	e := NewEngine(nil)
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		e.ScanFile(names[int(which)%len(names)], data, func(m Match) { checkMatch(t, data, m) })
	})
}

// FuzzDetectors runs one detector at a time (the fuzzer picks it), so that
// every detector and structured parser (PEM, JWT, URL, key = value, docker,
// npm, netrc, kubeconfig, service-account JSON …) is fuzzed on its own.
func FuzzDetectors(f *testing.F) {
	fs := Formats()
	r := faketoken.Rand(9)
	for i, fm := range fs {
		if fm.Example != "" {
			f.Add(uint16(i), []byte("k = "+faketoken.Expand(r, fm.Example)))
		}
		for _, s := range fm.Samples {
			text, _, _ := expandSample(r, s.Text)
			f.Add(uint16(i), []byte(text))
		}
	}
	engines := make([]*Engine, len(fs))
	for i, fm := range fs {
		engines[i] = NewEngine([]*Format{fm})
	}
	f.Fuzz(func(t *testing.T, which uint16, data []byte) {
		e := engines[int(which)%len(engines)]
		e.Scan(data, func(m Match) { checkMatch(t, data, m) })
		e.ScanFile("x.go", data, func(m Match) { checkMatch(t, data, m) })
	})
}

// FuzzPEM fuzzes the PEM block parser and the helpers that read its body.
func FuzzPEM(f *testing.F) {
	r := faketoken.Rand(10)
	for _, l := range []string{"{pem:RSA PRIVATE KEY}", "{pemjson:PRIVATE KEY}", "{openssh:none}", "{openssh:aes256-ctr}", "{pem:ENCRYPTED PRIVATE KEY}"} {
		f.Add([]byte(faketoken.Expand(r, l)))
	}
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\n\\n-----END RSA PRIVATE KEY-----"))
	f.Fuzz(func(t *testing.T, data []byte) {
		at := strings.Index(string(data), "-----BEGIN ")
		if at < 0 {
			_ = pemIdentity(data)
			_ = opensshEncrypted(data)
			return
		}
		start, end, label, body, _, ok := findPEMBlock(data, at, at+len("-----BEGIN "))
		if ok && (start != at || end > len(data) || end <= start || len(label) == 0 || len(body) == 0) {
			t.Fatalf("bad block %d %d", start, end)
		}
		if ok {
			_ = opensshEncrypted(body)
			if id := pemIdentity(data[start:end]); len(id) == 0 {
				t.Fatal("empty identity of a valid block")
			}
		}
	})
}

// FuzzKeyValue fuzzes the key = value parser used by key-name detection.
func FuzzKeyValue(f *testing.F) {
	for _, s := range []string{`"password": "x1y2z3w4v5"`, "export API_TOKEN='abc'", "secret:\n  a", "key := `v`",
		"password\tvalue", `a="\"`, "dbPassword=", "token => 'x'"} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, blank bool) {
		for at := 0; at < len(data); at++ {
			ks, ke := keySpan(data, at, at)
			if ks < 0 || ke > len(data) || ks > ke {
				t.Fatalf("key span %d %d", ks, ke)
			}
			_ = keyStartOK(data, ks)
			_, _, _ = keyClass(data[ks:ke])
			vs, ve, ok := valueAfter(data, ke, blank)
			if ok {
				if vs < ke || ve > len(data) || vs >= ve || strings.ContainsRune(string(data[vs:ve]), '\n') {
					t.Fatalf("value span %d %d after %d", vs, ve, ke)
				}
				_ = genericValueOK(data[vs:ve], blank)
				_ = basicAuthOK(data[vs:ve])
			}
		}
	})
}

// FuzzAnalyzer runs the analyzer (with AWS pairing and a fake blame) on
// arbitrary files.
func FuzzAnalyzer(f *testing.F) {
	r := faketoken.Rand(13)
	f.Add([]byte(faketoken.Expand(r, "aws_access_key_id=AKIA{b32:16}\naws_secret_access_key={b:40}\n")))
	a := NewAnalyzer()
	a.Blame = func(_ context.Context, _, _ string, lines []int) (map[int]string, error) {
		m := map[int]string{}
		for _, l := range lines {
			m[l] = "c"
		}
		return m, nil
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b := inventory.NewBuilder()
		if err := a.Analyze(context.Background(), inventory.Location{Path: ".env", Git: inventory.GitTracked}, data, b); err != nil {
			t.Fatal(err)
		}
		inv, _ := b.Build()
		for _, c := range inv.Credentials {
			if c.Locations[0].Commit != "c" || c.ValueHMAC == "" || c.Redacted == "" {
				t.Fatalf("credential %+v", c)
			}
		}
	})
}
