package workflows

import (
	"regexp"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// A small reading of run: scripts for what they write to $GITHUB_OUTPUT and
// $GITHUB_ENV: `echo "name=value" >> "$GITHUB_OUTPUT"`, `name<<EOF` blocks
// (echo lines or a `{ … } >> "$GITHUB_OUTPUT"` group), heredocs, and the
// shell variables those values come from. A value is tainted when it is
// derived from untrusted text: a ${{ }} expression or env variable that
// carries it, the event payload's text fields, or issue, pull request or
// comment text fetched with gh or the API — never a number, a SHA or a
// literal. It is a reading, not a shell: control flow is ignored (every
// branch counts), and what it cannot follow is clean.

// sval is what is known about a shell value.
type sval struct {
	text []flow // what the value carries when used as text
	doc  bool   // a JSON document from GitHub (the API, gh --json, the event payload)
}

// shellWrites is what one script writes for later steps.
type shellWrites struct {
	outputs map[string][]flow // every name written; nil flows when clean
	raws    map[string]string
	env     map[string][]flow
	envRaw  map[string]string
}

type shellReader struct {
	exprs    func(string) []flow // flows of the ${{ }} spans of a text
	vars     map[string]sval     // shell variables (env first)
	fallback []flow              // for the output of commands it cannot read, in a step that runs an agent
	w        shellWrites
	capture  map[string]*captureState // target → open name<<DELIM block
}

type captureState struct {
	name, delim string
	flows       []flow
	raw         strings.Builder
}

const (
	maxScriptLines = 5000
	maxLineLen     = 16 << 10 // longer lines are data, not read
)

var (
	redirRe     = regexp.MustCompile(`(?:>>?|\|\s*tee\s+(?:-a\s+|--append\s+)?)\s*"?\$\{?(GITHUB_OUTPUT|GITHUB_ENV)\}?"?`)
	groupEndRe  = regexp.MustCompile(`^\}\s*(?:>>?|\|\s*tee\s+(?:-a\s+)?)\s*"?\$\{?(GITHUB_OUTPUT|GITHUB_ENV)\}?"?\s*$`)
	heredocRe   = regexp.MustCompile(`^<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)['"]?`)
	assignLine  = regexp.MustCompile(`^(?:export\s+|local\s+|readonly\s+|declare(?:\s+-\w+)*\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)
	outNameRe   = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_-]*)=(.*)$`)
	outDelimRe  = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_-]*)<<\s*['"]?([^'"\s]+)['"]?\s*$`)
	setOutputRe = regexp.MustCompile(`::set-output\s+name=([A-Za-z_][A-Za-z0-9_-]*)::(.*)$`)
	keywordRe   = regexp.MustCompile(`^(?:then|else|do|elif|if|while|until|!|\{|\()\s+`)
)

// readScript reads a run: script. vars are the env variables visible to the
// step, as shell variables.
func readScript(script string, exprs func(string) []flow, vars map[string]sval, fallback []flow) shellWrites {
	r := &shellReader{exprs: exprs, vars: vars, fallback: fallback, capture: map[string]*captureState{},
		w: shellWrites{outputs: map[string][]flow{}, raws: map[string]string{}, env: map[string][]flow{}, envRaw: map[string]string{}}}
	if len(script) > 1<<20 {
		script = script[:1<<20]
	}
	lines := logicalLines(script)
	// { … } >> "$GITHUB_OUTPUT": the group's lines write there.
	target := make([]string, len(lines))
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "{" {
			continue
		}
		for j := i + 1; j < len(lines) && j < i+200; j++ {
			t := strings.TrimSpace(lines[j])
			if strings.HasPrefix(t, "}") {
				if m := groupEndRe.FindStringSubmatch(t); m != nil {
					for k := i + 1; k < j; k++ {
						target[k] = m[1]
					}
				}
				break
			}
		}
	}
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" || strings.HasPrefix(line, "#") || len(line) > maxLineLen {
			continue
		}
		// A heredoc: its body is data, written to the target when the
		// command redirects there.
		if delim, quoted, ok := heredoc(line); ok {
			tgt := ""
			if rm := redirRe.FindStringSubmatch(line); rm != nil {
				tgt = rm[1]
			}
			j := i + 1
			for ; j < len(lines) && strings.TrimSpace(lines[j]) != delim; j++ {
				if tgt != "" {
					body := lines[j]
					var fs []flow
					if quoted {
						fs = r.exprs(body)
					} else {
						fs = r.word(body).text
					}
					r.write(tgt, strings.TrimSpace(body), fs)
				}
			}
			i = j
			continue
		}
		for _, cmd := range splitCommands(line) {
			r.command(cmd, target[i])
		}
	}
	return r.w
}

// command handles one simple command (or pipeline); group is the target of
// an enclosing { … } redirect.
func (r *shellReader) command(cmd, group string) {
	cmd = strings.TrimSpace(cmd)
	for {
		m := keywordRe.FindStringIndex(cmd)
		if m == nil {
			break
		}
		cmd = strings.TrimSpace(cmd[m[1]:])
	}
	if cmd == "" || cmd == "fi" || cmd == "done" || cmd == "}" || cmd == ")" {
		return
	}
	tgt := group
	if m := redirRe.FindStringSubmatchIndex(cmd); m != nil {
		tgt = cmd[m[2]:m[3]]
		cmd = strings.TrimSpace(cmd[:m[0]] + cmd[m[1]:])
	}
	if m := setOutputRe.FindStringSubmatch(cmd); m != nil && isEcho(cmd) {
		r.setOutput("GITHUB_OUTPUT", m[1], m[2], r.word(m[2]).text)
		return
	}
	if tgt == "" {
		if m := assignLine.FindStringSubmatch(cmd); m != nil && !strings.ContainsAny(m[1], " ") {
			r.vars[m[1]] = r.word(m[2])
		}
		return
	}
	pipe := splitPipes(cmd)
	if len(pipe) == 1 && isEcho(cmd) {
		text := echoText(cmd)
		r.write(tgt, text, r.word(text).text)
		return
	}
	// Another command writing into the file: its output continues an open
	// name<<DELIM block.
	if c := r.capture[tgt]; c != nil {
		c.flows = union(c.flows, r.pipeline(cmd).text...)
		c.raw.WriteString(cmd)
	}
}

// write handles text written into $GITHUB_OUTPUT or $GITHUB_ENV.
func (r *shellReader) write(tgt, text string, fs []flow) {
	plain := unquote(text)
	if c := r.capture[tgt]; c != nil {
		if plain == c.delim {
			r.setOutput(tgt, c.name, c.raw.String(), c.flows)
			delete(r.capture, tgt)
			return
		}
		c.flows = union(c.flows, fs...)
		c.raw.WriteString(plain + "\n")
		return
	}
	if m := outDelimRe.FindStringSubmatch(plain); m != nil {
		r.capture[tgt] = &captureState{name: m[1], delim: m[2]}
		return
	}
	if m := outNameRe.FindStringSubmatch(plain); m != nil {
		// The flows of the whole text are the value's: the name is literal.
		r.setOutput(tgt, m[1], m[2], fs)
	}
}

func (r *shellReader) setOutput(tgt, name, raw string, fs []flow) {
	if tgt == "GITHUB_ENV" {
		r.w.env[name] = union(r.w.env[name], fs...)
		r.w.envRaw[name] = raw
		r.vars[name] = sval{text: fs}
		return
	}
	n := strings.ToLower(name)
	r.w.outputs[n] = union(r.w.outputs[n], fs...)
	r.w.raws[n] = raw
}

// word evaluates a shell word or string: its ${{ }} spans, $VAR and
// ${VAR…} references and $( ) / backtick substitutions. A word that is just
// one variable keeps that variable's value (a JSON document stays one).
func (r *shellReader) word(s string) sval {
	t := strings.TrimSpace(s)
	if name, ok := soleVar(t); ok {
		if v, ok := r.vars[name]; ok {
			return v
		}
		return sval{}
	}
	if inner, ok := soleSubst(t); ok {
		return r.pipeline(inner)
	}
	v := sval{text: r.exprs(s)}
	single, double := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && !single:
			i++
		case c == '\'' && !double:
			single = !single
		case c == '"' && !single:
			double = !double
		case single:
		case c == '`':
			j := strings.IndexByte(s[i+1:], '`')
			if j < 0 {
				return v
			}
			v.text = union(v.text, r.pipeline(s[i+1:i+1+j]).text...)
			i += j + 1
		case c == '$' && i+1 < len(s):
			switch {
			case s[i+1] == '(' && (i+2 >= len(s) || s[i+2] != '('):
				end := matchParen(s, i+1)
				if end < 0 {
					return v
				}
				v.text = union(v.text, r.pipeline(s[i+2:end]).text...)
				i = end
			case s[i+1] == '{' && (i+2 >= len(s) || s[i+2] != '{'):
				end := strings.IndexByte(s[i:], '}')
				if end < 0 {
					return v
				}
				name := identPrefix(s[i+2 : i+end])
				v.text = union(v.text, r.vars[name].text...)
				i += end
			default:
				name := identPrefix(s[i+1:])
				if name != "" {
					v.text = union(v.text, r.vars[name].text...)
					i += len(name)
				}
			}
		}
	}
	return v
}

