package apitransport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// scripted serves the i-th request with steps[i] (the last step repeats).
func scripted(t *testing.T, steps ...http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		steps[min(i, len(steps)-1)](w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func status(code int, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(code)
		io.WriteString(w, `{"message":"`+http.StatusText(code)+`"}`)
	}
}

func body(code int, b string, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, b)
	}
}

var ok = body(200, `{"ok":true}`)

// reset hijacks the connection and closes it with RST (linger 0).
func reset(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// truncated sends headers promising 100 bytes and closes after 10.
func truncated(w http.ResponseWriter, r *http.Request) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nETag: \"t\"\r\nContent-Length: 100\r\n\r\n{\"ok\":tru")
	buf.Flush()
	conn.Close()
}

const secondaryBody = `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits","status":"403"}`

func TestRetry502ThenSuccess(t *testing.T) {
	srv, n := scripted(t, status(502), status(502), ok)
	clock := newFakeClock()
	tr := New(nil, testOptions(clock))
	r, b := get(t, tr, srv.URL+"/x")
	if r.StatusCode != 200 || b != `{"ok":true}` || n.Load() != 3 {
		t.Fatalf("%d %q after %d requests", r.StatusCode, b, n.Load())
	}
	st := tr.Stats()
	if st.Retries != 2 || st.WireRequests != 3 || st.ByStatus[502] != 2 || st.ByStatus[200] != 1 {
		t.Errorf("stats %+v", st)
	}
	for i, d := range clock.Sleeps() {
		if bound := time.Millisecond << i; d < 0 || d > bound {
			t.Errorf("backoff %d = %v, want in [0, %v]", i, d, bound)
		}
	}
}

func TestRetryConnectionReset(t *testing.T) {
	srv, n := scripted(t, reset, reset, ok)
	tr := New(nil, testOptions(newFakeClock()))
	r, b := get(t, tr, srv.URL+"/x")
	if r.StatusCode != 200 || b != `{"ok":true}` {
		t.Fatalf("%d %q", r.StatusCode, b)
	}
	if st := tr.Stats(); n.Load() != 3 || st.Retries != 2 || st.TransportErrors != 2 {
		t.Errorf("%d requests, stats %+v", n.Load(), st)
	}
}

