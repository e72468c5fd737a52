package secrets

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"slices"
	"sync"

	"github.com/agentreach/agentreach/inventory"
)

// maxPEM bounds how far the END line of a PEM block is searched.
const maxPEM = 64 << 10

func pemFormat(id, title string, lifetime inventory.LifetimeClass) *Format {
	return &Format{
		ID: id, Title: title, Platform: "crypto", Kind: kindPrivateKey, Lifetime: lifetime, Reach: inventory.ReachCrypto,
		Priority: 10, pem: true, identity: pemIdentity,
	}
}

func keyFormats() []*Format {
	rsa := pemFormat("private-key-rsa", "Unencrypted RSA private key (PEM)", static)
	ec := pemFormat("private-key-ec", "Unencrypted EC private key (PEM)", static)
	dsa := pemFormat("private-key-dsa", "Unencrypted DSA private key (PEM)", static)
	pkcs8 := pemFormat("private-key-pkcs8", "Unencrypted private key (PKCS #8 PEM)", static)
	openssh := pemFormat("private-key-openssh", "Unencrypted OpenSSH private key", static)
	pgp := pemFormat("private-key-pgp", "PGP private key block", static)
	encrypted := pemFormat("private-key-encrypted", "Passphrase-encrypted private key", static)
	classify := func(label []byte, encryptedBody bool, body []byte) *Format {
		switch {
		case encryptedBody || bytes.Contains(label, []byte("ENCRYPTED")):
			return encrypted
		case bytes.Equal(label, []byte("RSA PRIVATE KEY")):
			return rsa
		case bytes.Equal(label, []byte("EC PRIVATE KEY")):
			return ec
		case bytes.Equal(label, []byte("DSA PRIVATE KEY")):
			return dsa
		case bytes.Equal(label, []byte("OPENSSH PRIVATE KEY")):
			if opensshEncrypted(body) {
				return encrypted
			}
			return openssh
		case bytes.HasPrefix(label, []byte("PGP ")):
			return pgp
		}
		return pkcs8
	}
	rsa.Keywords = []string{"-----BEGIN "}
	rsa.Find = func(s *scanState, at, kwEnd int) (hit, bool) {
		if s.pemMisses >= maxPEMMisses {
			return hit{}, false
		}
		start, end, label, body, enc, ok := findPEMBlock(s.data, at, kwEnd)
		if !ok {
			s.pemMisses++
			return hit{}, false
		}
		return hit{start: start, end: end, f: classify(label, enc, body)}, true
	}
	rsa.Samples = []Sample{
		{File: "id_rsa", Text: "⟦{pem:RSA PRIVATE KEY}⟧\n"},
		{File: "key.go", Text: "const key = `⟦{pem:RSA PRIVATE KEY}⟧`\n"},
	}
	rsa.Negatives = []Sample{
		{File: "README.md", Text: "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n"}, // gitleaks:allow (placeholder or fuzz seed, not a credential)
		{File: "README.md", Text: "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA<your key here>\n-----END RSA PRIVATE KEY-----\n"},
		{File: "cert.pem", Text: "{pem:CERTIFICATE}\n"},
		{File: "pub.pem", Text: "{pem:PUBLIC KEY}\n"},
		{File: "trunc.pem", Text: "-----BEGIN RSA PRIVATE KEY-----\n{b:200}\n"}, // gitleaks:allow (placeholder or fuzz seed, not a credential)
	}
	ec.Samples = []Sample{{File: "ec.pem", Text: "⟦{pem:EC PRIVATE KEY}⟧"}}
	dsa.Samples = []Sample{{File: "dsa.pem", Text: "⟦{pem:DSA PRIVATE KEY}⟧"}}
	pkcs8.Samples = []Sample{
		{File: "key.pem", Text: "⟦{pem:PRIVATE KEY}⟧\n"},
		{File: "app.json", Text: `{"tls_key": "⟦{pem:PRIVATE KEY}⟧"}`},
	}
	openssh.Samples = []Sample{{File: ".ssh/id_ed25519", Text: "⟦{openssh:none}⟧\n"}}
	pgp.Samples = []Sample{{File: "secret.asc", Text: "⟦{pem:PGP PRIVATE KEY BLOCK}⟧\n"}}
	encrypted.Samples = []Sample{
		{File: "enc.pem", Text: "⟦{pem:ENCRYPTED PRIVATE KEY}⟧\n"},
		{File: ".ssh/id_ed25519", Text: "⟦{openssh:aes256-ctr}⟧\n"},
		{File: "legacy.pem", Text: "⟦-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{H:32}\n\n{b:64}\n{b:64}\n{b:40}\n-----END RSA PRIVATE KEY-----⟧\n"},
	}
	return append([]*Format{rsa, ec, dsa, pkcs8, openssh, pgp, encrypted}, jwtFormats()...)
}