// pipeline evaluates the output of a command pipeline.
func (r *shellReader) pipeline(cmd string) sval {
	parts := splitPipes(cmd)
	if len(parts) == 0 {
		return sval{}
	}
	v := r.source(parts[0])
	for _, p := range parts[1:] {
		v = r.filter(v, p)
	}
	return v
}

var (
	eventPathRe = regexp.MustCompile(`\$\{?GITHUB_EVENT_PATH\}?`)
	apiURLRe    = regexp.MustCompile(`(?i)(api\.github\.com|\$\{?GITHUB_API_URL\}?|\$\{\{\s*github\.api_url\s*\}\})`)
	textAPIRe   = regexp.MustCompile(`(?i)(/pulls\b|/issues\b|/comments\b|/commits\b|/reviews\b|/discussions\b|graphql|/pulls/|/issues/)`)
	// Commands whose output is a number, a hash, a date or a fixed word.
	safeCmds = map[string]bool{"date": true, "wc": true, "sha256sum": true, "sha1sum": true, "md5sum": true, "base64": true,
		"basename": true, "dirname": true, "pwd": true, "true": true, "false": true, "expr": true, "seq": true, "uname": true,
		"nproc": true, "whoami": true, "id": true, "test": true, "[": true, "[[": true}
)

// source evaluates the first command of a pipeline.
func (r *shellReader) source(cmd string) sval {
	words := shellSplit(strings.TrimSpace(cmd))
	for len(words) > 0 && assignLine.MatchString(words[0]) {
		words = words[1:]
	}
	if len(words) == 0 {
		return sval{}
	}
	name := words[0]
	if k := strings.LastIndexByte(name, '/'); k >= 0 {
		name = name[k+1:]
	}
	args := words[1:]
	switch name {
	case "echo", "printf":
		return r.word(strings.Join(stripFlags(args), " "))
	case "cat":
		if eventPathRe.MatchString(cmd) {
			return eventDoc()
		}
		return r.unknown()
	case "jq":
		filter, files := jqArgs(args)
		for _, f := range files {
			if eventPathRe.MatchString(f) {
				return applyJQ(eventDoc(), filter)
			}
		}
		if len(files) > 0 {
			return r.unknown()
		}
		return sval{}
	case "gh":
		return r.gh(args)
	case "curl", "wget":
		if apiURLRe.MatchString(cmd) && textAPIRe.MatchString(cmd) {
			return fetchedDoc("issue or pull request text fetched through the API")
		}
		return sval{}
	case "git":
		// git log / show print commit messages of whatever is checked out:
		// that is the checkout's business (AR-CI-002), not text taint.
		return sval{}
	}
	if safeCmds[name] {
		return sval{}
	}
	return r.unknown()
}

