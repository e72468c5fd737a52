package secrets

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

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
}

// Engine finds credentials in bytes.
type Engine struct {
	formats []*Format
}

// NewEngine returns an engine over the given formats (Formats() when nil).
func NewEngine(formats []*Format) *Engine {
	if formats == nil {
		formats = Formats()
	}
	return &Engine{formats: formats}
}

// Scan calls fn for every credential in data, in offset order per format.
func (e *Engine) Scan(data []byte, fn func(Match)) {
	lines := lineIndex{data: data}
	for _, f := range e.formats {
		for _, prefix := range f.Prefixes {
			p := []byte(prefix)
			for at := 0; ; {
				i := bytes.Index(data[at:], p)
				if i < 0 {
					break
				}
				start := at + i
				at = start + len(p)
				if start > 0 && isTokenByte(data[start-1]) {
					continue // inside a longer word
				}
				window := data[start:min(len(data), start+f.MaxLen+1)]
				loc := f.Pattern.FindIndex(window)
				if loc == nil || loc[0] != 0 {
					continue
				}
				end := start + loc[1]
				if end < len(data) && isTokenByte(data[end]) {
					continue // longer than the format allows
				}
				v := data[start:end]
				if f.Verify != nil && !f.Verify(v) {
					continue
				}
				line, col := lines.position(start)
				fn(Match{Format: f, Value: v, Offset: start, Line: line, Column: col})
				at = end
			}
		}
	}
}

func isTokenByte(b byte) bool {
	return b == '_' || b == '-' || ('0' <= b && b <= '9') || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z')
}

// lineIndex turns offsets into line and column numbers, counting lazily.
type lineIndex struct {
	data   []byte
	starts []int
}

func (l *lineIndex) position(off int) (line, col int) {
	if l.starts == nil {
		l.starts = []int{0}
		for i, b := range l.data {
			if b == '\n' {
				l.starts = append(l.starts, i+1)
			}
		}
	}
	lo, hi := 0, len(l.starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if l.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1, off - l.starts[lo] + 1
}

// Redact keeps the format's type prefix and the last four characters:
// "ghp_…Ab12". Short values keep only the last four at most.
func Redact(f *Format, v []byte) string {
	n := len(v)
	tail := min(4, n/4)
	head := 0
	if f != nil {
		head = min(f.Preview, n-tail-1)
	}
	if head < 0 {
		head = 0
	}
	return string(v[:head]) + "…" + string(v[n-tail:])
}

// Hash is the SHA-256 of a value, hex encoded: the identity that merges the
// same value found in several places.
func Hash(v []byte) string {
	sum := sha256.Sum256(v)
	return hex.EncodeToString(sum[:])
}

// CredentialID is the inventory id of an embedded value (shared by every
// scanner that sees the value: see inventory.EmbeddedCredentialID).
func CredentialID(v []byte) string {
	return inventory.EmbeddedCredentialID(Hash(v))
}

// Credential builds the inventory credential for a match in a file.
func Credential(m Match, file inventory.Location) inventory.Credential {
	loc := file
	loc.Line, loc.Column = m.Line, m.Column
	loc.EndLine, loc.EndColumn = m.Line, m.Column+len(m.Value)
	return inventory.Credential{
		ID:        CredentialID(m.Value),
		Kind:      inventory.KindEmbeddedKey,
		Platform:  m.Format.Platform,
		Type:      m.Format.ID,
		Name:      m.Format.Title,
		Storage:   "file",
		Lifetime:  m.Format.Lifetime,
		Reach:     m.Format.Reach,
		Locations: []inventory.Location{loc},
		Redacted:  Redact(m.Format, m.Value),
		SHA256:    Hash(m.Value),
		Attributes: map[string]string{
			"token_kind": string(m.Format.Kind),
		},
	}
}

// Analyzer feeds files from the walker to the engine.
type Analyzer struct {
	Engine *Engine
}

// NewAnalyzer returns an analyzer over the built-in formats.
func NewAnalyzer() *Analyzer { return &Analyzer{Engine: NewEngine(nil)} }

// Name implements the walker's Analyzer.
func (a *Analyzer) Name() string { return Source }

// Wants implements the walker's Analyzer: every file an agent can read.
func (a *Analyzer) Wants(string, int64) bool { return true }

// Analyze implements the walker's Analyzer.
func (a *Analyzer) Analyze(ctx context.Context, file inventory.Location, data []byte, out *inventory.Builder) error {
	a.Engine.Scan(data, func(m Match) {
		out.AddCredential(Credential(m, file))
	})
	return nil
}

// Contains reports whether s holds a detectable credential; other packages
// use it to refuse to echo such values (for example in error messages).
func (e *Engine) Contains(s string) bool {
	found := false
	e.Scan([]byte(s), func(Match) { found = true })
	return found
}

// Sanitize replaces every detected credential in s by its redacted preview.
func (e *Engine) Sanitize(s string) string {
	data := []byte(s)
	var ms []Match
	e.Scan(data, func(m Match) { ms = append(ms, m) })
	if len(ms) == 0 {
		return s
	}
	slices.SortFunc(ms, func(a, b Match) int { return cmp.Compare(a.Offset, b.Offset) })
	var b strings.Builder
	last := 0
	for _, m := range ms {
		if m.Offset < last {
			continue
		}
		b.Write(data[last:m.Offset])
		b.WriteString(Redact(m.Format, m.Value))
		last = m.Offset + len(m.Value)
	}
	b.Write(data[last:])
	return b.String()
}