// findPEMBlock parses a PEM private key block whose "-----BEGIN " starts at
// at. Line breaks may be real or JSON/string escapes ("\n"); quotes, plus
// signs and commas of string concatenation in code are tolerated.
func findPEMBlock(d []byte, at, kwEnd int) (start, end int, label, body []byte, encrypted, ok bool) {
	if !bytes.HasPrefix(d[at:], []byte("-----BEGIN ")) {
		return
	}
	rest := d[kwEnd:min(len(d), kwEnd+40)]
	i := bytes.Index(rest, []byte("-----"))
	if i < 0 {
		return
	}
	label = rest[:i]
	if !bytes.HasSuffix(label, []byte("PRIVATE KEY")) && !bytes.HasSuffix(label, []byte("PRIVATE KEY BLOCK")) {
		return
	}
	bodyStart := kwEnd + i + 5
	window := d[bodyStart:min(len(d), bodyStart+maxPEM)]
	var marker [64]byte
	m := append(append(append(marker[:0], "-----END "...), label...), "-----"...)
	j := bytes.Index(window, m)
	if j < 0 {
		return
	}
	body = window[:j]
	n, enc, valid := pemBody(body)
	if !valid || n < 64 {
		return
	}
	return at, bodyStart + j + len(m), label, body, enc, true
}

// pemBody checks a PEM body: header lines ("Proc-Type: 4,ENCRYPTED"), then
// base64. It counts the base64 characters and rejects placeholders.
func pemBody(body []byte) (n int, encrypted, ok bool) {
	var counts [256]int
	run, last := 0, byte(0)
	for len(body) > 0 {
		// one line, split at a real or escaped line break
		k := bytes.IndexByte(body, '\n')
		e := bytes.Index(body, []byte(`\n`))
		cut, skip := len(body), 0
		if k >= 0 {
			cut, skip = k, 1
		}
		if e >= 0 && e < cut {
			cut, skip = e, 2
		}
		line := body[:cut]
		body = body[min(len(body), cut+skip):]
		if c := bytes.IndexByte(line, ':'); c >= 0 {
			if bytes.Contains(line, []byte("ENCRYPTED")) {
				encrypted = true
			}
			continue // a header line
		}
		for _, b := range line {
			switch {
			case isBase64Byte(b) && b != '-' && b != '_':
				counts[b]++
				n++
				if b == last {
					run++
					if run >= 12 {
						return 0, false, false
					}
				} else {
					run = 1
				}
				last = b
			case b == ' ' || b == '\t' || b == '\r' || b == '"' || b == '\'' || b == '+' || b == ',' || b == '`' || b == '\\' || b == ';':
			default:
				return 0, false, false // "...", "<your key>", prose
			}
		}
	}
	if n == 0 {
		return 0, false, false
	}
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / float64(n)
			h -= p * math.Log2(p)
		}
	}
	return n, encrypted, h >= 4.5
}

// pemIdentity keeps only the base64 characters of a PEM body, so that the
// same key is one credential whether it is written with real line breaks or
// escaped in a JSON string.
func pemIdentity(v []byte) []byte {
	i := bytes.Index(v, []byte("-----"))
	if i >= 0 {
		if j := bytes.Index(v[i+5:], []byte("-----")); j >= 0 {
			v = v[i+5+j+5:]
		}
	}
	if k := bytes.Index(v, []byte("-----END")); k >= 0 {
		v = v[:k]
	}
	out := make([]byte, 0, len(v))
	for len(v) > 0 {
		k := bytes.IndexByte(v, '\n')
		e := bytes.Index(v, []byte(`\n`))
		cut, skip := len(v), 0
		if k >= 0 {
			cut, skip = k, 1
		}
		if e >= 0 && e < cut {
			cut, skip = e, 2
		}
		line := v[:cut]
		v = v[min(len(v), cut+skip):]
		if bytes.IndexByte(line, ':') >= 0 {
			continue
		}
		for _, b := range line {
			if isBase64Byte(b) && b != '-' && b != '_' {
				out = append(out, b)
			}
		}
	}
	return out
}

