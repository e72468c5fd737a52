package apitransport

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// Defaults applied by New to zero Options fields.
const (
	DefaultMaxRetries     = 4
	DefaultMinBackoff     = 500 * time.Millisecond
	DefaultMaxBackoff     = 10 * time.Second
	DefaultMaxRetryWait   = 60 * time.Second
	DefaultRequestTimeout = 30 * time.Second
	DefaultMaxInFlight    = 8
	DefaultMaxBody        = 256 << 20
	DefaultMaxCacheEntry  = 32 << 20
)

// secondaryLimitWait is GitHub's documented wait for a secondary rate limit
// that names no time: "wait at least one minute", doubled on repeats.
const secondaryLimitWait = time.Minute

// Options configure a Transport. The zero value is usable: every zero field
// takes its default; a negative value disables the feature where noted.
type Options struct {
	// CacheDir holds the ETag cache. Empty: no cache. Created 0700 if
	// missing; entries live in its subdirectory apitransport-v1 (0700),
	// one 0600 file per entry plus the 0600 HMAC key file.
	CacheDir string
	// NoStore reports requests that must bypass the cache (neither read
	// nor written) because their responses carry secret values. Nil:
	// DefaultNoStore. To cache everything cacheable, pass a function that
	// returns false.
	NoStore func(*http.Request) bool
	// CacheIdentity, when set and returning non-empty, names the identity
	// a request acts as (for example "github-app-installation:4567"), and
	// the cache keys entries by an HMAC of that instead of the credential
	// headers, so that entries survive token rotation (GitHub App
	// installation tokens last an hour, GITHUB_TOKEN one job). It must tell
	// apart every two credentials that may see different data. Nil or "":
	// the credential headers (Authorization, PRIVATE-TOKEN, JOB-TOKEN,
	// Cookie) are the identity.
	CacheIdentity func(*http.Request) string
	// MaxCacheEntry bounds the body size of a stored entry; larger
	// responses are passed on but not stored. 0: 32 MiB; negative: no
	// bound beyond MaxBody.
	MaxCacheEntry int64

	// MaxRetries is the number of retries after the first attempt (so at
	// most MaxRetries+1 requests on the wire per call). 0: 4; negative:
	// no retries.
	MaxRetries int
	// MinBackoff and MaxBackoff bound the exponential backoff used when
	// the server names no wait: retry n waits a uniformly random time in
	// [0, min(MaxBackoff, MinBackoff·2^(n-1))]. 0: 500 ms and 10 s.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// MaxRetryWait caps a wait the server asks for (Retry-After, a rate
	// limit reset): a longer one is not waited, the response is returned
	// as is. Backoff waits are clamped to it. 0: 60 s; negative: never
	// wait for the server.
	MaxRetryWait time.Duration

	// RequestTimeout bounds each attempt, headers and body, through a
	// context derived from the request's; an attempt that runs past it is
	// a retryable failure. 0: 30 s; negative: none.
	RequestTimeout time.Duration
	// MaxInFlight bounds attempts on the wire at once across all requests
	// through the Transport (held until the body has been read). 0: 8;
	// negative: unbounded.
	MaxInFlight int
	// MaxBody bounds a response body, which the transport reads in full
	// to detect truncation; a larger body fails the request (not
	// retried). 0: 256 MiB; negative: unbounded.
	MaxBody int64

	// Logger receives retries and waits (Debug for backoff retries, Info
	// for rate-limit waits and giving up, Warn for an unusable cache
	// directory), with redacted URLs only. Nil: discarded.
	Logger *slog.Logger
	// Clock is the time source for waits and rate-limit arithmetic. Nil:
	// the real clock. Per-attempt timeouts always use real time.
	Clock Clock
}

// Clock is the time seam: tests pass a fake whose Sleep returns at once.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx is done, returning ctx.Err() in the
	// latter case.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// normalized returns o with defaults applied and negative values resolved
// to their "off" meaning (0 for counts and durations, -1 for bounds).
func (o Options) normalized() Options {
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = DefaultMaxRetries
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	o.MinBackoff = durDefault(o.MinBackoff, DefaultMinBackoff)
	o.MaxBackoff = durDefault(o.MaxBackoff, DefaultMaxBackoff)
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = o.MinBackoff
	}
	o.MaxRetryWait = durDefault(o.MaxRetryWait, DefaultMaxRetryWait)
	switch {
	case o.RequestTimeout == 0:
		o.RequestTimeout = DefaultRequestTimeout
	case o.RequestTimeout < 0:
		o.RequestTimeout = 0
	}
	switch {
	case o.MaxInFlight == 0:
		o.MaxInFlight = DefaultMaxInFlight
	case o.MaxInFlight < 0:
		o.MaxInFlight = 0
	}
	o.MaxBody = boundDefault(o.MaxBody, DefaultMaxBody)
	o.MaxCacheEntry = boundDefault(o.MaxCacheEntry, DefaultMaxCacheEntry)
	if o.NoStore == nil {
		o.NoStore = DefaultNoStore
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	return o
}

func durDefault(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

// boundDefault: 0 → def, negative → -1 (unbounded).
func boundDefault(n, def int64) int64 {
	switch {
	case n == 0:
		return def
	case n < 0:
		return -1
	}
	return n
}
