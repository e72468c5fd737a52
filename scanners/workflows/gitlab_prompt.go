package workflows

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// GitLab has no template expansion into scripts: the shell expands $VAR at
// run time, so a variable in a script line is data, not code (eval, bash -c
// and the like are read as nested shells). What GitLab does carry into a
// coding agent is text in its prompt. Three sources matter, because their
// authors are not the people who control the pipeline's configuration:
//
//   - event text: $AI_FLOW_INPUT and $AI_FLOW_CONTEXT, which GitLab's AI flow
//     triggers set to the comment of whoever mentions the agent in an issue
//     or merge request and to the thread it is in (GitLab docs, "External
//     agent configuration examples"; Claude Code's "GitLab CI/CD" page runs
//     `claude -p "${AI_FLOW_INPUT:-…}"` in a job for web and merge request
//     pipelines), and $TRIGGER_PAYLOAD, the webhook payload of a pipeline
//     started by a webhook trigger (its titles, descriptions and comments);
//   - commit text ($CI_COMMIT_MESSAGE, _TITLE, _DESCRIPTION, _AUTHOR) in a
//     job that can run on protected refs: the message of a merged commit is
//     written by its author — any developer whose merge request is merged —
//     and the job then holds protected variables. In a job that runs in
//     merge request pipelines only, the text's author controls the
//     pipeline's configuration anyway (the source branch's .gitlab-ci.yml
//     runs), as for a GitHub pull_request run, and nothing is recorded;
//   - a pipeline variable that the CI file does not define, in a job that
//     runs for trigger or downstream pipelines: whoever holds a trigger
//     token (or runs the upstream job) sets it, and a relay that turns
//     comments into trigger calls hands it the commenters' text.
//
// A variable the job's scripts assign from such text (`export P="…$X…"`,
// `P=$(cat $TRIGGER_PAYLOAD)`) carries it on. Predefined variables other
// than those (ids, SHAs, paths, URLs, slugs) are clean.
var (
	glCommitText = []string{"CI_COMMIT_MESSAGE", "CI_COMMIT_TITLE", "CI_COMMIT_DESCRIPTION", "CI_COMMIT_AUTHOR"}
	glEventText  = []string{"AI_FLOW_INPUT", "AI_FLOW_CONTEXT", "TRIGGER_PAYLOAD"}
)

// glSystemVars are environment variables a runner sets that no pipeline
// variable supplies.
var glSystemVars = []string{"HOME", "PATH", "PWD", "USER", "SHELL", "HOSTNAME", "TMPDIR", "LANG", "TERM", "OLDPWD", "AI_FLOW_EVENT"}

// glPromptFlags take the prompt as their value; glBoolFlags before a
// positional prompt take none.
var (
	glPromptFlags = []string{"--prompt", "-m", "--message", "--task", "-t", "--instructions"}
	glBoolFlags   = []string{"-p", "--print", "--yes", "--yes-always", "-y", "--verbose", "--dangerously-skip-permissions",
		"--full-auto", "--yolo", "--auto-commits", "--no-auto-commits", "--allow-all-tools", "-q", "--quiet", "--json", "--debug"}
)