// opensshEncrypted decodes the start of an openssh-key-v1 body and reports
// whether its cipher is not "none".
func opensshEncrypted(body []byte) bool {
	var buf [96]byte
	n := 0
	for _, b := range body {
		if n == len(buf) {
			break
		}
		if isBase64Byte(b) && b != '-' && b != '_' && b != '=' {
			buf[n] = b
			n++
		}
	}
	n -= n % 4
	raw := make([]byte, base64.StdEncoding.DecodedLen(n))
	m, err := base64.StdEncoding.Decode(raw, buf[:n])
	if err != nil {
		return false
	}
	raw = raw[:m]
	magic := []byte("openssh-key-v1\x00")
	if !bytes.HasPrefix(raw, magic) || len(raw) < len(magic)+4 {
		return false
	}
	raw = raw[len(magic):]
	l := int(binary.BigEndian.Uint32(raw))
	if l > len(raw)-4 || l > 64 {
		return true // unknown layout: do not claim it is unencrypted
	}
	return string(raw[4:4+l]) != "none"
}

// JWT detection: only tokens whose claims show a long life (no expiry, or
// more than a day between issue and expiry) are credentials worth reporting;
// the public "anon" key of Supabase is not a secret.
const longJWT = 24 * 3600

func jwtFormats() []*Format {
	jwtOnce.Do(func() {
		generic := &Format{ID: "jwt-long-lived", Title: "Long-lived JSON Web Token", BoundedTitle: "JSON Web Token that expires within a week of issue",
			Platform: "jwt", Kind: kindJWT, Lifetime: static,
			Reach: inventory.ReachGeneric, Priority: 8, Keywords: []string{"eyJ"}, keywordBound: boundWord}
		supa := &Format{ID: "supabase-service-role-key", Title: "Supabase service_role key (bypasses row-level security)", Platform: "supabase",
			Kind: kindSecretKey, Lifetime: static, Reach: inventory.ReachDatabase, Priority: 8}
		k8s := &Format{ID: "kubernetes-service-account-token", Title: "Kubernetes service account token", Platform: "kubernetes",
			Kind: kindServiceToken, Lifetime: static, Reach: inventory.ReachInfrastructure, Priority: 8}
		generic.Find = func(s *scanState, at, _ int) (hit, bool) {
			return findJWT(s.data, at, generic, supa, k8s)
		}
		generic.Example = `{jwt:"sub":"[a:12]","iat":[now],"exp":[now+31536000]}`
		generic.Samples = []Sample{{File: "token.txt", Text: "Authorization: Bearer ⟦{jwt:\"sub\":\"svc-[a:6]\",\"iat\":[now]}⟧\n"}}
		generic.Negatives = []Sample{
			{File: "notes.txt", Text: "t = {jwt:\"sub\":\"[a:12]\",\"iat\":[now],\"exp\":[now+3600]}\n"},
			{File: "notes.txt", Text: "t = eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0\n"},
			{File: ".env", Text: "SUPABASE_ANON_KEY={jwt:\"iss\":\"supabase\",\"ref\":\"[l:20]\",\"role\":\"anon\",\"iat\":[now],\"exp\":[now+315360000]}\n"},
		}
		supa.Samples = []Sample{{File: ".env", Text: "SUPABASE_SERVICE_ROLE_KEY=⟦{jwt:\"iss\":\"supabase\",\"ref\":\"[l:20]\",\"role\":\"service_role\",\"iat\":[now],\"exp\":[now+315360000]}⟧\n"}}
		k8s.Samples = []Sample{{File: "kubeconfig", Text: "users:\n- name: ci\n  user:\n    token: ⟦{jwt:\"iss\":\"kubernetes/serviceaccount\",\"kubernetes.io/serviceaccount/namespace\":\"ci\",\"sub\":\"system:serviceaccount:ci:deployer\"}⟧\n"}}
		jwtList = []*Format{generic, supa, k8s}
	})
	return jwtList
}

var (
	jwtOnce sync.Once
	jwtList []*Format
)

// signatureBytes are the signature sizes each JWS algorithm produces (RSA:
// keys of 1024 to 4096 bits).
var signatureBytes = map[string][]int{
	"HS256": {32}, "HS384": {48}, "HS512": {64},
	"RS256": {128, 256, 384, 512}, "RS384": {128, 256, 384, 512}, "RS512": {128, 256, 384, 512},
	"PS256": {128, 256, 384, 512}, "PS384": {128, 256, 384, 512}, "PS512": {128, 256, 384, 512},
	"ES256": {64}, "ES384": {96}, "ES512": {132}, "EdDSA": {64}, "ES256K": {64},
}

