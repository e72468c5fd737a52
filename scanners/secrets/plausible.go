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
	// letters and digits counted out: a1b2c3d4e5f6…
	[]byte("a1b2c3d4"), []byte("1a2b3c4d"),
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

// notLiteral reports values that name or compute a value instead of holding
// one, which key-name detection must never take for a secret: a function
// call or a generic type ("session.get(", "Optional[str]"), a variable,
// attribute or entry-point reference ("self.config.api_key",
// "process.env.API_KEY", "pkg.module:main"), an environment variable's name
// ("SERVICE_API_KEY"), a timestamp or date, a value with blanks (code,
// prose, a shell command), or words ("fake-session-token").
func notLiteral(v []byte) bool {
	return bytes.ContainsAny(v, " \t") || callOrIndex(v) || isReference(v) || isEnvName(v) || isTimestamp(v) || wordLike(v)
}

// callOrIndex reports a call or an index after a name: three letters,
// underscores or dots right before "(" or "[".
func callOrIndex(v []byte) bool {
	for i := 3; i < len(v); i++ {
		if v[i] != '(' && v[i] != '[' {
			continue
		}
		name := true
		for _, b := range v[i-3 : i] {
			if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || b == '_' || b == '.') {
				name = false
			}
		}
		if name {
			return true
		}
	}
	return false
}

// isReference reports two or more identifiers joined by ".", "?." or a last
// ":" (self.settings.client.api_key, import.meta.env.KEY, pkg.mod:main),
// each of them cased like a word.
func isReference(v []byte) bool {
	parts, start, colon := 0, 0, false
	for i := 0; i <= len(v); i++ {
		if i < len(v) && v[i] != '.' && v[i] != ':' && v[i] != '?' {
			continue
		}
		if i < len(v) && v[i] == '?' {
			if i+1 >= len(v) || v[i+1] != '.' {
				return false
			}
		}
		if i < len(v) && v[i] == ':' {
			if colon {
				return false
			}
			colon = true
		}
		seg := v[start:i]
		if i < len(v) && v[i] == '?' {
			i++ // "?." is one separator
		}
		start = i + 1
		if !identWord(seg) {
			return false
		}
		parts++
	}
	return parts >= 2 && readsAsWords(v)
}

// identWord reports an identifier cased like one or a few words (apiKey,
// api_key, API_KEY, XMLHttpRequest, settings, X), not like a random string
// (qWeRtY, a9Zk2): digits only at its end, and every capital starts a word
// or an acronym.
func identWord(s []byte) bool {
	if len(s) == 0 || !('a' <= s[0] && s[0] <= 'z' || 'A' <= s[0] && s[0] <= 'Z' || s[0] == '_' || s[0] == '$') {
		return false
	}
	end := len(s)
	for end > 0 && '0' <= s[end-1] && s[end-1] <= '9' {
		end--
	}
	if len(s)-end > 2 {
		return false
	}
	uppers, lowers := 0, 0 // of the current piece: capitals, then small letters
	for _, b := range s[:end] {
		switch {
		case 'A' <= b && b <= 'Z':
			if lowers > 0 {
				if lowers == 1 && uppers > 0 {
					return false // "…Ab" then another capital: aBcD, qWeRtY
				}
				uppers, lowers = 0, 0
			}
			uppers++
		case 'a' <= b && b <= 'z':
			lowers++
		case b == '_' || b == '$':
			uppers, lowers = 0, 0
		default:
			return false
		}
	}
	return true
}

