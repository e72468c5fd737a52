package workflows

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/agentreach/agentreach/inventory"
)

// maxExprLen bounds one ${{ }} expression handed to actionlint's parser.
const maxExprLen = 4096

// expressions returns the bodies of the ${{ … }} spans of s, at most limit.
func expressions(s string, limit int) []string {
	var out []string
	for len(out) < limit {
		i := strings.Index(s, "${{")
		if i < 0 {
			break
		}
		rest := s[i+3:]
		j := strings.Index(rest, "}}")
		if j < 0 {
			break
		}
		out = append(out, strings.TrimSpace(rest[:j]))
		s = rest[j+2:]
	}
	return out
}

// parseExpr parses one expression body (without ${{ }}).
func parseExpr(body string) actionlint.ExprNode {
	if body == "" || len(body) > maxExprLen {
		return nil
	}
	n, err := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(body + "}}"))
	if err != nil {
		return nil
	}
	return n
}

// parseCondition parses an if: condition, which may or may not be wrapped
// in ${{ }}. It returns nil when the condition is not one expression.
func parseCondition(cond string) actionlint.ExprNode {
	c := strings.TrimSpace(cond)
	if c == "" {
		return nil
	}
	if strings.HasPrefix(c, "${{") && strings.HasSuffix(c, "}}") {
		inner := c[3 : len(c)-2]
		if strings.Contains(inner, "${{") {
			return nil
		}
		return parseExpr(strings.TrimSpace(inner))
	}
	if strings.Contains(c, "${{") {
		return nil
	}
	return parseExpr(c)
}

var (
	secretDotRe   = regexp.MustCompile(`(?i)\bsecrets\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*)`)
	secretIndexRe = regexp.MustCompile(`(?i)\bsecrets\s*\[\s*'([^']*)'\s*\]`)
	secretAnyRe   = regexp.MustCompile(`(?i)\bsecrets\b`)
	githubTokenRe = regexp.MustCompile(`(?i)\bgithub\s*\.\s*token\b`)
	// githubWholeRe: the whole github context (toJSON(github),
	// github['token']), which holds the token.
	githubWholeRe = regexp.MustCompile(`(?i)\bgithub\s*(?:\)|,|\[|$)`)
)

// secretUse is what an expression says about secrets.
type secretUse struct {
	names []string // named secrets (upper case), GITHUB_TOKEN included
	all   bool     // toJSON(secrets), secrets[expr] or the whole context
}

// secretsIn reads the secret references of every ${{ }} span of s.
func secretsIn(s string) secretUse {
	var u secretUse
	if !strings.Contains(s, "${{") {
		return u
	}
	for _, e := range expressions(s, 256) {
		u.merge(secretsInExpr(e))
	}
	return u
}

func secretsInExpr(e string) secretUse {
	var u secretUse
	covered := 0
	for _, m := range secretDotRe.FindAllStringSubmatch(e, -1) {
		u.add(m[1])
		covered++
	}
	for _, m := range secretIndexRe.FindAllStringSubmatch(e, -1) {
		u.add(m[1])
		covered++
	}
	if githubTokenRe.MatchString(e) || githubWholeRe.MatchString(e) {
		u.add("GITHUB_TOKEN")
	}
	// Any other mention of the secrets context (toJSON(secrets),
	// secrets[matrix.name], format('{0}', secrets)) exposes all of them.
	if n := len(secretAnyRe.FindAllStringIndex(e, -1)); n > covered {
		u.all = true
	}
	return u
}

func (u *secretUse) add(name string) {
	name = strings.ToUpper(name)
	if name != "" && !slices.Contains(u.names, name) {
		u.names = append(u.names, name)
	}
}

func (u *secretUse) merge(v secretUse) {
	for _, n := range v.names {
		u.add(n)
	}
	u.all = u.all || v.all
}

