package secrets

import (
	"bytes"
	"slices"
	"strings"
)

// minRandomPart is the shortest random part that markSynthetic compares:
// shorter bodies may agree by chance.
const minRandomPart = 16

// randomPart splits a value of a prefix format into its type prefix (the
// longest of the format's prefixes that it starts with) and its random
// part: the rest, without the format's checksum. ok is false for formats
// without a type prefix (PEM blocks, JWTs, key-name detections) and for
// random parts shorter than minRandomPart.
func randomPart(f *Format, v []byte) (prefix string, body []byte, ok bool) {
	if f == nil || f.pem || len(f.Prefixes) == 0 {
		return "", nil, false
	}
	for _, p := range f.Prefixes {
		if len(p) > len(prefix) && bytes.HasPrefix(v, []byte(p)) {
			prefix = p
		}
	}
	if prefix == "" {
		return "", nil, false
	}
	body = v[len(prefix):]
	if f.checksumTail != nil {
		body = body[:len(body)-min(len(body), f.checksumTail(body))]
	}
	return prefix, body, len(body) >= minRandomPart
}

// markSynthetic marks the values of one file whose random part is also
// written after another type prefix in the file (ghp_ and ghs_, glrt- and
// glcbt-): every issuer draws a fresh random part for each credential, so
// two credentials of different types never share one; such values are
// made-up test values that someone derived from one another. The same
// value written twice (the same prefix) is one credential in two places,
// not this.
func markSynthetic(data []byte, hits []hit) []hit {
	type group struct {
		prefixes []string
		members  []int
	}
	var groups map[string]*group
	for i, h := range hits {
		if h.candidate {
			continue
		}
		prefix, body, ok := randomPart(h.f, data[h.start:h.end])
		if !ok {
			continue
		}
		if groups == nil {
			groups = map[string]*group{}
		}
		g := groups[string(body)]
		if g == nil {
			g = &group{}
			groups[string(body)] = g
		}
		if !slices.Contains(g.prefixes, prefix) {
			g.prefixes = append(g.prefixes, prefix)
		}
		g.members = append(g.members, i)
	}
	for _, g := range groups {
		if len(g.prefixes) < 2 {
			continue
		}
		slices.Sort(g.prefixes)
		n := len(g.prefixes)
		why := "the same random part is written after " + strings.Join(g.prefixes[:n-1], ", ") + " and " + g.prefixes[n-1] +
			" in this file: credentials of different types never share their random part, so these are made-up test values"
		for _, i := range g.members {
			hits[i].synthetic = why
		}
	}
	return hits
}

// crc32Tail is the checksum of GitHub and npm tokens: the last six
// characters.
func crc32Tail([]byte) int { return 6 }

// gitlabTail is the checksum of a routable GitLab token: a dot, two version
// and seven checksum characters (legacy tokens have none).
func gitlabTail(body []byte) int {
	if n := len(body); n > 10 && body[n-10] == '.' {
		return 10
	}
	return 0
}