func (r *shellReader) unknown() sval {
	if len(r.fallback) > 0 {
		return sval{text: r.fallback}
	}
	return sval{}
}

// gh evaluates a gh command's output.
func (r *shellReader) gh(args []string) sval {
	if len(args) == 0 {
		return sval{}
	}
	fields, filter, tmpl := "", "", ""
	hasJSON := false
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		val := func() string {
			if k := strings.IndexByte(a, '='); k >= 0 && strings.HasPrefix(a, "--") {
				return a[k+1:]
			}
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch {
		case a == "--json" || strings.HasPrefix(a, "--json="):
			fields, hasJSON = unquote(val()), true
		case a == "--jq" || a == "-q" || strings.HasPrefix(a, "--jq="):
			filter = unquote(val())
		case a == "--template" || a == "-t" || strings.HasPrefix(a, "--template="):
			tmpl = unquote(val())
		case a == "-f" || a == "-F" || a == "--field" || a == "--raw-field" || a == "-H" || a == "--header" || a == "-X" || a == "--method" || a == "-R" || a == "--repo":
			v := val()
			if a == "-f" || a == "-F" || a == "--field" || a == "--raw-field" {
				pos = append(pos, v)
			}
		case strings.HasPrefix(a, "-"):
		default:
			pos = append(pos, a)
		}
	}
	var doc sval
	switch {
	case len(pos) >= 1 && pos[0] == "api":
		if !textAPIRe.MatchString(strings.Join(pos[1:], " ")) {
			return sval{}
		}
		doc = fetchedDoc("issue or pull request text fetched through gh api")
	case len(pos) >= 2 && (pos[0] == "pr" || pos[0] == "issue") && (pos[1] == "view" || pos[1] == "list" || pos[1] == "status"):
		what := "pull request"
		if pos[0] == "issue" {
			what = "issue"
		}
		if !hasJSON {
			// The human output prints titles and bodies (and comments).
			return sval{text: fetched(what + " text fetched with gh " + pos[0] + " " + pos[1])}
		}
		doc = sval{doc: true}
		if textFields(fields) {
			doc.text = fetched(what + " fields " + fields + " fetched with gh " + pos[0] + " " + pos[1])
		}
	case len(pos) >= 2 && pos[0] == "pr" && pos[1] == "diff":
		return sval{text: fetched("pull request diff fetched with gh pr diff")}
	case len(pos) >= 1 && pos[0] == "search":
		doc = fetchedDoc("issue or pull request text fetched with gh search")
	default:
		return sval{}
	}
	if tmpl != "" {
		return applyJQ(doc, strings.NewReplacer("{{", " ", "}}", " ").Replace(tmpl))
	}
	if filter != "" {
		return applyJQ(doc, filter)
	}
	return doc
}

