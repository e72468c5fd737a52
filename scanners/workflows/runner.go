package workflows

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/agentreach/agentreach/inventory"
)

// What runs-on says about where a job runs. Literal labels are read as they
// are; expressions are evaluated where their values are in the file: matrix
// rows and include entries, workflow_call input defaults, format() and
// fromJSON() of those, `a && 'x' || 'y'` choices. Anything else (vars,
// needs outputs, a matrix built by an expression) leaves the hosting
// undetermined.

// Runner hostings.
const (
	hostingSelf   = "self-hosted"
	hostingGitHub = "github-hosted"
	hostingVendor = "third-party"
	hostingCustom = "unknown" // custom labels: a self-hosted runner, or a larger GitHub-hosted or vendor runner
)

const maxRunnerSets = 64

var (
	githubHostedRe = regexp.MustCompile(`(?i)^(ubuntu|windows|macos)(-[a-z0-9.\-]+)?$`)
	vendorHostedRe = regexp.MustCompile(`(?i)^(blacksmith([-.][a-z0-9.\-]*)?|namespace-profile-\S+|nscloud-\S+|depot-\S+|warp-\S+|buildjet-\S+|ubicloud(-\S+)?|runs-on[=/,]\S*)$`)
)

// runnerInfo is the evaluated runs-on of a job.
type runnerInfo struct {
	sets    [][]string // label sets the job may run on
	unknown bool       // part of runs-on could not be evaluated
	custom  []string   // labels neither GitHub-hosted, a known vendor's nor self-hosted
	hosting string
}

// evalRunsOn evaluates a job's runs-on.
func evalRunsOn(r *actionlint.Runner, strategy *actionlint.Strategy, inputs map[string]string) runnerInfo {
	var ri runnerInfo
	if r == nil {
		return ri
	}
	ev := &runnerEval{matrix: matrixValues(strategy), inputs: inputs}
	switch {
	case r.LabelsExpr != nil:
		for _, v := range ev.template(r.LabelsExpr.Value) {
			if v.unknown {
				ri.unknown = true
				continue
			}
			if v.isList {
				ri.sets = append(ri.sets, v.list)
			} else {
				ri.sets = append(ri.sets, []string{v.s})
			}
		}
	case len(r.Labels) > 0:
		sets := [][]string{nil}
		for _, l := range r.Labels {
			if l == nil {
				continue
			}
			var next [][]string
			for _, v := range ev.template(l.Value) {
				if v.unknown || v.isList {
					// Kept as written: the set still shows what is known.
					ri.unknown = true
					v = rval{s: l.Value}
				}
				for _, s := range sets {
					if len(next) < maxRunnerSets {
						next = append(next, append(slices.Clone(s), v.s))
					}
				}
			}
			if len(next) > 0 {
				sets = next
			}
		}
		ri.sets = sets
	}
	if r.Group != nil {
		// A runner group holds self-hosted or larger GitHub-hosted runners.
		g := "group:" + r.Group.Value
		if len(ri.sets) == 0 {
			ri.sets = [][]string{{g}}
		} else {
			for i := range ri.sets {
				ri.sets[i] = append(ri.sets[i], g)
			}
		}
	}
	ri.sets = uniqueSets(ri.sets)
	ri.classify()
	return ri
}

// uniqueSets drops repeated label sets, keeping the first of each.
func uniqueSets(sets [][]string) [][]string {
	var out [][]string
	for _, s := range sets {
		if !slices.ContainsFunc(out, func(o []string) bool { return slices.Equal(o, s) }) {
			out = append(out, s)
		}
	}
	return out
}

func (ri *runnerInfo) classify() {
	self, github, vendor, custom := false, false, false, false
	for _, set := range ri.sets {
		kind := hostingGitHub
		for _, l := range set {
			l = strings.TrimSpace(l)
			switch {
			case l == "":
			case strings.EqualFold(l, "self-hosted"):
				kind = hostingSelf
			case githubHostedRe.MatchString(l):
			case vendorHostedRe.MatchString(l):
				if kind == hostingGitHub {
					kind = hostingVendor
				}
			default:
				if kind != hostingSelf {
					kind = hostingCustom
				}
				if !slices.Contains(ri.custom, l) {
					ri.custom = append(ri.custom, l)
				}
			}
		}
		switch kind {
		case hostingSelf:
			self = true
		case hostingCustom:
			custom = true
		case hostingVendor:
			vendor = true
		default:
			github = true
		}
	}
	switch {
	case self:
		ri.hosting = hostingSelf
	case ri.unknown:
		ri.hosting = ""
	case custom:
		ri.hosting = hostingCustom
	case vendor:
		ri.hosting = hostingVendor
	case github:
		ri.hosting = hostingGitHub
	}
	if ri.hosting != hostingCustom {
		ri.custom = nil
	}
}

