// Package secrets detects, classifies and redacts credentials embedded in
// files. It keeps no value once a match is classified: the inventory gets a
// redacted preview (type prefix and last four characters at most) and a
// keyed fingerprint of the value (HMAC-SHA256, see Hasher).
//
// Every format carries its metadata (platform, kind, lifetime class, reach
// class), its anchors and validator, and its positive and negative samples
// (templates that fixtures/faketoken expands at test time), so that tests
// iterate every format with its samples.
package secrets

import (
	"hash/crc32"
	"regexp"
	"slices"
	"sync"

	"github.com/agentreach/agentreach/inventory"
)

// Format is one credential format the engine detects.
type Format struct {
	ID       string // stable, e.g. github-classic-pat
	Title    string // e.g. GitHub classic personal access token
	Platform string
	Kind     inventory.CredentialKind
	Lifetime inventory.LifetimeClass
	Reach    inventory.ReachClass

	// Prefixes are literal anchors: a match starts with one of them
	// (case-sensitive). Pattern matches the whole value at the anchor and
	// must match from the first byte; MaxLen bounds the bytes it may see.
	Prefixes []string
	Pattern  *regexp.Regexp
	MaxLen   int
	// Verify is an extra structural check such as a checksum; nil accepts.
	Verify func(value []byte) bool
	// Checksum says Verify is a checksum: such values skip the placeholder
	// heuristics (a checksum is stronger evidence than any heuristic).
	Checksum bool
	// checksumTail says how many trailing bytes of the value after its
	// prefix are a checksum or version rather than random (nil: none); see
	// randomPart.
	checksumTail func(body []byte) int

	// Keywords (case-insensitive) trigger Find, for formats whose value has
	// no literal prefix (PEM blocks, JWTs, key = value pairs). Find returns
	// the value span and format, or false when there is no credential at this
	// keyword; it may return a more specific format than its own.
	Keywords []string
	Find     func(s *scanState, at, kwEnd int) (hit, bool)
	// refine may replace a prefix format by a more specific one after a
	// match (from the context of the line), or reject the match (nil).
	refine func(s *scanState, start, end int) *Format
	// BoundedTitle names a match whose own contents bound its lifetime
	// (Match.Lifetime short-lived: a JWT that expires within a week), when
	// Title says the format's usual case is long-lived.
	BoundedTitle string
	// publicIn says why a match of the format is public by design where
	// it stands (a Firebase web config's API key), "" when it is not.
	publicIn func(s *scanState, start, end int) string
	// next lists the bytes that may follow a two-byte prefix or keyword
	// (all when empty), which keeps the prefilter's trigram set sparse.
	next string
	// keywordBound is the boundary Find needs before its keywords
	// (boundNone, boundKey, boundWord); the prefilter skips keyword
	// occurrences without it.
	keywordBound int
	// ConfigOnly formats run only in configuration-type files (env, YAML,
	// JSON, TOML, INI, properties, dotfiles of tools): generic detection by
	// key name.
	ConfigOnly bool
	// Priority decides between overlapping matches (higher wins).
	Priority int

	// Preview is how many leading characters the redacted preview keeps
	// (the type prefix); the last four are kept at most.
	Preview int
	// pem marks multi-line PEM values, whose preview is built from the
	// BEGIN line and the body.
	pem bool
	// identity normalises a value before fingerprinting (so that the same key in
	// a PEM file and escaped in a JSON string is one credential).
	identity func(v []byte) []byte

	// Example is a faketoken template of a valid value (for prefix formats,
	// the value alone). Samples are faketoken templates of whole files in
	// which exactly one value, marked ⟦…⟧, must be found with this format.
	// Negatives are templates of look-alikes that must not be found.
	Example   string
	Samples   []Sample
	Negatives []Sample
}

// Sample is a test file for a format: File names it (its name decides the
// file type), Text is a faketoken template in which ⟦ and ⟧ mark the value.
type Sample struct {
	File string
	Text string
}

// Formats returns the built-in formats. The slice is shared: do not modify.
func Formats() []*Format {
	formatsOnce.Do(func() {
		builtin = slices.Concat(sourceControlFormats(), cloudFormats(), llmFormats(), saasFormats(),
			keyFormats(), structuredFormats(), genericFormats())
	})
	return builtin
}

var (
	formatsOnce sync.Once
	builtin     []*Format
)

// FormatByID returns the built-in format with the id, or nil.
func FormatByID(id string) *Format {
	for _, f := range Formats() {
		if f.ID == id {
			return f
		}
	}
	return nil
}

const base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// verifyCRC32Base62 checks the CRC32 checksum that GitHub (and npm) append to
// their tokens: after the prefix of length p, the last six characters are the
// base62 CRC32 of the thirty before them.
func verifyCRC32Base62(p int) func(v []byte) bool {
	return func(v []byte) bool {
		if len(v) != p+36 {
			return false
		}
		body, sum := v[p:p+30], v[p+30:]
		n := crc32.ChecksumIEEE(body)
		for i := 5; i >= 0; i-- {
			if sum[i] != base62Alphabet[n%62] {
				return false
			}
			n /= 62
		}
		return true
	}
}

// prefixed builds a format whose value starts with a literal prefix and
// continues with body (a regexp fragment).
func prefixed(id, title, platform string, kind inventory.CredentialKind, lifetime inventory.LifetimeClass,
	reach inventory.ReachClass, prefixes []string, body string, maxLen int) *Format {
	alt := ""
	for i, p := range prefixes {
		if i > 0 {
			alt += "|"
		}
		alt += regexp.QuoteMeta(p)
	}
	preview := len(prefixes[0])
	for _, p := range prefixes {
		preview = min(preview, len(p))
	}
	return &Format{
		ID: id, Title: title, Platform: platform, Kind: kind, Lifetime: lifetime, Reach: reach,
		Prefixes: prefixes,
		Pattern:  regexp.MustCompile(`^(?:` + alt + `)` + body),
		MaxLen:   maxLen,
		Preview:  preview,
		Priority: 10,
	}
}

// with sets the samples of a format (for chaining in the tables).
func (f *Format) with(example string, negatives ...string) *Format {
	f.Example = example
	for _, n := range negatives {
		f.Negatives = append(f.Negatives, Sample{File: "notes.txt", Text: n})
	}
	return f
}

func (f *Format) samples(s ...Sample) *Format {
	f.Samples = append(f.Samples, s...)
	return f
}

func (f *Format) negatives(s ...Sample) *Format {
	f.Negatives = append(f.Negatives, s...)
	return f
}
