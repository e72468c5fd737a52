package workflows

import (
	"slices"
	"strings"
)

// This file reads what a job output can hold when an actions/github-script
// step sets it from an if / else-if chain — the dispatcher pattern, where a
// `dispatch` job routes an event to one of several jobs through an output
// (`if: needs.dispatch.outputs.command == 'invoke'`). The script is not run:
// a small reader of the JavaScript subset such chains use decides, per event,
// which literals the output can take. Anything it does not understand makes
// the answer unknown (or, when every value set is still a literal, the set of
// all of them), never narrower than the script allows.

// maxScriptLen bounds the script text read for routing.
const maxScriptLen = 64 << 10

// outputRoute is what one job output can hold.
type outputRoute struct {
	literal *string // the output is a literal value
	script  *scriptRoute
}

// routeEvent is the event a route is evaluated for.
type routeEvent struct {
	name  string
	types []string // activity types the trigger admits; nil when any
}

// values returns the values the output can hold on the event ("" when it
// can be left unset); ok is false when that is unknown.
func (o *outputRoute) values(e routeEvent) ([]string, bool) {
	switch {
	case o == nil:
		return nil, false
	case o.literal != nil:
		return []string{*o.literal}, true
	case o.script != nil:
		return o.script.values(e), true
	}
	return nil, false
}

// scriptRoute is a github-script step's setting of one output.
type scriptRoute struct {
	all    []string      // every literal the script sets the output to
	chain  []routeBranch // the one top-level if / else-if chain holding every set; nil when there is none
	binds  map[string]jsNode
	env    map[string]string // the step's env, raw values
	poison map[string]bool   // roots assigned to somewhere: "process.env", "context", bound names
}

type routeBranch struct {
	cond   jsNode // nil for the final else
	values []string
}

func (s *scriptRoute) values(e routeEvent) []string {
	out := []string{""} // the script may stop before it sets the output
	if s.chain == nil {
		return appendNew(out, s.all...)
	}
	ev := jsEval{route: s, event: e}
	for _, b := range s.chain {
		t := triTrue
		if b.cond != nil {
			t = ev.truth(ev.eval(b.cond, 0))
		}
		if t != triFalse {
			out = appendNew(out, b.values...)
		}
		if t == triTrue {
			break
		}
	}
	return out
}

func appendNew(s []string, vs ...string) []string {
	for _, v := range vs {
		if !slices.Contains(s, v) {
			s = append(s, v)
		}
	}
	return s
}

// parseScriptRoute reads how script sets output; nil when it cannot tell.
func parseScriptRoute(script, output string, env map[string]string) *scriptRoute {
	output = strings.ToLower(output)
	if output == "result" || len(script) > maxScriptLen || strings.Contains(script, "GITHUB_OUTPUT") || strings.Contains(script, "set-output") {
		return nil // the return value, the output file, the workflow command
	}
	toks, ok := jsTokens(script)
	if !ok {
		return nil
	}
	s := &scriptRoute{binds: map[string]jsNode{}, env: env, poison: map[string]bool{}}
	type set struct {
		at    int
		value string
	}
	var sets []set
	for i, t := range toks {
		if t.kind == tokIdent && t.text == "setOutput" || t.kind == tokString && t.text == "setOutput" {
			// Only core.setOutput('<literal>', '<literal>') is understood.
			if i < 2 || toks[i-1].text != "." || toks[i-2].text != "core" || i+5 >= len(toks) || toks[i+1].text != "(" ||
				toks[i+2].kind != tokString || toks[i+3].text != "," {
				return nil
			}
			if strings.ToLower(toks[i+2].text) != output {
				continue
			}
			if toks[i+4].kind != tokString || toks[i+5].text != ")" {
				return nil
			}
			sets = append(sets, set{i, toks[i+4].text})
			s.all = appendNew(s.all, toks[i+4].text)
		}
	}
	s.readBinds(toks)
	// The chains at the top level: which one holds every set?
	for _, c := range topLevelChains(toks) {
		inside := 0
		for _, st := range sets {
			if st.at > c.start && st.at < c.end {
				inside++
			}
		}
		if inside == 0 {
			continue
		}
		if inside != len(sets) {
			break
		}
		for _, b := range c.branches {
			rb := routeBranch{}
			if b.cond != nil {
				rb.cond = parseJSExpr(b.cond)
				if rb.cond == nil {
					rb.cond = jsUnknown{}
				}
			}
			for _, st := range sets {
				if st.at > b.body[0] && st.at < b.body[1] {
					rb.values = appendNew(rb.values, st.value)
				}
			}
			s.chain = append(s.chain, rb)
		}
		break
	}
	return s
}