func TestTruncatedBodyRetried(t *testing.T) {
	srv, n := scripted(t, truncated, ok)
	opts := testOptions(newFakeClock())
	opts.CacheDir = t.TempDir()
	tr := New(nil, opts)
	r, b := get(t, tr, srv.URL+"/x")
	if r.StatusCode != 200 || b != `{"ok":true}` || n.Load() != 2 {
		t.Fatalf("%d %q after %d", r.StatusCode, b, n.Load())
	}
	if st := tr.Stats(); st.Retries != 1 || st.CacheStores != 0 {
		t.Errorf("stats %+v (the truncated 200 must not be stored)", st)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	clock := newFakeClock()
	date := clock.Now().Add(9 * time.Second).Format(http.TimeFormat)
	for _, c := range []struct {
		name   string
		first  http.HandlerFunc
		wantGE time.Duration
		wantLE time.Duration
	}{
		{"seconds 429", status(429, "Retry-After", "7"), 7 * time.Second, 7 * time.Second},
		{"seconds 403", status(403, "Retry-After", "3"), 3 * time.Second, 3 * time.Second},
		{"http date", status(429, "Retry-After", date), 9 * time.Second, 9 * time.Second},
		{"503 with Retry-After", status(503, "Retry-After", "2"), 2 * time.Second, 2 * time.Second},
		{"GitLab RateLimit-Reset", status(429, "RateLimit-Reset", strconv.FormatInt(clock.Now().Add(20*time.Second).Unix(), 10)), 20 * time.Second, 21 * time.Second},
		{"GitLab RateLimit-ResetTime", status(429, "RateLimit-ResetTime", clock.Now().Add(5*time.Second).Format(http.TimeFormat)), 5 * time.Second, 5 * time.Second},
		{"primary exhausted", status(403, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", strconv.FormatInt(clock.Now().Add(30*time.Second).Unix(), 10)), 30 * time.Second, 31 * time.Second},
		{"GitLab primary exhausted", status(429, "RateLimit-Remaining", "0", "RateLimit-Reset", strconv.FormatInt(clock.Now().Add(12*time.Second).Unix(), 10)), 12 * time.Second, 13 * time.Second},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, n := scripted(t, c.first, ok)
			clock := newFakeClock()
			tr := New(nil, testOptions(clock))
			r, _ := get(t, tr, srv.URL+"/x")
			if r.StatusCode != 200 || n.Load() != 2 {
				t.Fatalf("%d after %d", r.StatusCode, n.Load())
			}
			s := clock.Sleeps()
			if len(s) != 1 || s[0] < c.wantGE || s[0] > c.wantLE {
				t.Errorf("sleeps %v, want one in [%v, %v]", s, c.wantGE, c.wantLE)
			}
			if st := tr.Stats(); st.Waited != s[0] {
				t.Errorf("Waited %v", st.Waited)
			}
		})
	}
}

func TestSecondaryLimit403(t *testing.T) {
	t.Run("no Retry-After: GitHub's minute", func(t *testing.T) {
		srv, n := scripted(t, body(403, secondaryBody), ok)
		clock := newFakeClock()
		tr := New(nil, testOptions(clock))
		r, _ := get(t, tr, srv.URL+"/orgs/acme/repos")
		if r.StatusCode != 200 || n.Load() != 2 {
			t.Fatalf("%d after %d", r.StatusCode, n.Load())
		}
		if s := clock.Sleeps(); len(s) != 1 || s[0] != time.Minute {
			t.Errorf("sleeps %v", s)
		}
	})
	t.Run("Retry-After", func(t *testing.T) {
		srv, _ := scripted(t, body(403, secondaryBody, "Retry-After", "4"), ok)
		clock := newFakeClock()
		tr := New(nil, testOptions(clock))
		if r, _ := get(t, tr, srv.URL+"/x"); r.StatusCode != 200 {
			t.Fatal(r.Status)
		}
		if s := clock.Sleeps(); len(s) != 1 || s[0] != 4*time.Second {
			t.Errorf("sleeps %v", s)
		}
	})
	t.Run("abuse URL, 429", func(t *testing.T) {
		srv, _ := scripted(t, body(429, `{"message":"x","documentation_url":"https://developer.github.com/v3/#abuse-rate-limits"}`), ok)
		clock := newFakeClock()
		tr := New(nil, testOptions(clock))
		if r, _ := get(t, tr, srv.URL+"/x"); r.StatusCode != 200 {
			t.Fatal(r.Status)
		}
		if s := clock.Sleeps(); len(s) != 1 || s[0] != time.Minute {
			t.Errorf("sleeps %v", s)
		}
	})
	t.Run("repeated: doubled minute exceeds the cap, response returned", func(t *testing.T) {
		srv, n := scripted(t, body(403, secondaryBody))
		clock := newFakeClock()
		tr := New(nil, testOptions(clock))
		r, b := get(t, tr, srv.URL+"/x")
		if r.StatusCode != 403 || b != secondaryBody || n.Load() != 2 {
			t.Fatalf("%d %q after %d", r.StatusCode, b, n.Load())
		}
		if st := tr.Stats(); st.GaveUp != 1 {
			t.Errorf("stats %+v", st)
		}
	})
}

func TestWaitOverCapReturnsResponse(t *testing.T) {
	clock := newFakeClock()
	for _, c := range []struct {
		name string
		h    http.HandlerFunc
	}{
		{"Retry-After", status(429, "Retry-After", "3600")},
		{"primary reset in an hour", status(403, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", strconv.FormatInt(clock.Now().Add(time.Hour).Unix(), 10))},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, n := scripted(t, c.h, ok)
			clock := newFakeClock()
			tr := New(nil, testOptions(clock))
			r, _ := get(t, tr, srv.URL+"/x")
			if r.StatusCode == 200 || n.Load() != 1 || len(clock.Sleeps()) != 0 {
				t.Errorf("%d after %d, sleeps %v", r.StatusCode, n.Load(), clock.Sleeps())
			}
		})
	}
}

func TestNotRetried(t *testing.T) {
	for _, c := range []struct {
		name string
		h    http.HandlerFunc
	}{
		{"plain 403", body(403, `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/orgs"}`)},
		{"404", status(404)},
		{"401", status(401)},
		{"400", status(400)},
		{"403 remaining but not zero", status(403, "X-RateLimit-Remaining", "12", "X-RateLimit-Reset", "1")},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, n := scripted(t, c.h, ok)
			tr := New(nil, testOptions(newFakeClock()))
			r, _ := get(t, tr, srv.URL+"/x")
			if r.StatusCode == 200 || n.Load() != 1 {
				t.Errorf("%d after %d", r.StatusCode, n.Load())
			}
		})
	}
}

