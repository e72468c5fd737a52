package apitransport

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// verdict is the retry layer's reading of one attempt.
type verdict struct {
	retry      bool
	wait       time.Duration // server-given when serverWait, else a backoff bound to apply
	serverWait bool          // wait came from the server: longer than MaxRetryWait means give up
	pause      bool          // a rate limit: hold every request until the wait has passed
	reason     string
}

// resetMargin is added to epoch-second reset times: they are truncated to
// the second and the clocks differ.
const resetMargin = time.Second

// maxHeaderSeconds bounds parsed second counts so that durations cannot
// overflow; anything this long is over every sensible MaxRetryWait anyway.
const maxHeaderSeconds = 10 * 365 * 24 * 3600

// retryAfter parses Retry-After: delay-seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return seconds(n), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// resetIn parses a reset header: epoch seconds (GitHub X-RateLimit-Reset,
// GitLab RateLimit-Reset). A value too small to be an epoch time (before
// 2001) is taken as delta seconds, as the IETF RateLimit draft and some
// proxies send it.
func resetIn(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	if n < 1_000_000_000 {
		return seconds(n), true
	}
	if n > now.Unix()+maxHeaderSeconds {
		return seconds(maxHeaderSeconds), true
	}
	return max(time.Unix(n, 0).Sub(now), 0) + resetMargin, true
}

func seconds(n int64) time.Duration {
	return time.Duration(min(max(n, 0), maxHeaderSeconds)) * time.Second
}

// primaryExhausted reports a primary rate limit that is used up, with the
// time until it resets: GitHub X-RateLimit-Remaining: 0 + X-RateLimit-Reset,
// GitLab RateLimit-Remaining: 0 + RateLimit-Reset.
func primaryExhausted(h http.Header, now time.Time) (time.Duration, bool) {
	for _, p := range []string{"X-RateLimit-", "RateLimit-"} {
		if strings.TrimSpace(h.Get(p+"Remaining")) != "0" {
			continue
		}
		if d, ok := resetIn(h.Get(p+"Reset"), now); ok {
			return d, true
		}
	}
	return 0, false
}

// githubSecondary reports GitHub's secondary (abuse) rate-limit body:
// {"message": "You have exceeded a secondary rate limit...",
// "documentation_url": ".../rate-limits-for-the-rest-api#about-secondary-rate-limits"}.
func githubSecondary(body []byte) bool {
	if len(body) == 0 || len(body) > 64<<10 {
		return false
	}
	var m struct {
		Message          string `json:"message"`
		DocumentationURL string `json:"documentation_url"`
	}
	if json.Unmarshal(body, &m) != nil {
		return false
	}
	doc := strings.ToLower(m.DocumentationURL)
	return strings.Contains(doc, "secondary-rate-limits") || strings.Contains(doc, "abuse") ||
		strings.Contains(strings.ToLower(m.Message), "secondary rate limit")
}

// judgeResponse decides whether a response is a retryable failure.
// secondaryHits counts earlier secondary limits without a named wait in
// this call, for doubling GitHub's one-minute default.
func judgeResponse(resp *http.Response, body []byte, now time.Time, secondaryHits *int) verdict {
	h := resp.Header
	switch resp.StatusCode {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if d, ok := retryAfter(h, now); ok {
			return verdict{retry: true, wait: d, serverWait: true, reason: "server error, Retry-After"}
		}
		return verdict{retry: true, reason: "server error"}
	case http.StatusForbidden, http.StatusTooManyRequests:
	default:
		return verdict{}
	}
	if d, ok := retryAfter(h, now); ok {
		return verdict{retry: true, wait: d, serverWait: true, pause: true, reason: "rate limited, Retry-After"}
	}
	reset, exhausted := primaryExhausted(h, now)
	if githubSecondary(body) {
		// GitHub: without Retry-After, wait until X-RateLimit-Reset when
		// the primary limit is also spent, else at least a minute.
		if exhausted {
			return verdict{retry: true, wait: reset, serverWait: true, pause: true, reason: "secondary rate limit, reset"}
		}
		d := secondaryLimitWait << min(*secondaryHits, 16)
		*secondaryHits++
		return verdict{retry: true, wait: d, serverWait: true, pause: true, reason: "secondary rate limit"}
	}
	if exhausted {
		return verdict{retry: true, wait: reset, serverWait: true, pause: true, reason: "primary rate limit, reset"}
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		return verdict{} // a plain 403: permission denied
	}
	// GitLab 429: RateLimit-Reset (epoch), RateLimit-ResetTime (date).
	if d, ok := resetIn(h.Get("RateLimit-Reset"), now); ok {
		return verdict{retry: true, wait: d, serverWait: true, pause: true, reason: "rate limited, RateLimit-Reset"}
	}
	if t, err := http.ParseTime(strings.TrimSpace(h.Get("RateLimit-ResetTime"))); err == nil {
		return verdict{retry: true, wait: max(t.Sub(now), 0), serverWait: true, pause: true, reason: "rate limited, RateLimit-ResetTime"}
	}
	if d, ok := resetIn(h.Get("X-RateLimit-Reset"), now); ok && h.Get("X-RateLimit-Remaining") == "" {
		return verdict{retry: true, wait: d, serverWait: true, pause: true, reason: "rate limited, reset"}
	}
	// A bare 429 (GitLab application limits send no headers): back off.
	return verdict{retry: true, reason: "rate limited"}
}

// errBodyTooLarge: the body is over MaxBody. Not retried.
var errBodyTooLarge = errors.New("response body exceeds MaxBody")

// bodyError is a failure while reading a response body.
type bodyError struct {
	status int
	err    error
}

func (e *bodyError) Error() string {
	return "reading body of HTTP " + strconv.Itoa(e.status) + " response: " + e.err.Error()
}

func (e *bodyError) Unwrap() error { return e.err }

// judgeError decides whether an attempt's error is retryable. The caller
// has already excluded the request's own context being done.
func judgeError(err error) verdict {
	if errors.Is(err, errBodyTooLarge) {
		return verdict{}
	}
	var be *bodyError
	truncated := errors.As(err, &be)
	var ne net.Error
	switch {
	case errors.Is(err, errAttemptTimeout):
		return verdict{retry: true, reason: "attempt timed out"}
	case errors.As(err, &ne) && ne.Timeout():
		return verdict{retry: true, reason: "timeout"}
	case transient(err) && truncated:
		return verdict{retry: true, reason: "truncated body"}
	case transient(err):
		return verdict{retry: true, reason: "connection error"}
	}
	return verdict{}
}

// errAttemptTimeout marks an attempt that ran past RequestTimeout.
var errAttemptTimeout = errors.New("attempt exceeded RequestTimeout")

// transient reports connection failures worth another attempt: resets,
// early EOFs (reading headers or body), broken pipes, HTTP/2 stream resets.
// Refused connections, DNS and TLS failures are not.
func transient(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{
		"connection reset", "broken pipe", "unexpected EOF", "server closed idle connection",
		"transport connection broken", "stream error", "GOAWAY", "client connection lost",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
