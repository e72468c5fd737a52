package golden

import (
	"fmt"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, want, got, diff string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"changed line", "a\nb\nc\n", "a\nB\nc\n", "--- want\n+++ got\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
		{"added at the end", "a\n", "a\nb\n", "--- want\n+++ got\n@@ -1,1 +1,2 @@\n a\n+b\n"},
		{"removed at the start", "a\nb\n", "b\n", "--- want\n+++ got\n@@ -1,2 +1,1 @@\n-a\n b\n"},
		{"into empty", "", "x\n", "--- want\n+++ got\n@@ -0,0 +1,1 @@\n+x\n"},
		{"final newline", "a\n", "a", "--- want\n+++ got\n(want ends with a final newline, got lacks)\n"},
		{"carriage return", "a\n", "a\r\n", "--- want\n+++ got\n@@ -1,1 +1,1 @@\n-a\n+a\\r\n"},
	}
	for _, tt := range tests {
		if got := Diff(tt.want, tt.got); got != tt.diff {
			t.Errorf("%s: Diff =\n%s\nwant\n%s", tt.name, got, tt.diff)
		}
	}
}

func TestDiffIsCompact(t *testing.T) {
	t.Parallel()
	var want, got strings.Builder
	for i := range 1000 {
		line := fmt.Sprintf("line %d", i)
		fmt.Fprintln(&want, line)
		if i%100 == 50 {
			line = "changed " + line
		}
		fmt.Fprintln(&got, line)
	}
	d := Diff(want.String(), got.String())
	if n := strings.Count(d, "\n@@ ") + strings.Count(d[:3], "@@"); n != diffHunks {
		t.Errorf("%d hunks shown, want %d:\n%s", n, diffHunks, d)
	}
	if !strings.Contains(d, "@@ -48,7 +48,7 @@\n line 47\n line 48\n line 49\n-line 50\n+changed line 50\n line 51\n") ||
		!strings.Contains(d, "… 6 more hunks") || strings.Contains(d, "line 450") {
		t.Errorf("diff:\n%s", d)
	}
	long := strings.Repeat("x", 5000)
	if d := Diff(long+"\n", long+"y\n"); len(d) > 1000 || !strings.Contains(d, "more bytes") {
		t.Errorf("long lines not cut: %d bytes", len(d))
	}
}

func TestDiffAlignsInsertions(t *testing.T) {
	t.Parallel()
	want := "a\nb\nc\nd\ne\nf\ng\nh\ni\n"
	got := "a\nb\nc\nd\nX\ne\nf\ng\nh\nY\ni\n"
	d := Diff(want, got)
	body := d[len("--- want\n+++ got\n"):]
	if strings.Count(body, "\n+") != 2 || strings.Contains(body, "\n-") {
		t.Errorf("diff:\n%s", d)
	}
}

func TestDiffHugeMiddle(t *testing.T) {
	t.Parallel()
	var want, got strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&want, "w%d\n", i)
		fmt.Fprintf(&got, "g%d\n", i)
	}
	d := Diff(want.String(), got.String())
	if !strings.HasPrefix(d, "--- want\n+++ got\n@@ -1,5000 +1,5000 @@\n-w0\n") || len(d) > 2000 {
		t.Errorf("diff (%d bytes):\n%.500s", len(d), d)
	}
}
