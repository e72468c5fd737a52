package workflows

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Command lines — run: scripts, GitLab script sections, the claude_args
// style inputs of agent actions — are read with a real shell parser
// (mvdan.cc/sh), after their ${{ }} expressions are substituted, so that a
// multi-line quoted prompt, a continuation line or a nested $( ) cannot
// hide a flag. A value that is not known — an expansion, an expression the
// scan cannot evaluate — is marked, never read as absent.

// maxScriptCommands bounds the commands read from one script.
const maxScriptCommands = 2000

// maxNestedShell bounds bash -c / eval strings parsed inside a script.
const maxNestedShell = 2

// scriptCommand is one simple command of a script.
type scriptCommand struct {
	name string   // command name (basename)
	args []string // its arguments, as the shell would pass them where known
	dyn  []bool   // per argument: its value is not known (an expansion or an expression)
	env  []string // NAME=value assignments before it (names only)
	// opaque lists what in the command the scan cannot read: an unquoted
	// expansion or expression that word splitting can turn into any flags.
	opaque []string
	line   int         // 1-based line in the script
	sub    substituted // the script's expressions, to render markers back
	pkg    string      // the npm package spec run through npx, bunx, pnpm dlx, …
	runner string      // which of those
}

// argv is a parsed argument list (an action input such as claude_args).
type argv struct {
	words  []string
	dyn    []bool
	opaque []string
	sub    substituted
}

func (c scriptCommand) argv() argv {
	return argv{words: c.args, dyn: c.dyn, opaque: c.opaque, sub: c.sub}
}

// scriptCommands parses a script that has no ${{ }} expressions left (a
// GitLab script, or a test); a script the parser rejects is split by the
// older line heuristic.
func scriptCommands(script string) []scriptCommand {
	cmds, _ := parseScript(script, substituted{text: script}, 0)
	return cmds
}

func shParser() *syntax.Parser { return syntax.NewParser(syntax.Variant(syntax.LangBash)) }

// parseScript reads the simple commands of a substituted script. When the
// script is not valid shell it falls back to the line heuristic and returns
// why.
func parseScript(script string, sub substituted, depth int) ([]scriptCommand, error) {
	f, err := shParser().Parse(strings.NewReader(script), "")
	if err != nil {
		return heuristicCommands(script, sub), fmt.Errorf("not valid shell: %s", oneLine(shortParseError(err)))
	}
	var out []scriptCommand
	syntax.Walk(f, func(n syntax.Node) bool {
		if len(out) >= maxScriptCommands {
			return false
		}
		ce, ok := n.(*syntax.CallExpr)
		if !ok || len(ce.Args) == 0 {
			return true
		}
		c := scriptCommand{line: int(ce.Pos().Line()), sub: sub}
		for _, a := range ce.Assigns {
			if a.Name != nil {
				c.env = append(c.env, a.Name.Value)
			}
		}
		var words []string
		var dyn []bool
		for _, w := range ce.Args {
			t, d, split := wordText(w, sub)
			words = append(words, t)
			dyn = append(dyn, d)
			if split {
				c.opaque = append(c.opaque, "unquoted "+sub.restore(t)+" (word splitting can add any flags)")
			}
		}
		if cmd, ok := unwrapCommand(c, words, dyn); ok {
			out = append(out, cmd)
			if depth < maxNestedShell {
				out = append(out, nestedShell(cmd, sub, depth)...)
			}
		}
		return true
	})
	return out, nil
}

