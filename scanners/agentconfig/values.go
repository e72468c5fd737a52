package agentconfig

import (
	"math"
	"net"
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// This file decides, for one string of a configuration, whether it is a
// secret written in the file (a literal), a reference to a secret held
// elsewhere (an indirection), or neither. Indirections are never reported as
// plaintext: `${env:X}`, `${X}`, `$X`, `{env:X}`, `${input:x}`, `op://…`,
// `vault:…`, `${{ secrets.X }}` and friends.

// refKind says where an indirection points.
type refKind string

const (
	refEnv      refKind = "env"      // an environment variable of the client process
	refInput    refKind = "input"    // a VS Code input (prompted)
	refOnePass  refKind = "op"       // a 1Password reference
	refVault    refKind = "vault"    // a HashiCorp Vault (or similar) reference
	refFile     refKind = "file"     // a file the value is read from
	refSecret   refKind = "secret"   // a client-side secret store (Continue `${{ secrets.X }}`)
	refCommand  refKind = "command"  // a command that prints the secret
	refKeychain refKind = "keychain" // an OS keychain or credential helper
)

// ref is one indirection found in a value.
type ref struct {
	kind refKind
	name string // variable, input id, or the reference itself (never a secret)
}

// id is the inventory id of the referenced credential.
func (r ref) id() string {
	switch r.kind {
	case refOnePass, refVault:
		return r.name
	default:
		return string(r.kind) + ":" + r.name
	}
}

// storage is the credential's Storage field.
func (r ref) storage() string {
	switch r.kind {
	case refEnv:
		return "environment variable"
	case refInput:
		return "VS Code input (prompted)"
	case refOnePass:
		return "1Password"
	case refVault:
		return "secret manager"
	case refFile:
		return "file"
	case refSecret:
		return "client secret store"
	case refCommand:
		return "command output"
	case refKeychain:
		return "OS keychain or credential helper"
	}
	return string(r.kind)
}

var (
	// ${env:X} (VS Code, Cursor, Windsurf), ${X} and ${X:-default} (Claude
	// Code .mcp.json, Gemini), $X (Gemini, shells), {env:X} (opencode),
	// ${input:x} (VS Code), ${{ secrets.X }} (Continue, GitHub Actions).
	reEnvBrace    = regexp.MustCompile(`\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::?[-=?+][^}]*)?\}`)
	reEnvBare     = regexp.MustCompile(`(?:^|[^A-Za-z0-9\\])\$([A-Z_][A-Z0-9_]*)`)
	reEnvCurly    = regexp.MustCompile(`\{env:([A-Za-z_][A-Za-z0-9_]*)\}`)
	reFileCurly   = regexp.MustCompile(`\{file:([^}]+)\}`)
	reInput       = regexp.MustCompile(`\$\{input:([^}]+)\}`)
	reSecretsCtx  = regexp.MustCompile(`\$\{\{\s*(?:secrets|inputs|env|vars)\.([A-Za-z0-9_.-]+)\s*\}\}`)
	reWinEnv      = regexp.MustCompile(`%([A-Za-z_][A-Za-z0-9_]*)%`)
	reOnePass     = regexp.MustCompile(`op://[^\s"']+`)
	reVault       = regexp.MustCompile(`^(?:vault|awssm|aws-sm|gcpsm|azkv|sops|doppler|infisical|bws|keyring|secretsmanager|ssm)(?::|://)\S+`)
	reCmdSubst    = regexp.MustCompile("\\$\\([^)]*\\)|`[^`]*`")
	regexpEnvName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)
)

// refsIn returns the indirections in a value.
func refsIn(v string) []ref {
	var out []ref
	add := func(k refKind, name string) {
		for _, r := range out {
			if r.kind == k && r.name == name {
				return
			}
		}
		out = append(out, ref{kind: k, name: name})
	}
	for _, m := range reInput.FindAllStringSubmatch(v, -1) {
		add(refInput, m[1])
	}
	for _, m := range reSecretsCtx.FindAllStringSubmatch(v, -1) {
		add(refSecret, m[1])
	}
	for _, m := range reEnvBrace.FindAllStringSubmatch(v, -1) {
		add(refEnv, m[1])
	}
	for _, m := range reEnvCurly.FindAllStringSubmatch(v, -1) {
		add(refEnv, m[1])
	}
	for _, m := range reFileCurly.FindAllStringSubmatch(v, -1) {
		add(refFile, m[1])
	}
	stripped := reEnvBrace.ReplaceAllString(v, "")
	for _, m := range reEnvBare.FindAllStringSubmatch(stripped, -1) {
		add(refEnv, m[1])
	}
	for _, m := range reWinEnv.FindAllStringSubmatch(v, -1) {
		add(refEnv, m[1])
	}
	for _, m := range reOnePass.FindAllString(v, -1) {
		add(refOnePass, m)
	}
	if reVault.MatchString(v) {
		add(refVault, strings.Fields(v)[0])
	}
	if reCmdSubst.MatchString(v) {
		add(refCommand, "shell")
	}
	return out
}