func TestGiveUpAfterMaxRetries(t *testing.T) {
	t.Run("response", func(t *testing.T) {
		srv, n := scripted(t, body(503, `{"message":"unavailable"}`))
		opts := testOptions(newFakeClock())
		opts.MaxRetries = 2
		tr := New(nil, opts)
		r, b := get(t, tr, srv.URL+"/x")
		if r.StatusCode != 503 || b != `{"message":"unavailable"}` || n.Load() != 3 {
			t.Fatalf("%d %q after %d", r.StatusCode, b, n.Load())
		}
		if st := tr.Stats(); st.Retries != 2 || st.GaveUp != 1 {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("error", func(t *testing.T) {
		srv, n := scripted(t, reset)
		opts := testOptions(newFakeClock())
		opts.MaxRetries = 3
		tr := New(nil, opts)
		req, _ := http.NewRequest("GET", srv.URL+"/x", nil)
		_, err := tr.RoundTrip(req)
		var e *Error
		if !errors.As(err, &e) || e.Attempts != 4 || n.Load() != 4 {
			t.Fatalf("err %v after %d", err, n.Load())
		}
		mustContain(t, err.Error(), "4 attempts")
	})
	t.Run("disabled", func(t *testing.T) {
		srv, n := scripted(t, status(502))
		opts := testOptions(newFakeClock())
		opts.MaxRetries = -1
		tr := New(nil, opts)
		if r, _ := get(t, tr, srv.URL+"/x"); r.StatusCode != 502 || n.Load() != 1 {
			t.Errorf("%d after %d", r.StatusCode, n.Load())
		}
	})
}

func TestRequestBodies(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv, n := scripted(t,
		func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			seen = append(seen, string(b))
			mu.Unlock()
			w.WriteHeader(502)
		},
		func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			seen = append(seen, string(b))
			mu.Unlock()
		})
	tr := New(nil, testOptions(newFakeClock()))

	// GetBody set (http.NewRequest with a strings.Reader): replayed.
	req, _ := http.NewRequest("POST", srv.URL+"/graphql", strings.NewReader(`{"query":"{viewer{login}}"}`))
	r, err := tr.RoundTrip(req)
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("%v %v", r, err)
	}
	if len(seen) != 2 || seen[0] != seen[1] || seen[1] != `{"query":"{viewer{login}}"}` {
		t.Errorf("bodies seen %q", seen)
	}

	// No GetBody: one attempt only.
	n.Store(0)
	req, _ = http.NewRequest("POST", srv.URL+"/graphql", nil)
	req.Body = io.NopCloser(strings.NewReader("x"))
	r, err = tr.RoundTrip(req)
	if err != nil || r.StatusCode != 502 || n.Load() != 1 {
		t.Errorf("%v %v after %d", r, err, n.Load())
	}
}

func TestCtxCancelStopsWaiting(t *testing.T) {
	srv, _ := scripted(t, status(429, "Retry-After", "30"), ok)
	tr := New(nil, Options{}) // the real clock
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/x", nil)
	start := time.Now()
	_, err := tr.RoundTrip(req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("took %v", el)
	}
	if st := tr.Stats(); st.Waited <= 0 || st.Waited > 2*time.Second {
		t.Errorf("Waited %v", st.Waited)
	}
}

