package workflows

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/rhysd/actionlint"
)

// An expression the scan cannot evaluate is never read as "safe": before a
// value written with ${{ }} is parsed as JSON or as a command line, every
// expression is replaced — by its value when the scan knows it (a literal,
// or a composite action's input whose value the calling step wrote), else
// by a placeholder that the readers recognise as unknown.

// maxExprSpans bounds the expressions substituted in one value.
const maxExprSpans = 256

// exprSpan is one ${{ … }} in a text: [start, end) and its body.
type exprSpan struct {
	start, end int
	body       string
}

// exprSpans finds the ${{ … }} spans of s. A "}}" inside a single-quoted
// string literal of the expression does not end it; an unterminated span
// ends the search.
func exprSpans(s string) []exprSpan {
	var out []exprSpan
	from := 0
	for len(out) < maxExprSpans {
		i := strings.Index(s[from:], "${{")
		if i < 0 {
			break
		}
		start := from + i
		j, quoted := start+3, false
		end := -1
		for ; j+1 < len(s); j++ {
			switch {
			case s[j] == '\'':
				quoted = !quoted // '' inside a literal toggles twice
			case !quoted && s[j] == '}' && s[j+1] == '}':
				end = j + 2
			}
			if end >= 0 {
				break
			}
		}
		if end < 0 {
			break
		}
		out = append(out, exprSpan{start: start, end: end, body: strings.TrimSpace(s[start+3 : end-2])})
		from = end
	}
	return out
}

// exprEnv is what an expression can be evaluated against: the inputs of the
// composite action it is written in (nil outside one). A missing key is an
// input the caller did not give and that has no default: "".
type exprEnv struct {
	inputs map[string]exprValue // lower-case input name → value
}

// exprValue is a value of a GitHub expression; known is false when it
// depends on something the scan cannot see (secrets, step outputs, the
// event, vars).
type exprValue struct {
	known bool
	kind  byte // 's' string, 'n' number, 'b' bool, 'z' null
	s     string
	n     float64
	b     bool
	// raw is the text the value came from when it is not known (the
	// caller's own ${{ }} for a composite input), kept for messages and for
	// the readers of secrets.
	raw string
}

func strVal(s string) exprValue { return exprValue{known: true, kind: 's', s: s} }

var unknownExpr = exprValue{}

// text renders a known value as GitHub does when it substitutes it into a
// string.
func (v exprValue) text() string {
	switch v.kind {
	case 's':
		return v.s
	case 'n':
		if v.n == math.Trunc(v.n) && math.Abs(v.n) < 1e15 {
			return strconv.FormatInt(int64(v.n), 10)
		}
		return strconv.FormatFloat(v.n, 'g', -1, 64)
	case 'b':
		return strconv.FormatBool(v.b)
	}
	return ""
}

func (v exprValue) truthy() bool {
	switch v.kind {
	case 's':
		return v.s != ""
	case 'n':
		return v.n != 0 && !math.IsNaN(v.n)
	case 'b':
		return v.b
	}
	return false
}

func (v exprValue) number() float64 {
	switch v.kind {
	case 'n':
		return v.n
	case 'b':
		if v.b {
			return 1
		}
		return 0
	case 'z':
		return 0
	}
	s := strings.TrimSpace(v.s)
	if s == "" {
		return 0
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f
	}
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		if i, err := strconv.ParseInt(h, 16, 64); err == nil {
			return float64(i)
		}
	}
	return math.NaN()
}

// evalBody evaluates one expression body.
func (e exprEnv) evalBody(body string) exprValue {
	n := parseExpr(body)
	if n == nil {
		return unknownExpr
	}
	return e.eval(n, 0)
}