// commonBigrams lists, for each letter a to z, the letters that commonly
// follow it inside words and identifiers: the letter pairs that make up 99 %
// of those in the words of the Go standard library's source. A run of
// letters made of them reads as words; a random string of letters has
// about 40 % other pairs.
var commonBigrams = [26]string{
	"abcdefgiklmnprstuvwxy", "abcdefijloprsuxy", "abcdefghiklmnoprstuvxy", "abcdefilnopqrstuvwxy", "abcdefgiklmnopqrstuvwxy",
	"abcdefgilmnoprstuy", "abcefghilnoprstu", "adeilmorstu", "abcdefgklmnoprstvxz", "aeosu", "aeginsu",
	"acdefgiklnoprstuvwy", "abdeilmopstu", "abcdefgiklmnopstuvy", "abcdefgiklmnoprstuvw", "abcdefhiklmoprstuvy", "u",
	"abcdefgiklmnoprstuvwy", "abcdeghiklmnopqrstuwy", "abcdefghilmoprstuwxy", "abcdefgilmnoprstx", "abcdefilmopqrstwx",
	"acehinors", "abcdefimoptx", "eilmnprst", "ei",
}

var commonBigram = func() (t [26][26]bool) {
	for i, next := range commonBigrams {
		for _, b := range []byte(next) {
			t[i][b-'a'] = true
		}
	}
	return t
}()

// readsAsWords reports whether the letters of v pair like words: at most
// one pair in eight (and at least one) is uncommon. Pairs are counted inside
// words only (a capital after a small letter, or any other byte, starts a
// new word).
func readsAsWords(v []byte) bool {
	pairs, rare := 0, 0
	var prev byte
	for _, b := range v {
		c := lowerTable[b]
		if c < 'a' || c > 'z' {
			prev = 0
			continue
		}
		if prev != 0 && !(isUpper(b) && !isUpper(prev)) {
			pairs++
			if !commonBigram[lowerTable[prev]-'a'][c-'a'] {
				rare++
			}
		}
		prev = b
	}
	return rare <= max(1, pairs/8)
}

// isEnvName reports an environment variable's name written where its value
// belongs (Bearer SERVICE_API_KEY): upper-case words joined by underscores.
func isEnvName(v []byte) bool {
	if len(v) == 0 || !isUpper(v[0]) || bytes.IndexByte(v, '_') < 0 {
		return false
	}
	digits := 0
	for _, b := range v {
		switch {
		case isUpper(b), b == '_':
		case '0' <= b && b <= '9':
			digits++
		default:
			return false
		}
	}
	if digits*3 > len(v) || bytes.Contains(v, []byte("__")) || v[len(v)-1] == '_' {
		return false
	}
	for _, seg := range bytes.Split(v, []byte("_")) {
		if !identWord(seg) {
			return false
		}
	}
	return readsAsWords(v)
}

// isTimestamp reports dates, times and version-like numbers: digits and
// date punctuation only (2026-01-31T12:00:00Z, 12:30:00.000).
func isTimestamp(v []byte) bool {
	digits := 0
	for _, b := range v {
		switch {
		case '0' <= b && b <= '9':
			digits++
		case b == '-' || b == ':' || b == '.' || b == '+' || b == '/' || b == 'T' || b == 'Z':
		default:
			return false
		}
	}
	return digits*2 >= len(v)
}

// wordLike reports values made of words: two or more letter segments
// cased like words, separated by - _ . or /, with at most short numbers
// (years, versions) among them: fake-session-token, cache-password,
// newly-issued-key-2025.
func wordLike(v []byte) bool {
	words, numbers, start := 0, 0, 0
	for i := 0; i <= len(v); i++ {
		if i < len(v) && v[i] != '-' && v[i] != '_' && v[i] != '.' && v[i] != '/' {
			continue
		}
		seg := v[start:i]
		start = i + 1
		switch {
		case len(seg) == 0:
		case len(seg) <= 5 && isDigits(bytes.TrimPrefix(bytes.TrimPrefix(seg, []byte("v")), []byte("V"))):
			numbers++ // 2026, v2
		case isLetters(seg) && identWord(seg):
			words++
		default:
			return false
		}
	}
	return words >= 2 && numbers <= words && readsAsWords(v)
}

func isLetters(v []byte) bool {
	for _, b := range v {
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z') {
			return false
		}
	}
	return len(v) > 0
}
