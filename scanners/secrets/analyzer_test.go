package secrets

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
)

func TestAnalyzerPairsAWSKeys(t *testing.T) {
	t.Parallel()
	r := faketoken.Rand(11)
	for _, tt := range []struct {
		prefix   string
		lifetime inventory.LifetimeClass
	}{{"AKIA", inventory.LifetimeStatic}, {"ASIA", inventory.LifetimeShortLived}} {
		id := faketoken.Expand(r, tt.prefix+"{b32:16}")
		secret := faketoken.Expand(r, "{b:40}")
		text := "[default]\naws_access_key_id = " + id + "\naws_secret_access_key = " + secret + "\n"
		b := inventory.NewBuilder()
		if err := NewAnalyzer().Analyze(context.Background(), inventory.Location{Path: ".aws/credentials"}, []byte(text), b); err != nil {
			t.Fatal(err)
		}
		inv, _ := b.Build()
		var idc, sc *inventory.Credential
		for i := range inv.Credentials {
			switch inv.Credentials[i].Type {
			case "aws-secret-access-key":
				sc = &inv.Credentials[i]
			default:
				idc = &inv.Credentials[i]
			}
		}
		if idc == nil || sc == nil {
			t.Fatalf("%s: credentials %+v", tt.prefix, inv.Credentials)
		}
		if idc.Attributes["paired_secret"] != sc.ID || sc.Attributes["access_key_id"] != idc.Redacted || sc.Lifetime != tt.lifetime {
			t.Errorf("%s: pairing id=%+v secret=%+v", tt.prefix, idc, sc)
		}
	}
}

func TestAnalyzerBlameAndHistory(t *testing.T) {
	t.Parallel()
	r := faketoken.Rand(12)
	a, b2 := faketoken.GitHub(r, "ghp"), faketoken.GitHub(r, "ghp")
	text := []byte("one\nA=" + a + "\nB=" + b2 + "\n")
	var asked []int
	an := NewAnalyzer()
	an.Blame = func(_ context.Context, root, path string, lines []int) (map[int]string, error) {
		asked = lines
		if root != "repo" || path != "x.txt" {
			t.Errorf("blame %s %s", root, path)
		}
		return map[int]string{2: "c0ffee", 3: ""}, nil
	}
	b := inventory.NewBuilder()
	tracked := inventory.Location{Root: "repo", Path: "x.txt", Git: inventory.GitTracked}
	if err := an.Analyze(context.Background(), tracked, text, b); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 2 || asked[0] != 2 || asked[1] != 3 {
		t.Errorf("blamed lines %v", asked)
	}
	// the same values from history at the same path are not reported again;
	// at another path they are
	hist := inventory.Location{Root: "repo", Path: "x.txt", Git: inventory.GitHistory, Commit: "abc"}
	_ = an.Analyze(context.Background(), hist, text, b)
	old := inventory.Location{Root: "repo", Path: "old.txt", Git: inventory.GitHistory, Commit: "def"}
	_ = an.Analyze(context.Background(), old, []byte(a), b)
	_ = an.Analyze(context.Background(), inventory.Location{Root: "repo", Path: "old.txt", Git: inventory.GitHistory, Commit: "fed"}, []byte(a), b)
	inv, _ := b.Build()
	byType := map[string][]inventory.Location{}
	for _, c := range inv.Credentials {
		byType[c.Redacted] = c.Locations
	}
	la := byType[Redact(FormatByID("github-classic-pat"), []byte(a))]
	lb := byType[Redact(FormatByID("github-classic-pat"), []byte(b2))]
	if len(la) != 2 || la[1].Commit != "c0ffee" || la[1].Git != inventory.GitTracked || la[0].Path != "old.txt" || la[0].Commit != "def" {
		t.Errorf("a locations %+v", la)
	}
	if len(lb) != 1 || lb[0].Git != inventory.GitUncommitted || lb[0].Commit != "" {
		t.Errorf("b locations %+v", lb)
	}

	an.Blame = func(context.Context, string, string, []int) (map[int]string, error) { return nil, errors.New("boom") }
	err := an.Analyze(context.Background(), tracked, text, inventory.NewBuilder())
	if err == nil || !strings.Contains(err.Error(), "git blame") {
		t.Errorf("blame error = %v", err)
	}
}

