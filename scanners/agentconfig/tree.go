package agentconfig

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
	"github.com/tailscale/hujson"
	"go.yaml.in/yaml/v4"
)

// The three configuration syntaxes (JSON with comments and trailing commas,
// TOML, YAML) are parsed by well-kept libraries and turned into one small
// tree with positions, so that the format readers below never care which
// syntax a file uses and every finding points at the line that causes it.

// Bounds that keep hostile input from costing unbounded memory or stack.
const (
	maxConfigSize = 8 << 20 // bytes of one configuration file
	maxDepth      = 256     // nesting of objects and arrays
	maxNodes      = 500_000 // values in one tree (YAML aliases included)
)

var errTooDeep = fmt.Errorf("nesting deeper than %d levels", maxDepth)

type kind uint8

const (
	kNull kind = iota
	kBool
	kNumber
	kString
	kObject
	kArray
)

// node is one value of a parsed configuration.
type node struct {
	kind    kind
	str     string // string value, or the literal text of a bool or number
	members []member
	items   []*node
	line    int // 1-based line of the value
	col     int // 1-based column (bytes) of the value; for strings, of the first content byte
}

type member struct {
	key     string
	keyLine int
	val     *node
}

// get returns the value of key (the last one when a key repeats, as
// JavaScript's JSON.parse does), or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kObject {
		return nil
	}
	for i := len(n.members) - 1; i >= 0; i-- {
		if n.members[i].key == key {
			return n.members[i].val
		}
	}
	return nil
}

// at follows a path of keys.
func (n *node) at(keys ...string) *node {
	for _, k := range keys {
		n = n.get(k)
	}
	return n
}

// text is the value of a string node ("" otherwise).
func (n *node) text() string {
	if n == nil || n.kind != kString {
		return ""
	}
	return n.str
}

// isTrue accepts true and "true".
func (n *node) isTrue() bool {
	return n != nil && (n.kind == kBool || n.kind == kString) && strings.EqualFold(n.str, "true")
}

// isFalse accepts false and "false".
func (n *node) isFalse() bool {
	return n != nil && (n.kind == kBool || n.kind == kString) && strings.EqualFold(n.str, "false")
}

// strs returns the strings of an array (or a single string as one item).
func (n *node) strs() []string {
	if n == nil {
		return nil
	}
	if n.kind == kString {
		return []string{n.str}
	}
	var out []string
	for _, it := range n.items {
		if it.kind == kString {
			out = append(out, it.str)
		}
	}
	return out
}

// pointerJoin appends a key to a JSON pointer (RFC 6901 escaping).
func pointerJoin(ptr, key string) string {
	key = strings.ReplaceAll(key, "~", "~0")
	key = strings.ReplaceAll(key, "/", "~1")
	return ptr + "/" + key
}

func pointerIndex(ptr string, i int) string { return ptr + "/" + strconv.Itoa(i) }

// lines maps byte offsets to line and column numbers.
type lines struct{ starts []int }

func newLines(data []byte) *lines {
	l := &lines{starts: []int{0}}
	for i, b := range data {
		if b == '\n' {
			l.starts = append(l.starts, i+1)
		}
	}
	return l
}

func (l *lines) pos(off int) (int, int) {
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, off - l.starts[i] + 1
}

// syntaxError is a parse error with a position and a reason that never
// quotes the input (a broken file may hold a credential).
type syntaxError struct {
	format string
	line   int
	col    int
	reason string
}

func (e *syntaxError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("invalid %s at line %d, column %d: %s", e.format, e.line, e.col, e.reason)
	}
	return fmt.Sprintf("invalid %s: %s", e.format, e.reason)
}