func TestRequestTimeoutRetried(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv, n := scripted(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}, ok)
	opts := testOptions(newFakeClock())
	opts.RequestTimeout = 100 * time.Millisecond
	tr := New(nil, opts)
	r, _ := get(t, tr, srv.URL+"/x")
	if r.StatusCode != 200 || n.Load() != 2 {
		t.Fatalf("%d after %d", r.StatusCode, n.Load())
	}
	if st := tr.Stats(); st.Retries != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestSlowBodyTimesOut(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv, n := scripted(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "20")
		w.WriteHeader(200)
		io.WriteString(w, "{")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}, ok)
	opts := testOptions(newFakeClock())
	opts.RequestTimeout = 100 * time.Millisecond
	tr := New(nil, opts)
	if r, b := get(t, tr, srv.URL+"/x"); r.StatusCode != 200 || b != `{"ok":true}` || n.Load() != 2 {
		t.Fatalf("%d %q after %d", r.StatusCode, b, n.Load())
	}
}

func TestMaxInFlight(t *testing.T) {
	var cur, peak atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := cur.Add(1)
		for {
			p := peak.Load()
			if c <= p || peak.CompareAndSwap(p, c) {
				break
			}
		}
		time.Sleep(15 * time.Millisecond)
		cur.Add(-1)
	}))
	defer srv.Close()
	opts := testOptions(newFakeClock())
	opts.MaxInFlight = 3
	tr := New(nil, opts)
	var wg sync.WaitGroup
	for range 24 {
		wg.Go(func() {
			req, _ := http.NewRequest("GET", srv.URL+"/x", nil)
			if r, err := tr.RoundTrip(req); err != nil {
				t.Error(err)
			} else {
				r.Body.Close()
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p != 3 {
		t.Errorf("peak concurrency %d, want 3", p)
	}
}

func TestRateLimitPausesOtherRequests(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/limited" {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(429)
		}
	}))
	defer srv.Close()
	clock := newFakeClock()
	opts := testOptions(clock)
	opts.MaxRetries = -1
	tr := New(nil, opts)
	if r, _ := get(t, tr, srv.URL+"/limited"); r.StatusCode != 429 {
		t.Fatal(r.Status)
	}
	if len(clock.Sleeps()) != 0 {
		t.Fatal("slept without retries")
	}
	if r, _ := get(t, tr, srv.URL+"/other"); r.StatusCode != 200 {
		t.Fatal(r.Status)
	}
	if s := clock.Sleeps(); len(s) != 1 || s[0] != 7*time.Second {
		t.Errorf("other request did not wait the pause: %v", s)
	}
}

func TestMaxBody(t *testing.T) {
	srv, n := scripted(t, body(200, strings.Repeat("x", 2048)))
	opts := testOptions(newFakeClock())
	opts.MaxBody = 1024
	tr := New(nil, opts)
	req, _ := http.NewRequest("GET", srv.URL+"/x", nil)
	_, err := tr.RoundTrip(req)
	if !errors.Is(err, errBodyTooLarge) || n.Load() != 1 {
		t.Errorf("err %v after %d", err, n.Load())
	}
}

func TestErrorsAndLogsRedacted(t *testing.T) {
	const secret = "glpat-SUPERSECRETvalue123"
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	// A refused connection: an error, not retried.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	opts := testOptions(newFakeClock())
	opts.Logger = logger
	tr := New(nil, opts)
	req, _ := http.NewRequest("GET", "http://user:"+secret+"@"+addr+"/api/v4/groups?page=2&private_token="+secret+"&access_token="+secret, nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Private-Token", secret)
	_, err := tr.RoundTrip(req)
	if err == nil {
		t.Fatal("no error")
	}
	mustNotContain(t, err.Error(), secret)
	mustNotContain(t, err.Error(), "SUPERSECRET")
	mustContain(t, err.Error(), "page=2")
	mustContain(t, err.Error(), "private_token=REDACTED")

	// Retries and giving up are logged with redacted URLs.
	srv, _ := scripted(t, reset)
	_, err = tr.RoundTrip(mustReq(t, srv.URL+"/x?private_token="+secret, "Private-Token", secret))
	if err == nil {
		t.Fatal("no error")
	}
	mustNotContain(t, err.Error(), secret)
	if !strings.Contains(logs.String(), "retrying API request") {
		t.Errorf("no retry logged: %s", logs.String())
	}
	mustNotContain(t, logs.String(), secret)
	mustContain(t, logs.String(), "private_token=REDACTED")
}

func mustReq(t *testing.T, url string, hdr ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return req
}