func TestPublishedExamplesDropped(t *testing.T) {
	t.Parallel()
	tok := faketoken.GitHub(faketoken.Rand(14), "ghp")
	e := NewEngine(nil)
	if !e.Contains("x " + tok) {
		t.Fatal("token not found")
	}
	e.examples[exampleDigest([]byte(tok))] = true
	if e.Contains("x " + tok) {
		t.Error("a published example was reported")
	}
	if len(publishedExamples) == 0 || len(publishedExamples[0]) != 64 {
		t.Error("published example hashes")
	}
}

// TestPublishedValues checks the hash list of public-by-design values: a
// value whose identity hash is listed is still found, with the reason, and
// a private key is recognised whichever way its lines are written.
func TestPublishedValues(t *testing.T) {
	t.Parallel()
	for _, m := range []map[string]string{publicValues, devKeys} {
		for h, why := range m {
			if len(h) != 64 || !isHex([]byte(h)) || why == "" {
				t.Errorf("public value entry %q: %q", h, why)
			}
			for _, ex := range publishedExamples {
				if ex == h {
					t.Errorf("%s is both a documentation example and a public value", h)
				}
			}
		}
	}
	for h := range devKeys {
		if _, dup := publicValues[h]; dup {
			t.Errorf("%s is listed twice", h)
		}
	}
	r := faketoken.Rand(21)
	key := faketoken.Expand(r, "{pem:RSA PRIVATE KEY}")
	storage := faketoken.Expand(r, "{b:86}==")
	e := NewEngine(nil)
	e.public[exampleDigest(pemIdentity([]byte(key)))] = "a published test key"
	e.public[exampleDigest([]byte(storage))] = "a published emulator key"
	devKey := "0x" + faketoken.Expand(r, "{h:64}")
	e.public[exampleDigest([]byte(devKey))] = "a published development key"
	for name, text := range map[string]string{
		".env":              "DEPLOYER_PRIVATE_KEY=" + devKey + "\n",
		"certs/key.pem":     key + "\n",
		"config/tls.json":   `{"key": "` + strings.ReplaceAll(key, "\n", `\n`) + `"}`,
		"appsettings.json":  `{"Storage": "DefaultEndpointsProtocol=http;AccountName=devacct;AccountKey=` + storage + `;"}`,
		"other/another.pem": faketoken.Expand(r, "{pem:RSA PRIVATE KEY}") + "\n",
	} {
		var got []Match
		e.ScanFile(name, []byte(text), func(m Match) { got = append(got, m) })
		want := "a published"
		if name == "other/another.pem" {
			want = ""
		}
		if len(got) != 1 || !strings.HasPrefix(got[0].Public, want) || want == "" && got[0].Public != "" {
			t.Errorf("%s: %d matches, public %q", name, len(got), func() string {
				if len(got) > 0 {
					return got[0].Public
				}
				return ""
			}())
		}
		if len(got) == 1 {
			c := e.Credential(got[0], inventory.Location{Path: name})
			if c.Public != got[0].Public {
				t.Errorf("%s: credential public %q, match %q", name, c.Public, got[0].Public)
			}
		}
	}
}

// permutations calls fn with every order of 0..n-1.
func permutations(n int, fn func([]int)) {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	var rec func(k int)
	rec = func(k int) {
		if k == n {
			fn(p)
			return
		}
		for i := k; i < n; i++ {
			p[k], p[i] = p[i], p[k]
			rec(k + 1)
			p[k], p[i] = p[i], p[k]
		}
	}
	rec(0)
}

