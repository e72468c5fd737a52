package workflows

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/agentreach/agentreach/inventory"
)

// This file follows attacker-controlled text beyond the github.event paths
// that a step expands itself: through env variables (workflow, job and step
// env, $GITHUB_ENV), step outputs (a script that reads or fetches an issue or
// pull request body, a model's or agent's answer), job outputs, the inputs of
// local composite actions and of reusable workflows. Where such a value is
// expanded into a run: script, an actions/github-script script or an agent's
// prompt, the step gets an Injection that says where the text comes from.
// Values that are numbers, SHAs or one of a fixed set stay clean: a step
// output is tainted only when its value is derived from untrusted text.

// flow is one way attacker-controlled text reaches a value.
type flow struct {
	origins []string // event context paths, inventory.OriginFetched or inventory.OriginAgentOutput
	via     string   // where the value comes from, for people
	site    *site    // the value entered a composite action through this input expression
}

// site is an expression in the with: of a step that uses a local composite
// action: when the action expands the input into a sink, the finding points
// at the caller's expression.
type site struct {
	step  int // index of the calling step in job.Steps
	expr  string
	input string
	dir   string
	loc   inventory.Location
}

func (f flow) describe() string {
	if f.via != "" {
		return f.via
	}
	return strings.Join(f.origins, ", ")
}

// wrap returns the flows of a value derived from fs, described by hop
// ("env TITLE (line 12)"), which is prefixed to what each flow said.
func wrap(fs []flow, hop string) []flow {
	out := make([]flow, 0, len(fs))
	for _, f := range fs {
		out = append(out, flow{origins: f.origins, via: hop + ", from " + f.describe(), site: f.site})
	}
	return out
}

// union appends the flows of b to a, without duplicates.
func union(a []flow, b ...flow) []flow {
	for _, f := range b {
		if !slices.ContainsFunc(a, func(g flow) bool { return g.via == f.via && g.site == f.site && slices.Equal(g.origins, f.origins) }) {
			a = append(a, f)
		}
	}
	return a
}