// filter evaluates a later command of a pipeline over its input.
func (r *shellReader) filter(in sval, cmd string) sval {
	words := shellSplit(strings.TrimSpace(cmd))
	if len(words) == 0 {
		return in
	}
	name := words[0]
	switch name {
	case "jq":
		filter, files := jqArgs(words[1:])
		if len(files) > 0 {
			return r.source(cmd)
		}
		if !in.doc && len(in.text) > 0 {
			// Untrusted text parsed as JSON: what it holds is the author's.
			in.doc = true
		}
		if !in.doc {
			return in
		}
		return applyJQ(in, filter)
	case "wc", "sha256sum", "sha1sum", "md5sum", "base64":
		if name == "base64" && (slices1(words, "-d") || slices1(words, "--decode")) {
			return in
		}
		return sval{}
	case "grep":
		if slices1(words, "-c") || slices1(words, "-q") || slices1(words, "--count") {
			return sval{}
		}
	}
	return sval{text: in.text}
}

func slices1(ws []string, w string) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

func fetched(via string) []flow {
	return []flow{{origins: []string{inventory.OriginFetched}, via: via}}
}

func fetchedDoc(via string) sval { return sval{doc: true, text: fetched(via)} }

func eventDoc() sval {
	return sval{doc: true, text: fetched("the event payload ($GITHUB_EVENT_PATH)")}
}

// textFieldRe names the JSON fields that outsiders write: titles, bodies,
// messages, branch names, file names and the collections that hold them.
var textFieldRe = regexp.MustCompile(`(?i)^(title|body|body_text|body_html|message|messageheadline|messagebody|headrefname|head_ref|head_branch|display_title|comments|reviews|latestreviews|commits|files|filename|patch|discussion|comment|review|issue|pull_request|head_commit)$`)

// textFields reports a gh --json field list with untrusted text fields.
func textFields(list string) bool {
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
		if textFieldRe.MatchString(f) {
			return true
		}
	}
	return false
}

var (
	jqFieldRe     = regexp.MustCompile(`\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\]`)
	jqPathRe      = regexp.MustCompile(`(?:\.[A-Za-z_][A-Za-z0-9_]*|\.?\[\s*"[^"]*"\s*\]|\.?\[\d*\])+`)
	jqPredicateRe = regexp.MustCompile(`^\s*(length|keys|type|not|tonumber|any|all|empty|has\(|test\(|contains\(|startswith\(|endswith\(|index\(|inside\(|@base64\b|@uri\b)|(==|!=|<=|>=|\s<\s|\s>\s|\band\b|\bor\b|\|\s*length\s*$|@base64\s*$|@uri\s*$)`)
)

