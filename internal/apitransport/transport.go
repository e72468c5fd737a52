package apitransport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Transport is the stacked http.RoundTripper (see the package doc). It is
// safe for concurrent use; build it once per platform client with New.
type Transport struct {
	base     http.RoundTripper
	opts     Options // normalized
	log      *slog.Logger
	clock    Clock
	sem      chan struct{} // nil: unbounded
	cache    *diskCache    // nil: no cache
	cacheErr error
	jitter   func(n int64) int64 // uniform in [0, n)

	pauseMu    sync.Mutex
	pauseUntil time.Time

	statsMu sync.Mutex
	stats   Stats
}

// Stats are running totals since New. Waited sums the time each request
// spent in deliberate waits (backoff, Retry-After, rate-limit pauses), so
// concurrent waits add up; time queued for MaxInFlight is not included.
type Stats struct {
	Requests        int64         // RoundTrip calls (logical requests)
	WireRequests    int64         // attempts sent to the base transport
	NotModified     int64         // 304s received on the wire
	CacheHits       int64         // 304s answered to the caller from the cache (200 + X-From-Cache)
	CacheStores     int64         // entries written
	CacheCorrupt    int64         // unreadable entries ignored (and removed)
	Retries         int64         // attempts after the first
	TransportErrors int64         // attempts that ended in an error (no response, or a broken body)
	GaveUp          int64         // calls that ended on a retryable failure: attempts used up, or the server's wait over MaxRetryWait
	ByStatus        map[int]int64 // wire responses by status code
	Waited          time.Duration // total deliberate waiting, summed over requests
}

// New builds a Transport over base (nil: a clone of http.DefaultTransport).
// When Options.CacheDir cannot be used the Transport runs without a cache,
// logs a warning and reports the reason through CacheError; it never fails.
func New(base http.RoundTripper, opts Options) *Transport {
	if base == nil {
		if dt, ok := http.DefaultTransport.(*http.Transport); ok {
			base = dt.Clone()
		} else {
			base = http.DefaultTransport
		}
	}
	o := opts.normalized()
	t := &Transport{
		base:   base,
		opts:   o,
		log:    o.Logger,
		clock:  o.Clock,
		jitter: rand.Int64N,
		stats:  Stats{ByStatus: map[int]int64{}},
	}
	if o.MaxInFlight > 0 {
		t.sem = make(chan struct{}, o.MaxInFlight)
	}
	if o.CacheDir != "" {
		t.cache, t.cacheErr = openCache(o.CacheDir, o.MaxCacheEntry)
		if t.cacheErr != nil {
			t.log.Warn("API response cache disabled", "dir", o.CacheDir, "err", t.cacheErr)
		}
	}
	return t
}

// CacheError reports why Options.CacheDir could not be used (nil when the
// cache works or none was asked for).
func (t *Transport) CacheError() error { return t.cacheErr }

// Stats returns a snapshot of the totals.
func (t *Transport) Stats() Stats {
	t.statsMu.Lock()
	defer t.statsMu.Unlock()
	s := t.stats
	s.ByStatus = maps.Clone(t.stats.ByStatus)
	return s
}

// CloseIdleConnections passes on to the base transport, for
// http.Client.CloseIdleConnections.
func (t *Transport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (t *Transport) count(f func(*Stats)) {
	t.statsMu.Lock()
	f(&t.stats)
	t.statsMu.Unlock()
}

// RoundTrip implements http.RoundTripper: the cache layer.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.count(func(s *Stats) { s.Requests++ })
	if req.URL == nil {
		closeBody(req.Body)
		return nil, errors.New("apitransport: request has no URL")
	}
	var name string
	var ent *entry
	send := req
	if t.cache != nil && t.cacheable(req) {
		var identity string
		if t.opts.CacheIdentity != nil {
			identity = t.opts.CacheIdentity(req)
		}
		name = t.cache.entryName(req, identity)
		var corrupt bool
		ent, corrupt = t.cache.load(name)
		if corrupt {
			t.count(func(s *Stats) { s.CacheCorrupt++ })
			t.log.Debug("ignoring corrupt cache entry", "method", req.Method, "url", redactURL(req.URL))
		}
		if ent != nil {
			send = req.Clone(req.Context())
			if et := ent.header.Get("ETag"); et != "" {
				send.Header.Set("If-None-Match", et)
			} else {
				send.Header.Set("If-Modified-Since", ent.header.Get("Last-Modified"))
			}
		}
	}
	resp, body, err := t.retry(send)
	if err != nil {
		return nil, err
	}
	resp.Request = req
	if name == "" {
		return resp, nil
	}
	switch {
	case resp.StatusCode == http.StatusNotModified && ent != nil:
		t.count(func(s *Stats) { s.CacheHits++ })
		return replay(req, resp, ent), nil
	case resp.StatusCode == http.StatusOK && t.cache.storable(resp, body):
		if err := t.cache.store(name, resp, body); err != nil {
			t.log.Debug("cache store failed", "url", redactURL(req.URL), "err", sanitize(err.Error(), nil))
		} else {
			t.count(func(s *Stats) { s.CacheStores++ })
		}
	case resp.StatusCode == http.StatusOK && ent != nil:
		t.cache.remove(name) // changed, and no longer cacheable
	}
	return resp, nil
}