// readBinds records the top-level `const|let|var NAME = expr` bindings and
// poisons the names (and process.env, context) that are assigned to.
func (s *scriptRoute) readBinds(toks []jsTok) {
	declared := map[string]int{}
	depth := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		depth += bracket(t)
		if t.kind == tokPunct && isAssignOp(t.text) {
			// the assigned member chain: NAME(.NAME | [...])* before the operator
			j := i - 1
			for j >= 1 {
				if bracket(toks[j]) < 0 && toks[j].text == "]" {
					j = openingBefore(toks, j) - 1
					continue
				}
				if toks[j].kind == tokIdent && (toks[j-1].text == "." || toks[j-1].text == "?.") {
					j -= 2
					continue
				}
				break
			}
			if j >= 0 && toks[j].kind == tokIdent {
				root := toks[j].text
				declaration := j > 0 && (toks[j-1].text == "const" || toks[j-1].text == "let" || toks[j-1].text == "var") && j == i-1
				if root == "context" || root == "process" {
					s.poison[root] = true
				}
				switch {
				case declaration && depth == 0:
					declared[root]++
					end := statementEnd(toks, i+1)
					if n := parseJSExpr(toks[i+1 : end]); n != nil {
						s.binds[root] = n
					}
				case declaration:
					declared[root]++ // a shadowing declaration in a block
				default:
					s.poison[root] = true
					if root == "process" && j+2 < i && toks[j+2].text == "env" {
						s.poison["process.env"] = true
					}
				}
			}
		}
	}
	for name, n := range declared {
		if n > 1 || s.poison[name] {
			delete(s.binds, name)
		}
	}
}

func isAssignOp(op string) bool {
	switch op {
	case "=", "+=", "-=", "*=", "/=", "%=", "||=", "&&=", "??=", "|=", "&=", "^=", "<<=", ">>=", ">>>=", "**=":
		return true
	}
	return false
}

// statementEnd is the index after the expression starting at from: a `;`,
// a closing bracket of the enclosing level, or a new line that cannot
// continue the expression.
func statementEnd(toks []jsTok, from int) int {
	depth := 0
	for i := from; i < len(toks); i++ {
		t := toks[i]
		if depth == 0 && i > from && t.nl && !continues(toks[i-1], t) {
			return i
		}
		switch b := bracket(t); {
		case b < 0 && depth == 0:
			return i
		case b != 0:
			depth += b
		case depth == 0 && t.kind == tokPunct && (t.text == ";" || t.text == ","):
			return i
		}
	}
	return len(toks)
}

func continues(prev, next jsTok) bool {
	ops := []string{".", "?.", "||", "&&", "??", "+", "-", "*", "/", "?", ":", "(", "[", ",", "=", "==", "===", "!=", "!==", "!"}
	return prev.kind == tokPunct && slices.Contains(ops, prev.text) || next.kind == tokPunct && slices.Contains(ops[:11], next.text)
}

// jsChain is an if / else-if / else chain at the top level of a script.
type jsChain struct {
	start, end int // token range of the whole chain
	branches   []jsBranch
}

type jsBranch struct {
	cond []jsTok // nil for else
	body [2]int  // indices of the braces
}

// topLevelChains finds the if chains at brace depth 0 whose branches are
// all blocks.
func topLevelChains(toks []jsTok) []jsChain {
	var out []jsChain
	depth := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if depth == 0 && t.kind == tokIdent && t.text == "if" && (i == 0 || toks[i-1].text != "else") {
			if c, end, ok := readChain(toks, i); ok {
				out = append(out, c)
				i = end
				continue
			}
		}
		depth += bracket(t)
	}
	return out
}

