package secrets

import (
	"bytes"
	"math"
)

// placeholderWords are substrings (lower-case) that mark documentation
// examples and placeholders rather than issued credentials.
var placeholderWords = [][]byte{
	[]byte("example"), []byte("xxxx"), []byte("****"), []byte("...."), []byte("…"),
	[]byte("your_"), []byte("your-"), []byte("yourtoken"), []byte("yourkey"), []byte("placeholder"),
	[]byte("redacted"), []byte("changeme"), []byte("change_me"), []byte("replace_me"), []byte("replaceme"),
	[]byte("dummy"), []byte("sample"), []byte("insert"), []byte("notreal"), []byte("not_real"), []byte("not-real"),
	[]byte("0000000000"), []byte("1234567890"), []byte("abcdefghij"), []byte("deadbeef"),
}

// lowerTable maps ASCII upper-case letters to lower case and keeps every
// other byte.
var lowerTable = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] = byte(i + 32)
		}
	}
	return t
}()

// containsFold reports whether s contains the lower-case word, ignoring the
// case of s.
func containsFold(s, word []byte) bool {
	if len(word) == 0 {
		return true
	}
	first := word[0]
	for i := 0; i+len(word) <= len(s); i++ {
		if lowerTable[s[i]] != first {
			continue
		}
		j := 1
		for j < len(word) && lowerTable[s[i+j]] == word[j] {
			j++
		}
		if j == len(word) {
			return true
		}
	}
	return false
}

// hasPlaceholder reports template syntax or a placeholder word in v.
func hasPlaceholder(v []byte) bool {
	if bytes.ContainsAny(v, "<>{}$%`") || bytes.Contains(v, []byte("((")) {
		return true
	}
	for _, w := range placeholderWords {
		if containsFold(v, w) {
			return true
		}
	}
	return false
}

// entropy is the Shannon entropy of v in bits per byte.
func entropy(v []byte) float64 {
	if len(v) == 0 {
		return 0
	}
	var counts [256]int
	for _, b := range v {
		counts[b]++
	}
	n := float64(len(v))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// longestRun is the length of the longest run of one repeated byte, or of a
// sequence of consecutive bytes (abcdef, 12345, fedcba).
func longestRun(v []byte) int {
	best, rep, up, down := 0, 1, 1, 1
	for i := 1; i < len(v); i++ {
		if v[i] == v[i-1] {
			rep++
		} else {
			rep = 1
		}
		if v[i] == v[i-1]+1 {
			up++
		} else {
			up = 1
		}
		if v[i]+1 == v[i-1] {
			down++
		} else {
			down = 1
		}
		best = max(best, rep, up, down)
	}
	return max(best, min(len(v), 1))
}

// charClasses counts the classes (lower, upper, digit, other) present in v.
func charClasses(v []byte) int {
	var lower, upper, digit, other int
	for _, b := range v {
		switch {
		case 'a' <= b && b <= 'z':
			lower = 1
		case 'A' <= b && b <= 'Z':
			upper = 1
		case '0' <= b && b <= '9':
			digit = 1
		default:
			other = 1
		}
	}
	return lower + upper + digit + other
}

// randomLooking reports whether the random part of a token (its body after
// the type prefix) looks issued rather than typed: no placeholder words, no
// long runs of one or consecutive characters, and an entropy near what a
// random string of its length and alphabet has.
func randomLooking(body []byte) bool {
	if len(body) < 8 || hasPlaceholder(body) {
		return false
	}
	if longestRun(body) >= max(5, len(body)/4) {
		return false
	}
	return entropy(body) >= minEntropy(body)
}

// minEntropy is the entropy a body of this length must reach: 70 % of the
// entropy of a uniform string over the alphabet its characters suggest
// (hex, digits, letters, symbols), capped by its length.
func minEntropy(body []byte) float64 {
	var digit, hexLower, hexUpper bool
	var symbols, seen [256]bool
	nsym, lowerRest, upperRest := 0, 0, 0
	for _, b := range body {
		first := !seen[b]
		seen[b] = true
		switch {
		case '0' <= b && b <= '9':
			digit = true
		case 'a' <= b && b <= 'f':
			hexLower = true
		case 'g' <= b && b <= 'z':
			if first {
				lowerRest++
			}
		case 'A' <= b && b <= 'F':
			hexUpper = true
		case 'G' <= b && b <= 'Z':
			if first {
				upperRest++
			}
		default:
			if !symbols[b] {
				symbols[b] = true
				nsym++
			}
		}
	}
	// A few letters beyond f (the "sk" of "sk-<hex>") do not make a hex
	// string an alphanumeric one.
	alphabet := nsym
	if digit {
		alphabet += 10
	}
	switch {
	case lowerRest > 3:
		alphabet += 26
	case hexLower || lowerRest > 0:
		alphabet += 6 + lowerRest
	}
	switch {
	case upperRest > 3:
		alphabet += 26
	case hexUpper || upperRest > 0:
		alphabet += 6 + upperRest
	}
	ideal := math.Log2(float64(max(2, min(alphabet, len(body)))))
	return 0.7 * ideal
}

func isHex(v []byte) bool {
	for _, b := range v {
		if !('0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F') {
			return false
		}
	}
	return len(v) > 0
}

func isDigits(v []byte) bool {
	for _, b := range v {
		if b < '0' || b > '9' {
			return false
		}
	}
	return len(v) > 0
}

func isTokenByte(b byte) bool {
	return b == '_' || b == '-' || ('0' <= b && b <= '9') || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z')
}

func isBase64Byte(b byte) bool {
	return ('0' <= b && b <= '9') || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') || b == '+' || b == '/' || b == '=' || b == '-' || b == '_'
}

// isUUID reports the 8-4-4-4-12 hex shape.
func isUUID(v []byte) bool {
	if len(v) != 36 {
		return false
	}
	for i, b := range v {
		switch i {
		case 8, 13, 18, 23:
			if b != '-' {
				return false
			}
		default:
			if !isHex(v[i : i+1]) {
				return false
			}
		}
	}
	return true
}