// untrustedRoots is actionlint's list of attacker-controlled context paths
// (BuiltinUntrustedInputs, v1.7.12) extended with the workflow_run payload
// that an upstream run's author controls. AddRoot replaces a root, so the
// whole github tree is spelled out here.
var untrustedRoots = func() actionlint.UntrustedInputSearchRoots {
	m := actionlint.NewUntrustedInputMap
	author := func() *actionlint.UntrustedInputMap { return m("author", m("email"), m("name")) }
	roots := actionlint.UntrustedInputSearchRoots{}
	roots.AddRoot(m("github",
		m("event",
			m("issue", m("title"), m("body")),
			m("pull_request", m("title"), m("body"),
				m("head", m("ref"), m("label"), m("repo", m("default_branch"), m("full_name")))),
			m("comment", m("body")),
			m("review", m("body")),
			m("review_comment", m("body")),
			m("pages", m("*", m("page_name"))),
			m("commits", m("*", m("message"), author())),
			m("head_commit", m("message"), author()),
			m("discussion", m("title"), m("body")),
			m("workflow_run",
				m("head_branch"),
				m("display_title"),
				m("head_commit", m("message"), author()),
				m("pull_requests", m("*", m("head", m("ref")))),
			),
		),
		m("head_ref"),
	))
	return roots
}()