// isIndirection reports whether the value refers to a secret held
// elsewhere, in whole or in part: such a value never counts as plaintext.
func isIndirection(v string) bool { return len(refsIn(v)) > 0 }

// words splits a key into lower-case words: GITHUB_TOKEN → github, token;
// apiKey → api, key; X-API-Key → x, api, key.
func words(key string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(key)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]))):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

var (
	secretWords = map[string]bool{
		"token": true, "secret": true, "password": true, "passwd": true, "pwd": true, "apikey": true,
		"credential": true, "credentials": true, "authorization": true, "auth": true, "bearer": true,
		"pat": true, "cookie": true, "privatekey": true, "passphrase": true, "authtoken": true,
		"accesstoken": true, "secretkey": true, "clientsecret": true, "sessiontoken": true, "signature": true,
	}
	// A key ending in one of these names something about a secret, not the
	// secret: GITHUB_TOKEN_FILE, API_KEY_ID, AUTH_URL, maxTokens.
	notSecretTail = map[string]bool{
		"id": true, "ids": true, "url": true, "uri": true, "host": true, "hostname": true, "port": true, "path": true,
		"file": true, "dir": true, "name": true, "user": true, "username": true, "type": true, "mode": true,
		"enabled": true, "enable": true, "disabled": true, "limit": true, "count": true, "max": true, "env": true, "var": true,
		"endpoint": true, "region": true, "expiry": true, "expires": true, "ttl": true, "helper": true, "command": true,
		"cmd": true, "prefix": true, "format": true, "length": true, "size": true, "scope": true, "scopes": true,
		"audience": true, "issuer": true, "tokens": true, "provider": true, "method": true, "header": true,
		"location": true, "source": true, "server": true, "servers": true, "required": true, "timeout": true,
		"policy": true, "store": true, "storage": true, "level": true, "kind": true, "label": true, "description": true,
		"version": true, "schema": true, "strategy": true, "flow": true, "callback": true, "redirect": true,
	}
)

// secretKey reports whether a key (env variable, header, flag or setting
// name) holds a secret.
func secretKey(key string) bool {
	ws := words(key)
	if len(ws) == 0 {
		return false
	}
	last := ws[len(ws)-1]
	if notSecretTail[last] {
		return false
	}
	for i, w := range ws {
		if secretWords[w] {
			return true
		}
		if i > 0 {
			pair := ws[i-1] + w
			if secretWords[pair] || pair == "apikey" || pair == "accesskey" || pair == "privatekey" {
				return true
			}
		}
	}
	// OPENAI_KEY, STRIPE_KEY, x-api-key: a trailing "key" after a name.
	return last == "key" && len(ws) > 1
}

// authSchemes are stripped from header values: the engine detects the token
// after the scheme, and the same bytes must hash to the same id.
var authSchemes = []string{"bearer ", "token ", "basic ", "bot ", "apikey ", "api-key ", "key "}

func stripScheme(v string) string {
	v = strings.TrimSpace(v)
	lv := strings.ToLower(v)
	for _, s := range authSchemes {
		if strings.HasPrefix(lv, s) {
			return strings.TrimSpace(v[len(s):])
		}
	}
	return v
}

// placeholder words mark example values that are not credentials.
var placeholderPattern = regexp.MustCompile(`(?i)(your|xxx|\.\.\.|\*\*\*|<[^>]*>|\[[^\]]*\]|example|placeholder|changeme|change[-_]me|replace|insert|redacted|dummy|sample|token[-_]here|key[-_]here|here$|^fake|todo|tbd|^none$|^null$|^undefined$|^true$|^false$)`)

// looksSecret reports whether a literal value has the shape of a secret: long
// enough, no whitespace, not a placeholder, and not a plain word.
func looksSecret(v string) bool {
	if len(v) < 8 || len(v) > 4096 || strings.ContainsAny(v, " \t\r\n") {
		return false
	}
	if placeholderPattern.MatchString(v) {
		return false
	}
	if knownPrefix(v) != "" {
		return true
	}
	if strings.Contains(v, "://") || strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "~/") {
		return false // a URL or a path
	}
	classes := 0
	var lower, upper, digit, other bool
	for _, r := range v {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			classes++
		}
	}
	return classes >= 2 && entropy(v) >= 3.0
}