// applyJQ evaluates a jq filter over a document: the result is untrusted
// when the fields it finally selects hold outsiders' text, or when it passes
// the document on whole.
func applyJQ(in sval, filter string) sval {
	if !in.doc {
		return in
	}
	segs := splitJQ(filter)
	for k := len(segs) - 1; k >= 0; k-- {
		seg := segs[k]
		if jqPredicateRe.MatchString(seg) {
			return sval{}
		}
		chains := jqPathRe.FindAllString(seg, -1)
		if len(chains) == 0 {
			continue // join(", "), .[], . — look at what was selected before
		}
		for _, c := range chains {
			var fields []string
			for _, m := range jqFieldRe.FindAllStringSubmatch(c, -1) {
				fields = append(fields, strings.ToLower(m[1]+m[2]))
			}
			if len(fields) == 0 {
				continue
			}
			last := fields[len(fields)-1]
			if textFieldRe.MatchString(last) || len(fields) > 1 && fields[len(fields)-2] == "head" && (last == "ref" || last == "label") {
				return sval{text: in.text}
			}
		}
		return sval{}
	}
	return in
}

// splitJQ splits a jq filter at its top-level pipes.
func splitJQ(f string) []string {
	var out []string
	depth, start := 0, 0
	inStr := false
	for i := 0; i < len(f); i++ {
		switch c := f[i]; {
		case c == '\\' && inStr:
			i++
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == '|' && depth == 0:
			out = append(out, f[start:i])
			start = i + 1
		}
	}
	return append(out, f[start:])
}

// jqArgs returns a jq command's filter and file arguments.
func jqArgs(args []string) (string, []string) {
	filter := ""
	var files []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--arg" || a == "--argjson" || a == "--slurpfile" || a == "--rawfile":
			i += 2
		case a == "-f" || a == "--from-file":
			i++
		case strings.HasPrefix(a, "-") && a != "-":
		case filter == "":
			filter = unquote(a)
		default:
			files = append(files, a)
		}
	}
	return filter, files
}

// heredoc finds a top-level << (not <<<, not inside quotes) and returns its
// delimiter and whether it is quoted (no expansion in the body).
func heredoc(line string) (string, bool, bool) {
	found := ""
	quoted := false
	splitTop(line, func(s string, i int) int {
		if found == "" && strings.HasPrefix(s[i:], "<<") && !strings.HasPrefix(s[i:], "<<<") && (i == 0 || s[i-1] != '<') {
			if m := heredocRe.FindStringSubmatch(s[i:]); m != nil {
				found, quoted = m[2], m[1] != ""
			}
		}
		return 0
	})
	return found, quoted, found != ""
}

// logicalLines joins backslash continuations.
func logicalLines(s string) []string {
	raw := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	if len(raw) > maxScriptLines {
		raw = raw[:maxScriptLines]
	}
	var out []string
	var cur strings.Builder
	for _, l := range raw {
		if strings.HasSuffix(l, "\\") && !strings.HasSuffix(l, "\\\\") {
			cur.WriteString(strings.TrimSuffix(l, "\\"))
			cur.WriteByte(' ')
			continue
		}
		cur.WriteString(l)
		out = append(out, cur.String())
		cur.Reset()
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	// A $( … ) that spans lines is one command.
	var joined []string
	for i := 0; i < len(out); i++ {
		l := out[i]
		for n := 0; n < 50 && i+1 < len(out) && openSubst(l); n++ {
			i++
			l += " " + out[i]
		}
		joined = append(joined, l)
	}
	return joined
}

// openSubst reports a line with a $( that it does not close. Each $( is
// matched once, nested ones with it, so the scan is linear.
func openSubst(l string) bool {
	if len(l) > maxLineLen {
		return false
	}
	for i := 0; i+1 < len(l); i++ {
		j := strings.Index(l[i:], "$(")
		if j < 0 {
			return false
		}
		end := matchParen(l, i+j+1)
		if end < 0 {
			return true
		}
		i = end
	}
	return false
}

// splitCommands splits a line at top-level ; && and || (quotes and $( )
// respected).
func splitCommands(line string) []string {
	return splitTop(line, func(s string, i int) int {
		switch {
		case s[i] == ';':
			return 1
		case strings.HasPrefix(s[i:], "&&"), strings.HasPrefix(s[i:], "||"):
			return 2
		}
		return 0
	})
}

// splitPipes splits a command at top-level single pipes.
func splitPipes(cmd string) []string {
	return splitTop(cmd, func(s string, i int) int {
		if s[i] == '|' && !strings.HasPrefix(s[i:], "||") && (i == 0 || s[i-1] != '|') && (i == 0 || s[i-1] != '>') {
			return 1
		}
		return 0
	})
}

func splitTop(s string, sep func(string, int) int) []string {
	var out []string
	single, double := false, false
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && !single:
			i++
			continue
		case c == '\'' && !double:
			single = !single
			continue
		case c == '"' && !single:
			double = !double
			continue
		case single:
			continue
		case c == '$' && i+1 < len(s) && (s[i+1] == '(' || s[i+1] == '{'):
			depth++
			i++
			continue
		case (c == ')' || c == '}') && depth > 0:
			depth--
			continue
		case double || depth > 0:
			continue
		}
		if n := sep(s, i); n > 0 {
			out = append(out, s[start:i])
			start = i + n
			i += n - 1
		}
	}
	return append(out, s[start:])
}