func (e exprEnv) eval(n actionlint.ExprNode, depth int) exprValue {
	if depth > 64 {
		return unknownExpr
	}
	switch n := n.(type) {
	case *actionlint.StringNode:
		return strVal(n.Value)
	case *actionlint.IntNode:
		return exprValue{known: true, kind: 'n', n: float64(n.Value)}
	case *actionlint.FloatNode:
		return exprValue{known: true, kind: 'n', n: n.Value}
	case *actionlint.BoolNode:
		return exprValue{known: true, kind: 'b', b: n.Value}
	case *actionlint.NullNode:
		return exprValue{known: true, kind: 'z'}
	case *actionlint.NotOpNode:
		v := e.eval(n.Operand, depth+1)
		if !v.known {
			return unknownExpr
		}
		return exprValue{known: true, kind: 'b', b: !v.truthy()}
	case *actionlint.LogicalOpNode:
		l := e.eval(n.Left, depth+1)
		if !l.known {
			return unknownExpr
		}
		if (n.Kind == actionlint.LogicalOpNodeKindAnd) != l.truthy() {
			return l // false && x, true || x
		}
		return e.eval(n.Right, depth+1)
	case *actionlint.CompareOpNode:
		l, r := e.eval(n.Left, depth+1), e.eval(n.Right, depth+1)
		if !l.known || !r.known {
			return unknownExpr
		}
		return exprValue{known: true, kind: 'b', b: compareValues(n.Kind, l, r)}
	case *actionlint.FuncCallNode:
		return e.call(n, depth)
	}
	if p := ctxPath(n); p != "" && e.inputs != nil {
		if name, ok := strings.CutPrefix(strings.ToLower(p), "inputs."); ok && !strings.Contains(name, ".") {
			if v, ok := e.inputs[name]; ok {
				return v
			}
			return strVal("")
		}
	}
	return unknownExpr
}

// compareValues compares as GitHub does: strings case-insensitively, other
// mixes as numbers.
func compareValues(k actionlint.CompareOpNodeKind, l, r exprValue) bool {
	var c int
	if l.kind == 's' && r.kind == 's' {
		c = strings.Compare(strings.ToLower(l.s), strings.ToLower(r.s))
	} else {
		a, b := l.number(), r.number()
		if math.IsNaN(a) || math.IsNaN(b) {
			// NaN equals nothing and orders with nothing.
			return k == actionlint.CompareOpNodeKindNotEq
		}
		c = cmp.Compare(a, b)
	}
	switch k {
	case actionlint.CompareOpNodeKindEq:
		return c == 0
	case actionlint.CompareOpNodeKindNotEq:
		return c != 0
	case actionlint.CompareOpNodeKindLess:
		return c < 0
	case actionlint.CompareOpNodeKindLessEq:
		return c <= 0
	case actionlint.CompareOpNodeKindGreater:
		return c > 0
	case actionlint.CompareOpNodeKindGreaterEq:
		return c >= 0
	}
	return false
}

func (e exprEnv) call(n *actionlint.FuncCallNode, depth int) exprValue {
	args := make([]exprValue, len(n.Args))
	for i, a := range n.Args {
		args[i] = e.eval(a, depth+1)
		if !args[i].known {
			return unknownExpr
		}
	}
	switch strings.ToLower(n.Callee) {
	case "format":
		if len(args) == 0 || args[0].kind != 's' {
			return unknownExpr
		}
		s, ok := formatString(args[0].s, args[1:])
		if !ok {
			return unknownExpr
		}
		return strVal(s)
	case "contains", "startswith", "endswith":
		if len(args) != 2 || args[0].kind == 'z' {
			return unknownExpr
		}
		h, x := strings.ToLower(args[0].text()), strings.ToLower(args[1].text())
		var b bool
		switch strings.ToLower(n.Callee) {
		case "contains":
			b = strings.Contains(h, x)
		case "startswith":
			b = strings.HasPrefix(h, x)
		default:
			b = strings.HasSuffix(h, x)
		}
		return exprValue{known: true, kind: 'b', b: b}
	case "tojson":
		if len(args) != 1 {
			return unknownExpr
		}
		var v any
		switch args[0].kind {
		case 's':
			v = args[0].s
		case 'n':
			v = args[0].n
		case 'b':
			v = args[0].b
		}
		out, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return unknownExpr
		}
		return strVal(string(out))
	}
	return unknownExpr
}

// formatString implements format('{0} {1}', …) with {{ and }} escapes.
func formatString(f string, args []exprValue) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c == '{' && i+1 < len(f) && f[i+1] == '{':
			b.WriteByte('{')
			i++
		case c == '}' && i+1 < len(f) && f[i+1] == '}':
			b.WriteByte('}')
			i++
		case c == '{':
			j := strings.IndexByte(f[i:], '}')
			if j < 0 {
				return "", false
			}
			k, err := strconv.Atoi(f[i+1 : i+j])
			if err != nil || k < 0 || k >= len(args) {
				return "", false
			}
			b.WriteString(args[k].text())
			i += j
		default:
			b.WriteByte(c)
		}
		if b.Len() > 1<<20 {
			return "", false
		}
	}
	return b.String(), true
}