func entropy(s string) float64 {
	counts := map[rune]int{}
	n := 0
	for _, r := range s {
		counts[r]++
		n++
	}
	h := 0.0
	for _, c := range counts {
		p := float64(c) / float64(n)
		h -= p * math.Log2(p)
	}
	return h
}

// tokenPrefixes are the shapes that make a value under any key a credential
// (also when the detection engine does not recognise it, e.g. a token
// without its checksum). The engine owns classification, identity and
// redaction; these only decide "credential-shaped".
var tokenPrefixes = []string{
	"github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "glpat-", "gldt-", "glptt-", "glrt-", "glcbt-",
	"xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxe-", "xapp-", "sk-ant-", "sk-proj-", "sk-", "sk_live_", "rk_live_",
	"AKIA", "ASIA", "AIza", "npm_", "hf_", "pypi-", "dop_v1_", "shpat_", "lin_api_", "ntn_", "secret_",
	"dapi", "glsa_", "SG.", "sntrys_", "ATATT", "pplx-", "gsk_", "xai-",
}

func knownPrefix(v string) string {
	for _, p := range tokenPrefixes {
		if strings.HasPrefix(v, p) && len(v) >= len(p)+16 {
			return p
		}
	}
	return ""
}

// urlSecrets finds the secrets of a URL: the password of its userinfo and
// query parameters with secret names. It returns the literal values and the
// indirections, and the URL with both removed (safe to record).
type urlInfo struct {
	safe     string // scheme://host[:port]/path
	scheme   string
	host     string
	loopback bool
	literals []string
	refs     []ref
}

func parseURL(raw string) (*urlInfo, bool) {
	raw = strings.TrimSpace(raw)
	i := strings.Index(raw, "://")
	if i <= 0 || strings.ContainsAny(raw[:i], " /\"'") {
		return nil, false
	}
	// Indirections inside a URL (https://${env:HOST}/…) are replaced before
	// parsing so that url.Parse accepts the string.
	cleaned := reInput.ReplaceAllString(raw, "INPUT")
	cleaned = reEnvBrace.ReplaceAllString(cleaned, "ENV")
	cleaned = reEnvCurly.ReplaceAllString(cleaned, "ENV")
	u, err := url.Parse(cleaned)
	if err != nil || u.Host == "" && u.Opaque == "" {
		return nil, false
	}
	info := &urlInfo{scheme: strings.ToLower(u.Scheme), host: u.Hostname()}
	info.loopback = isLoopback(info.host)
	info.safe = info.scheme + "://" + u.Host + u.EscapedPath()
	// The original (un-replaced) userinfo and query carry the values.
	if at := userinfo(raw); at != "" {
		if _, pass, ok := strings.Cut(at, ":"); ok && pass != "" {
			if rs := refsIn(pass); len(rs) > 0 {
				info.refs = append(info.refs, rs...)
			} else if p, err := url.PathUnescape(pass); err == nil && !info.loopback && (looksSecret(p) || knownPrefix(p) != "") {
				info.literals = append(info.literals, pass)
			}
		} else if ok := strings.Contains(raw, "://"+at+"@"); ok && knownPrefix(at) != "" {
			info.literals = append(info.literals, at) // https://ghp_…@github.com
		}
	}
	if q := rawQuery(raw); q != "" {
		for _, kv := range strings.Split(q, "&") {
			k, v, _ := strings.Cut(kv, "=")
			if !secretKey(k) && knownPrefix(v) == "" {
				continue
			}
			if rs := refsIn(v); len(rs) > 0 {
				info.refs = append(info.refs, rs...)
			} else if looksSecret(v) {
				info.literals = append(info.literals, v)
			}
		}
	}
	return info, true
}

func userinfo(raw string) string {
	rest := raw[strings.Index(raw, "://")+3:]
	end := strings.IndexAny(rest, "/?#")
	if end >= 0 {
		rest = rest[:end]
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	return rest[:at]
}

func rawQuery(raw string) string {
	_, q, ok := strings.Cut(raw, "?")
	if !ok {
		return ""
	}
	q, _, _ = strings.Cut(q, "#")
	return q
}

func isLoopback(host string) bool {
	h := strings.ToLower(strings.Trim(host, "[]"))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "host.docker.internal" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}