// shellSplit splits a command into words, keeping quotes inside words.
func shellSplit(s string) []string {
	var out []string
	single, double := false, false
	depth := 0
	start := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if start < 0 && c != ' ' && c != '\t' {
			start = i
		}
		switch {
		case c == '\\' && !single:
			i++
		case c == '\'' && !double:
			single = !single
		case c == '"' && !single:
			double = !double
		case single:
		case c == '$' && i+1 < len(s) && (s[i+1] == '(' || s[i+1] == '{'):
			depth++
			i++
		case (c == ')' || c == '}') && depth > 0:
			depth--
		case (c == ' ' || c == '\t') && !double && depth == 0 && start >= 0:
			out = append(out, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

func isEcho(cmd string) bool {
	w := strings.Fields(cmd)
	return len(w) > 0 && (w[0] == "echo" || w[0] == "printf")
}

// echoText is what an echo or printf command prints (its arguments, quotes
// kept).
func echoText(cmd string) string {
	ws := shellSplit(cmd)
	if len(ws) == 0 {
		return ""
	}
	args := stripFlags(ws[1:])
	if ws[0] == "printf" && len(args) > 1 && strings.Contains(args[0], "%") {
		// printf 'name=%s\n' "$V": the format's name, then the arguments.
		f := strings.TrimSpace(strings.ReplaceAll(unquote(args[0]), `\n`, ""))
		if k := strings.Index(f, "%"); k >= 0 {
			return f[:k] + strings.Join(args[1:], " ")
		}
	}
	return strings.Join(args, " ")
}

func stripFlags(args []string) []string {
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' && strings.Trim(args[0][1:], "neE") == "" {
		args = args[1:]
	}
	return args
}

// unquote removes one pair of surrounding quotes.
func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// soleVar reports a word that is one variable reference ("$X", "${X}").
func soleVar(t string) (string, bool) {
	t = unquote(t)
	if !strings.HasPrefix(t, "$") {
		return "", false
	}
	if strings.HasPrefix(t, "${") && strings.HasSuffix(t, "}") && !strings.HasPrefix(t, "${{") {
		n := t[2 : len(t)-1]
		if identPrefix(n) == n && n != "" {
			return n, true
		}
		return "", false
	}
	n := t[1:]
	if identPrefix(n) == n && n != "" {
		return n, true
	}
	return "", false
}

// soleSubst reports a word that is one command substitution.
func soleSubst(t string) (string, bool) {
	t = unquote(t)
	if !strings.HasPrefix(t, "$(") || strings.HasPrefix(t, "$((") {
		return "", false
	}
	if end := matchParen(t, 1); end == len(t)-1 {
		return t[2:end], true
	}
	return "", false
}

// matchParen returns the index of the parenthesis closing the one at i.
func matchParen(s string, i int) int {
	depth := 0
	single, double := false, false
	for k := i; k < len(s); k++ {
		c := s[k]
		switch {
		case c == '\\' && !single:
			k++
		case c == '\'' && !double:
			single = !single
		case c == '"' && !single:
			double = !double
		case single || double:
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}

func identPrefix(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return s[:i]
		}
	}
	return s
}
