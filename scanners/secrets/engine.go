package secrets

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/agentreach/agentreach/inventory"
)

// Source is the coverage source name of the detection engine.
const Source = "secrets"

// Match is one detected value. Value aliases the scanned buffer and must not
// be kept; use Redact and Hash.
type Match struct {
	Format *Format
	Value  []byte
	Offset int // byte offset of the value
	Line   int // 1-based
	Column int // 1-based, in bytes
	// Reach, Platform and Lifetime refine the format's (a generic secret
	// whose key names a database reaches a database).
	Reach    inventory.ReachClass
	Platform string
	Lifetime inventory.LifetimeClass
	// Public says why the value is public by design or published, when
	// it is (a storage emulator's documented key, an installed app's OAuth
	// client secret): listed, but not a secret to rotate.
	Public string
	// Synthetic says why the value is a made-up test value, when it is:
	// its random part is written after several token-type prefixes in the
	// same file (see markSynthetic).
	Synthetic string
}

// hit is a candidate match inside one scan.
type hit struct {
	start, end int
	f          *Format
	reach      inventory.ReachClass
	platform   string
	lifetime   inventory.LifetimeClass
	key        uint64 // hash of the key name, for key-name detections
	public     string // why the value is public (see Match.Public)
	synthetic  string // why the value is made up (see Match.Synthetic)
	// candidate marks a key-name match in code: not a credential by itself
	// (see Engine.scanCandidates).
	candidate bool
}

// maxSameKey is how many key-name detections under one key name a file may
// have: more are records of a data file (test vectors, fixtures), not
// configuration.
const maxSameKey = 3

// scanState is the per-scan scratch state handed to detectors.
type scanState struct {
	data []byte
	kind inventory.DetectMode // which detectors run (inventory's file-kind table decides)
	// candidates says key-name detection runs in code too, for candidates.
	candidates bool
	hits       []hit
	// pemMisses counts BEGIN lines without a matching END: past maxPEMMisses
	// the file is not searched for more (bounded work on hostile input).
	pemMisses int
	// sealed caches whether the file is a Bitnami SealedSecret (0 not yet
	// known, 1 no, 2 yes): its values are ciphertext only the cluster's
	// controller can decrypt.
	sealed int8
}

// sealedSecret reports whether the scanned file is a SealedSecret manifest.
func (s *scanState) sealedSecret() bool {
	if s.sealed == 0 {
		s.sealed = 1
		if bytes.Contains(s.data, []byte("kind: SealedSecret")) {
			s.sealed = 2
		}
	}
	return s.sealed == 2
}

const maxPEMMisses = 64

func (s *scanState) add(h hit) { s.hits = append(s.hits, h) }

// Engine finds credentials in bytes. It is safe for concurrent use.
type Engine struct {
	formats  []*Format
	tables   [2]*prefilter // [0] code files, [1] configuration files
	pool     sync.Pool
	examples map[string]bool   // SHA-256 of published documentation examples
	public   map[string]string // SHA-256 of public-by-design values → why
	hasher   *Hasher           // fingerprints of values
}

// publishedExamples are the SHA-256 hashes of values that vendors publish in
// their documentation (the jwt.io sample token, Stripe's and Slack's docs
// examples): well-formed, never secret. Only hashes are kept; these plain
// hashes of public values never reach a report.
var publishedExamples = []string{
	"7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606",
	"2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326",
	"f2d6ca16515033e5dce14eba840b979d27b5cbae24bb3e5bf484339667f86397",
	"2ddc147f3a3b5a1722b8ed6be3c45c49a7156b17fca5d11410137a6d04def6eb",
}

