package golden

import (
	"fmt"
	"strings"
)

// Limits of a diff report: it shows where the output went wrong, not all of
// it (`go test -update` and git diff show the rest).
const (
	diffContext  = 3       // unchanged lines around each change
	diffHunks    = 4       // hunks shown
	diffHunkOps  = 40      // lines shown per hunk
	diffLineMax  = 300     // bytes shown per line
	diffMaxCells = 1 << 22 // LCS table size above which the changed middle is not aligned
)

type op struct {
	kind byte // ' ', '-' or '+'
	text string
	a, b int // lines of want and got before this one
}

// Diff returns a compact unified diff from want to got: at most a few hunks
// of changed lines with their context, each line cut to a readable length.
// It returns "" when both are equal.
func Diff(want, got string) string {
	if want == got {
		return ""
	}
	a, aEOL := splitLines(want)
	b, bEOL := splitLines(got)
	ops := diffLines(a, b)
	var sb strings.Builder
	sb.WriteString("--- want\n+++ got\n")
	hunks := group(ops)
	for i, h := range hunks {
		if i == diffHunks {
			fmt.Fprintf(&sb, "… %d more hunks\n", len(hunks)-diffHunks)
			break
		}
		writeHunk(&sb, ops[h[0]:h[1]])
	}
	if aEOL != bEOL {
		fmt.Fprintf(&sb, "(want %s a final newline, got %s)\n", has(aEOL), has(bEOL))
	}
	return sb.String()
}

func has(b bool) string {
	if b {
		return "ends with"
	}
	return "lacks"
}

// splitLines splits s into lines and says whether its last line ends with
// a newline (an empty text has no unended line).
func splitLines(s string) ([]string, bool) {
	if s == "" {
		return nil, true
	}
	lines := strings.Split(s, "\n")
	if lines[len(lines)-1] == "" {
		return lines[:len(lines)-1], true
	}
	return lines, false
}

// diffLines aligns a and b by a longest common subsequence of lines, after
// stripping their common prefix and suffix.
func diffLines(a, b []string) []op {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ops := make([]op, 0, len(a)+len(b))
	for i := range pre {
		ops = append(ops, op{' ', a[i], i, i})
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	ops = append(ops, lcs(ma, mb, pre)...)
	for k := suf; k > 0; k-- {
		i, j := len(a)-k, len(b)-k
		ops = append(ops, op{' ', a[i], i, j})
	}
	return ops
}

// lcs diffs two slices whose first lines are line off+1 of each input.
func lcs(a, b []string, off int) []op {
	n, m := len(a), len(b)
	var ops []op
	if (n+1)*(m+1) > diffMaxCells {
		// too large to align: everything in the middle changed
		for i := range a {
			ops = append(ops, op{'-', a[i], off + i, off})
		}
		for j := range b {
			ops = append(ops, op{'+', b[j], off + n, off + j})
		}
		return ops
	}
	// t[i][j] is the LCS length of a[i:] and b[j:].
	w := m + 1
	t := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i*w+j] = t[(i+1)*w+j+1] + 1
			} else {
				t[i*w+j] = max(t[(i+1)*w+j], t[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			ops = append(ops, op{' ', a[i], off + i, off + j})
			i++
			j++
		case i < n && (j == m || t[(i+1)*w+j] >= t[i*w+j+1]):
			ops = append(ops, op{'-', a[i], off + i, off + j})
			i++
		default:
			ops = append(ops, op{'+', b[j], off + i, off + j})
			j++
		}
	}
	return ops
}

// group returns the [start, end) ranges of ops that form hunks: every
// change with diffContext unchanged lines around it, overlapping ranges
// merged.
func group(ops []op) [][2]int {
	var hunks [][2]int
	for k, o := range ops {
		if o.kind == ' ' {
			continue
		}
		lo, hi := max(0, k-diffContext), min(len(ops), k+1+diffContext)
		if n := len(hunks); n > 0 && lo <= hunks[n-1][1] {
			hunks[n-1][1] = hi
			continue
		}
		hunks = append(hunks, [2]int{lo, hi})
	}
	return hunks
}

func writeHunk(sb *strings.Builder, ops []op) {
	aLen, bLen := 0, 0
	for _, o := range ops {
		if o.kind != '+' {
			aLen++
		}
		if o.kind != '-' {
			bLen++
		}
	}
	// unified diff numbering: the first line of the hunk, or the line
	// before it when the hunk has no line on that side
	aStart, bStart := ops[0].a+1, ops[0].b+1
	if aLen == 0 {
		aStart--
	}
	if bLen == 0 {
		bStart--
	}
	fmt.Fprintf(sb, "@@ -%d,%d +%d,%d @@\n", aStart, aLen, bStart, bLen)
	for k, o := range ops {
		if k == diffHunkOps {
			fmt.Fprintf(sb, "… %d more lines in this hunk\n", len(ops)-diffHunkOps)
			return
		}
		sb.WriteByte(o.kind)
		sb.WriteString(visible(o.text))
		sb.WriteByte('\n')
	}
}

// visible cuts a long line and shows a trailing carriage return.
func visible(s string) string {
	cr := strings.HasSuffix(s, "\r")
	s = strings.TrimSuffix(s, "\r")
	if len(s) > diffLineMax {
		cut := diffLineMax
		for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
			cut--
		}
		s = fmt.Sprintf("%s… (%d more bytes)", s[:cut], len(s)-cut)
	}
	if cr {
		s += `\r`
	}
	return s
}