func originsOf(fs []flow) []string {
	var out []string
	for _, f := range fs {
		for _, o := range f.origins {
			if !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	slices.Sort(out)
	return out
}

func origin(path string) []flow { return []flow{{origins: []string{path}}} }

// envVal is an env variable visible to a step.
type envVal struct {
	name  string // as written
	raw   string // the value as written (expressions kept), for checkout refs
	flows []flow
	where string             // "job env, line 30"
	str   *actionlint.String // the value as parsed, nil for $GITHUB_ENV
	file  inventory.Location // the file str is in
}

// stepOut is what later steps can read of a step.
type stepOut struct {
	outputs map[string][]flow // derived from untrusted text
	raws    map[string]string // output values as written, when known
	agent   string            // the model or agent the step runs
	prompt  []flow            // what its inputs carried
	fetch   *regexp.Regexp    // outputs of a fetchActions action that carry text
	fetchBy string
	line    int
}

// scope is what an expression of one step can read.
type scope struct {
	env    map[string]envVal // lower-case name; workflow, job, $GITHUB_ENV
	steps  map[string]*stepOut
	inputs map[string][]flow
	needs  map[string]map[string][]flow // job id → output → flows
	owner  string                       // "./dir" of a composite action, "" for the job
	dir    string
}

func (sc *scope) clone() *scope {
	c := *sc
	c.env = make(map[string]envVal, len(sc.env))
	for k, v := range sc.env {
		c.env[k] = v
	}
	return &c
}

// hit is one tainted context access of an expression.
type hit struct {
	expr   string // as written
	off    int    // byte offset of the ${{ in the string
	direct bool   // a github.event path the parse already reported
	flows  []flow
}

// spans evaluates every ${{ }} span of s.
func (sc *scope) spans(s string) []hit {
	var out []hit
	base := 0
	for n := 0; n < 256; n++ {
		i := strings.Index(s[base:], "${{")
		if i < 0 {
			break
		}
		start := base + i
		j := strings.Index(s[start+3:], "}}")
		if j < 0 {
			break
		}
		body := strings.TrimSpace(s[start+3 : start+3+j])
		base = start + 3 + j + 2
		node := parseExpr(body)
		if chain := eventTextChain(node); chain != "" {
			// `a || b || c` over event text is the first of them the event
			// has (a comment's body on issue_comment, never the issue's
			// behind it): one origin the rules resolve per event.
			out = append(out, hit{expr: chain, off: start, direct: true, flows: origin(chain)})
			continue
		}
		for _, p := range untrustedIn("${{ " + body + " }}") {
			out = append(out, hit{expr: p, off: start, direct: true, flows: origin(p)})
		}
		if node == nil {
			continue
		}
		var hs []hit
		sc.node(node, &hs)
		for _, h := range hs {
			h.off = start
			if len(hs) == 1 {
				h.expr = body
			}
			out = append(out, h)
		}
	}
	return out
}

// eventTextChain returns "a||b||c" for an expression that is an || chain of
// untrusted event text paths (at least two), else "".
func eventTextChain(n actionlint.ExprNode) string {
	var paths []string
	var walk func(n actionlint.ExprNode) bool
	walk = func(n actionlint.ExprNode) bool {
		if op, ok := n.(*actionlint.LogicalOpNode); ok && op.Kind == actionlint.LogicalOpNodeKindOr {
			return walk(op.Left) && walk(op.Right)
		}
		p := ctxPath(n)
		if p == "" || len(untrustedIn("${{ "+p+" }}")) != 1 {
			return false
		}
		paths = append(paths, p)
		return true
	}
	if n == nil || !walk(n) || len(paths) < 2 {
		return ""
	}
	return strings.Join(paths, "||")
}

// flowsOf is the union of what the spans of s carry.
func (sc *scope) flowsOf(s string) []flow {
	var out []flow
	for _, h := range sc.spans(s) {
		out = union(out, h.flows...)
	}
	return out
}

// node collects the tainted accesses of an expression. Comparisons and
// predicates yield booleans, which carry no text.
func (sc *scope) node(n actionlint.ExprNode, out *[]hit) {
	switch n := n.(type) {
	case *actionlint.CompareOpNode, *actionlint.NotOpNode:
		return
	case *actionlint.LogicalOpNode:
		sc.node(n.Left, out)
		sc.node(n.Right, out)
	case *actionlint.FuncCallNode:
		switch strings.ToLower(n.Callee) {
		case "contains", "startswith", "endswith", "success", "failure", "always", "cancelled", "hashfiles":
			return
		}
		for _, a := range n.Args {
			sc.node(a, out)
		}
	case *actionlint.ObjectDerefNode:
		if p := ctxPath(n); p != "" {
			sc.access(p, out)
			return
		}
		// fromJSON(steps.x.outputs.y).number
		if safeField(n.Property) {
			return
		}
		sc.node(n.Receiver, out)
	case *actionlint.IndexAccessNode:
		if p := ctxPath(n); p != "" {
			sc.access(p, out)
			return
		}
		sc.node(n.Operand, out)
	case *actionlint.ArrayDerefNode:
		if p := ctxPath(n); p != "" {
			sc.access(p, out)
			return
		}
		sc.node(n.Receiver, out)
	case *actionlint.VariableNode:
		sc.access(n.Name, out)
	}
}

// access resolves one context path.
func (sc *scope) access(p string, out *[]hit) {
	parts := strings.Split(p, ".")
	add := func(expr string, fs []flow) {
		if len(fs) > 0 {
			*out = append(*out, hit{expr: expr, flows: fs})
		}
	}
	rest := func(k int) bool { return len(parts) > k && safeField(parts[len(parts)-1]) }
	switch parts[0] {
	case "env":
		if len(parts) >= 2 && !rest(2) {
			if v, ok := sc.env[parts[1]]; ok {
				add("env."+v.name, wrap(v.flows, "env "+v.name+" ("+v.where+")"))
			}
		}
	case "steps":
		if len(parts) < 4 || parts[2] != "outputs" || rest(4) {
			return
		}
		so := sc.steps[parts[1]]
		if so == nil {
			return
		}
		name := parts[3]
		if fs, ok := so.outputs[name]; ok {
			add(p, wrap(fs, fmt.Sprintf("output %s of step %s (line %d)", name, parts[1], so.line)))
		} else if so.agent != "" && !safeOutput(name) {
			add(p, agentFlows(so, parts[1], name))
		} else if so.fetch != nil && so.fetch.MatchString(name) {
			add(p, fetched(fmt.Sprintf("output %s of step %s (line %d), text that %s fetched", name, parts[1], so.line, so.fetchBy)))
		}
	case "needs":
		if len(parts) < 4 || parts[2] != "outputs" || rest(4) {
			return
		}
		add(p, wrap(sc.needs[parts[1]][parts[3]], "output "+parts[3]+" of job "+parts[1]))
	case "inputs":
		if len(parts) >= 2 && !rest(2) {
			add(p, sc.inputs[parts[1]])
		}
	}
}

// agentFlows are the flows of an output of a model or agent step: what its
// prompt carried, or, when the prompt is fixed, whatever text the agent read
// on its own.
func agentFlows(so *stepOut, id, name string) []flow {
	hop := fmt.Sprintf("output %s of the %s step %s (line %d), a model's answer", name, so.agent, id, so.line)
	if len(so.prompt) > 0 {
		var held []string
		for _, f := range so.prompt {
			if d := f.describe(); !slices.Contains(held, d) {
				held = append(held, d)
			}
		}
		return []flow{{origins: originsOf(so.prompt), via: hop + " to a prompt holding " + strings.Join(held, "; ")}}
	}
	return []flow{{origins: []string{inventory.OriginAgentOutput}, via: hop + " to text it read itself"}}
}

var (
	safeFieldRe  = regexp.MustCompile(`^(number|id|node_id|sha|.*_sha|.*_id|count|.*_count|size|additions|deletions|changed_files|state|merged|draft|locked|created_at|updated_at|closed_at|merged_at|html_url|url|.*_url|login|author_association|type|conclusion|status|headrefoid|baserefname|base_ref|mergeable|mergeable_state|mergestatestatus|reviewdecision|isdraft)$`)
	safeOutputRe = regexp.MustCompile(`^(conclusion|status|outcome|result[-_]?code|exit[-_]?code|execution[-_]?file|session[-_]?id|branch[-_]?name|github[-_]?token|token|app[-_]?token|has[-_].*|is[-_].*|.*[-_]?(sha|number|count|id|url|path|file))$`)
)

// safeField reports a property whose values are numbers, SHAs, dates, URLs
// or logins, which cannot carry shell syntax.
func safeField(p string) bool { return safeFieldRe.MatchString(strings.ToLower(p)) }

// safeOutput reports an agent output that is a status, a path or an id
// rather than the model's text.
func safeOutput(name string) bool { return safeOutputRe.MatchString(strings.ToLower(name)) }

// llmActions are actions that send a prompt to a model and return its
// answer as a step output (coding agents are recognised by agents.go).
var llmActions = map[string]string{
	"actions/ai-inference":    "ai-inference",
	"ai-action/ollama-action": "ollama",
}

// fetchActions are actions whose named outputs carry pull request or
// comment text (or file names) that outsiders write.
var fetchActions = map[string]*regexp.Regexp{
	"peter-evans/find-comment":            regexp.MustCompile(`^comment-body$`),
	"xt0rted/pull-request-comment-branch": regexp.MustCompile(`^head_ref$`),
	"8bitjonny/gh-get-current-pr":         regexp.MustCompile(`^(pr|pr_title|pr_body)$`),
	"tj-actions/changed-files":            regexp.MustCompile(`_files$`),
}

func actionName(uses string) string {
	name, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(uses)), "@")
	return name
}

