package secrets

import (
	"slices"
	"strings"
)

// prefilter finds keyword occurrences in one pass over the bytes. Every
// keyword is at least two bytes long; a 64 K-entry table indexed by the
// case-folded bigram at each position names the bucket of keywords that
// start with it, so the common case is one table load per byte and no
// branch taken. Detectors then run only at keyword positions, in a bounded
// window.
type prefilter struct {
	bigram   [1 << 16]uint16 // bucket index + 1, or 0
	buckets  [][]int32       // keyword indices
	keywords []keyword
}

type keyword struct {
	text    []byte // lower case
	targets []target
}

// target is one detector to run at a keyword: a prefix format (prefix set,
// matched case-sensitively) or a Find format.
type target struct {
	f      *Format
	prefix string
}

func newPrefilter(formats []*Format, config bool) *prefilter {
	p := &prefilter{buckets: [][]int32{nil}}
	index := map[string]int{}
	addTarget := func(text string, t target) {
		lt := strings.ToLower(text)
		if len(lt) < 2 {
			panic("secrets: keyword shorter than two bytes: " + text)
		}
		i, ok := index[lt]
		if !ok {
			i = len(p.keywords)
			index[lt] = i
			p.keywords = append(p.keywords, keyword{text: []byte(lt)})
		}
		p.keywords[i].targets = append(p.keywords[i].targets, t)
	}
	for _, f := range formats {
		if f.ConfigOnly && !config {
			continue
		}
		if f.Pattern != nil {
			for _, pre := range f.Prefixes {
				addTarget(pre, target{f: f, prefix: pre})
			}
		}
		if f.Find != nil {
			for _, k := range f.Keywords {
				addTarget(k, target{f: f})
			}
		}
	}
	for i, k := range p.keywords {
		bg := uint16(k.text[0])<<8 | uint16(k.text[1])
		b := p.bigram[bg]
		if b == 0 {
			p.buckets = append(p.buckets, nil)
			b = uint16(len(p.buckets) - 1)
			p.bigram[bg] = b
		}
		p.buckets[b] = append(p.buckets[b], int32(i))
	}
	// Longer keywords first within a bucket, for determinism.
	for _, b := range p.buckets {
		slices.SortFunc(b, func(x, y int32) int { return len(p.keywords[y].text) - len(p.keywords[x].text) })
	}
	return p
}

// scan runs every detector whose keyword occurs in s.data.
func (p *prefilter) scan(s *scanState) {
	d := s.data
	n := len(d)
	if n < 2 {
		return
	}
	bigram := &p.bigram
	prev := uint16(lowerTable[d[0]])
	for i := 1; i < n; i++ {
		cur := uint16(lowerTable[d[i]])
		b := bigram[prev<<8|cur]
		prev = cur
		if b == 0 {
			continue
		}
		at := i - 1
		for _, ki := range p.buckets[b] {
			k := &p.keywords[ki]
			if !hasPrefixFold(d[at:], k.text) {
				continue
			}
			for _, t := range k.targets {
				if t.prefix != "" {
					matchPrefix(s, at, t.f, t.prefix)
				} else if h, ok := t.f.Find(s, at, at+len(k.text)); ok {
					s.add(h)
				}
			}
		}
	}
}

// hasPrefixFold reports whether d starts with the lower-case word, ignoring
// ASCII case in d.
func hasPrefixFold(d, word []byte) bool {
	if len(d) < len(word) {
		return false
	}
	for i, w := range word {
		if lowerTable[d[i]] != w {
			return false
		}
	}
	return true
}
