package report

import (
	"strings"

	"github.com/mattn/go-runewidth"
)

// The table wraps its cells itself, deliberately: text at spaces, paths
// after a "/", and a word longer than its column (a long identifier) only
// where it must — rather than leaving it to the table library, which
// overflows narrow terminals and cuts words.

// visibleWidth is the number of terminal columns s takes, ANSI colour
// sequences not counted.
func visibleWidth(s string) int {
	return runewidth.StringWidth(stripANSI(s))
}

// stripANSI drops SGR sequences (ESC [ … m).
func stripANSI(s string) string {
	if !strings.Contains(s, "\x1b[") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && s[j] != 'm' {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// wrapText breaks s into lines of at most width columns at spaces; a word
// wider than a line is broken after a "/", "-", "." or "_" where possible,
// else at the width.
func wrapText(s string, width int) []string {
	width = max(width, 8)
	var lines []string
	line, lw := "", 0
	flush := func() {
		if line != "" {
			lines = append(lines, line)
		}
		line, lw = "", 0
	}
	for _, word := range strings.Fields(s) {
		for _, piece := range breakWord(word, width) {
			pw := visibleWidth(piece)
			switch {
			case lw == 0:
				line, lw = piece, pw
			case lw+1+pw <= width:
				line, lw = line+" "+piece, lw+1+pw
			default:
				flush()
				line, lw = piece, pw
			}
		}
	}
	flush()
	if len(lines) == 0 {
		return []string{""}
	}
	return lines
}

// wrapPath breaks a path (path:line) into lines of at most width columns
// after its "/"s, as a word of wrapText is.
func wrapPath(p string, width int) []string {
	width = max(width, 8)
	var lines []string
	line := ""
	for _, piece := range breakWord(p, width) {
		if line != "" && visibleWidth(line+piece) > width {
			lines = append(lines, line)
			line = ""
		}
		line += piece
	}
	return append(lines, line)
}

// breakWord splits a word wider than width into pieces: after a separator
// when one falls inside the width, else at the width. A word that fits is
// one piece. The pieces joined are the word.
func breakWord(word string, width int) []string {
	var out []string
	for visibleWidth(word) > width {
		cut := cutAt(word, width)
		out = append(out, word[:cut])
		word = word[cut:]
	}
	return append(out, word)
}

// cutAt is the byte offset to cut a too-wide word at: just after the last
// separator that keeps the piece within width (and not in its first
// quarter), else the last rune that fits.
func cutAt(word string, width int) int {
	w, lastFit, lastSep := 0, 0, 0
	for i, r := range word {
		rw := runewidth.RuneWidth(r)
		if w+rw > width {
			break
		}
		w += rw
		lastFit = i + len(string(r))
		if strings.ContainsRune("/-._", r) && w > width/4 {
			lastSep = lastFit
		}
	}
	if lastSep > 0 {
		return lastSep
	}
	return max(lastFit, 1)
}

// truncate shortens s to width columns, ending in "…" when it was cut.
func truncate(s string, width int) string {
	if visibleWidth(s) <= width {
		return s
	}
	return runewidth.Truncate(stripANSI(s), width, "…")
}