// exprLoc is the location of the expression at byte offset off of a YAML
// string: a literal block scalar (the only kind whose value keeps its line
// breaks) starts on the line after its indicator.
func exprLoc(file inventory.Location, s *actionlint.String, off int) inventory.Location {
	if s == nil {
		return at(file, nil)
	}
	l := at(file, s.Pos)
	if !s.Quoted && strings.Contains(s.Value, "\n") && off <= len(s.Value) {
		l.Line += 1 + strings.Count(s.Value[:off], "\n")
		l.Column = 1
	}
	return l
}

// untrusted is a github.event path that a string expands, and where.
type untrusted struct {
	path string
	loc  inventory.Location
}

// untrustedAt lists the attacker-controlled paths that the ${{ }} spans of
// s expand, each at the line of its span.
func untrustedAt(file inventory.Location, s *actionlint.String) []untrusted {
	if s == nil || !strings.Contains(s.Value, "${{") {
		return nil
	}
	var out []untrusted
	var seen []string
	base := 0
	for n := 0; n < 256; n++ {
		i := strings.Index(s.Value[base:], "${{")
		if i < 0 {
			break
		}
		start := base + i
		j := strings.Index(s.Value[start+3:], "}}")
		if j < 0 {
			break
		}
		base = start + 3 + j + 2
		paths := untrustedIn(s.Value[start:base])
		if chain := eventTextChain(parseExpr(strings.TrimSpace(s.Value[start+3 : base-2]))); chain != "" {
			paths = []string{chain} // the first of them the event has (see eventTextChain)
		}
		for _, p := range paths {
			if !slices.Contains(seen, p) {
				seen = append(seen, p)
				out = append(out, untrusted{path: p, loc: exprLoc(file, s, start)})
			}
		}
	}
	return out
}
