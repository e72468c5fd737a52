package secrets

import (
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// MinKeyLen is the shortest fingerprint key NewHasher accepts, in bytes.
const MinKeyLen = 32

// Hasher fingerprints values: the hex HMAC-SHA256 of a value under a secret
// key that the scanning environment holds. The fingerprint recognises the
// same value in several places (and across runs that use the same key), but
// a report's reader without the key cannot test a guessed value against it,
// as they could against a plain hash of a short password.
type Hasher struct {
	key []byte
}

// NewHasher returns a hasher with the given key (at least MinKeyLen bytes,
// used as given). The key is copied.
func NewHasher(key []byte) (*Hasher, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("the fingerprint key is %d bytes; it must be at least %d", len(key), MinKeyLen)
	}
	return &Hasher{key: bytes.Clone(key)}, nil
}

// RandomHasher returns a hasher with a random key: fingerprints agree within
// everything that shares it (one scan) and differ from every other run.
func RandomHasher() *Hasher {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // never fails (crypto/rand)
	return &Hasher{key: key}
}

// Sum is the hex HMAC-SHA256 of v.
func (h *Hasher) Sum(v []byte) string {
	m := hmac.New(sha256.New, h.key)
	m.Write(v)
	return hex.EncodeToString(m.Sum(nil))
}

// Option configures an engine.
type Option func(*Engine)

// WithHasher makes the engine fingerprint values with h. Without it an
// engine uses a RandomHasher of its own: ids are consistent among the
// scanners that share the engine, and differ between runs.
func WithHasher(h *Hasher) Option { return func(e *Engine) { e.hasher = h } }

// ValueHMAC is the fingerprint of a value (see Hasher).
func (e *Engine) ValueHMAC(v []byte) string { return e.hasher.Sum(v) }

// identityOf is the byte string whose hash identifies the value of m.
func identityOf(f *Format, v []byte) []byte {
	if f != nil && f.identity != nil {
		if id := f.identity(v); len(id) > 0 {
			return id
		}
	}
	return v
}

// CredentialID is the inventory id of an embedded value (shared by every
// scanner that sees the value: see inventory.EmbeddedCredentialID).
func (e *Engine) CredentialID(v []byte) string {
	return inventory.EmbeddedCredentialID(e.ValueHMAC(v))
}

// Credential builds the inventory credential for a match in a file.
func (e *Engine) Credential(m Match, file inventory.Location) inventory.Credential {
	loc := file
	loc.Line, loc.Column = m.Line, m.Column
	endLine := m.Line + bytes.Count(m.Value, []byte{'\n'})
	endCol := m.Column + len(m.Value)
	if endLine != m.Line {
		endCol = len(m.Value) - bytes.LastIndexByte(m.Value, '\n')
	}
	loc.EndLine, loc.EndColumn = endLine, endCol
	c := e.classified(m)
	c.Locations = []inventory.Location{loc}
	return c
}

// classified is the credential of a match, without a location.
func (e *Engine) classified(m Match) inventory.Credential {
	sum := e.ValueHMAC(identityOf(m.Format, m.Value))
	return inventory.Credential{
		ID:        inventory.EmbeddedCredentialID(sum),
		Kind:      inventory.KindEmbeddedKey,
		Platform:  cmp.Or(m.Platform, m.Format.Platform),
		Type:      m.Format.ID,
		Name:      m.title(),
		Storage:   "file",
		Lifetime:  cmp.Or(m.Lifetime, m.Format.Lifetime),
		Reach:     cmp.Or(m.Reach, m.Format.Reach),
		Redacted:  Redact(m.Format, m.Value),
		ValueHMAC: sum,
		Public:    m.Public,
		Synthetic: m.Synthetic,
		Attributes: map[string]string{
			"token_kind": string(m.Format.Kind),
		},
	}
}

// Embedded judges one value that a parser found under a key name (an
// environment variable, a header, a setting or a flag; "" when it has
// none) the way a scan of a configuration file judges `key = "value"`:
// recognised says whether a detector accepts it as a credential. The
// credential is what the engine records for the value, without a
// location: its id, value fingerprint and redacted preview, and when recognised
// its type, name, platform, reach and lifetime. It is returned when the
// value is not recognised too, so that a parser that knows from context
// that a value is a secret records it under the same id as a scan that
// finds it. When a detector recognises only part of the value (a token
// inside a longer string), the credential is that part's.
//
// Parsers of configuration (agent configs, CI definitions) call it instead
// of hashing or redacting values themselves, so that the same value is one
// credential whichever scanner sees it.
func (e *Engine) Embedded(key string, v []byte) (c inventory.Credential, recognised bool) {
	if m, ok := e.judge(key, v); ok {
		return e.classified(m), true
	}
	sum := e.ValueHMAC(v)
	return inventory.Credential{
		ID:        inventory.EmbeddedCredentialID(sum),
		Kind:      inventory.KindEmbeddedKey,
		Storage:   "file",
		Redacted:  Redact(nil, v),
		ValueHMAC: sum,
	}, false
}

// judge runs the detectors on `key="value"` (on the value alone when it has
// no key, spans lines or holds quotes and escapes) and returns the longest
// match inside the value.
func (e *Engine) judge(key string, v []byte) (Match, bool) {
	data, off := v, 0
	q := byte('"')
	if bytes.IndexByte(v, q) >= 0 {
		q = '\''
	}
	if key != "" && len(v) > 0 && bytes.IndexByte(v, q) < 0 && !bytes.ContainsAny(v, "\\\r\n") {
		line := make([]byte, 0, len(key)+len(v)+3)
		for i := 0; i < len(key); i++ {
			b := key[i]
			if !isKeyByte(b) {
				b = '_' // "docker auth x" names the same words as docker_auth_x
			}
			line = append(line, b)
		}
		line = append(line, '=', q)
		off = len(line)
		line = append(line, v...)
		data = append(line, q)
	}
	var best Match
	found := false
	_ = e.scan(data, inventory.DetectConfig, func(m Match) {
		if m.Offset < off || m.Offset+len(m.Value) > off+len(v) {
			return // in the key name, or not inside the value
		}
		if !found || len(m.Value) > len(best.Value) {
			best, found = m, true
		}
	})
	if found {
		start := best.Offset - off
		best.Value = v[start : start+len(best.Value)]
		best.Offset, best.Line, best.Column = start, 0, 0
	}
	return best, found
}

// title names the match's credential: the format's title, or its bounded
// title when the value itself ends its lifetime soon.
func (m Match) title() string {
	if m.Lifetime == inventory.LifetimeShortLived && m.Format.BoundedTitle != "" {
		return m.Format.BoundedTitle
	}
	return m.Format.Title
}