func shortParseError(err error) string {
	s := err.Error()
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// nestedShell parses the string of bash -c '…', sh -c '…' and eval '…'.
func nestedShell(c scriptCommand, sub substituted, depth int) []scriptCommand {
	var body string
	switch c.name {
	case "bash", "sh", "zsh", "dash", "ksh":
		for i, a := range c.args {
			if a == "-c" && i+1 < len(c.args) && !c.dyn[i+1] {
				body = c.args[i+1]
				break
			}
			if !strings.HasPrefix(a, "-") {
				return nil
			}
		}
	case "eval":
		for i, a := range c.args {
			if c.dyn[i] {
				return nil
			}
			body += a + " "
		}
	}
	if body == "" {
		return nil
	}
	cmds, _ := parseScript(body, sub, depth+1)
	for i := range cmds {
		cmds[i].line = c.line
	}
	return cmds
}

// wordText renders a word as the shell would pass it. dyn reports a part
// the scan cannot know (a parameter, a command substitution, an expression
// marker); split reports such a part outside quotes.
func wordText(w *syntax.Word, sub substituted) (text string, dyn, split bool) {
	var b strings.Builder
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			v := unescapeUnquoted(p.Value)
			if hasMarker(v) {
				dyn, split = true, true
			}
			b.WriteString(v)
		case *syntax.SglQuoted:
			b.WriteString(p.Value)
			if hasMarker(p.Value) {
				dyn = true
			}
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				switch q := q.(type) {
				case *syntax.Lit:
					v := unescapeDouble(q.Value)
					if hasMarker(v) {
						dyn = true
					}
					b.WriteString(v)
				default:
					dyn = true
					b.WriteString(partText(q))
				}
			}
		default:
			dyn, split = true, true
			b.WriteString(partText(p))
		}
		if b.Len() > 1<<20 {
			break
		}
	}
	return b.String(), dyn, split
}

// partText renders an expansion as it is written ($NAME, $(…)), for
// messages.
func partText(p syntax.WordPart) string {
	switch p := p.(type) {
	case *syntax.ParamExp:
		if p.Param != nil {
			return "$" + p.Param.Value
		}
		return "${…}"
	case *syntax.CmdSubst:
		return "$(…)"
	case *syntax.ArithmExp:
		return "$((…))"
	case *syntax.ProcSubst:
		return "<(…)"
	}
	return "…"
}