// untrustedIn lists the attacker-controlled paths expanded by the ${{ }}
// spans of s.
func untrustedIn(s string) []string {
	if !strings.Contains(s, "${{") {
		return nil
	}
	var out []string
	for _, e := range expressions(s, 256) {
		n := parseExpr(e)
		if n == nil {
			continue
		}
		c := actionlint.NewUntrustedInputChecker(untrustedRoots)
		c.Init()
		actionlint.VisitExprNode(n, func(n, _ actionlint.ExprNode, entering bool) {
			if entering {
				c.OnVisitNodeEnter(n)
			} else {
				c.OnVisitNodeLeave(n)
			}
		})
		c.OnVisitEnd()
		for _, err := range c.Errs() {
			if p := untrustedPath(err.Message); p != "" && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

var quotedPathRe = regexp.MustCompile(`"((?:github)\.[^"]+)"`)

// untrustedPath extracts the context path from actionlint's message
// (`"github.event.issue.title" is potentially untrusted …`).
func untrustedPath(msg string) string {
	if m := quotedPathRe.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return ""
}

// tri is a three-valued truth: can a condition hold?
type tri int8

const (
	triFalse tri = iota - 1
	triUnknown
	triTrue
)

func (t tri) not() tri { return -t }

func and(a, b tri) tri { return min(a, b) }
func or(a, b tri) tri  { return max(a, b) }

// trustedAssociations are the author_association values of people the
// repository trusts (the catalog's gate set).
var trustedAssociations = []string{"OWNER", "MEMBER", "COLLABORATOR"}

// gateEval evaluates an if: condition for one event under the assumption
// that the person who caused the event has no write access: triFalse means
// such a person cannot make the job run. It records the gates it relied on.
type gateEval struct {
	event string
	gates map[string]string // kind → detail
	bots  []string          // spoofable bot-name checks seen
	// outputs returns the values a `needs.<job>.outputs.<name>` path can
	// hold on this event; false when that is unknown.
	outputs func(path string) ([]string, bool)
	// selfLabels are the labels anyone can put on an issue they open: the
	// ones an issue template of the repository applies (set on an issues
	// event whose types include opened). A check for one is no gate.
	selfLabels map[string]bool
}

// outputValues is g.outputs for a needs output path.
func (g *gateEval) outputValues(p string) ([]string, bool) {
	if g.outputs == nil || !strings.HasPrefix(p, "needs.") {
		return nil, false
	}
	return g.outputs(p)
}

func (g *gateEval) gate(kind, detail string) tri {
	if g.gates == nil {
		g.gates = map[string]string{}
	}
	// Several checks of one kind (the commenter's and the reviewer's
	// author_association) each vouch for their own object's text: keep them
	// all, "; "-separated.
	switch old, ok := g.gates[kind]; {
	case !ok:
		g.gates[kind] = detail
	case !slices.Contains(strings.Split(old, "; "), detail):
		g.gates[kind] = old + "; " + detail
	}
	return triFalse
}

func (g *gateEval) eval(n actionlint.ExprNode) tri {
	switch n := n.(type) {
	case nil:
		return triUnknown
	case *actionlint.BoolNode:
		if n.Value {
			return triTrue
		}
		return triFalse
	case *actionlint.NullNode:
		return triFalse
	case *actionlint.LogicalOpNode:
		// A side that is a constant decides alone (`false && (…)`, the
		// usual way to switch a job off): the other side's gates are never
		// consulted, so they must not narrow who starts the job.
		isAnd := n.Kind == actionlint.LogicalOpNodeKindAnd
		for _, side := range []actionlint.ExprNode{n.Left, n.Right} {
			if v, ok := constant(side); ok && v != isAnd {
				return triOf(v)
			}
		}
		l, r := g.eval(n.Left), g.eval(n.Right)
		if isAnd {
			return and(l, r)
		}
		return or(l, r)
	case *actionlint.NotOpNode:
		switch p := ctxPath(n.Operand); p {
		case "github.event.pull_request.head.repo.fork", "github.event.workflow_run.head_repository.fork":
			return g.gate(inventory.GateSameRepository, "!"+p)
		}
		return g.eval(n.Operand).not()
	case *actionlint.CompareOpNode:
		switch n.Kind {
		case actionlint.CompareOpNodeKindEq:
			return g.equal(n.Left, n.Right)
		case actionlint.CompareOpNodeKindNotEq:
			return g.equal(n.Left, n.Right).not()
		}
		return triUnknown
	case *actionlint.FuncCallNode:
		return g.call(n)
	case *actionlint.IndexAccessNode, *actionlint.ObjectDerefNode:
		// workflow_run.pull_requests is empty when the head is a fork.
		if p := ctxPath(n); strings.HasPrefix(p, "github.event.workflow_run.pull_requests") {
			return g.gate(inventory.GateSameRepository, p)
		} else if p == "github.event.pull_request.merged" {
			return g.gate(inventory.GateEventFilter, p) // only writers merge
		}
	}
	return triUnknown
}

// constant evaluates an expression made of literals only (true, false,
// null, !, && and ||); false when any part depends on the run.
func constant(n actionlint.ExprNode) (bool, bool) {
	switch n := n.(type) {
	case *actionlint.BoolNode:
		return n.Value, true
	case *actionlint.NullNode:
		return false, true
	case *actionlint.NotOpNode:
		v, ok := constant(n.Operand)
		return !v, ok
	case *actionlint.CompareOpNode:
		// 'false' == 'true', 1 == 2: two literals compared.
		l, lok := exprLiteral(n.Left)
		r, rok := exprLiteral(n.Right)
		if !lok || !rok || !isLiteralNode(n.Left) || reflect.TypeOf(n.Left) != reflect.TypeOf(n.Right) {
			return false, false // 'true' == true converts both to numbers: left alone
		}
		switch n.Kind {
		case actionlint.CompareOpNodeKindEq:
			return strings.EqualFold(l, r), true
		case actionlint.CompareOpNodeKindNotEq:
			return !strings.EqualFold(l, r), true
		}
	case *actionlint.LogicalOpNode:
		isAnd := n.Kind == actionlint.LogicalOpNodeKindAnd
		l, lok := constant(n.Left)
		r, rok := constant(n.Right)
		switch {
		case lok && l != isAnd, rok && r != isAnd:
			return !isAnd, true // false && x, x || true
		case lok && rok:
			return r, true
		}
	}
	return false, false
}

// isLiteralNode reports a string, number or boolean literal.
func isLiteralNode(n actionlint.ExprNode) bool {
	switch n.(type) {
	case *actionlint.StringNode, *actionlint.IntNode, *actionlint.FloatNode, *actionlint.BoolNode:
		return true
	}
	return false
}

func triOf(v bool) tri {
	if v {
		return triTrue
	}
	return triFalse
}

// equal evaluates left == right, trying both operand orders.
func (g *gateEval) equal(l, r actionlint.ExprNode) tri {
	if v := g.equalOrdered(l, r); v != triUnknown {
		return v
	}
	return g.equalOrdered(r, l)
}

func (g *gateEval) equalOrdered(l, r actionlint.ExprNode) tri {
	lp, rp := ctxPath(l), ctxPath(r)
	if lp == "" {
		return triUnknown
	}
	lit, isLit := exprLiteral(r)
	if vals, ok := g.outputValues(lp); ok && isLit {
		// A routed output (see route.go): false when the job that sets it
		// cannot set it to this value on this event.
		if !slices.Contains(vals, lit) {
			return triFalse
		}
		if len(vals) == 1 {
			return triTrue
		}
		return triUnknown
	}
	switch {
	case lp == "github.event_name":
		if isLit {
			if strings.EqualFold(lit, g.event) {
				return triTrue
			}
			return triFalse
		}
	case strings.HasSuffix(lp, ".author_association"):
		if isLit && slices.Contains(trustedAssociations, strings.ToUpper(lit)) {
			return g.gate(inventory.GateAuthorAssociation, lp+" == "+strings.ToUpper(lit))
		}
	case isActorPath(lp):
		if isLit {
			if spoofableName(lit) {
				g.bots = append(g.bots, lit)
				return triUnknown
			}
			return g.gate(inventory.GateActor, lp+" == "+lit)
		}
	case lp == "github.event.pull_request.head.repo.full_name" || lp == "github.event.workflow_run.head_repository.full_name":
		if rp == "github.repository" || (isLit && strings.Contains(lit, "/")) {
			return g.gate(inventory.GateSameRepository, lp+" == "+cmpOr(rp, lit))
		}
	case lp == "github.event.pull_request.head.repo.owner.login":
		if rp == "github.repository_owner" {
			return g.gate(inventory.GateSameRepository, lp+" == "+rp)
		}
	case lp == "github.event.pull_request.head.repo.fork" || lp == "github.event.workflow_run.head_repository.fork":
		if b, ok := r.(*actionlint.BoolNode); ok && !b.Value {
			return g.gate(inventory.GateSameRepository, lp+" == false")
		}
		if isLit && strings.EqualFold(lit, "false") {
			return g.gate(inventory.GateSameRepository, lp+" == 'false'")
		}
	case lp == "github.event.label.name":
		if isLit {
			return g.gate(inventory.GateLabel, "label "+lit)
		}
	case lp == "github.event.pull_request.merged":
		// Only people with write access merge a pull request.
		if b, ok := r.(*actionlint.BoolNode); ok && b.Value || isLit && strings.EqualFold(lit, "true") {
			return g.gate(inventory.GateEventFilter, lp+" == true")
		}
	case lp == "github.event.workflow_run.event":
		// An upstream run on push or schedule was started by a writer.
		if isLit {
			switch strings.ToLower(lit) {
			case "push", "schedule", "workflow_dispatch", "release", "merge_group":
				return g.gate(inventory.GateEventFilter, lp+" == "+lit)
			}
		}
	}
	return triUnknown
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (g *gateEval) call(n *actionlint.FuncCallNode) tri {
	if strings.ToLower(n.Callee) != "contains" || len(n.Args) != 2 {
		return triUnknown
	}
	hay, needle := n.Args[0], n.Args[1]
	np := ctxPath(needle)
	if np == "" {
		np = orChainPath(needle)
	}
	switch {
	case strings.HasSuffix(np, ".author_association"):
		vals, ok := literalList(hay)
		if ok && len(vals) > 0 && allTrusted(vals) {
			return g.gate(inventory.GateAuthorAssociation, np+" in "+strings.Join(vals, ","))
		}
	case isActorPath(np):
		vals, ok := literalList(hay)
		if ok && len(vals) > 0 {
			for _, v := range vals {
				if spoofableName(v) {
					g.bots = append(g.bots, v)
					return triUnknown
				}
			}
			return g.gate(inventory.GateActor, np+" in "+strings.Join(vals, ","))
		}
	case strings.HasPrefix(np, "needs."):
		// an array (not a string, where contains tests substrings)
		if lits, ok := literalList(hay); ok && !isStringNode(hay) {
			if vals, ok := g.outputValues(np); ok && !slices.ContainsFunc(vals, func(v string) bool { return slices.Contains(lits, v) }) {
				return triFalse
			}
		}
	case np == "github.event_name":
		if vals, ok := literalList(hay); ok {
			for _, v := range vals {
				if strings.EqualFold(v, g.event) {
					return triTrue
				}
			}
			return triFalse
		}
	}
	hp := ctxPath(hay)
	if strings.HasSuffix(hp, ".labels.*.name") {
		if lit, ok := exprLiteral(needle); ok {
			if hp == "github.event.issue.labels.*.name" && g.selfLabels[strings.ToLower(lit)] {
				// An issue template applies the label to every issue opened
				// with it: whoever opens one passes the check.
				return triUnknown
			}
			return g.gate(inventory.GateLabel, "label "+lit)
		}
	}
	return triUnknown
}

func isStringNode(n actionlint.ExprNode) bool {
	_, ok := n.(*actionlint.StringNode)
	return ok
}

// orChainPath reads `a.author_association || b.author_association` (the
// first present value) as one author_association path, "a…||b…": which
// object's author it checks depends on the event (the rules resolve it).
func orChainPath(n actionlint.ExprNode) string {
	l, ok := n.(*actionlint.LogicalOpNode)
	if !ok || l.Kind != actionlint.LogicalOpNodeKindOr {
		return ""
	}
	left, right := ctxPath(l.Left), ctxPath(l.Right)
	if left == "" {
		left = orChainPath(l.Left)
	}
	if right == "" {
		right = orChainPath(l.Right)
	}
	if strings.HasSuffix(left, ".author_association") && strings.HasSuffix(right, ".author_association") {
		return left + "||" + right
	}
	return ""
}

func allTrusted(vals []string) bool {
	for _, v := range vals {
		if !slices.Contains(trustedAssociations, strings.ToUpper(strings.TrimSpace(v))) {
			return false
		}
	}
	return true
}

func isActorPath(p string) bool {
	switch p {
	case "github.actor", "github.triggering_actor", "github.event.sender.login", "github.event.comment.user.login",
		"github.event.issue.user.login", "github.event.pull_request.user.login", "github.event.review.user.login",
		"github.event.pull_request.head.user.login", "github.event.workflow_run.actor.login",
		"github.event.workflow_run.triggering_actor.login":
		return true
	}
	return false
}

// spoofableName reports a bot-like login: checks on such names are not gates
// (zizmor's bot-conditions): the name of the actor and the author of the
// content the job processes can differ.
func spoofableName(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	return strings.HasSuffix(n, "[bot]") || strings.HasSuffix(n, "-bot") || strings.HasSuffix(n, "_bot") ||
		n == "dependabot" || n == "renovate" || n == "copilot" || n == "github-actions"
}

// ctxPath renders a context access as a lower-case dotted path
// ("github.event.comment.author_association", "…labels.*.name"), "" for
// anything else.
func ctxPath(n actionlint.ExprNode) string {
	switch n := n.(type) {
	case *actionlint.VariableNode:
		return n.Name
	case *actionlint.ObjectDerefNode:
		if p := ctxPath(n.Receiver); p != "" {
			return p + "." + n.Property
		}
	case *actionlint.ArrayDerefNode:
		if p := ctxPath(n.Receiver); p != "" {
			return p + ".*"
		}
	case *actionlint.IndexAccessNode:
		if p := ctxPath(n.Operand); p != "" {
			switch ix := n.Index.(type) {
			case *actionlint.StringNode:
				return p + "." + strings.ToLower(ix.Value)
			case *actionlint.IntNode:
				return p + ".*"
			}
		}
	}
	return ""
}

func exprLiteral(n actionlint.ExprNode) (string, bool) {
	switch n := n.(type) {
	case *actionlint.StringNode:
		return n.Value, true
	case *actionlint.BoolNode:
		if n.Value {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

// literalList reads fromJSON('[…]'), a string literal (contains on a string
// is a substring test: its comma- or space-separated words are taken) or a
// literal. ok is false when the haystack is not a literal.
func literalList(n actionlint.ExprNode) ([]string, bool) {
	switch n := n.(type) {
	case *actionlint.StringNode:
		f := strings.FieldsFunc(n.Value, func(r rune) bool {
			return r == ',' || r == ' ' || r == '|' || r == ';' || r == '"' || r == '[' || r == ']'
		})
		return f, true
	case *actionlint.FuncCallNode:
		if strings.ToLower(n.Callee) != "fromjson" || len(n.Args) != 1 {
			return nil, false
		}
		s, ok := n.Args[0].(*actionlint.StringNode)
		if !ok {
			return nil, false
		}
		var vals []string
		if err := json.Unmarshal([]byte(s.Value), &vals); err != nil {
			return nil, false
		}
		return vals, true
	}
	return nil, false
}

// statusFunctions reports whether a condition calls always(), failure() or
// cancelled(), which let a job run although a job it needs was skipped.
func statusFunctions(n actionlint.ExprNode) bool {
	found := false
	actionlint.VisitExprNode(n, func(n, _ actionlint.ExprNode, entering bool) {
		if c, ok := n.(*actionlint.FuncCallNode); ok && entering {
			switch strings.ToLower(c.Callee) {
			case "always", "failure", "cancelled":
				found = true
			}
		}
	})
	return found
}
