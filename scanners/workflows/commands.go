package workflows

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/rhysd/actionlint"

	"github.com/agentreach/agentreach/inventory"
)

// Gemini CLI custom commands. A prompt that starts with a slash ("/fix" or
// "/git:commit") runs the custom command of that name: a TOML file under
// .gemini/commands (namespaces are subdirectories) whose prompt = """…"""
// becomes the model's prompt. In it, {{args}} stands for the text after the
// command name (Gemini CLI appends that text when {{args}} is absent, so it
// reaches the prompt either way and is already followed as the prompt
// input), and each !{…} runs a shell command whose output takes its place
// — with the environment of the agent step, so `!{echo $ISSUE_BODY}` puts
// the env variable's value in the prompt. google-github-actions/run-gemini-cli
// copies the command files of its own .github/commands into .gemini/commands
// before it starts Gemini CLI; in a scan of that repository (or of one laid
// out like it) the file is there.

// maxCommandFileBytes bounds the read of a command file.
const maxCommandFileBytes = 1 << 20

// commandDirs are where a command file is looked for, in order.
var commandDirs = []string{".gemini/commands", ".github/commands"}

var (
	commandNameRe = regexp.MustCompile(`^/([A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)*)$`)
	shellVarRe    = regexp.MustCompile(`^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))`)
)

// commandFile is what a custom command's prompt takes from its environment.
type commandFile struct {
	name    string
	path    string   // repository-relative, "" when not found
	env     []string // env variables its !{…} snippets read, in order
	args    bool     // the prompt uses {{args}}
	problem string   // why the file could not be read, when it could not
}

// command reads the file of the custom command name ("git:commit").
func (r *resolver) command(name string) *commandFile {
	if cf, ok := r.commands[name]; ok {
		return cf
	}
	if r.commands == nil {
		r.commands = map[string]*commandFile{}
	}
	cf := &commandFile{name: name}
	r.commands[name] = cf
	rel := strings.ReplaceAll(name, ":", "/") + ".toml"
	if r.fsys == nil {
		return cf
	}
	for _, dir := range commandDirs {
		p := dir + "/" + rel
		if !fs.ValidPath(p) {
			return cf
		}
		fh, err := r.fsys.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		cf.path = p
		if err != nil {
			cf.problem = describeFSErr(err)
			return cf
		}
		data, err := io.ReadAll(io.LimitReader(fh, maxCommandFileBytes+1))
		fh.Close()
		switch {
		case err != nil:
			cf.problem = describeFSErr(err)
		case len(data) > maxCommandFileBytes:
			cf.problem = fmt.Sprintf("larger than %d bytes", maxCommandFileBytes)
		default:
			cf.read(data)
		}
		return cf
	}
	return cf
}

// read parses a command file's TOML and the prompt's placeholders.
func (cf *commandFile) read(data []byte) {
	var doc struct {
		Prompt *string `toml:"prompt"`
	}
	if err := toml.Unmarshal(data, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			cf.problem = fmt.Sprintf("not valid TOML (line %d)", row)
		} else {
			cf.problem = "not valid TOML"
		}
		return
	}
	if doc.Prompt == nil {
		cf.problem = "no prompt"
		return
	}
	cf.args = strings.Contains(*doc.Prompt, "{{args}}")
	for _, snippet := range shellSnippets(*doc.Prompt) {
		for _, n := range shellVars(snippet) {
			if !slices.Contains(cf.env, n) {
				cf.env = append(cf.env, n)
			}
		}
	}
}

// shellSnippets returns the bodies of the !{…} of a prompt, braces balanced
// as Gemini CLI reads them. An unclosed one runs to the end.
func shellSnippets(p string) []string {
	var out []string
	for len(out) < 256 {
		i := strings.Index(p, "!{")
		if i < 0 {
			break
		}
		p = p[i+2:]
		depth, end := 1, len(p)
		for j := 0; j < len(p) && end == len(p); j++ {
			switch p[j] {
			case '{':
				depth++
			case '}':
				if depth--; depth == 0 {
					end = j
				}
			}
		}
		out = append(out, p[:end])
		p = p[min(end+1, len(p)):]
	}
	return out
}

// shellVars returns the variables a shell snippet expands: $NAME and
// ${NAME…}, outside single quotes and not escaped.
func shellVars(s string) []string {
	var out []string
	single, double := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && !single:
			i++
		case c == '\'' && !double:
			single = !single
		case c == '"' && !single:
			double = !double
		case c == '$' && !single:
			if m := shellVarRe.FindStringSubmatch(s[i:]); m != nil {
				if n := m[1] + m[2]; !slices.Contains(out, n) {
					out = append(out, n)
				}
			}
		}
	}
	return out
}

// commandSinks follows the env variables that a Gemini CLI custom command,
// named by the prompt input of agent step k, puts in the agent's prompt.
// A command file that is not in the scanned tree, or cannot be read, is
// recorded in coverage: what it embeds is unknown, not safe.
func (r *resolver) commandSinks(sc *scope, file inventory.Location, k int, st *inventory.Step, inputs map[string]*actionlint.String, inj *injector) {
	if st.Agent == nil || st.Agent.Product != "gemini-cli" {
		return
	}
	p := inputs["prompt"]
	if p == nil {
		return
	}
	first, _, _ := strings.Cut(strings.TrimSpace(p.Value), "\n")
	first, _, _ = strings.Cut(strings.TrimSpace(first), " ")
	m := commandNameRe.FindStringSubmatch(strings.TrimSpace(first))
	if m == nil || strings.Contains(m[1], "..") {
		return
	}
	cf := r.command(m[1])
	where := fmt.Sprintf("the prompt /%s of the gemini-cli step at line %d", m[1], st.Location.Line)
	switch {
	case cf.path == "":
		r.scope.add(file, fmt.Sprintf("%s is a Gemini CLI custom command whose file is not in the scanned tree "+
			"(the action's own, or one the job writes); the text it puts in the agent's prompt was not evaluated", where))
		return
	case cf.problem != "":
		r.out.AddCoverage(inventory.Coverage{Source: Source, Target: file.Root, Path: cf.path, Status: inventory.CoveragePartial,
			Reason: fmt.Sprintf("custom command file of %s (%s) could not be read: %s; the text it puts in the agent's prompt was not evaluated",
				where, file.Path, cf.problem)})
		return
	}
	for _, n := range cf.env {
		ev, ok := sc.env[strings.ToLower(n)]
		if !ok || len(ev.flows) == 0 {
			continue
		}
		into := fmt.Sprintf("prompt (prompt) through the command file %s, whose !{…} puts $%s in it", cf.path, n)
		via := "env " + ev.name + " (" + ev.where + ")"
		if ev.str != nil {
			inj.sinkVia(sc, ev.file, k, ev.str, into, st.Agent.Product, true, via)
			continue
		}
		// Written to $GITHUB_ENV by an earlier step: no expression to
		// point at, so the agent step is the place.
		key := fmt.Sprintf("%d:env.%s:%s", k, ev.name, into)
		if inj.seen[key] || k >= len(inj.job.Steps) {
			continue
		}
		inj.seen[key] = true
		var vias []string
		for _, f := range ev.flows {
			if d := f.describe(); !slices.Contains(vias, d) && len(vias) < 3 {
				vias = append(vias, d)
			}
		}
		inj.job.Steps[k].Injections = append(inj.job.Steps[k].Injections, inventory.Injection{
			Expression: "env." + ev.name, Into: into, Location: st.Location, Origins: originsOf(ev.flows),
			Via: via + ", from " + strings.Join(vias, "; "), Agent: st.Agent.Product})
	}
}