// TestAnalyzerKnownValues runs testdata/known-values: once a value is found
// as a credential, every place where code, SQL or shell assigns it to a
// secret-like name is a location of it, whatever order the files come in.
func TestAnalyzerKnownValues(t *testing.T) {
	t.Parallel()
	names, err := filepath.Glob("testdata/known-values/*.txt")
	if err != nil || len(names) == 0 {
		t.Fatalf("no known-value trees: %v", err)
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		_, tmpl, ok := strings.Cut(string(data), "# value: ")
		if !ok {
			t.Fatalf("%s: no value line", name)
		}
		tmpl, _, _ = strings.Cut(tmpl, "\n")
		files := readLookalikes(t, name)
		r := faketoken.Rand(31)
		value, other := faketoken.Expand(r, tmpl), faketoken.Expand(r, tmpl)
		type at struct {
			path string
			line int
		}
		want := map[at]bool{}
		texts := make([]string, len(files))
		for i, f := range files {
			texts[i] = strings.NewReplacer("@VALUE@", value, "@OTHER@", other).Replace(f.tmpl)
			for n, line := range strings.Split(f.tmpl, "\n") {
				if strings.Contains(line, "@VALUE@") {
					want[at{f.path, n + 1}] = true
				}
			}
		}
		e := NewEngine(nil)
		id, otherID := e.CredentialID([]byte(value)), e.CredentialID([]byte(other))
		check := func(order []int, concurrent bool) {
			an := &Analyzer{Engine: e}
			b := inventory.NewBuilder()
			var wg sync.WaitGroup
			for _, i := range order {
				l := inventory.Location{Source: "dir:.", Root: ".", Path: files[i].path, Git: inventory.GitTracked}
				analyze := func() {
					if err := an.Analyze(context.Background(), l, []byte(texts[i]), b); err != nil {
						t.Error(err)
					}
				}
				if concurrent {
					wg.Go(analyze)
				} else {
					analyze()
				}
			}
			wg.Wait()
			inv, _ := b.Build()
			got := map[at]bool{}
			for _, c := range inv.Credentials {
				switch c.ID {
				case id:
					if c.Type == "" || c.Redacted == "" {
						t.Errorf("%s %v: the credential lost its classification: %+v", name, order, c)
					}
					for _, l := range c.Locations {
						got[at{l.Path, l.Line}] = true
					}
				case otherID:
					t.Errorf("%s %v: a value assigned only in code was reported: %+v", name, order, c.Locations)
				}
			}
			if !maps.Equal(got, want) {
				t.Errorf("%s %v: locations %v, want %v", name, order, got, want)
			}
		}
		permutations(len(files), func(order []int) { check(order, false) })
		all := make([]int, len(files))
		for i := range all {
			all[i] = i
		}
		for range 10 {
			check(all, true)
		}
	}
}

// TestFirebaseWebKeyPublic: an AIza key in a Firebase web app's
// configuration is public by design, with the reason; the same key beside
// nothing of Firebase, or named as a Gemini key, is a secret.
func TestFirebaseWebKeyPublic(t *testing.T) {
	t.Parallel()
	r := faketoken.Rand(33)
	key := faketoken.Expand(r, "AIza{bu:35}")
	e := NewEngine(nil)
	for name, c := range map[string]struct {
		text   string
		public bool
	}{
		".env.production": {`VITE_APP_FIREBASE_CONFIG='{"apiKey":"` + key + `","authDomain":"demo-app.firebaseapp.com","projectId":"demo-app"}'` + "\n", true},
		"src/firebase.ts": {"const firebaseConfig = {\n  apiKey: \"" + key + "\",\n  messagingSenderId: \"1234567890\",\n};\n", true},
		"deploy/maps.env": {"MAPS_API_KEY=" + key + "\n", false},
		"gemini.env":      {"GEMINI_API_KEY=" + key + "\n", false},
	} {
		var got []Match
		e.ScanFile(name, []byte(c.text), func(m Match) { got = append(got, m) })
		if len(got) != 1 {
			t.Errorf("%s: %d matches", name, len(got))
			continue
		}
		if (got[0].Public != "") != c.public || c.public && !strings.Contains(got[0].Public, "Firebase") {
			t.Errorf("%s: public %q, want public %v", name, got[0].Public, c.public)
		}
	}
}