// cacheable: GET, not excluded by NoStore, not already conditional or
// ranged, no credential in the URL (the stored Link header could echo it).
func (t *Transport) cacheable(req *http.Request) bool {
	if req.Method != http.MethodGet && req.Method != "" {
		return false
	}
	for _, h := range []string{"If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range", "Range"} {
		if req.Header.Get(h) != "" {
			return false
		}
	}
	for _, v := range req.Header.Values("Cache-Control") {
		if bytes.Contains(bytes.ToLower([]byte(v)), []byte("no-store")) {
			return false
		}
	}
	if hasSensitiveQuery(req.URL) {
		return false
	}
	return !t.opts.NoStore(req)
}

// retry is the retry layer. It returns a response whose body has been read
// in full (also returned as body), or an error.
func (t *Transport) retry(req *http.Request) (*http.Response, []byte, error) {
	ctx := req.Context()
	hasBody := req.Body != nil && req.Body != http.NoBody
	maxAttempts := 1 + t.opts.MaxRetries
	if hasBody && req.GetBody == nil {
		maxAttempts = 1 // cannot replay the body
	}
	secondaryHits := 0
	sent := 0
	for attempt := 1; ; attempt++ {
		body := req.Body
		if attempt > 1 && hasBody {
			b, err := req.GetBody()
			if err != nil {
				return nil, nil, newError(req, sent, fmt.Errorf("rewinding request body: %w", err))
			}
			body = b
		}
		if err := t.waitPause(ctx, req); err != nil {
			closeBody(body)
			return nil, nil, newError(req, sent, err)
		}
		resp, data, err := t.attempt(ctx, req, body, &sent)

		var v verdict
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, nil, newError(req, sent, ctx.Err())
		case err != nil:
			v = judgeError(err)
		default:
			v = judgeResponse(resp, data, t.clock.Now(), &secondaryHits)
		}
		if !v.retry {
			if err != nil {
				return nil, nil, newError(req, sent, err)
			}
			return resp, data, nil
		}

		attrs := []slog.Attr{
			slog.String("method", req.Method),
			slog.String("url", redactURL(req.URL)),
			slog.Int("attempt", attempt),
			slog.String("reason", v.reason),
		}
		if resp != nil {
			attrs = append(attrs, slog.Int("status", resp.StatusCode))
		}
		if err != nil {
			attrs = append(attrs, slog.String("err", sanitize(err.Error(), requestSecrets(req))))
		}

		wait := v.wait
		if v.serverWait {
			if wait > t.opts.MaxRetryWait {
				t.count(func(s *Stats) { s.GaveUp++ })
				t.log.LogAttrs(ctx, slog.LevelInfo, "server asks to wait longer than MaxRetryWait; returning the response",
					append(attrs, slog.Duration("wait", wait), slog.Duration("max_wait", t.opts.MaxRetryWait))...)
				return resp, data, nil
			}
			if v.pause {
				t.setPause(wait)
			}
		} else {
			wait = min(t.backoff(attempt), t.opts.MaxRetryWait)
		}
		if attempt >= maxAttempts {
			t.count(func(s *Stats) { s.GaveUp++ })
			t.log.LogAttrs(ctx, slog.LevelInfo, "giving up on API request", attrs...)
			if err != nil {
				return nil, nil, newError(req, sent, err)
			}
			return resp, data, nil
		}
		level := slog.LevelDebug
		if v.pause {
			level = slog.LevelInfo
		}
		t.log.LogAttrs(ctx, level, "retrying API request", append(attrs, slog.Duration("wait", wait))...)
		if err := t.sleep(ctx, wait); err != nil {
			return nil, nil, newError(req, sent, err)
		}
		t.count(func(s *Stats) { s.Retries++ })
	}
}

