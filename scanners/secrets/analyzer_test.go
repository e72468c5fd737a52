package secrets

import (
	"context"
	"errors"
	"strings"
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
	for h, why := range publicValues {
		if len(h) != 64 || !isHex([]byte(h)) || why == "" {
			t.Errorf("public value entry %q: %q", h, why)
		}
		for _, ex := range publishedExamples {
			if ex == h {
				t.Errorf("%s is both a documentation example and a public value", h)
			}
		}
	}
	r := faketoken.Rand(21)
	key := faketoken.Expand(r, "{pem:RSA PRIVATE KEY}")
	storage := faketoken.Expand(r, "{b:86}==")
	e := NewEngine(nil)
	e.public[exampleDigest(pemIdentity([]byte(key)))] = "a published test key"
	e.public[exampleDigest([]byte(storage))] = "a published emulator key"
	for name, text := range map[string]string{
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