func unescapeUnquoted(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == '\n' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unescapeDouble(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\\n", s[i+1]) >= 0 {
			i++
			if s[i] == '\n' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

var assignRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// wrappers run the command that follows them; their own flags are skipped.
var wrappers = map[string]bool{
	"sudo": true, "env": true, "exec": true, "time": true, "nohup": true, "command": true, "builtin": true,
	"xargs": true, "nice": true, "stdbuf": true, "doas": true,
}

// unwrapCommand skips assignments and wrappers (sudo, env, timeout, npx,
// pnpm dlx, uv run, …) to the command that runs.
func unwrapCommand(c scriptCommand, words []string, dyn []bool) (scriptCommand, bool) {
	i := 0
	skipFlags := func() {
		for i < len(words) && strings.HasPrefix(words[i], "-") {
			if words[i] == "--" {
				i++
				return
			}
			i++
		}
	}
	for i < len(words) {
		w := words[i]
		switch {
		case assignRe.MatchString(w) && !dyn[i]:
			c.env = append(c.env, w[:strings.IndexByte(w, '=')])
			i++
			continue
		case wrappers[w]:
			i++
			skipFlags()
			continue
		case w == "timeout":
			i++
			skipFlags()
			i++ // the duration
			continue
		case w == "npx" || w == "bunx" || w == "pnpx" || w == "uvx":
			i++
			skipFlags()
			if i < len(words) {
				if cmd, ok := npmPackages[stripVersion(words[i])]; ok {
					c.name, c.args, c.dyn = cmd, words[i+1:], dyn[i+1:]
					c.pkg, c.runner = words[i], w
					return c, true
				}
			}
			continue
		case (w == "pnpm" || w == "yarn" || w == "npm" || w == "bun") && i+1 < len(words) &&
			(words[i+1] == "dlx" || words[i+1] == "exec" || words[i+1] == "x"):
			runner := w + " " + words[i+1]
			i += 2
			skipFlags()
			if i < len(words) {
				if cmd, ok := npmPackages[stripVersion(words[i])]; ok {
					c.name, c.args, c.dyn = cmd, words[i+1:], dyn[i+1:]
					c.pkg, c.runner = words[i], runner
					return c, true
				}
			}
			continue
		case (w == "pipx" || w == "uv" || w == "poetry" || w == "pdm" || w == "hatch") && i+1 < len(words) && words[i+1] == "run",
			w == "uv" && i+2 < len(words) && words[i+1] == "tool" && words[i+2] == "run":
			if words[i+1] == "tool" {
				i++
			}
			i += 2
			skipFlags()
			continue
		}
		break
	}
	if i >= len(words) {
		return c, false
	}
	c.name = path.Base(words[i])
	c.args, c.dyn = words[i+1:], dyn[i+1:]
	return c, true
}

// splitArgs parses an input that an action splits into arguments (as
// claude-code-action does with claude_args) after substituting its
// expressions.
func splitArgs(s string, env exprEnv) (argv, substituted) {
	sub := env.substituteText(s)
	f, err := shParser().Parse(strings.NewReader(sub.text), "")
	if err != nil {
		a := argv{opaque: []string{"not valid shell: " + oneLine(shortParseError(err))}, sub: sub}
		for _, w := range heuristicWords(sub.text) {
			a.words = append(a.words, w)
			a.dyn = append(a.dyn, hasMarker(w))
		}
		return a, sub
	}
	a := argv{sub: sub}
	syntax.Walk(f, func(n syntax.Node) bool {
		ce, ok := n.(*syntax.CallExpr)
		if !ok {
			return len(a.words) <= 4096
		}
		for _, as := range ce.Assigns { // FOO=bar reads as a word here
			if as.Name != nil && as.Value != nil {
				t, d, _ := wordText(as.Value, sub)
				a.words = append(a.words, as.Name.Value+"="+t)
				a.dyn = append(a.dyn, d)
			}
		}
		for _, w := range ce.Args {
			t, d, split := wordText(w, sub)
			a.words = append(a.words, t)
			a.dyn = append(a.dyn, d)
			if split {
				a.opaque = append(a.opaque, "unquoted "+sub.restore(t)+" (it can expand to any flags)")
			}
		}
		return false
	})
	return a, sub
}

// heuristicCommands is the line splitter used when a script is not valid
// shell: lines joined at backslash continuations, split at ; && || | and
// $( .
func heuristicCommands(script string, sub substituted) []scriptCommand {
	script = strings.ReplaceAll(script, "\\\r\n", " ")
	script = strings.ReplaceAll(script, "\\\n", " ")
	var out []scriptCommand
	for n, line := range strings.Split(script, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, part := range splitShell(line) {
			words := heuristicWords(part)
			dyn := make([]bool, len(words))
			for i, w := range words {
				dyn[i] = hasMarker(w) || strings.Contains(w, "$")
			}
			c := scriptCommand{line: n + 1, sub: sub}
			for len(words) > 0 && (words[0] == "then" || words[0] == "do" || words[0] == "else" || words[0] == "if" ||
				words[0] == "while" || words[0] == "!") {
				words, dyn = words[1:], dyn[1:]
			}
			if cmd, ok := unwrapCommand(c, words, dyn); ok {
				out = append(out, cmd)
				if len(out) >= maxScriptCommands {
					return out
				}
			}
		}
	}
	return out
}

func splitShell(line string) []string {
	var parts []string
	start := 0
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		if quote != 0 {
			if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"':
			quote = c
		case ';', '|', '&', '`':
			parts = append(parts, line[start:i])
			start = i + 1
		case '$':
			if i+1 < len(line) && line[i+1] == '(' {
				parts = append(parts, line[start:i])
				start = i + 2
				i++
			}
		case '(', ')', '{', '}':
			parts = append(parts, line[start:i])
			start = i + 1
		}
	}
	return append(parts, line[start:])
}

// heuristicWords splits a command line into words, honouring quotes.
func heuristicWords(s string) []string {
	var out []string
	var cur strings.Builder
	in := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote = c
			in = true
		case c == '\\' && i+1 < len(s) && s[i+1] == '\n':
			i++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
		if len(out) > 4096 {
			break
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}