// attempt sends one request through the in-flight bound and the per-attempt
// timeout, and reads the body in full. It always consumes body.
func (t *Transport) attempt(ctx context.Context, req *http.Request, body io.ReadCloser, sent *int) (*http.Response, []byte, error) {
	if err := t.acquire(ctx); err != nil {
		closeBody(body)
		return nil, nil, err
	}
	defer t.release()

	actx, cancel := ctx, context.CancelFunc(func() {})
	if t.opts.RequestTimeout > 0 {
		actx, cancel = context.WithTimeoutCause(ctx, t.opts.RequestTimeout, errAttemptTimeout)
	}
	defer cancel()
	r := req.Clone(actx)
	r.Body = body

	*sent++
	t.count(func(s *Stats) { s.WireRequests++ })
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		t.count(func(s *Stats) { s.TransportErrors++ })
		return nil, nil, timeoutCause(actx, ctx, err)
	}
	t.count(func(s *Stats) {
		s.ByStatus[resp.StatusCode]++
		if resp.StatusCode == http.StatusNotModified {
			s.NotModified++
		}
	})
	data, err := readAll(resp.Body, resp.ContentLength, t.opts.MaxBody)
	resp.Body.Close()
	if err != nil {
		t.count(func(s *Stats) { s.TransportErrors++ })
		return nil, nil, &bodyError{status: resp.StatusCode, err: timeoutCause(actx, ctx, err)}
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	resp.ContentLength = int64(len(data))
	return resp, data, nil
}

// timeoutCause marks err as an attempt timeout when the attempt's own
// deadline (not the caller's context) ended it.
func timeoutCause(actx, ctx context.Context, err error) error {
	if ctx.Err() == nil && errors.Is(context.Cause(actx), errAttemptTimeout) {
		return fmt.Errorf("%w: %w", errAttemptTimeout, err)
	}
	return err
}

func readAll(r io.Reader, contentLength, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	if contentLength > 0 && contentLength <= 4<<20 && (limit < 0 || contentLength <= limit) {
		buf.Grow(int(contentLength))
	}
	if limit < 0 {
		_, err := buf.ReadFrom(r)
		return buf.Bytes(), err
	}
	n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, errBodyTooLarge
	}
	return buf.Bytes(), nil
}

// backoff is full jitter: uniform in [0, min(MaxBackoff, MinBackoff·2^(retry-1))].
func (t *Transport) backoff(retry int) time.Duration {
	d := t.opts.MinBackoff
	for i := 1; i < retry && d < t.opts.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, t.opts.MaxBackoff)
	if d <= 0 {
		return 0
	}
	return time.Duration(t.jitter(int64(d) + 1))
}

func (t *Transport) acquire(ctx context.Context) error {
	if t.sem == nil {
		return ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case t.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (t *Transport) release() {
	if t.sem != nil {
		<-t.sem
	}
}

// setPause holds every request until now+d (extending, never shortening,
// a pause already set).
func (t *Transport) setPause(d time.Duration) {
	until := t.clock.Now().Add(d)
	t.pauseMu.Lock()
	if until.After(t.pauseUntil) {
		t.pauseUntil = until
	}
	t.pauseMu.Unlock()
}

// waitPause waits out a rate-limit pause set by any request.
func (t *Transport) waitPause(ctx context.Context, req *http.Request) error {
	for {
		t.pauseMu.Lock()
		until := t.pauseUntil
		t.pauseMu.Unlock()
		d := until.Sub(t.clock.Now())
		if d <= 0 {
			return ctx.Err()
		}
		t.log.Debug("waiting for rate-limit pause", "method", req.Method, "url", redactURL(req.URL), "wait", d)
		if err := t.sleep(ctx, d); err != nil {
			return err
		}
	}
}

func (t *Transport) sleep(ctx context.Context, d time.Duration) error {
	start := t.clock.Now()
	err := t.clock.Sleep(ctx, d)
	waited := t.clock.Now().Sub(start)
	if waited > 0 {
		t.count(func(s *Stats) { s.Waited += waited })
	}
	return err
}

func closeBody(b io.ReadCloser) {
	if b != nil {
		b.Close()
	}
}