// jsonDepth checks the nesting of JSON with comments before the recursive
// parser sees it: a deeply nested file must not exhaust the stack.
func jsonDepth(data []byte) error {
	depth := 0
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '/':
			if i+1 < len(data) && data[i+1] == '/' {
				for i < len(data) && data[i] != '\n' {
					i++
				}
			} else if i+1 < len(data) && data[i+1] == '*' {
				end := bytes.Index(data[i+2:], []byte("*/"))
				if end < 0 {
					return nil // the parser reports the unterminated comment
				}
				i += end + 3
			}
		case '{', '[':
			depth++
			if depth > maxDepth {
				return errTooDeep
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

var hujsonPos = regexp.MustCompile(`^hujson: line (\d+), column (\d+): `)

// parseJSON parses JSON with comments and trailing commas (the dialect VS
// Code, Cursor and Zed accept; plain JSON is a subset).
func parseJSON(data []byte) (*node, error) {
	if len(data) > maxConfigSize {
		return nil, &syntaxError{format: "JSON", reason: fmt.Sprintf("larger than %d bytes, not parsed", maxConfigSize)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte-order mark
	if err := jsonDepth(data); err != nil {
		return nil, &syntaxError{format: "JSON", reason: err.Error()}
	}
	v, err := hujson.Parse(data)
	if err != nil {
		se := &syntaxError{format: "JSON", reason: "syntax error"}
		if m := hujsonPos.FindStringSubmatch(err.Error()); m != nil {
			se.line, _ = strconv.Atoi(m[1])
			se.col, _ = strconv.Atoi(m[2])
			se.reason = jsonReason(err.Error()[len(m[0]):])
		}
		return nil, se
	}
	b := &jsonBuilder{lines: newLines(data)}
	n := b.conv(&v)
	if b.count > maxNodes {
		return nil, &syntaxError{format: "JSON", reason: fmt.Sprintf("more than %d values", maxNodes)}
	}
	return n, nil
}

// jsonReason keeps the parser's explanation only when it cannot carry input
// text: the generic kinds of error, never the offending literal.
func jsonReason(msg string) string {
	switch {
	case strings.Contains(msg, "unexpected EOF"):
		return "unexpected end of file"
	case strings.HasPrefix(msg, "invalid literal"):
		return "invalid literal"
	case strings.Contains(msg, "invalid UTF-8"):
		return "invalid UTF-8 in a comment"
	case strings.HasPrefix(msg, "invalid character"):
		if i := strings.Index(msg, "' "); i > 0 && i < 20 {
			return "invalid character " + msg[i+2:] // e.g. "after object value (expecting ',' or '}')"
		}
		return "invalid character"
	}
	return "syntax error"
}

type jsonBuilder struct {
	lines *lines
	count int
}

func (b *jsonBuilder) conv(v *hujson.Value) *node {
	b.count++
	if b.count > maxNodes {
		return &node{kind: kNull}
	}
	line, col := b.lines.pos(v.StartOffset)
	n := &node{line: line, col: col}
	switch t := v.Value.(type) {
	case *hujson.Object:
		n.kind = kObject
		for i := range t.Members {
			m := &t.Members[i]
			kl, _ := b.lines.pos(m.Name.StartOffset)
			key := ""
			if lit, ok := m.Name.Value.(hujson.Literal); ok {
				key = lit.String()
			}
			n.members = append(n.members, member{key: key, keyLine: kl, val: b.conv(&m.Value)})
		}
	case *hujson.Array:
		n.kind = kArray
		for i := range t.Elements {
			n.items = append(n.items, b.conv(&t.Elements[i]))
		}
	case hujson.Literal:
		switch t.Kind() {
		case '"':
			n.kind, n.str = kString, t.String()
			n.col++ // the first content byte, after the quote
		case 't', 'f':
			n.kind, n.str = kBool, string(t)
		case '0':
			n.kind, n.str = kNumber, string(t)
		default:
			n.kind = kNull
		}
	}
	return n
}

// parseTOML parses TOML: go-toml validates the document (duplicate keys,
// redefined tables) and its unstable AST gives the positions.
func parseTOML(data []byte) (*node, error) {
	if len(data) > maxConfigSize {
		return nil, &syntaxError{format: "TOML", reason: fmt.Sprintf("larger than %d bytes, not parsed", maxConfigSize)}
	}
	var check map[string]any
	if err := toml.Unmarshal(data, &check); err != nil {
		se := &syntaxError{format: "TOML", reason: "syntax error"}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			se.line, se.col = de.Position()
			se.reason = tomlReason(de.Error())
		}
		return nil, se
	}
	t := &tomlBuilder{lines: newLines(data), root: &node{kind: kObject, line: 1, col: 1}}
	p := &unstable.Parser{}
	p.Reset(data)
	cur := t.root
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			cur = t.table(t.root, t.keys(e), false)
		case unstable.ArrayTable:
			cur = t.table(t.root, t.keys(e), true)
		case unstable.KeyValue:
			t.keyValue(cur, e)
		}
		if t.count > maxNodes {
			return nil, &syntaxError{format: "TOML", reason: fmt.Sprintf("more than %d values", maxNodes)}
		}
	}
	if err := p.Error(); err != nil {
		return nil, &syntaxError{format: "TOML", reason: "syntax error"}
	}
	return t.root, nil
}

func tomlReason(msg string) string {
	msg = strings.TrimPrefix(msg, "toml: ")
	// go-toml's messages name the problem and sometimes a key; keep the
	// problem only.
	for _, known := range []string{"duplicate key", "cannot decode", "expected", "invalid", "unterminated", "unexpected", "too deeply nested"} {
		if strings.Contains(msg, known) {
			return known
		}
	}
	return "syntax error"
}

type tomlBuilder struct {
	lines *lines
	root  *node
	count int
}

type tomlKey struct {
	name string
	line int
}

func (t *tomlBuilder) keys(e *unstable.Node) []tomlKey {
	var out []tomlKey
	it := e.Key()
	for it.Next() {
		k := it.Node()
		line, _ := t.lines.pos(int(k.Raw.Offset))
		out = append(out, tomlKey{name: string(k.Data), line: line})
	}
	return out
}

// table walks (creating) the tables of a header from the root; an array
// table appends a new element.
func (t *tomlBuilder) table(n *node, keys []tomlKey, array bool) *node {
	for i, k := range keys {
		last := i == len(keys)-1
		child := n.get(k.name)
		switch {
		case last && array:
			if child == nil || child.kind != kArray {
				child = &node{kind: kArray, line: k.line, col: 1}
				n.members = append(n.members, member{key: k.name, keyLine: k.line, val: child})
			}
			el := &node{kind: kObject, line: k.line, col: 1}
			child.items = append(child.items, el)
			t.count++
			return el
		case child == nil:
			child = &node{kind: kObject, line: k.line, col: 1}
			n.members = append(n.members, member{key: k.name, keyLine: k.line, val: child})
			t.count++
		case child.kind == kArray && len(child.items) > 0:
			child = child.items[len(child.items)-1]
		}
		if child.kind != kObject {
			return &node{kind: kObject} // a conflict go-toml already rejected
		}
		n = child
	}
	return n
}

func (t *tomlBuilder) keyValue(cur *node, e *unstable.Node) {
	keys := t.keys(e)
	if len(keys) == 0 {
		return
	}
	parent := t.table(cur, keys[:len(keys)-1], false)
	last := keys[len(keys)-1]
	parent.members = append(parent.members, member{key: last.name, keyLine: last.line, val: t.value(e.Value(), last.line)})
}

func (t *tomlBuilder) value(v *unstable.Node, line int) *node {
	t.count++
	n := &node{line: line, col: 1}
	if v == nil || t.count > maxNodes {
		return n
	}
	if v.Raw.Length > 0 {
		n.line, n.col = t.lines.pos(int(v.Raw.Offset))
	}
	switch v.Kind {
	case unstable.String:
		n.kind, n.str = kString, string(v.Data)
		if v.Raw.Length > 0 {
			n.col++ // after the quote
		}
	case unstable.Bool:
		n.kind, n.str = kBool, string(v.Data)
	case unstable.Integer, unstable.Float:
		n.kind, n.str = kNumber, string(v.Data)
	case unstable.LocalDate, unstable.LocalTime, unstable.LocalDateTime, unstable.DateTime:
		n.kind, n.str = kString, string(v.Data)
	case unstable.Array:
		n.kind = kArray
		it := v.Children()
		for it.Next() {
			n.items = append(n.items, t.value(it.Node(), n.line))
		}
	case unstable.InlineTable:
		n.kind = kObject
		it := v.Children()
		for it.Next() {
			kv := it.Node()
			if kv.Kind == unstable.KeyValue {
				t.keyValue(n, kv)
			}
		}
	}
	return n
}

// parseYAML parses the first YAML document. Aliases are followed within the
// node budget, so an alias bomb costs bounded work.
func parseYAML(data []byte) (*node, error) {
	if len(data) > maxConfigSize {
		return nil, &syntaxError{format: "YAML", reason: fmt.Sprintf("larger than %d bytes, not parsed", maxConfigSize)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		se := &syntaxError{format: "YAML", reason: "syntax error"}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			se.line, _ = strconv.Atoi(m[1])
			se.col = 1
		}
		return nil, se
	}
	y := &yamlBuilder{}
	n, err := y.conv(&doc, 0)
	if err != nil {
		return nil, &syntaxError{format: "YAML", reason: err.Error()}
	}
	if n == nil {
		return &node{kind: kNull, line: 1, col: 1}, nil
	}
	return n, nil
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

type yamlBuilder struct{ count int }

func (y *yamlBuilder) conv(v *yaml.Node, depth int) (*node, error) {
	if v == nil {
		return nil, nil
	}
	y.count++
	if y.count > maxNodes {
		return nil, fmt.Errorf("more than %d values (alias expansion included)", maxNodes)
	}
	if depth > maxDepth {
		return nil, errTooDeep
	}
	n := &node{line: v.Line, col: v.Column}
	switch v.Kind {
	case yaml.DocumentNode:
		if len(v.Content) == 0 {
			return nil, nil
		}
		return y.conv(v.Content[0], depth+1)
	case yaml.AliasNode:
		return y.conv(v.Alias, depth+1)
	case yaml.MappingNode:
		n.kind = kObject
		for i := 0; i+1 < len(v.Content); i += 2 {
			k, val := v.Content[i], v.Content[i+1]
			c, err := y.conv(val, depth+1)
			if err != nil {
				return nil, err
			}
			if c == nil {
				c = &node{kind: kNull, line: val.Line, col: val.Column}
			}
			n.members = append(n.members, member{key: k.Value, keyLine: k.Line, val: c})
		}
	case yaml.SequenceNode:
		n.kind = kArray
		for _, it := range v.Content {
			c, err := y.conv(it, depth+1)
			if err != nil {
				return nil, err
			}
			if c != nil {
				n.items = append(n.items, c)
			}
		}
	case yaml.ScalarNode:
		switch v.ShortTag() {
		case "!!null":
			n.kind = kNull
		case "!!bool":
			n.kind, n.str = kBool, strings.ToLower(v.Value)
		case "!!int", "!!float":
			n.kind, n.str = kNumber, v.Value
		default:
			n.kind, n.str = kString, v.Value
			if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
				n.col++
			}
		}
	}
	return n, nil
}