// exprMarker is the placeholder for an expression the scan cannot evaluate
// in a command line: a word of letters, digits and underscores, so that a
// shell parser reads it as text; markerIndex reads its number back.
const exprMarkerPrefix = "__agentreach_expr_"

func exprMarker(i int) string { return exprMarkerPrefix + strconv.Itoa(i) + "__" }

// substituted is a text with its expressions replaced.
type substituted struct {
	text string
	// unknown holds, by marker number, the text each expression the scan
	// could not evaluate stands for: its own ${{ }}, or — for a composite
	// action's input — what the caller wrote.
	unknown []string
}

// restore turns placeholders back into the text they stand for, for
// messages.
func (s substituted) restore(t string) string {
	if !strings.Contains(t, exprMarkerPrefix) {
		return t
	}
	for i := len(s.unknown) - 1; i >= 0; i-- {
		t = strings.ReplaceAll(t, exprMarker(i), s.unknown[i])
	}
	return t
}

// plain substitutes a value's expressions where known and leaves the rest
// as written (for inputs read as plain values, not parsed).
func (e exprEnv) plain(s string) string {
	if e.inputs == nil || !strings.Contains(s, "${{") {
		return s
	}
	sub := e.substituteText(s)
	return sub.restore(sub.text)
}

// unknownText is what an unknown expression stands for in messages.
func unknownText(body string, v exprValue) string {
	if v.raw != "" {
		return v.raw
	}
	return "${{ " + body + " }}"
}

// hasMarker reports a text that holds an expression the scan could not
// evaluate.
func hasMarker(t string) bool { return strings.Contains(t, exprMarkerPrefix) }

// substituteText replaces each expression of a command line by its value,
// or by a marker word when it cannot be evaluated (GitHub substitutes the
// text before the shell, or the action, reads it).
func (e exprEnv) substituteText(s string) substituted {
	spans := exprSpans(s)
	if len(spans) == 0 {
		return substituted{text: s}
	}
	var out substituted
	var b strings.Builder
	prev := 0
	for _, sp := range spans {
		b.WriteString(s[prev:sp.start])
		if v := e.evalBody(sp.body); v.known {
			b.WriteString(v.text())
		} else {
			b.WriteString(exprMarker(len(out.unknown)))
			out.unknown = append(out.unknown, unknownText(sp.body, v))
		}
		prev = sp.end
	}
	b.WriteString(s[prev:])
	out.text = b.String()
	return out
}

// substituteJSON replaces each expression of a JSON text: inside a JSON
// string by its value (escaped) or by the ${{ }} text itself (a placeholder
// string, recognised by hasExpr); outside a string by its value when that
// is a JSON literal, else by null.
func (e exprEnv) substituteJSON(s string) substituted {
	spans := exprSpans(s)
	if len(spans) == 0 {
		return substituted{text: s}
	}
	var out substituted
	var b strings.Builder
	prev := 0
	inStr, esc := false, false
	scan := func(t string) {
		for i := 0; i < len(t); i++ {
			switch c := t[i]; {
			case esc:
				esc = false
			case inStr && c == '\\':
				esc = true
			case c == '"':
				inStr = !inStr
			}
		}
	}
	for _, sp := range spans {
		seg := s[prev:sp.start]
		scan(seg)
		b.WriteString(seg)
		v := e.evalBody(sp.body)
		switch {
		case inStr && v.known:
			q, _ := json.Marshal(v.text())
			b.Write(q[1 : len(q)-1])
		case inStr:
			t := unknownText(sp.body, v)
			if !strings.Contains(t, "${{") {
				t = "${{ " + t + " }}"
			}
			q, _ := json.Marshal(t)
			b.Write(q[1 : len(q)-1])
			out.unknown = append(out.unknown, t)
		case v.known && json.Valid([]byte(v.text())) && v.text() != "":
			b.WriteString(v.text())
		default:
			b.WriteString("null")
			if !v.known {
				out.unknown = append(out.unknown, unknownText(sp.body, v))
			}
		}
		prev = sp.end
	}
	b.WriteString(s[prev:])
	out.text = b.String()
	return out
}

// hasExpr reports a JSON string value that is, or holds, an expression the
// scan could not evaluate.
func hasExpr(s string) bool { return strings.Contains(s, "${{") }

// exprList renders unknown expressions for a message.
func exprList(texts []string) string {
	var parts []string
	for i, t := range texts {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(texts)-3))
			break
		}
		if len(t) > 120 {
			t = t[:120] + "…"
		}
		parts = append(parts, oneLine(t))
	}
	return strings.Join(parts, ", ")
}
