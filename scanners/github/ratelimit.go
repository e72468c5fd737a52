package github

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/agentreach/agentreach/internal/apitransport"
)

// GitHub prices a GraphQL query in points from its connections (its
// documented formula): the requests each connection needs, summed, divided
// by 100 and rounded, at least 1. BuildQuery asks per repository for two
// connections (deployKeys, environments) and no nested one, so a query of n
// repositories costs max(1, round(2n/100)) points.
const connectionsPerRepo = 2

// QueryCost is the estimated cost, in GraphQL points, of BuildQuery for n
// repositories.
func QueryCost(n int) int {
	return max(1, int(math.Round(float64(connectionsPerRepo*n)/100)))
}

// gqlRate is the GraphQL rate limit an answer reports.
type gqlRate struct {
	cost, remaining int
	resetAt         time.Time
	fromHeader      bool // X-RateLimit-* headers, not rateLimit { } (no cost)
}

// rateFromData reads rateLimit { cost remaining resetAt } of an answer.
func rateFromData(raw json.RawMessage) *gqlRate {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var rl struct {
		Cost      *int   `json:"cost"`
		Remaining *int   `json:"remaining"`
		ResetAt   string `json:"resetAt"`
	}
	if json.Unmarshal(raw, &rl) != nil || rl.Remaining == nil {
		return nil
	}
	r := &gqlRate{remaining: *rl.Remaining}
	if rl.Cost != nil {
		r.cost = *rl.Cost
	}
	if t, err := time.Parse(time.RFC3339, rl.ResetAt); err == nil {
		r.resetAt = t
	}
	return r
}

// rateFromHeader reads GitHub's X-RateLimit-Remaining and -Reset of a
// GraphQL answer (X-RateLimit-Resource: graphql), which an answer refused
// for the limit carries though its data holds no rateLimit.
func rateFromHeader(h http.Header) *gqlRate {
	if res := h.Get("X-RateLimit-Resource"); res != "" && res != "graphql" {
		return nil
	}
	rem, err := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Remaining")))
	if err != nil {
		return nil
	}
	r := &gqlRate{remaining: rem, fromHeader: true}
	if sec, err := strconv.ParseInt(strings.TrimSpace(h.Get("X-RateLimit-Reset")), 10, 64); err == nil && sec > 0 {
		r.resetAt = time.Unix(sec, 0).UTC()
	}
	return r
}

// gqlBudget is what the last GraphQL answer of a credential said of its
// rate limit.
type gqlBudget struct {
	mu        sync.Mutex
	known     bool
	remaining int
	resetAt   time.Time
	lastCost  int
}

// noteRate records an answer's rate limit and logs it.
func (col *collector) noteRate(r *gqlRate) {
	if r == nil {
		return
	}
	b := &col.c.gql
	b.mu.Lock()
	b.known, b.remaining, b.resetAt = true, r.remaining, r.resetAt
	if !r.fromHeader {
		b.lastCost = r.cost
	}
	b.mu.Unlock()
	attrs := []any{"org", col.org, "remaining", r.remaining, "reset_at", r.resetAt.Format(time.RFC3339)}
	if !r.fromHeader {
		attrs = append(attrs, "cost", r.cost)
	}
	col.s.logger.Info("github GraphQL rate limit", attrs...)
}

// resetMargin is waited beyond a reset time: GitHub gives it to the
// second, and the clocks differ.
const resetMargin = time.Second

// awaitBudget returns when the credential's GraphQL points are known to
// cover a query of the given estimated cost (or the last answer's cost, if
// higher): at once when they do or nothing is known yet; after waiting for
// the limit to reset when that is no further away than the transport's
// MaxRetryWait; otherwise with an error that names the limit, and the
// query is not sent.
func (col *collector) awaitBudget(ctx context.Context, estimate int) error {
	b := &col.c.gql
	b.mu.Lock()
	known, remaining, resetAt, need := b.known, b.remaining, b.resetAt, max(estimate, b.lastCost)
	b.mu.Unlock()
	if !known || remaining >= need {
		return nil
	}
	wait := time.Until(resetAt) + resetMargin
	bound := col.s.maxRetryWait()
	if resetAt.IsZero() || wait > bound {
		when := "an unknown time"
		if !resetAt.IsZero() {
			when = resetAt.UTC().Format(time.RFC3339)
		}
		return fmt.Errorf("GraphQL rate limit: %d points remaining, the query needs about %d; the limit resets at %s, later than the scanner waits (%s): not queried",
			remaining, need, when, bound)
	}
	if wait > resetMargin { // the reset is still ahead
		col.s.logger.Info("github GraphQL rate limit: waiting for the reset", "org", col.org, "remaining", remaining, "need", need,
			"reset_at", resetAt.UTC().Format(time.RFC3339), "wait", wait.Round(time.Millisecond).String())
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return fmt.Errorf("GraphQL rate limit: interrupted while waiting for the reset (%w)", ctx.Err())
		case <-t.C:
		}
	}
	b.mu.Lock()
	if b.resetAt.Equal(resetAt) {
		b.known = false // a new window: the next answer tells
	}
	b.mu.Unlock()
	return nil
}

// maxRetryWait is the longest the scanner waits for a limit to reset: the
// transport's MaxRetryWait (0: its default; negative: never wait).
func (s *Scanner) maxRetryWait() time.Duration {
	switch d := s.opts.Retry.MaxRetryWait; {
	case d == 0:
		return apitransport.DefaultMaxRetryWait
	case d < 0:
		return 0
	default:
		return d
	}
}
