package secrets

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
)

// expandSample expands a sample template and returns the text and the span
// of the value marked ⟦…⟧ (start -1 when there is no mark).
func expandSample(r *rand.Rand, tmpl string) (text string, start, end int) {
	pre, rest, ok := strings.Cut(tmpl, "⟦")
	if !ok {
		return faketoken.Expand(r, tmpl), -1, -1
	}
	mid, post, ok := strings.Cut(rest, "⟧")
	if !ok {
		panic("unclosed ⟦ in sample " + tmpl)
	}
	a, b, c := faketoken.Expand(r, pre), faketoken.Expand(r, mid), faketoken.Expand(r, post)
	return a + b + c, len(a), len(a) + len(b)
}

type found struct {
	format string
	value  string
	start  int
}

func scanFile(e *Engine, name, text string) []found {
	var out []found
	e.ScanFile(name, []byte(text), func(m Match) {
		out = append(out, found{m.Format.ID, string(m.Value), m.Offset})
	})
	return out
}

func TestFormatsMetadata(t *testing.T) {
	t.Parallel()
	fs := Formats()
	if len(fs) < 60 {
		t.Errorf("%d formats, want at least 60", len(fs))
	}
	ids := map[string]bool{}
	reaches := map[inventory.ReachClass]bool{}
	for _, f := range fs {
		if ids[f.ID] {
			t.Errorf("duplicate format id %s", f.ID)
		}
		ids[f.ID] = true
		reaches[f.Reach] = true
		if f.Title == "" || f.Platform == "" || f.Kind == "" || f.Lifetime == "" || f.Reach == "" {
			t.Errorf("%s: incomplete metadata %+v", f.ID, f)
		}
		if f.Example == "" && len(f.Samples) == 0 {
			t.Errorf("%s: no positive sample", f.ID)
		}
		if f.Pattern != nil && len(f.Prefixes) > 0 && f.Find != nil {
			t.Errorf("%s: both prefix and Find", f.ID)
		}
	}
	for _, want := range []inventory.ReachClass{inventory.ReachSourceControl, inventory.ReachCloud, inventory.ReachLLMAPI,
		inventory.ReachChat, inventory.ReachPayments, inventory.ReachPackageRegistry, inventory.ReachDatabase,
		inventory.ReachObservability, inventory.ReachCrypto} {
		if !reaches[want] {
			t.Errorf("no format reaches %s", want)
		}
	}
	for _, id := range []string{"github-classic-pat", "github-fine-grained-pat", "github-oauth-token", "github-user-to-server-token",
		"github-installation-token", "github-refresh-token", "gitlab-personal-access-token", "gitlab-deploy-token",
		"gitlab-runner-token", "gitlab-pipeline-trigger-token", "gitlab-ci-job-token", "gitlab-feed-token", "gitlab-oauth-app-secret",
		"aws-access-key-id", "aws-temporary-access-key-id", "aws-secret-access-key", "gcp-service-account-key", "google-api-key",
		"azure-storage-account-key", "azure-ad-client-secret", "slack-bot-token", "openai-project-key", "anthropic-api-key",
		"google-ai-api-key", "huggingface-token", "stripe-secret-key", "npm-access-token", "pypi-upload-token",
		"dockerhub-access-token", "atlassian-api-token", "linear-api-key", "notion-integration-token", "sentry-user-token",
		"datadog-api-key", "cloudflare-api-token", "vercel-token", "supabase-service-role-key", "databricks-token",
		"twilio-api-key", "sendgrid-api-key", "private-key-openssh", "private-key-encrypted", "database-url-password",
		"authorization-header", "jwt-long-lived", "kubeconfig-client-key", "docker-registry-auth", "npm-registry-auth",
		"netrc-password", "url-basic-auth", "generic-password", "generic-secret"} {
		if !ids[id] {
			t.Errorf("missing format %s", id)
		}
	}
}