func readChain(toks []jsTok, i int) (jsChain, int, bool) {
	c := jsChain{start: i}
	for {
		// at toks[i] == "if"
		if i+1 >= len(toks) || toks[i+1].text != "(" {
			return c, 0, false
		}
		cl := matching(toks, i+1)
		if cl < 0 || cl+1 >= len(toks) || toks[cl+1].text != "{" {
			return c, 0, false
		}
		bc := matching(toks, cl+1)
		if bc < 0 {
			return c, 0, false
		}
		c.branches = append(c.branches, jsBranch{cond: toks[i+2 : cl], body: [2]int{cl + 1, bc}})
		c.end = bc
		if bc+1 >= len(toks) || toks[bc+1].text != "else" {
			return c, bc, true
		}
		switch {
		case bc+2 < len(toks) && toks[bc+2].text == "if":
			i = bc + 2
		case bc+2 < len(toks) && toks[bc+2].text == "{":
			ec := matching(toks, bc+2)
			if ec < 0 {
				return c, 0, false
			}
			c.branches = append(c.branches, jsBranch{body: [2]int{bc + 2, ec}})
			c.end = ec
			return c, ec, true
		default:
			return c, 0, false
		}
	}
}

// matching returns the index of the bracket closing the one at i, -1 if none.
func matching(toks []jsTok, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		depth += bracket(toks[j])
		if depth == 0 {
			return j
		}
	}
	return -1
}

// openingBefore returns the index of the bracket opening the one closing at
// j, -1 if none.
func openingBefore(toks []jsTok, j int) int {
	depth := 0
	for k := j; k >= 0; k-- {
		depth -= bracket(toks[k])
		if depth == 0 {
			return k
		}
	}
	return -1
}

// bracket is +1 for an opening bracket, -1 for a closing one, else 0.
func bracket(t jsTok) int {
	if t.kind != tokPunct {
		return 0
	}
	switch t.text {
	case "(", "[", "{":
		return 1
	case ")", "]", "}":
		return -1
	}
	return 0
}

// JavaScript tokens.

type tokKind int8

const (
	tokPunct tokKind = iota
	tokIdent
	tokString   // a string literal without interpolation; text is its value
	tokTemplate // a template literal
	tokNumber
	tokRegexp
)

type jsTok struct {
	kind tokKind
	text string
	nl   bool // a line break precedes it
}

var jsPuncts = []string{">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=",
	"=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**", "<<", ">>"}

// jsTokens splits a script into tokens; false when it cannot (an
// unterminated string, comment or template).
func jsTokens(src string) ([]jsTok, bool) {
	var out []jsTok
	nl := false
	i := 0
	regexOK := func() bool {
		if len(out) == 0 {
			return true
		}
		p := out[len(out)-1]
		switch p.kind {
		case tokIdent:
			return slices.Contains([]string{"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw"}, p.text)
		case tokPunct:
			return p.text != ")" && p.text != "]" && p.text != "}" && p.text != "++" && p.text != "--"
		}
		return false
	}
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\n':
			nl = true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r':
			i++
			continue
		case strings.HasPrefix(src[i:], "//"):
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				i = len(src)
			} else {
				i += j
			}
			continue
		case strings.HasPrefix(src[i:], "/*"):
			j := strings.Index(src[i+2:], "*/")
			if j < 0 {
				return nil, false
			}
			if strings.Contains(src[i:i+2+j], "\n") {
				nl = true
			}
			i += j + 4
			continue
		}
		t := jsTok{nl: nl}
		nl = false
		switch {
		case c == '\'' || c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(src) && src[j] != c; j++ {
				if src[j] == '\n' {
					return nil, false
				}
				if src[j] == '\\' && j+1 < len(src) {
					j++
					switch src[j] {
					case 'n':
						b.WriteByte('\n')
					case 't':
						b.WriteByte('\t')
					default:
						b.WriteByte(src[j])
					}
					continue
				}
				b.WriteByte(src[j])
			}
			if j >= len(src) {
				return nil, false
			}
			t.kind, t.text = tokString, b.String()
			i = j + 1
		case c == '`':
			j, depth := i+1, 0
			for ; j < len(src); j++ {
				if src[j] == '\\' {
					j++
					continue
				}
				if depth == 0 && src[j] == '`' {
					break
				}
				if strings.HasPrefix(src[j:], "${") {
					depth++
					j++
				} else if depth > 0 && src[j] == '}' {
					depth--
				}
			}
			if j >= len(src) {
				return nil, false
			}
			t.kind, t.text = tokTemplate, src[i:j+1]
			i = j + 1
		case c == '/' && regexOK():
			j, class := i+1, false
			for ; j < len(src); j++ {
				switch src[j] {
				case '\\':
					j++
					continue
				case '[':
					class = true
				case ']':
					class = false
				case '\n':
					return nil, false
				}
				if src[j] == '/' && !class {
					break
				}
			}
			if j >= len(src) {
				return nil, false
			}
			j++
			for j < len(src) && isIdentByte(src[j]) {
				j++
			}
			t.kind, t.text = tokRegexp, src[i:j]
			i = j
		case isIdentByte(c) && !(c >= '0' && c <= '9'):
			j := i
			for j < len(src) && (isIdentByte(src[j]) || src[j] >= 0x80) {
				j++
			}
			t.kind, t.text = tokIdent, src[i:j]
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (isIdentByte(src[j]) || src[j] == '.') {
				j++
			}
			t.kind, t.text = tokNumber, src[i:j]
			i = j
		case c >= 0x80:
			j := i
			for j < len(src) && (isIdentByte(src[j]) || src[j] >= 0x80) {
				j++
			}
			t.kind, t.text = tokIdent, src[i:j]
			i = j
		default:
			t.kind, t.text = tokPunct, string(c)
			for _, p := range jsPuncts {
				if strings.HasPrefix(src[i:], p) {
					t.text = p
					break
				}
			}
			i += len(t.text)
		}
		out = append(out, t)
	}
	return out, true
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// JavaScript expressions: the subset routing conditions use.