// publicValues are the SHA-256 hashes (of the value's identity: a private
// key's base64 body) of credentials that their vendors publish as public
// by design, with the reason a finding gives. Unlike documentation
// examples they are still listed, so that a reviewer sees them, but not as
// secrets. Only hashes are kept; these plain hashes of public values never
// reach a report.
var publicValues = map[string]string{
	"0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059": "the account key that Microsoft documents for the Azurite storage emulator (devstoreaccount1)",
	"8f518a1333d44365a372f5da866198429070fb58cb8cecf238910c5b76c36c61": "the test CA key that Let's Encrypt publishes with its Pebble ACME test server",
	"d4257a98d9cc5112fac0b2d91c07201bca0db0275297dea7ee202fe43c1f79ec": "the localhost test key that Let's Encrypt publishes with its Pebble ACME test server",
	"6a5f78b8b99dd4025e41ba11bf54c304c6af29f924c5569cc7865b2428ce03a9": "the OAuth client secret of Gemini CLI, an installed app whose client secret Google documents as not secret",
	"456a51b1f1b3cf3ed76de579926f0727797eb6efb4b7e6a53c74f9a94c95d87a": "the OAuth client secret of the Google Cloud SDK, an installed app whose client secret Google documents as not secret",
	"d1b3190dacfb6af1479bed2866455c0b2deee119104dd70b09ff8a991d73355c": "the OAuth client secret of GitHub CLI, which its maintainers publish as safe to embed",
	"1d2f041093fd95aa8995a038c711d50a7960da09a505381c09a745d6ad0ecc60": "the OAuth client secret of Google's Antigravity desktop app, an installed app whose client secret Google documents as not secret",
	// The ethereum/tests account's key, bare hex and with 0x (more
	// development keys: devKeys).
	"02522f20463c8f617cb8b285ec5eaf932c6de6d81004ad10dabfe15b5346fc82": "the private key of the test account a94f5374… of the Ethereum consensus test suite (ethereum/tests), published with its test vectors",
	"a0efb9e8a46c197c57029354dc86222f4ea38c22d9ff635dd0e6affb5bc86b33": "the private key of the test account a94f5374… of the Ethereum consensus test suite (ethereum/tests), published with its test vectors",
}

// NewEngine returns an engine over the given formats (Formats() when nil).
// Without WithHasher it fingerprints values under a random key of its own.
func NewEngine(formats []*Format, opts ...Option) *Engine {
	if formats == nil {
		formats = Formats()
	}
	e := &Engine{formats: formats, examples: map[string]bool{}, public: map[string]string{}}
	for _, o := range opts {
		o(e)
	}
	if e.hasher == nil {
		e.hasher = RandomHasher()
	}
	for _, h := range publishedExamples {
		e.examples[h] = true
	}
	for _, m := range []map[string]string{publicValues, devKeys} {
		for h, why := range m {
			e.public[h] = why
		}
	}
	e.tables[0] = newPrefilter(formats, false)
	e.tables[1] = newPrefilter(formats, true)
	e.pool.New = func() any { return &scanState{} }
	return e
}

// Scan calls fn for every credential in data, in offset order, treating
// data as a configuration file (every detector runs).
func (e *Engine) Scan(data []byte, fn func(Match)) { _ = e.scan(data, inventory.DetectConfig, fn) }

// ScanFile calls fn for every credential in the content of the file at the
// slash-separated path name, in offset order. The name decides which
// detectors run (inventory.KindOf): key-name detection only in
// configuration-type files.
func (e *Engine) ScanFile(name string, data []byte, fn func(Match)) {
	_ = e.scan(data, inventory.KindOf(name).Detect, fn)
}

// errLimited says a detector stopped early on hostile input.
var errLimited = errors.New("private key search stopped after 64 BEGIN lines without a matching END line")

// scan runs the detectors; it returns errLimited when a work bound cut a
// detector short (the file is then only partly analysed).
func (e *Engine) scan(data []byte, kind inventory.DetectMode, fn func(Match)) error {
	return e.scanCandidates(data, kind, fn, nil)
}

// scanCandidates is scan that also calls candidate, when it is not nil, for
// every value that code assigns to a secret-like name (const API_KEY =
// "…", DB_PASSWORD="…", PASSWORD '…'): key-name detection does not judge
// code, but such a value is a credential where the same value is found as
// one elsewhere in the scan.
func (e *Engine) scanCandidates(data []byte, kind inventory.DetectMode, fn, candidate func(Match)) error {
	s := e.pool.Get().(*scanState)
	s.data, s.kind, s.hits, s.pemMisses, s.sealed = data, kind, s.hits[:0], 0, 0
	s.candidates = candidate != nil && kind == inventory.DetectCode
	defer func() {
		s.data = nil
		if cap(s.hits) > 1024 {
			s.hits = nil
		}
		e.pool.Put(s)
	}()
	t := e.tables[0]
	if kind != inventory.DetectCode || s.candidates {
		t = e.tables[1]
	}
	t.scan(s)
	var err error
	if s.pemMisses >= maxPEMMisses {
		err = errLimited
	}
	if len(s.hits) == 0 {
		return err
	}
	hits := markSynthetic(data, e.dropExamples(data, dropRepeatedKeys(resolve(s.hits))))
	line, lineStart, pos := 1, 0, 0
	for _, h := range hits {
		seg := data[pos:h.start]
		if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
			line += n
			lineStart = pos + bytes.LastIndexByte(seg, '\n') + 1
		}
		pos = h.start
		m := Match{Format: h.f, Value: data[h.start:h.end], Offset: h.start, Line: line, Column: h.start - lineStart + 1,
			Reach: cmp.Or(h.reach, h.f.Reach), Platform: cmp.Or(h.platform, h.f.Platform), Lifetime: cmp.Or(h.lifetime, h.f.Lifetime),
			Public: h.public, Synthetic: h.synthetic}
		if h.candidate {
			candidate(m)
			continue
		}
		fn(m)
	}
	return err
}

