package apitransport

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://gitlab.example/api/v4/groups?page=2&private_token=glpat-x":          "https://gitlab.example/api/v4/groups?page=2&private_token=REDACTED",
		"https://api.github.com/user?access_token=gho_x&per_page=100":                "https://api.github.com/user?access_token=REDACTED&per_page=100",
		"https://h/x?client_secret=s&api_key=k&password=p&X-Amz-Signature=z&sig=q":   "https://h/x?client_secret=REDACTED&api_key=REDACTED&password=REDACTED&X-Amz-Signature=REDACTED&sig=REDACTED",
		"https://h/x?Private%5Ftoken=glpat-y":                                        "https://h/x?Private%5Ftoken=REDACTED",
		"https://x-access-token:ghs_secret@github.com/acme/app.git":                  "https://REDACTED@github.com/acme/app.git",
		"https://h/x?pagination=keyset&order_by=id&id_after=10":                      "https://h/x?pagination=keyset&order_by=id&id_after=10",
		"https://h/x#access_token=frag":                                              "https://h/x",
		"https://h/projects/acme%2Fapp/variables?filter%5Benvironment_scope%5D=prod": "https://h/projects/acme%2Fapp/variables?filter%5Benvironment_scope%5D=prod",
		"https://h/repos/a/b/commits?author=octocat&sha=main":                        "https://h/repos/a/b/commits?author=octocat&sha=main",
		"::not a url": "[unparseable URL]",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSanitize(t *testing.T) {
	got := sanitize(`Get "https://h/x?private_token=glpat-abc&page=1": boom; token=ghp_zzzzzz Bearer-sent glpat-headervalue`,
		[]string{"glpat-headervalue", "short"})
	for _, bad := range []string{"glpat-abc", "ghp_zzzzzz", "glpat-headervalue"} {
		mustNotContain(t, got, bad)
	}
	mustContain(t, got, "page=1")
}

func TestRequestSecretsScrubbedFromErrors(t *testing.T) {
	// A base transport whose error text echoes the credential.
	leaky := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return nil, fmt.Errorf("proxy rejected %q", r.Header.Get("Authorization"))
	})
	tr := New(leaky, testOptions(newFakeClock()))
	token := "ghs_" + strings.Repeat("leaky", 4) // made at run time: no credential literal in the repository
	req := mustReq(t, "https://api.github.com/orgs/acme", "Authorization", "Bearer "+token)
	_, err := tr.RoundTrip(req)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%T %v", err, err)
	}
	mustNotContain(t, err.Error(), token)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestDefaultNoStore(t *testing.T) {
	for path, want := range map[string]bool{
		"/api/v4/projects/acme%2Fapp/variables":             true,
		"/api/v4/groups/9/variables/TOKEN":                  true,
		"/api/v4/admin/ci/variables":                        true,
		"/api/v4/projects/1/pipeline_schedules/3":           true,
		"/api/v4/projects/1/triggers":                       true,
		"/api/v4/projects/1/hooks":                          true,
		"/api/v4/application/settings":                      true,
		"/api/v4/runners/42":                                true,
		"/api/v4/projects/1/integrations/slack":             true,
		"/repos/acme/app/actions/variables":                 true,
		"/orgs/acme/hooks/1/config":                         true,
		"/api/v4/runners/all":                               false,
		"/api/v4/projects/1/members/all":                    false,
		"/orgs/acme/actions/secrets":                        false, // names and dates only
		"/repos/acme/app/contents/.github/workflows/ci.yml": false,
		"/api/v4/personal_access_tokens":                    false,
	} {
		r := httptest.NewRequest("GET", "https://h"+path, nil)
		if got := DefaultNoStore(r); got != want {
			t.Errorf("DefaultNoStore(%s) = %v, want %v", path, got, want)
		}
	}
}

func TestResetIn(t *testing.T) {
	now := time.Unix(2_000_000_000, 0)
	for v, want := range map[string]time.Duration{
		"2000000030": 31 * time.Second, // epoch + margin
		"1999999990": time.Second,      // past: margin only
		"45":         45 * time.Second, // delta seconds
	} {
		if d, ok := resetIn(v, now); !ok || d != want {
			t.Errorf("resetIn(%s) = %v %v, want %v", v, d, ok, want)
		}
	}
	for _, v := range []string{"", "soon", "-3"} {
		if _, ok := resetIn(v, now); ok {
			t.Errorf("resetIn(%q) parsed", v)
		}
	}
	if d, ok := retryAfter(http.Header{"Retry-After": {"99999999999999999"}}, now); !ok || d <= 0 {
		t.Errorf("huge Retry-After: %v %v", d, ok)
	}
}

func TestBackoffBounds(t *testing.T) {
	tr := New(nil, Options{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second})
	tr.jitter = func(n int64) int64 { return n - 1 } // the top of the range
	for retry, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 30: time.Second} {
		if got := tr.backoff(retry); got != want {
			t.Errorf("backoff(%d) = %v, want %v", retry, got, want)
		}
	}
}

func TestDefaults(t *testing.T) {
	o := Options{}.normalized()
	if o.MaxRetries != 4 || o.MinBackoff != 500*time.Millisecond || o.MaxBackoff != 10*time.Second ||
		o.MaxRetryWait != time.Minute || o.RequestTimeout != 30*time.Second || o.MaxInFlight != 8 ||
		o.MaxBody != 256<<20 || o.MaxCacheEntry != 32<<20 || o.NoStore == nil || o.Logger == nil || o.Clock == nil {
		t.Errorf("defaults: %+v", o)
	}
	o = Options{MaxRetries: -1, RequestTimeout: -1, MaxInFlight: -1, MaxBody: -1, MaxRetryWait: -1}.normalized()
	if o.MaxRetries != 0 || o.RequestTimeout != 0 || o.MaxInFlight != 0 || o.MaxBody != -1 || o.MaxRetryWait != 0 {
		t.Errorf("negatives: %+v", o)
	}
}

func TestCacheIdentity(t *testing.T) {
	es := &etagServer{}
	srv := httptest.NewServer(es)
	defer srv.Close()
	opts := testOptions(newFakeClock())
	opts.CacheDir = t.TempDir()
	opts.CacheIdentity = func(*http.Request) string { return "github-app-installation:4567" }
	tr := New(nil, opts)
	get(t, tr, srv.URL+"/orgs/acme", "Authorization", "Bearer "+tokenA)
	// A rotated token, same identity: the entry is reused (the server here
	// gives a per-token ETag, so it answers 200 and the entry is replaced).
	get(t, tr, srv.URL+"/orgs/acme", "Authorization", "Bearer "+tokenB)
	if c := es.conds(); c[1] == "" {
		t.Error("rotated token did not send the identity's ETag")
	}
}

func TestConcurrentCacheUse(t *testing.T) {
	es := &etagServer{}
	srv := httptest.NewServer(es)
	defer srv.Close()
	opts := testOptions(newFakeClock())
	opts.CacheDir = t.TempDir()
	tr := New(nil, opts)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			req := mustReq(t, fmt.Sprintf("%s/repos/acme/r%d", srv.URL, i%5), "Authorization", "Bearer "+tokenA)
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(b), "/repos/acme/r") {
				t.Errorf("%s %q", resp.Status, b)
			}
		})
	}
	wg.Wait()
	if st := tr.Stats(); st.CacheCorrupt != 0 || st.Requests != 40 {
		t.Errorf("stats %+v", st)
	}
}