type jsNode interface{ jsNode() }

type (
	jsUnknown struct{}
	jsStr     struct{ v string }
	jsArr     struct{ elems []jsNode }
	jsIdent   struct{ name string }
	jsMember  struct {
		obj  jsNode
		prop string
	}
	jsCall struct {
		fn   jsNode
		args []jsNode
	}
	jsBinary struct {
		op   string
		l, r jsNode
	}
	jsNot struct{ x jsNode }
)

func (jsUnknown) jsNode() {}
func (jsStr) jsNode()     {}
func (jsArr) jsNode()     {}
func (jsIdent) jsNode()   {}
func (jsMember) jsNode()  {}
func (jsCall) jsNode()    {}
func (jsBinary) jsNode()  {}
func (jsNot) jsNode()     {}

// parseJSExpr parses a whole token slice as one expression; nil when it is
// not one the reader understands.
func parseJSExpr(toks []jsTok) jsNode {
	p := &jsParser{toks: toks}
	n := p.or()
	if n == nil || p.i != len(toks) {
		return nil
	}
	return n
}

type jsParser struct {
	toks  []jsTok
	i     int
	depth int
}

func (p *jsParser) peek() string {
	if p.i < len(p.toks) && p.toks[p.i].kind == tokPunct {
		return p.toks[p.i].text
	}
	return ""
}

func (p *jsParser) or() jsNode {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 64 {
		return nil
	}
	l := p.and()
	for l != nil && (p.peek() == "||" || p.peek() == "??") {
		op := p.peek()
		p.i++
		r := p.and()
		if r == nil {
			return nil
		}
		l = jsBinary{op, l, r}
	}
	return l
}

func (p *jsParser) and() jsNode {
	l := p.equality()
	for l != nil && p.peek() == "&&" {
		p.i++
		r := p.equality()
		if r == nil {
			return nil
		}
		l = jsBinary{"&&", l, r}
	}
	return l
}

func (p *jsParser) equality() jsNode {
	l := p.unary()
	for l != nil {
		op := p.peek()
		if op != "===" && op != "==" && op != "!==" && op != "!=" {
			break
		}
		p.i++
		r := p.unary()
		if r == nil {
			return nil
		}
		l = jsBinary{op, l, r}
	}
	return l
}

func (p *jsParser) unary() jsNode {
	if p.peek() == "!" {
		p.i++
		x := p.unary()
		if x == nil {
			return nil
		}
		return jsNot{x}
	}
	return p.postfix()
}

func (p *jsParser) postfix() jsNode {
	n := p.primary()
	for n != nil && p.i < len(p.toks) {
		switch p.peek() {
		case ".", "?.":
			p.i++
			if p.i >= len(p.toks) || p.toks[p.i].kind != tokIdent {
				return nil
			}
			n = jsMember{n, p.toks[p.i].text}
			p.i++
		case "(":
			p.i++
			args, ok := p.list(")")
			if !ok {
				return nil
			}
			n = jsCall{n, args}
		case "[":
			p.i++
			idx := p.or()
			if idx == nil || p.peek() != "]" {
				return nil
			}
			p.i++
			if s, ok := idx.(jsStr); ok {
				n = jsMember{n, s.v}
			} else {
				n = jsUnknown{}
			}
		default:
			return n
		}
	}
	return n
}

