package workflows

import (
	"regexp"
	"strings"
)

// A line-by-line reading of an actions/github-script script for the outputs
// it sets (core.setOutput, and the returned value as outputs.result) and
// whether they carry outsiders' text: the event payload's titles, bodies and
// branch names, or those of an issue, pull request or comment the script
// fetched. Numbers, SHAs and logins stay clean.

var (
	jsSetOutputRe = regexp.MustCompile(`core\.setOutput\(\s*['"\x60]([A-Za-z_][A-Za-z0-9_-]*)['"\x60]\s*,\s*(.*)$`)
	jsReturnRe    = regexp.MustCompile(`^\s*return\s+(.+?);?\s*$`)
	jsAssignRe    = regexp.MustCompile(`(?s)^\s*(?:const|let|var)?\s*(\{[^}]*\}|[A-Za-z_$][A-Za-z0-9_$]*)\s*=\s*(.+)$`)
	jsFetchRe     = regexp.MustCompile(`github\.(rest\.)?(pulls|issues|repos\.(getCommit|listCommits|compareCommits)|search)\.|github\.graphql\(|github\.paginate\(|github\.request\(`)
	jsPayloadRe   = regexp.MustCompile(`context\.payload((?:\??\.[A-Za-z_]+)+)`)
	jsStringFns   = map[string]bool{"trim": true, "trimstart": true, "trimend": true, "tolowercase": true, "touppercase": true, "slice": true,
		"substring": true, "substr": true, "replace": true, "replaceall": true, "split": true, "join": true, "tostring": true, "padstart": true, "padend": true}
	jsIdentRe = regexp.MustCompile(`[A-Za-z_$][A-Za-z0-9_$]*((?:\??\.[A-Za-z_$][A-Za-z0-9_$]*|\[\d+\])*)`)
	jsEnvRe   = regexp.MustCompile(`process\.env\.([A-Za-z_][A-Za-z0-9_]*)`)
)

// readJS returns the outputs an actions/github-script script sets.
func readJS(script string, exprs func(string) []flow, env func(string) []flow) map[string][]flow {
	out := map[string][]flow{}
	vars := map[string]sval{}
	lines := jsStatements(script)
	eval := func(e string) sval {
		v := sval{text: exprs(e)}
		for _, m := range jsEnvRe.FindAllStringSubmatch(e, -1) {
			v.text = union(v.text, env(m[1])...)
		}
		if jsFetchRe.MatchString(e) {
			return fetchedDoc("issue or pull request text the script fetched through the API")
		}
		for _, m := range jsPayloadRe.FindAllStringSubmatch(e, -1) {
			path := strings.Split(strings.TrimPrefix(strings.ReplaceAll(m[1], "?", ""), "."), ".")
			if jsTextPath(path) {
				v.text = union(v.text, origin("github.event."+strings.Join(path, "."))...)
			}
		}
		for _, m := range jsIdentRe.FindAllStringSubmatch(e, -1) {
			id := m[0][:len(m[0])-len(m[1])]
			d, ok := vars[id]
			if !ok {
				continue
			}
			tail := strings.Split(strings.Trim(strings.NewReplacer("?.", ".", "[", ".", "]", "").Replace(m[1]), "."), ".")
			if tail[0] == "" {
				tail = nil
			}
			if tail != nil && tail[0] == "data" {
				tail = tail[1:]
			}
			for len(tail) > 0 && jsStringFns[strings.ToLower(tail[len(tail)-1])] {
				tail = tail[:len(tail)-1] // pr.body.trim()
			}
			if !d.doc || len(tail) == 0 || jsTextPath(tail) {
				v.text = union(v.text, d.text...)
			}
		}
		return v
	}
	for _, line := range lines {
		if m := jsSetOutputRe.FindStringSubmatch(line); m != nil {
			val := strings.TrimSuffix(strings.TrimSpace(m[2]), ";")
			val = strings.TrimSuffix(val, ")")
			name := strings.ToLower(m[1])
			out[name] = union(out[name], eval(val).text...)
			continue
		}
		if m := jsReturnRe.FindStringSubmatch(line); m != nil {
			out["result"] = union(out["result"], eval(m[1]).text...)
			continue
		}
		if m := jsAssignRe.FindStringSubmatch(line); m != nil {
			v := eval(m[2])
			if pm := jsPayloadRe.FindStringSubmatch(m[2]); pm != nil && len(v.text) == 0 {
				// const pr = context.payload.pull_request: a document of event text.
				p := strings.ReplaceAll(pm[1], "?", "")
				if last := p[strings.LastIndexByte(p, '.')+1:]; textFieldRe.MatchString(last) {
					v = sval{doc: true, text: origin("github.event" + p + ".*")}
				}
			}
			lhs := m[1]
			if strings.HasPrefix(lhs, "{") {
				// const { data: pr } = await github.rest.pulls.get(…)
				for _, part := range strings.Split(strings.Trim(lhs, "{} "), ",") {
					k, alias, ok := strings.Cut(part, ":")
					name := strings.TrimSpace(k)
					if ok {
						name = strings.TrimSpace(alias)
					}
					if name != "" {
						vars[name] = joinVal(vars[name], v)
					}
				}
				continue
			}
			// Every branch counts: a reassignment adds to what the variable holds.
			vars[lhs] = joinVal(vars[lhs], v)
		}
	}
	return out
}

// jsTextPath reports a payload or API path that ends at outsiders' text.
func jsTextPath(path []string) bool {
	if len(path) == 0 {
		return false
	}
	last := strings.ToLower(path[len(path)-1])
	switch last {
	case "title", "body", "message", "head_ref", "display_title", "head_branch", "filename", "patch":
		return true
	case "ref", "label":
		return len(path) > 1 && strings.ToLower(path[len(path)-2]) == "head"
	}
	return false
}

func joinVal(a, b sval) sval {
	return sval{text: union(a.text, b.text...), doc: a.doc || b.doc}
}

// jsStatements splits a script into lines, joining an assignment whose
// brackets stay open (`const lines = [` …) with the lines that close them.
func jsStatements(script string) []string {
	raw := strings.Split(script, "\n")
	if len(raw) > maxScriptLines {
		raw = raw[:maxScriptLines]
	}
	var out []string
	for i := 0; i < len(raw); i++ {
		l := raw[i]
		if jsAssignRe.MatchString(l) {
			depth := bracketDepth(l)
			for n := 0; depth > 0 && n < 200 && i+1 < len(raw); n++ {
				i++
				l += "\n" + raw[i]
				depth += bracketDepth(raw[i])
			}
		}
		out = append(out, l)
	}
	return out
}

func bracketDepth(l string) int {
	d := 0
	for _, c := range l {
		switch c {
		case '(', '[', '{':
			d++
		case ')', ']', '}':
			d--
		}
	}
	return d
}