// wrappers put a bare example value into realistic contexts.
var wrappers = []struct{ file, text string }{
	{"notes.txt", "%s"},
	{"run.sh", "export TOKEN=%s\n"},
	{"config.json", `{"token": "%s"}`},
	{"values.yaml", "x:\n  y:\n    - '%s'\n"},
	{"main.go", "const k = \"%s\" // test\n"},
	{"env.json", `{"env": "A=1\n%s\nB=2"}`},
	{"urls.txt", "https://api.internal/cb?state=x&token%%3D%s&y=1\n"},
}

func TestEveryFormatPositive(t *testing.T) {
	t.Parallel()
	e := NewEngine(nil)
	for i, f := range Formats() {
		t.Run(f.ID, func(t *testing.T) {
			t.Parallel()
			r := faketoken.Rand(uint64(100 + i))
			if f.Example != "" {
				for _, w := range wrappers {
					for range 3 {
						v := faketoken.Expand(r, f.Example)
						text := fmt.Sprintf(w.text, v)
						got := scanFile(e, w.file, text)
						if len(got) != 1 || got[0].format != f.ID || got[0].value != v || got[0].start != strings.Index(text, v) {
							t.Errorf("in %s %q: got %d matches %v", w.file, w.text, len(got), formatsOf(got))
						}
					}
				}
			}
			for _, s := range f.Samples {
				for range 3 {
					text, start, end := expandSample(r, s.Text)
					got := scanFile(e, s.File, text)
					if len(got) != 1 || got[0].format != f.ID || got[0].start != start || got[0].value != text[start:end] {
						t.Errorf("sample %s %q: got %d matches %v (want one at %d)", s.File, s.Text, len(got), formatsOf(got), start)
					}
				}
			}
		})
	}
}

func TestEveryFormatNegative(t *testing.T) {
	t.Parallel()
	e := NewEngine(nil)
	for i, f := range Formats() {
		t.Run(f.ID, func(t *testing.T) {
			t.Parallel()
			r := faketoken.Rand(uint64(500 + i))
			for _, s := range f.Negatives {
				text, _, _ := expandSample(r, s.Text)
				if got := scanFile(e, s.File, text); len(got) != 0 {
					t.Errorf("negative %q in %s: %v", s.Text, s.File, formatsOf(got))
				}
			}
		})
	}
}

func formatsOf(fs []found) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.format)
	}
	return out
}

// TestRedactionEveryFormat checks the preview rule on a value of every
// format: the type prefix and at most the last four characters.
func TestRedactionEveryFormat(t *testing.T) {
	t.Parallel()
	e := NewEngine(nil)
	for i, f := range Formats() {
		r := faketoken.Rand(uint64(900 + i))
		var text string
		var v string
		if f.Example != "" {
			v = faketoken.Expand(r, f.Example)
			text = v
		} else {
			var s, en int
			text, s, en = expandSample(r, f.Samples[0].Text)
			v = text[s:en]
		}
		var red string
		e.ScanFile(fileOf(f), []byte(text), func(m Match) { red = Redact(m.Format, m.Value) })
		head, tail, ok := strings.Cut(red, "…")
		if !ok || len(tail) > 4 || !strings.HasSuffix(v, tail) && !(f.pem && strings.Contains(v, tail)) {
			t.Errorf("%s: preview %q", f.ID, red)
			continue
		}
		maxHead := f.Preview
		for _, p := range f.Prefixes {
			maxHead = max(maxHead, len(p))
		}
		if f.pem {
			if !strings.HasPrefix(head, "-----BEGIN ") || !strings.HasSuffix(head, "-----") {
				t.Errorf("%s: pem preview head %q", f.ID, head)
			}
		} else if len(head) > maxHead || !strings.HasPrefix(v, head) {
			t.Errorf("%s: preview %q keeps more than the type prefix", f.ID, red)
		}
		if strings.Contains(red, v) {
			t.Errorf("%s: preview holds the value", f.ID)
		}
	}
}

func fileOf(f *Format) string {
	if f.Example != "" {
		return "notes.txt"
	}
	return f.Samples[0].File
}
