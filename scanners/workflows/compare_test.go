package workflows

import (
	"math"
	"testing"

	"github.com/rhysd/actionlint"
)

// TestCompareValues: GitHub's comparison rules — strings case-insensitively,
// other mixes as numbers, NaN equal to nothing and ordered with nothing.
func TestCompareValues(t *testing.T) {
	t.Parallel()
	num := func(f float64) exprValue { return exprValue{known: true, kind: 'n', n: f} }
	boolean := func(b bool) exprValue { return exprValue{known: true, kind: 'b', b: b} }
	null := exprValue{known: true, kind: 'z'}
	const (
		eq  = actionlint.CompareOpNodeKindEq
		ne  = actionlint.CompareOpNodeKindNotEq
		lt  = actionlint.CompareOpNodeKindLess
		le  = actionlint.CompareOpNodeKindLessEq
		gt  = actionlint.CompareOpNodeKindGreater
		ge  = actionlint.CompareOpNodeKindGreaterEq
		bad = actionlint.CompareOpNodeKindInvalid
	)
	for _, c := range []struct {
		op   actionlint.CompareOpNodeKind
		l, r exprValue
		want bool
	}{
		{eq, strVal("Bot"), strVal("bot"), true},
		{ne, strVal("Bot"), strVal("bot"), false},
		{lt, strVal("a"), strVal("B"), true},
		{ge, strVal("b"), strVal("B"), true},
		{gt, strVal("a"), strVal("B"), false},
		{eq, strVal("1"), num(1), true},
		{le, strVal(" 2 "), num(2), true},
		{eq, boolean(true), num(1), true},
		{eq, null, num(0), true},
		{gt, num(3), num(2), true},
		{lt, num(3), num(2), false},
		{eq, num(math.NaN()), num(math.NaN()), false},
		{ne, num(math.NaN()), num(1), true},
		{le, strVal("abc"), num(1), false}, // "abc" is NaN as a number
		{ge, num(math.NaN()), num(1), false},
		{bad, num(1), num(1), false},
	} {
		if got := compareValues(c.op, c.l, c.r); got != c.want {
			t.Errorf("compare(%v, %+v, %+v) = %v, want %v", c.op, c.l, c.r, got, c.want)
		}
	}
}