// signatureFits reports whether a JWT's signature segment decodes to the size
// its header's algorithm signs with; true for an algorithm not listed.
func signatureFits(header, sig []byte) bool {
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(header, &h) != nil {
		return true
	}
	sizes, ok := signatureBytes[h.Alg]
	if !ok {
		return true
	}
	raw, err := base64.RawURLEncoding.DecodeString(string(sig))
	return err == nil && slices.Contains(sizes, len(raw))
}

func isB64URL(b byte) bool {
	return ('0' <= b && b <= '9') || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') || b == '-' || b == '_'
}

func findJWT(d []byte, at int, generic, supa, k8s *Format) (hit, bool) {
	if !bytes.HasPrefix(d[at:], []byte("eyJ")) || (at > 0 && isB64URL(d[at-1]) && !afterEscape(d, at)) {
		return hit{}, false
	}
	seg := func(from int) int {
		i := from
		for i < len(d) && i-from < 8192 && isB64URL(d[i]) {
			i++
		}
		return i
	}
	h := seg(at)
	if h >= len(d) || d[h] != '.' || h-at < 10 {
		return hit{}, false
	}
	p := seg(h + 1)
	if p >= len(d) || d[p] != '.' || p-h-1 < 10 {
		return hit{}, false
	}
	sEnd := seg(p + 1)
	if sEnd-p-1 < 16 || (sEnd < len(d) && (d[sEnd] == '.' || d[sEnd] == '=')) {
		return hit{}, false
	}
	header, err := base64.RawURLEncoding.DecodeString(string(bytes.TrimRight(d[at:h], "=")))
	if err != nil || !bytes.Contains(header, []byte(`"alg"`)) || bytes.Contains(header, []byte(`"none"`)) {
		return hit{}, false
	}
	if !signatureFits(header, d[p+1:sEnd]) {
		return hit{}, false // a made-up signature ("mock-token-sig"): no key ever made it
	}
	payload, err := base64.RawURLEncoding.DecodeString(string(d[h+1 : p]))
	if err != nil {
		return hit{}, false
	}
	var claims struct {
		Iss  string   `json:"iss"`
		Role string   `json:"role"`
		Exp  *float64 `json:"exp"`
		Iat  *float64 `json:"iat"`
		Nbf  *float64 `json:"nbf"`
		Sub  string   `json:"sub"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return hit{}, false
	}
	if claims.Exp != nil {
		from := claims.Iat
		if from == nil {
			from = claims.Nbf
		}
		if from == nil || *claims.Exp-*from <= longJWT {
			return hit{}, false // short-lived, or no way to tell
		}
	}
	f := generic
	public := ""
	if jwtIOSample(claims.Sub, payload) {
		public = "a sample token with the claims that jwt.io publishes (subject 1234567890, John Doe)"
	}
	switch {
	case claims.Iss == "supabase" || bytes.Contains([]byte(claims.Iss), []byte("supabase")):
		if claims.Role != "service_role" {
			return hit{}, false // the anon key is public by design
		}
		f = supa
	case claims.Iss == "kubernetes/serviceaccount" || bytes.HasPrefix([]byte(claims.Sub), []byte("system:serviceaccount:")):
		f = k8s
	}
	out := hit{start: at, end: sEnd, f: f, public: public}
	if claims.Exp != nil && *claims.Exp-*firstNonNil(claims.Iat, claims.Nbf) <= boundedJWT {
		// It carries its own end, days away: not a credential "until
		// someone revokes it".
		out.lifetime = short
	}
	return out, true
}

// boundedJWT is the longest lifetime (exp − iat) of a JWT that counts as
// short-lived: a week.
const boundedJWT = 7 * 24 * 3600

func firstNonNil(vs ...*float64) *float64 {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	zero := 0.0
	return &zero
}

// jwtIOSample reports the claims of the sample token that jwt.io shows and
// documentation everywhere copies: subject 1234567890 and nothing beyond
// its name, admin flag and issue time.
func jwtIOSample(sub string, payload []byte) bool {
	if sub != "1234567890" {
		return false
	}
	var claims map[string]json.RawMessage
	if json.Unmarshal(payload, &claims) != nil {
		return false
	}
	for k, v := range claims {
		switch k {
		case "sub", "iat", "admin":
		case "name":
			if string(v) != `"John Doe"` {
				return false
			}
		default:
			return false
		}
	}
	return true
}