// resolve orders hits by offset and drops every hit that overlaps a better
// one (higher priority, then longer, then earlier).
func resolve(hits []hit) []hit {
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(b.f.Priority, a.f.Priority), cmp.Compare(b.end, a.end))
	})
	out := hits[:0]
	for _, h := range hits {
		if n := len(out); n > 0 && h.start < out[n-1].end {
			last := out[n-1]
			if h.f.Priority > last.f.Priority || (h.f.Priority == last.f.Priority && h.end-h.start > last.end-last.start) {
				out[n-1] = h
				// the replacement may now overlap its predecessor
				for len(out) > 1 && out[len(out)-1].start < out[len(out)-2].end {
					a, b := out[len(out)-2], out[len(out)-1]
					if b.f.Priority > a.f.Priority {
						out[len(out)-2] = b
					}
					out = out[:len(out)-1]
				}
			}
			continue
		}
		out = append(out, h)
	}
	return out
}

// dropExamples drops published documentation examples and says why
// public-by-design values are public.
func (e *Engine) dropExamples(data []byte, hits []hit) []hit {
	out := hits[:0]
	for _, h := range hits {
		d := exampleDigest(identityOf(h.f, data[h.start:h.end]))
		if e.examples[d] {
			continue
		}
		if why, ok := e.public[d]; ok {
			h.public = why
		}
		out = append(out, h)
	}
	return out
}

// exampleDigest is the plain SHA-256 of a value, compared with the hashes
// of published examples only.
func exampleDigest(v []byte) string {
	sum := sha256.Sum256(v)
	return hex.EncodeToString(sum[:])
}

// dropRepeatedKeys drops the key-name detections of every key name that
// occurs more than maxSameKey times in the file.
func dropRepeatedKeys(hits []hit) []hit {
	var counts map[uint64]int
	for _, h := range hits {
		if h.key != 0 {
			if counts == nil {
				counts = map[uint64]int{}
			}
			counts[h.key]++
		}
	}
	if len(counts) == 0 {
		return hits
	}
	out := hits[:0]
	for _, h := range hits {
		if h.key == 0 || counts[h.key] <= maxSameKey {
			out = append(out, h)
		}
	}
	return out
}

// matchPrefix runs a prefix format at a keyword occurrence.
func matchPrefix(s *scanState, at int, f *Format, prefix string) {
	d := s.data
	if at > 0 && isTokenByte(d[at-1]) && isTokenByte(prefix[0]) && !afterEscape(d, at) {
		return // inside a longer word
	}
	if len(d)-at < len(prefix) || string(d[at:at+len(prefix)]) != prefix {
		return // the keyword matched without regard to case; the prefix has one
	}
	window := d[at:min(len(d), at+f.MaxLen+1)]
	loc := f.Pattern.FindIndex(window)
	if loc == nil || loc[0] != 0 {
		return
	}
	end := at + loc[1]
	if end < len(d) && (isTokenByte(d[end]) || d[end] == '+' || d[end] == '/') {
		return // longer than the format allows, or part of a base64 blob
	}
	v := d[at:end]
	if f.Verify != nil && !f.Verify(v) {
		return
	}
	if !f.Checksum {
		if !randomLooking(v[len(prefix):]) || inBase64Block(d, at, end) {
			return
		}
	}
	g := f
	if f.refine != nil {
		if g = f.refine(s, at, end); g == nil {
			return
		}
	}
	h := hit{start: at, end: end, f: g}
	if g.publicIn != nil {
		h.public = g.publicIn(s, at, end)
	}
	s.add(h)
}