func (p *jsParser) list(end string) ([]jsNode, bool) {
	var out []jsNode
	for p.peek() != end {
		e := p.or()
		if e == nil {
			return nil, false
		}
		out = append(out, e)
		if p.peek() == "," {
			p.i++
			continue
		}
		if p.peek() != end {
			return nil, false
		}
	}
	p.i++
	return out, true
}

func (p *jsParser) primary() jsNode {
	if p.i >= len(p.toks) {
		return nil
	}
	t := p.toks[p.i]
	p.i++
	switch t.kind {
	case tokString:
		return jsStr{t.text}
	case tokTemplate:
		if !strings.Contains(t.text, "${") {
			return jsStr{t.text[1 : len(t.text)-1]}
		}
		return jsUnknown{}
	case tokNumber, tokRegexp:
		return jsUnknown{}
	case tokIdent:
		switch t.text {
		case "true", "false", "null", "undefined":
			return jsUnknown{}
		}
		return jsIdent{t.text}
	}
	switch t.text {
	case "(":
		n := p.or()
		if n == nil || p.peek() != ")" {
			return nil
		}
		p.i++
		return n
	case "[":
		elems, ok := p.list("]")
		if !ok {
			return nil
		}
		return jsArr{elems}
	}
	return nil
}

// Evaluation.

// jsVal is what an expression is known to be.
type jsVal struct {
	strs  []string // it is one of these strings
	arr   []string // it is an array of these literal strings
	isArr bool
	path  string // a known object: context, context.payload, process.env
	truth tri    // for booleans
	isStr bool
	isB   bool
}

var unknownVal = jsVal{}

type jsEval struct {
	route *scriptRoute
	event routeEvent
}

func (e *jsEval) truth(v jsVal) tri {
	switch {
	case v.isB:
		return v.truth
	case v.isStr:
		t := tri(2) // none yet
		for _, s := range v.strs {
			st := triFalse
			if s != "" {
				st = triTrue
			}
			if t == 2 {
				t = st
			} else if t != st {
				return triUnknown
			}
		}
		if t == 2 {
			return triUnknown
		}
		return t
	case v.isArr:
		return triTrue
	}
	return triUnknown
}

func boolVal(t tri) jsVal { return jsVal{isB: true, truth: t} }

func (e *jsEval) eval(n jsNode, depth int) jsVal {
	if depth > 32 {
		return unknownVal
	}
	switch n := n.(type) {
	case jsStr:
		return jsVal{isStr: true, strs: []string{n.v}}
	case jsArr:
		v := jsVal{isArr: true}
		for _, el := range n.elems {
			s, ok := el.(jsStr)
			if !ok {
				return unknownVal
			}
			v.arr = append(v.arr, s.v)
		}
		return v
	case jsIdent:
		switch n.name {
		case "context", "process":
			if e.route.poison[n.name] {
				return unknownVal
			}
			return jsVal{path: n.name}
		}
		if b, ok := e.route.binds[n.name]; ok {
			return e.eval(b, depth+1)
		}
	case jsMember:
		return e.member(e.eval(n.obj, depth+1), n.prop)
	case jsNot:
		return boolVal(e.truth(e.eval(n.x, depth+1)).not())
	case jsBinary:
		l, r := e.eval(n.l, depth+1), e.eval(n.r, depth+1)
		switch n.op {
		case "&&":
			return boolVal(and(e.truth(l), e.truth(r)))
		case "||", "??":
			if l.isStr && r.isStr {
				if n.op == "||" && e.truth(l) == triTrue {
					return l
				}
				return jsVal{isStr: true, strs: appendNew(slices.Clone(l.strs), r.strs...)}
			}
			return boolVal(or(e.truth(l), e.truth(r)))
		case "===", "==":
			return boolVal(strEqual(l, r))
		case "!==", "!=":
			return boolVal(strEqual(l, r).not())
		}
	case jsCall:
		m, ok := n.fn.(jsMember)
		if !ok {
			return unknownVal
		}
		recv := e.eval(m.obj, depth+1)
		var args []jsVal
		for _, a := range n.args {
			args = append(args, e.eval(a, depth+1))
		}
		return e.method(recv, m.prop, args)
	}
	return unknownVal
}

