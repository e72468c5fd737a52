// Package apitransport is the HTTP transport shared by the platform API
// scanners (GitHub through go-github, GitLab through client-go). It is one
// http.RoundTripper, built by New from an Options struct, that stacks, from
// the caller inwards:
//
//	caller (go-github / client-go)
//	  └─ ETag cache on disk        GET only; conditional requests; 304 → stored 200
//	      └─ retry                 backoff + jitter, Retry-After, rate limits,
//	          │                    per-attempt timeout, body read in full
//	          └─ in-flight bound   MaxInFlight attempts on the wire at once
//	              └─ base          http.DefaultTransport clone unless given
//
// # Cache outermost
//
// The cache sits outside the retry layer so that a conditional request is
// one logical request however many attempts it takes: the retry layer sees
// an ordinary GET carrying If-None-Match, and whatever it finally returns (a
// 304, a fresh 200, an error) is what the cache acts on. A 304 is retried
// like any success — never — and a truncated 200 is retried before the cache
// could ever store it, because the retry layer reads every body in full.
//
// Entries are keyed by SHA-256 over the method, the full URL, the Accept,
// Accept-Encoding and X-GitHub-Api-Version headers and an HMAC of the
// credential headers (Authorization, PRIVATE-TOKEN, JOB-TOKEN, Cookie) under
// a random key kept in the cache directory (mode 0600). Two tokens therefore
// never share an entry, and the cache holds neither a credential nor a plain
// hash of one. Tokens that rotate (GitHub App installation tokens,
// GITHUB_TOKEN) would start a fresh cache each time; Options.CacheIdentity
// lets the caller key by the stable identity instead.
// Only the headers a client needs to replay a page are stored (ETag,
// Last-Modified, Link, Content-Type, Content-Encoding and GitLab's X-Total,
// X-Total-Pages, X-Per-Page, X-Page, X-Next-Page, X-Prev-Page) — never
// Set-Cookie or an authentication header. Requests whose URL carries userinfo
// or a token-like query parameter are never cached, since the stored Link
// header could echo it.
//
// # Why a 304 is replayed as a 200 with X-From-Cache
//
// go-github's CheckResponse treats any status outside 2xx as an error, 304
// included; client-go lets a 304 through and then fails decoding its empty
// body (io.EOF). Neither has a cache of its own. So when the server answers 304 Not Modified the transport hands the caller the
// stored response with status 200 and the header X-From-Cache: 1, plus the
// live 304's other headers (Date, request id, rate-limit counters). go-github
// skips its rate-limit bookkeeping for a response carrying X-From-Cache, so a
// cached page neither updates nor trips its remembered rate limit — which
// matches GitHub, where a correctly authorised 304 does not count against
// the primary limit.
//
// # Secret-bearing endpoints
//
// GitHub never returns secret values, but some endpoints do return values a
// scanner must not leave on disk: GitLab CI/CD variables (plaintext), pipeline
// trigger tokens, pipeline schedule variables, webhook URLs (often bearer
// URLs such as Slack's), instance settings. Options.NoStore decides which
// requests bypass the cache entirely (neither read nor written); when nil,
// DefaultNoStore is used, which covers those paths on both platforms.
//
// # Retries and rate limits
//
// Retried, for requests that can be replayed (no body, or GetBody set): 500,
// 502, 503, 504; connection resets, EOFs and HTTP/2 stream errors; attempts
// that exceed Options.RequestTimeout; bodies that end early; 429 always; 403
// only when it is a rate limit — Retry-After present, a GitHub body whose
// documentation_url names secondary-rate-limits or abuse, or
// X-RateLimit-Remaining / RateLimit-Remaining 0 with a reset time. A plain
// 403 is a permission answer and is returned at once.
//
// The wait is the server's when it gives one (Retry-After, else the
// rate-limit reset time, else GitHub's documented minute for a secondary
// limit) and otherwise exponential backoff with full jitter. A server-given
// wait longer than Options.MaxRetryWait is not waited: the response is
// returned so that the API client surfaces its own rate-limit error. A
// rate-limit wait also pauses every other request through the Transport
// until it has passed, since GitHub penalises clients that keep sending
// while limited.
//
// # Redaction
//
// Errors returned and messages logged never contain request headers. URLs in
// them have userinfo and token-like query parameters (private_token,
// access_token, client_secret, password, api_key, X-Amz-Signature, ...: see
// RedactURL) replaced by REDACTED, and wrapped error text is scrubbed of the
// request's credential header values and of name=value pairs that look like
// credentials. Note that http.Client wraps transport errors in a *url.Error
// carrying the full request URL (go-github redacts only client_secret from
// it): do not put tokens in query strings.
package apitransport