// inBase64Block reports whether the span lies on a line of base64 that
// continues a block of such lines (certificates, encoded test data), or
// inside a long run of base64, where a prefix such as AKIA or EAAA occurs by
// chance. It looks at most lineWindow bytes around the span.
func inBase64Block(d []byte, start, end int) bool {
	lo, hi := max(0, start-lineWindow), min(len(d), end+lineWindow)
	ls := bytes.LastIndexByte(d[lo:start], '\n')
	le := bytes.IndexByte(d[end:hi], '\n')
	if ls < 0 && lo > 0 || le < 0 && hi < len(d) {
		// a very long line: inside a blob when base64 surrounds the span
		return base64Run(d[max(0, start-48):start]) && base64Run(d[end:min(len(d), end+48)])
	}
	ls = lo + ls + 1
	if le < 0 {
		le = len(d)
	} else {
		le += end
	}
	if !base64Line(d[ls:le]) {
		return false
	}
	if ls > 0 {
		ps := bytes.LastIndexByte(d[max(0, ls-1-lineWindow):ls-1], '\n') + 1 + max(0, ls-1-lineWindow)
		if base64Line(d[ps : ls-1]) {
			return true
		}
	}
	if le < len(d) {
		ne := bytes.IndexByte(d[le+1:min(len(d), le+1+lineWindow)], '\n')
		if ne < 0 {
			ne = min(len(d), le+1+lineWindow)
		} else {
			ne += le + 1
		}
		if base64Line(d[le+1 : ne]) {
			return true
		}
	}
	return false
}

// lineWindow bounds how far detectors look for the ends of a line, so that
// files made of one huge line cost linear time.
const lineWindow = 1024

func base64Run(b []byte) bool {
	if len(b) < 16 {
		return false
	}
	for _, c := range b {
		if !isBase64Byte(c) || c == '-' || c == '_' {
			return false
		}
	}
	return true
}

func base64Line(l []byte) bool {
	l = bytes.TrimSpace(bytes.Trim(bytes.TrimSpace(l), "\"'`,+"))
	if len(l) < 48 {
		return false
	}
	for _, b := range l {
		if !isBase64Byte(b) || b == '-' || b == '_' {
			return false
		}
	}
	return true
}

// Redact keeps the format's type prefix and the last four characters at
// most: "ghp_…Ab12". Values without a type prefix keep only the last four,
// and short values fewer (a quarter of their length). PEM blocks keep their
// BEGIN line and the last four characters of the body.
func Redact(f *Format, v []byte) string {
	if f != nil && f.pem {
		body := pemIdentity(v)
		head := v
		if i := bytes.Index(v, []byte("-----BEGIN ")); i >= 0 {
			if j := bytes.Index(v[i+11:], []byte("-----")); j >= 0 {
				head = v[i : i+11+j+5]
			}
		}
		if len(head) > 60 {
			head = head[:0]
		}
		n := len(body)
		return string(head) + "…" + string(body[n-min(4, n/4):])
	}
	n := len(v)
	tail := min(4, n/4)
	head := 0
	if f != nil {
		head = f.Preview
		for _, p := range f.Prefixes {
			if bytes.HasPrefix(v, []byte(p)) {
				head = len(p)
				break
			}
		}
	}
	head = max(0, min(head, n-tail-8))
	return string(v[:head]) + "…" + string(v[n-tail:])
}

// Contains reports whether s holds a detectable credential; other packages
// use it to refuse to echo such values (for example in error messages).
func (e *Engine) Contains(s string) bool {
	found := false
	e.Scan([]byte(s), func(Match) { found = true })
	return found
}

// Sanitize replaces every detected credential in s by its redacted preview.
// A token followed by "/" — a directory, or a JSON-pointer segment, named
// with a token — looks like part of a base64 blob to the detectors, so each
// "/"-separated segment is also sanitized on its own.
func (e *Engine) Sanitize(s string) string {
	s = e.sanitize(s)
	if !strings.Contains(s, "/") {
		return s
	}
	parts := strings.Split(s, "/")
	changed := false
	for i, p := range parts {
		if q := e.sanitize(p); q != p {
			parts[i], changed = q, true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(parts, "/")
}

func (e *Engine) sanitize(s string) string {
	data := []byte(s)
	type span struct {
		start, end int
		red        string
	}
	var spans []span
	e.Scan(data, func(m Match) {
		spans = append(spans, span{m.Offset, m.Offset + len(m.Value), Redact(m.Format, m.Value)})
	})
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		if sp.start < last {
			continue
		}
		b.Write(data[last:sp.start])
		b.WriteString(sp.red)
		last = sp.end
	}
	b.Write(data[last:])
	return b.String()
}
