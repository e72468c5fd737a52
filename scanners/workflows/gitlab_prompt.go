package workflows

import (
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// GitLab has no template expansion into scripts: the shell expands $VAR at
// run time, so a variable in a script line is data, not code (eval, bash -c
// and the like are read as nested shells). What GitLab does carry into a
// coding agent is text in its prompt. Two sources matter, because their
// authors are not the people who control the pipeline's configuration:
//
//   - commit text ($CI_COMMIT_MESSAGE, _TITLE, _DESCRIPTION, _AUTHOR) in a
//     job that can run on protected refs: the message of a merged commit is
//     written by its author — any developer whose merge request is merged —
//     and the job then holds protected variables. In a job that runs in
//     merge request pipelines only, the text's author controls the
//     pipeline's configuration anyway (the source branch's .gitlab-ci.yml
//     runs), as for a GitHub pull_request run, and nothing is recorded;
//   - a pipeline variable that the CI file does not define, in a job that
//     runs for trigger pipelines: whoever holds a trigger token sets it
//     (POST /projects/:id/trigger/pipeline with variables[...]), and a relay
//     that turns merge request or issue comments into trigger calls hands
//     the commenters' text to the agent.
//
// Predefined variables other than those (ids, SHAs, paths, URLs, slugs) are
// clean.
var glCommitText = []string{"CI_COMMIT_MESSAGE", "CI_COMMIT_TITLE", "CI_COMMIT_DESCRIPTION", "CI_COMMIT_AUTHOR"}

// glSystemVars are environment variables a runner sets that no pipeline
// variable supplies.
var glSystemVars = []string{"HOME", "PATH", "PWD", "USER", "SHELL", "HOSTNAME", "TMPDIR", "LANG", "TERM", "OLDPWD"}

// glPromptFlags take the prompt as their value; glBoolFlags before a
// positional prompt take none.
var (
	glPromptFlags = []string{"--prompt", "-m", "--message", "--task", "-t", "--instructions"}
	glBoolFlags   = []string{"-p", "--print", "--yes", "--yes-always", "-y", "--verbose", "--dangerously-skip-permissions",
		"--full-auto", "--yolo", "--auto-commits", "--no-auto-commits", "--allow-all-tools", "-q", "--quiet", "--json"}
)

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
func glPromptInjections(c scriptCommand, st *inventory.Step, loc inventory.Location, vars []glVar, mrOnly bool, sources []string) {
	seen := map[string]bool{}
	for _, a := range promptArgs(c) {
		for _, m := range glVarRe.FindAllStringSubmatch(a, 64) {
			name := m[1]
			if seen[name] {
				continue
			}
			seen[name] = true
			switch {
			case slices.Contains(glCommitText, name):
				if mrOnly {
					continue
				}
				st.Injections = append(st.Injections, inventory.Injection{Expression: "$" + name, Into: "prompt", Location: loc,
					Origins: []string{inventory.OriginGitLabCommitText}})
			case strings.HasPrefix(name, "CI_") || strings.HasPrefix(name, "GITLAB_") || slices.Contains(glSystemVars, name):
			case slices.ContainsFunc(vars, func(v glVar) bool { return v.name == name }):
				// Defined in the CI file (pipeline variables may still
				// override it: AR-GL-012 reads who may).
			case slices.Contains(sources, "trigger"):
				st.Injections = append(st.Injections, inventory.Injection{Expression: "$" + name, Into: "prompt", Location: loc,
					Origins: []string{inventory.OriginPipelineVariable}})
			}
		}
	}
}
