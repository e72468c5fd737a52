package apitransport

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

const redacted = "REDACTED"

// sensitiveName reports a query parameter (or form field) whose value is
// a credential: a name containing token, secret, passw, signature,
// credential or session, ending in key (api_key, apiKey, access_key), or
// one of auth, authorization, sig, pat. So private_token, access_token,
// client_secret, password, X-Amz-Signature are; author, keyset, page are not.
func sensitiveName(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "auth", "authorization", "sig", "pat":
		return true
	}
	if strings.HasSuffix(n, "key") {
		return true
	}
	for _, w := range []string{"token", "secret", "passw", "signature", "credential", "session"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// RedactURL returns raw with userinfo replaced by REDACTED, the values of
// token-like query parameters replaced by REDACTED and the fragment dropped;
// other parameters are kept verbatim. A URL that does not parse is replaced
// as a whole.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparseable URL]"
	}
	return redactURL(u)
}

func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		c.User = url.User(redacted)
	}
	c.Fragment, c.RawFragment = "", ""
	c.RawQuery = redactQuery(c.RawQuery)
	c.ForceQuery = false
	return c.String()
}

func redactQuery(q string) string {
	if q == "" {
		return ""
	}
	parts := strings.Split(q, "&")
	for i, p := range parts {
		name, _, hasValue := strings.Cut(p, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if hasValue && sensitiveName(name) {
			k, _, _ := strings.Cut(p, "=")
			parts[i] = k + "=" + redacted
		}
	}
	return strings.Join(parts, "&")
}

// hasSensitiveQuery reports userinfo or a token-like query parameter in u.
func hasSensitiveQuery(u *url.URL) bool {
	if u.User != nil {
		return true
	}
	for p := range strings.SplitSeq(u.RawQuery, "&") {
		name, _, _ := strings.Cut(p, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if name != "" && sensitiveName(name) {
			return true
		}
	}
	return false
}

var (
	urlInText   = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>]+`)
	paramInText = regexp.MustCompile(`(?i)((?:^|[?&;\s])[^=&\s?;]*(?:token|key|secret|passw|auth|signature|credential|session)[^=&\s]*=)[^&\s"']+`)
)

// sanitize scrubs s: every URL is redacted, token-like name=value pairs
// lose their value, and each of secrets (credential header values taken
// from the request) is replaced.
func sanitize(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 6 {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	s = urlInText.ReplaceAllStringFunc(s, RedactURL)
	return paramInText.ReplaceAllString(s, "${1}"+redacted)
}

// credentialHeaders carry authentication; their values are secrets.
var credentialHeaders = []string{"Authorization", "Private-Token", "Job-Token", "Cookie", "Proxy-Authorization"}

// requestSecrets lists the secret strings a request carries, for scrubbing
// error text: credential header values (whole and after the scheme word),
// userinfo, and token-like query values.
func requestSecrets(req *http.Request) []string {
	var out []string
	for _, h := range credentialHeaders {
		for _, v := range req.Header.Values(h) {
			out = append(out, v)
			if _, after, ok := strings.Cut(v, " "); ok {
				out = append(out, strings.TrimSpace(after))
			}
		}
	}
	if u := req.URL; u != nil {
		if u.User != nil {
			out = append(out, u.User.Username())
			if p, ok := u.User.Password(); ok {
				out = append(out, p)
			}
		}
		if q, err := url.ParseQuery(u.RawQuery); err == nil {
			for k, vs := range q {
				if sensitiveName(k) {
					out = append(out, vs...)
				}
			}
		}
	}
	return out
}

// Error is what the transport returns when a request fails without a
// response to hand on. Its message names the method, the redacted URL and
// the number of attempts, never a request header; the wrapped error's text
// is scrubbed too. Unwrap gives the cause for errors.Is / errors.As (for
// example context.Canceled); that cause's own text is not scrubbed.
type Error struct {
	Method   string
	URL      string // redacted
	Attempts int    // requests sent on the wire for this call
	Err      error
	msg      string // Err's text, sanitized
}

func (e *Error) Error() string {
	return fmt.Sprintf("apitransport: %s %s: %s (%d attempt%s)", e.Method, e.URL, e.msg, e.Attempts, plural(e.Attempts))
}

func (e *Error) Unwrap() error { return e.Err }

func newError(req *http.Request, attempts int, err error) *Error {
	return &Error{
		Method:   req.Method,
		URL:      redactURL(req.URL),
		Attempts: attempts,
		Err:      err,
		msg:      sanitize(err.Error(), requestSecrets(req)),
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
