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
	// Bit sets over bigrams (8 KiB each, so they stay in L1): present marks
	// the bigrams that start a keyword; wordOnly those whose keywords all
	// start a word (follow a non-token byte); keyOnly those whose keywords
	// all start a part of a key name (follow a non-alphanumeric byte, or
	// start with an upper-case letter as in camelCase).
	present  [1 << 10]uint64
	trigrams [1 << 11]uint64 // hashed (see triHash) first three bytes of every keyword
	wordOnly [1 << 10]uint64
	keyOnly  [1 << 10]uint64
	bigram   [1 << 16]uint16 // bucket index, or 0
	buckets  [][]int32       // keyword indices
	keywords []keyword
}

// Boundaries a keyword needs before it.
const (
	boundNone = iota
	boundKey  // not after an alphanumeric byte, unless it starts with an upper-case letter
	boundWord // not after a token byte
)

// allBytes is every byte value, for two-byte keywords that say nothing of
// the byte after them.
var allBytes = func() string {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return string(b)
}()

type keyword struct {
	next    string // for two-byte keywords: the bytes that may follow (all when empty)
	text    []byte // lower case
	targets []target
	bound   int // the weakest boundary its targets need
}

// byteClass bits: 1 token byte, 2 alphanumeric, 4 not an upper-case letter.
var byteClass = func() (t [256]uint8) {
	for i := range t {
		b := byte(i)
		if isTokenByte(b) {
			t[i] |= 1
		}
		if isAlnum(b) {
			t[i] |= 2
		}
		if b < 'A' || b > 'Z' {
			t[i] |= 4
		}
	}
	return t
}()

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
		if len(lt) == 2 {
			if t.f.next == "" {
				p.keywords[i].next = allBytes
			} else if p.keywords[i].next != allBytes {
				p.keywords[i].next += t.f.next
			}
		}
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
	for _, k := range p.keywords {
		if len(k.text) >= 3 {
			h := triHash(uint32(k.text[0])<<16 | uint32(k.text[1])<<8 | uint32(k.text[2]))
			p.trigrams[h>>6] |= 1 << (h & 63)
			continue
		}
		next := k.next
		if next == "" {
			next = allBytes
		}
		for _, c := range []byte(next) {
			h := triHash(uint32(k.text[0])<<16 | uint32(k.text[1])<<8 | uint32(lowerTable[c]))
			p.trigrams[h>>6] |= 1 << (h & 63)
		}
	}
	bucketBound := map[uint16]int{}
	for i := range p.keywords {
		k := &p.keywords[i]
		k.bound = boundWord
		for _, t := range k.targets {
			k.bound = min(k.bound, t.bound())
		}
		bg := uint16(k.text[0])<<8 | uint16(k.text[1])
		b := p.bigram[bg]
		if b == 0 {
			p.buckets = append(p.buckets, nil)
			b = uint16(len(p.buckets) - 1) // #nosec G115 -- one bucket per distinct leading bigram of a keyword: fewer than 2^16
			p.bigram[bg] = b
			p.present[bg>>6] |= 1 << (bg & 63)
			bucketBound[bg] = boundWord
		}
		p.buckets[b] = append(p.buckets[b], int32(i))
		bucketBound[bg] = min(bucketBound[bg], k.bound)
	}
	for bg, bound := range bucketBound {
		switch bound {
		case boundWord:
			p.wordOnly[bg>>6] |= 1 << (bg & 63)
		case boundKey:
			p.keyOnly[bg>>6] |= 1 << (bg & 63)
		}
	}
	// Longer keywords first within a bucket, for determinism.
	for _, b := range p.buckets {
		slices.SortFunc(b, func(x, y int32) int { return len(p.keywords[y].text) - len(p.keywords[x].text) })
	}
	return p
}

// bound is the boundary the target needs before its keyword.
func (t target) bound() int {
	switch {
	case t.prefix != "" && isTokenByte(t.prefix[0]):
		return boundWord
	case t.prefix != "":
		return boundNone
	}
	return t.f.keywordBound
}

// afterEscape reports a string escape (\n, \t, \r) or a percent-encoded
// byte (%3D) right before at: the word starts there even though the byte
// before it is a letter or digit.
func afterEscape(d []byte, at int) bool {
	switch {
	case at >= 2 && d[at-2] == '\\' && (d[at-1] == 'n' || d[at-1] == 't' || d[at-1] == 'r'):
		return true
	case at >= 3 && d[at-3] == '%' && isHex(d[at-2:at]):
		return true
	}
	return false
}

// boundaryOK reports whether the keyword at at has the boundary it needs.
func boundaryOK(d []byte, at, bound int) bool {
	if at == 0 {
		return true
	}
	switch bound {
	case boundWord:
		return !isTokenByte(d[at-1]) || afterEscape(d, at)
	case boundKey:
		return !isAlnum(d[at-1]) || ('A' <= d[at] && d[at] <= 'Z') || afterEscape(d, at)
	}
	return true
}

// triHash maps three case-folded bytes to 17 bits.
func triHash(x uint32) uint32 { return (x * 0x9E3779B1) >> 15 }

// scan runs every detector whose keyword occurs in s.data. The hot loop is
// one byte load, a multiply and one load from an 8 KiB bit set (the hashed
// trigrams that start a keyword, under 2 % of positions in source code);
// the exact bigram, the boundary and the keywords are checked only there.
func (p *prefilter) scan(s *scanState) {
	d := s.data
	n := len(d)
	if n < 3 {
		return // every detector needs more than a keyword of two or three bytes
	}
	tri := &p.trigrams
	x := uint32(lowerTable[d[0]])<<8 | uint32(lowerTable[d[1]])
	for i := 2; i < n; i++ {
		x = (x<<8 | uint32(lowerTable[d[i]])) & 0xFFFFFF
		h := triHash(x)
		if tri[h>>6]>>(h&63)&1 != 0 {
			p.trigram(s, i-2, x)
		}
	}
}

// trigram follows up a trigram hit at at: the exact bigram, then the
// boundary and the keywords.
func (p *prefilter) trigram(s *scanState, at int, x uint32) {
	bg := uint16(x >> 8) // #nosec G115 -- x holds three bytes: x>>8 is the leading two, a uint16
	if p.present[bg>>6]>>(bg&63)&1 != 0 {
		p.candidate(s, at, bg)
	}
}

// candidate checks the boundary of a keyword bigram at at and dispatches.
func (p *prefilter) candidate(s *scanState, at int, bg uint16) {
	if at > 0 {
		d := s.data
		w, sh := bg>>6, bg&63
		c := byteClass[d[at-1]]
		if p.wordOnly[w]>>sh&1 != 0 && c&1 != 0 && !afterEscape(d, at) {
			return
		}
		if p.keyOnly[w]>>sh&1 != 0 && c&2 != 0 && byteClass[d[at]]&4 != 0 && !afterEscape(d, at) {
			return
		}
	}
	p.dispatch(s, at)
}

// dispatch runs the detectors of the keywords that start at at.
func (p *prefilter) dispatch(s *scanState, at int) {
	d := s.data
	bg := uint16(lowerTable[d[at]])<<8 | uint16(lowerTable[d[at+1]])
	for _, ki := range p.buckets[p.bigram[bg]] {
		k := &p.keywords[ki]
		if !boundaryOK(d, at, k.bound) || !hasPrefixFold(d[at:], k.text) {
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