// rval is one possible value of an expression: a string or a list.
type rval struct {
	s       string
	list    []string
	isList  bool
	unknown bool
	falsy   bool // a condition's false, or an empty value
}

type runnerEval struct {
	matrix map[string][]rval // lower-case key
	inputs map[string]string
}

// template evaluates a string with ${{ }} spans into its possible values.
func (e *runnerEval) template(s string) []rval {
	if !strings.Contains(s, "${{") {
		return []rval{{s: s}}
	}
	out := []rval{{s: ""}}
	rest := s
	for rest != "" {
		i := strings.Index(rest, "${{")
		if i < 0 {
			out = appendText(out, rest)
			break
		}
		out = appendText(out, rest[:i])
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			return []rval{{unknown: true}}
		}
		body := strings.TrimSpace(rest[i+3 : i+j])
		rest = rest[i+j+2:]
		n := parseExpr(body)
		if n == nil {
			return []rval{{unknown: true}}
		}
		vals := e.eval(n)
		whole := strings.TrimSpace(s[:strings.Index(s, "${{")]) == "" && strings.TrimSpace(rest) == "" && len(out) == 1 && out[0].s == ""
		var next []rval
		for _, o := range out {
			for _, v := range vals {
				if len(next) >= maxRunnerSets {
					break
				}
				switch {
				case v.falsy:
				case v.unknown:
					next = append(next, rval{unknown: true})
				case v.isList && whole:
					next = append(next, v)
				case v.isList:
					next = append(next, rval{unknown: true})
				default:
					next = append(next, rval{s: o.s + v.s})
				}
			}
		}
		out = next
	}
	return out
}

func appendText(vs []rval, t string) []rval {
	for i := range vs {
		if !vs[i].unknown && !vs[i].isList {
			vs[i].s += t
		}
	}
	return vs
}

func (e *runnerEval) eval(n actionlint.ExprNode) []rval {
	switch n := n.(type) {
	case *actionlint.StringNode:
		return []rval{{s: n.Value, falsy: n.Value == ""}}
	case *actionlint.IntNode:
		return []rval{{s: strconv.Itoa(n.Value)}}
	case *actionlint.BoolNode:
		if n.Value {
			return []rval{{s: "true"}}
		}
		return []rval{{falsy: true}}
	case *actionlint.NullNode:
		return []rval{{falsy: true}}
	case *actionlint.CompareOpNode, *actionlint.NotOpNode:
		return []rval{{s: "true"}, {falsy: true}}
	case *actionlint.LogicalOpNode:
		l, r := e.eval(n.Left), e.eval(n.Right)
		var out []rval
		if n.Kind == actionlint.LogicalOpNodeKindAnd {
			// a && b is b when a holds, a's falsy value otherwise.
			for _, v := range l {
				if v.falsy {
					out = append(out, v)
				}
			}
			return append(out, r...)
		}
		for _, v := range l {
			if !v.falsy {
				out = append(out, v)
			}
		}
		if slices.ContainsFunc(l, func(v rval) bool { return v.falsy || v.unknown }) {
			out = append(out, r...)
		}
		return out
	case *actionlint.FuncCallNode:
		switch strings.ToLower(n.Callee) {
		case "fromjson":
			if len(n.Args) != 1 {
				return []rval{{unknown: true}}
			}
			var out []rval
			for _, v := range e.eval(n.Args[0]) {
				out = append(out, fromJSONValue(v))
			}
			return out
		case "format":
			if len(n.Args) == 0 {
				return []rval{{unknown: true}}
			}
			combos := [][]rval{nil}
			for _, a := range n.Args {
				var next [][]rval
				for _, c := range combos {
					for _, v := range e.eval(a) {
						if len(next) < maxRunnerSets {
							next = append(next, append(slices.Clone(c), v))
						}
					}
				}
				combos = next
			}
			var out []rval
			for _, c := range combos {
				out = append(out, formatValue(c))
			}
			return out
		}
	case *actionlint.VariableNode, *actionlint.ObjectDerefNode, *actionlint.IndexAccessNode:
		p := ctxPath(n)
		if k, ok := strings.CutPrefix(p, "matrix."); ok && !strings.Contains(k, ".") {
			if vs, ok := e.matrix[k]; ok {
				return vs
			}
		}
		if k, ok := strings.CutPrefix(p, "inputs."); ok {
			if v, ok := e.inputs[k]; ok {
				return []rval{{s: v, falsy: v == ""}}
			}
		}
	}
	return []rval{{unknown: true}}
}