// TestJWTMadeUpSignature: a JWT whose signature is not the size its
// algorithm signs with (a mock token's "mock-signature-for-tests") is no
// credential; the same claims with a signature of the right size are.
func TestJWTMadeUpSignature(t *testing.T) {
	t.Parallel()
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	r := faketoken.Rand(5)
	body := b64(`{"alg":"HS256","typ":"JWT"}`) + "." + b64(`{"sub":"svc-`+faketoken.Expand(r, "{la:8}")+`","role":"admin","iat":1700000000}`)
	e := NewEngine(nil)
	for sig, want := range map[string]bool{
		"mock-signature-for-tests":               false,
		b64(faketoken.Expand(r, "{la:32}")):      true,  // 32 bytes: HS256's size
		b64(faketoken.Expand(r, "{la:20}")):      false, // 20 bytes
		b64(faketoken.Expand(r, "{la:64}")) + "": false, // HS512's size under an HS256 header
	} {
		var got []Match
		e.ScanFile("auth.js", []byte("const token = '"+body+"."+sig+"';\n"), func(m Match) { got = append(got, m) })
		if (len(got) > 0) != want {
			t.Errorf("signature of %d characters: %d matches, want found %v", len(sig), len(got), want)
		}
	}
}

// TestJWTBoundedLifetime: a JWT whose exp is days after its iat is
// short-lived (it ends by itself); one valid for months is long-lived.
func TestJWTBoundedLifetime(t *testing.T) {
	t.Parallel()
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	r := faketoken.Rand(9)
	e := NewEngine(nil)
	for days, want := range map[int]inventory.LifetimeClass{3: inventory.LifetimeShortLived, 90: inventory.LifetimeStatic} {
		claims := fmt.Sprintf(`{"sub":"svc-%s","iat":1700000000,"exp":%d}`, faketoken.Expand(r, "{la:8}"), 1700000000+days*86400)
		tok := b64(`{"alg":"HS256","typ":"JWT"}`) + "." + b64(claims) + "." + b64(faketoken.Expand(r, "{la:32}"))
		var got []Match
		e.ScanFile("session.ts", []byte("const session = '"+tok+"';\n"), func(m Match) { got = append(got, m) })
		if len(got) != 1 {
			t.Fatalf("%d days: %d matches", days, len(got))
		}
		if c := e.Credential(got[0], inventory.Location{Path: "session.ts"}); c.Lifetime != want {
			t.Errorf("%d days: lifetime %s, want %s", days, c.Lifetime, want)
		}
	}
}

// TestJWTBoundedTitle: a short-lived JWT is not named long-lived.
func TestJWTBoundedTitle(t *testing.T) {
	t.Parallel()
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	r := faketoken.Rand(10)
	tok := b64(`{"alg":"HS256"}`) + "." + b64(`{"sub":"svc-`+faketoken.Expand(r, "{la:8}")+`","iat":1700000000,"exp":1700259200}`) + "." + b64(faketoken.Expand(r, "{la:32}"))
	e := NewEngine(nil)
	var got []Match
	e.ScanFile("session.ts", []byte("const s = '"+tok+"';\n"), func(m Match) { got = append(got, m) })
	if len(got) != 1 {
		t.Fatalf("%d matches", len(got))
	}
	if c := e.Credential(got[0], inventory.Location{Path: "session.ts"}); strings.Contains(strings.ToLower(c.Name), "long-lived") {
		t.Errorf("a three-day token is named %q", c.Name)
	}
}