// glAssignRe is a shell assignment on a script line of its own.
var glAssignRe = regexp.MustCompile(`^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)

// glTaint is where a variable's text comes from.
type glTaint struct {
	origin string
	via    string // for people: "set from $AI_FLOW_INPUT at line 12"
}

// glScriptLine is one line of a job's scripts, with its line in the file.
type glScriptLine struct {
	text string
	line int
}

// glTaints returns the origin of a variable's text in a job: one of the
// sources above, or a variable the job's scripts assign from one (followed
// over a few passes, so a chain of assignments carries it).
func glTaints(lines []glScriptLine, mrOnly bool, sources []string, defined func(string) bool) func(name string) (glTaint, bool) {
	source := func(name string) (glTaint, bool) {
		switch {
		case slices.Contains(glEventText, name):
			return glTaint{origin: inventory.OriginGitLabEventText}, true
		case slices.Contains(glCommitText, name):
			return glTaint{origin: inventory.OriginGitLabCommitText}, !mrOnly
		case strings.HasPrefix(name, "CI_") || strings.HasPrefix(name, "GITLAB_") || slices.Contains(glSystemVars, name) || defined(name):
			return glTaint{}, false
		case slices.Contains(sources, "trigger") || slices.Contains(sources, "pipeline"):
			return glTaint{origin: inventory.OriginPipelineVariable}, true
		}
		return glTaint{}, false
	}
	assigned := map[string]glTaint{}
	var assignedNames []string
	for _, l := range lines {
		if m := glAssignRe.FindStringSubmatch(l.text); m != nil {
			assignedNames = append(assignedNames, m[1])
		}
	}
	of := func(name string) (glTaint, bool) {
		if t, ok := assigned[name]; ok {
			return t, true
		}
		if slices.Contains(assignedNames, name) {
			return glTaint{}, false // the script sets it: not a pipeline variable
		}
		return source(name)
	}
	for range 3 {
		for _, l := range lines {
			m := glAssignRe.FindStringSubmatch(l.text)
			if m == nil {
				continue
			}
			if _, done := assigned[m[1]]; done {
				continue
			}
			for _, v := range glVarRe.FindAllStringSubmatch(m[2], 64) {
				if v[1] == m[1] {
					continue
				}
				if t, ok := of(v[1]); ok {
					assigned[m[1]] = glTaint{origin: t.origin, via: "set from $" + v[1] + " at line " + strconv.Itoa(l.line)}
					break
				}
			}
		}
	}
	return of
}

// promptArgs returns the arguments of an agent command that carry its
// prompt: a value of a prompt flag, or a positional argument (one that
// follows no flag, or a flag that takes no value).
func promptArgs(c scriptCommand) []string {
	var out []string
	for i, a := range c.args {
		if strings.HasPrefix(a, "-") {
			if k, v, ok := strings.Cut(a, "="); ok && slices.Contains(glPromptFlags, k) {
				out = append(out, v)
			}
			continue
		}
		if i == 0 {
			out = append(out, a) // a subcommand (codex exec) or the prompt
			continue
		}
		prev := c.args[i-1]
		switch {
		case slices.Contains(glPromptFlags, prev):
			out = append(out, a)
		case !strings.HasPrefix(prev, "-") || slices.Contains(glBoolFlags, prev):
			out = append(out, a)
		}
	}
	return out
}

// glPipelineSources lists the pipeline sources a job's rules name as ones
// it runs for (`$CI_PIPELINE_SOURCE == "trigger"`), and `only:` triggers.
func glPipelineSources(keys map[string]entry) []string {
	var out []string
	if e, ok := keys["rules"]; ok && e.v.isSeq() {
		for _, rule := range e.v.items() {
			if strings.EqualFold(rule.get("when").str(), "never") {
				continue
			}
			cond := strings.ReplaceAll(rule.get("if").str(), "'", `"`)
			for _, m := range glSourceRe.FindAllStringSubmatch(cond, -1) {
				if !slices.Contains(out, m[1]) {
					out = append(out, m[1])
				}
			}
		}
	}
	if e, ok := keys["only"]; ok {
		refs := e.v.strs()
		if e.v.isMap() {
			refs = e.v.get("refs").strs()
		}
		if slices.Contains(refs, "triggers") && !slices.Contains(out, "trigger") {
			out = append(out, "trigger")
		}
	}
	return out
}

// glPromptInjections records the untrusted text an agent command's prompt
// carries (see above) on its step.
func glPromptInjections(c scriptCommand, st *inventory.Step, loc inventory.Location, taint func(string) (glTaint, bool)) {
	seen := map[string]bool{}
	for _, a := range promptArgs(c) {
		for _, m := range glVarRe.FindAllStringSubmatch(a, 64) {
			name := m[1]
			if seen[name] {
				continue
			}
			seen[name] = true
			if t, ok := taint(name); ok {
				st.Injections = append(st.Injections, inventory.Injection{Expression: "$" + name, Into: "prompt", Location: loc,
					Origins: []string{t.origin}, Via: t.via})
			}
		}
	}
}