func (e *jsEval) member(obj jsVal, prop string) jsVal {
	switch obj.path {
	case "process":
		if prop == "env" && !e.route.poison["process.env"] {
			return jsVal{path: "process.env"}
		}
	case "process.env":
		raw, ok := e.route.env[prop]
		if !ok {
			return unknownVal
		}
		if vs, ok := templateValues(raw, e.event); ok {
			return jsVal{isStr: true, strs: vs}
		}
	case "context":
		switch prop {
		case "eventName":
			return jsVal{isStr: true, strs: []string{e.event.name}}
		case "payload":
			return jsVal{path: "context.payload"}
		}
	case "context.payload":
		if prop == "action" && len(e.event.types) > 0 {
			return jsVal{isStr: true, strs: slices.Clone(e.event.types)}
		}
	}
	return unknownVal
}

func (e *jsEval) method(recv jsVal, name string, args []jsVal) jsVal {
	switch {
	case recv.isArr && name == "includes" && len(args) == 1 && args[0].isStr:
		in, out := false, false
		for _, s := range args[0].strs {
			if slices.Contains(recv.arr, s) {
				in = true
			} else {
				out = true
			}
		}
		switch {
		case in && !out:
			return boolVal(triTrue)
		case out && !in:
			return boolVal(triFalse)
		}
		return boolVal(triUnknown)
	case recv.isStr && len(args) == 0 && (name == "trim" || name == "toLowerCase" || name == "toUpperCase"):
		v := jsVal{isStr: true}
		for _, s := range recv.strs {
			switch name {
			case "trim":
				s = strings.TrimSpace(s)
			case "toLowerCase":
				s = strings.ToLower(s)
			default:
				s = strings.ToUpper(s)
			}
			v.strs = appendNew(v.strs, s)
		}
		return v
	case recv.isStr && len(args) == 1 && args[0].isStr && len(args[0].strs) == 1 &&
		(name == "startsWith" || name == "endsWith" || name == "includes"):
		needle := args[0].strs[0]
		t := tri(2)
		for _, s := range recv.strs {
			var b bool
			switch name {
			case "startsWith":
				b = strings.HasPrefix(s, needle)
			case "endsWith":
				b = strings.HasSuffix(s, needle)
			default:
				b = strings.Contains(s, needle)
			}
			st := triFalse
			if b {
				st = triTrue
			}
			if t == 2 {
				t = st
			} else if t != st {
				return boolVal(triUnknown)
			}
		}
		if t == 2 {
			return unknownVal
		}
		return boolVal(t)
	}
	return unknownVal
}

// strEqual compares two values that are known strings.
func strEqual(l, r jsVal) tri {
	if !l.isStr || !r.isStr {
		return triUnknown
	}
	common := false
	for _, s := range l.strs {
		if slices.Contains(r.strs, s) {
			common = true
		}
	}
	switch {
	case !common:
		return triFalse
	case len(l.strs) == 1 && len(r.strs) == 1:
		return triTrue
	}
	return triUnknown
}

// templateValues expands an env value made of literal text and the
// expressions github.event_name and github.event.action for one event;
// false when it holds anything else or the activity type is open.
func templateValues(raw string, e routeEvent) ([]string, bool) {
	out := []string{""}
	rest := raw
	for {
		i := strings.Index(rest, "${{")
		if i < 0 {
			break
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			return nil, false
		}
		lit := rest[:i]
		body := strings.ToLower(strings.TrimSpace(rest[i+3 : i+j]))
		rest = rest[i+j+2:]
		var vals []string
		switch body {
		case "github.event_name":
			vals = []string{e.name}
		case "github.event.action":
			if len(e.types) == 0 {
				return nil, false
			}
			vals = e.types
		default:
			return nil, false
		}
		var next []string
		for _, o := range out {
			for _, v := range vals {
				next = appendNew(next, o+lit+v)
			}
		}
		out = next
		if len(out) > 64 {
			return nil, false
		}
	}
	for k := range out {
		out[k] += rest
	}
	return out, true
}