func fromJSONValue(v rval) rval {
	if v.unknown || v.isList {
		return rval{unknown: true}
	}
	var s string
	if json.Unmarshal([]byte(v.s), &s) == nil {
		return rval{s: s, falsy: s == ""}
	}
	var l []string
	if json.Unmarshal([]byte(v.s), &l) == nil {
		return rval{list: l, isList: true}
	}
	return rval{unknown: true}
}

var formatArgRe = regexp.MustCompile(`\{\{|\}\}|\{(\d+)\}`)

func formatValue(c []rval) rval {
	for _, v := range c {
		if v.unknown || v.isList {
			return rval{unknown: true}
		}
	}
	out := formatArgRe.ReplaceAllStringFunc(c[0].s, func(m string) string {
		switch m {
		case "{{":
			return "{"
		case "}}":
			return "}"
		}
		k, _ := strconv.Atoi(m[1 : len(m)-1])
		if k+1 < len(c) {
			return c[k+1].s
		}
		return m
	})
	return rval{s: out}
}

// matrixValues lists the literal values of each matrix key (rows and
// include entries); a key whose values are not literals is left out.
func matrixValues(st *actionlint.Strategy) map[string][]rval {
	out := map[string][]rval{}
	if st == nil || st.Matrix == nil || st.Matrix.Expression != nil {
		return out
	}
	m := st.Matrix
	add := func(k string, v actionlint.RawYAMLValue) {
		out[k] = append(out[k], rawValue(v))
	}
	for k, row := range m.Rows {
		if row == nil {
			continue
		}
		if row.Expression != nil {
			// os: ${{ cond && fromJSON('[…]') || fromJSON('[…]') }}
			ev := &runnerEval{}
			for _, v := range ev.template(row.Expression.Value) {
				switch {
				case v.isList:
					for _, l := range v.list {
						out[k] = append(out[k], rval{s: l})
					}
				default:
					out[k] = append(out[k], rval{unknown: true})
				}
			}
			continue
		}
		for _, v := range row.Values {
			add(k, v)
		}
	}
	if m.Include != nil {
		if m.Include.Expression != nil {
			for k := range out {
				out[k] = append(out[k], rval{unknown: true})
			}
		}
		for _, c := range m.Include.Combinations {
			if c == nil {
				continue
			}
			for k, a := range c.Assigns {
				if a != nil {
					add(k, a.Value)
				}
			}
		}
	}
	return out
}

func rawValue(v actionlint.RawYAMLValue) rval {
	switch v := v.(type) {
	case *actionlint.RawYAMLString:
		return rval{s: v.Value}
	case *actionlint.RawYAMLArray:
		var l []string
		for _, e := range v.Elems {
			s, ok := e.(*actionlint.RawYAMLString)
			if !ok {
				return rval{unknown: true}
			}
			l = append(l, s.Value)
		}
		return rval{list: l, isList: true}
	}
	return rval{unknown: true}
}

// workflowCallDefaults are the default values of a reusable workflow's
// inputs, by lower-case name.
func workflowCallDefaults(w *actionlint.Workflow) map[string]string {
	out := map[string]string{}
	if w == nil {
		return out
	}
	for _, ev := range w.On {
		wc, ok := ev.(*actionlint.WorkflowCallEvent)
		if !ok {
			continue
		}
		for _, in := range wc.Inputs {
			if in != nil && in.Default != nil {
				out[strings.ToLower(in.ID)] = in.Default.Value
			}
		}
	}
	return out
}

// applyRunner records the evaluated runs-on on the job.
func applyRunner(job *inventory.Job, ri runnerInfo, expr bool) {
	if ri.hosting == hostingSelf {
		job.SelfHosted = true
	}
	job.RunnerHosting = ri.hosting
	job.RunnerCustomLabels = ri.custom
	if expr {
		job.RunnerLabels = ri.sets
	}
}
