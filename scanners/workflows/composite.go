package workflows

import (
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/agentreach/agentreach/inventory"
)

// A local composite action that wraps an agent action forwards its inputs:
// `allowed-tools: Bash(*)` in the calling workflow reaches claude-code-action
// as `claude_args: --allowedTools '${{ inputs.allowed-tools }}'` inside the
// action. The agent of a composite step is read with the action's inputs
// substituted — what the calling step wrote, else the input's default — so
// that the tool list flows through; a value the caller computes (a secret,
// a step output) stays unknown, and is never read as empty.

// inputEnv evaluates the inputs a composite action is called with: the
// caller's with: values (in the caller's own context) over the action's
// defaults.
func (a *localAction) inputEnv(with map[string]string, parent exprEnv) exprEnv {
	env := exprEnv{inputs: map[string]exprValue{}}
	value := func(raw string, ctx exprEnv) exprValue {
		sub := ctx.substituteText(raw)
		if len(sub.unknown) == 0 {
			return strVal(sub.text)
		}
		return exprValue{raw: sub.restore(sub.text)}
	}
	for name, def := range a.defaults {
		// Defaults may use github.* and the like, never inputs.
		env.inputs[name] = value(def, exprEnv{})
	}
	for name, raw := range with {
		env.inputs[strings.ToLower(name)] = value(raw, parent)
	}
	return env
}

// compositeAgent re-reads the agent of a step inside a composite action
// with the action's inputs substituted.
// caller is the workflow step that uses the (outermost) action.
func (t *agentTable) compositeAgent(st *inventory.Step, cs *actionlint.Step, env exprEnv, caller inventory.Location) {
	if env.inputs == nil || cs == nil {
		return
	}
	var ag *inventory.StepAgent
	switch e := cs.Exec.(type) {
	case *actionlint.ExecAction:
		if e.Uses == nil {
			return
		}
		a, ref, ok := t.action(e.Uses.Value)
		if !ok {
			return
		}
		inputs := map[string]string{}
		for k, in := range e.Inputs {
			if in != nil && in.Value != nil {
				inputs[strings.ToLower(k)] = in.Value.Value
			}
		}
		ag = actionAgent(a, ref, e.Uses.Value, inputs, env)
		for _, k := range a.keyInputs {
			for _, n := range secretsIn(env.plain(inputs[k])).names {
				ag.OwnKeys = appendUnique(ag.OwnKeys, inventory.GitHubSecretID(st.Location.Source, n))
			}
		}
	case *actionlint.ExecRun:
		if e.Run == nil {
			return
		}
		cmds, perr := t.scriptCmds(e.Run.Value, env)
		for _, c := range cmds {
			if ag = t.commandAgent(c); ag != nil {
				break
			}
		}
		if ag != nil && perr != nil {
			unparsed(ag, "the run: script is "+perr.Error()+"; its commands were split by lines")
		}
	}
	if ag == nil {
		return
	}
	if old := st.Agent; old != nil {
		ag.HoldsRepoToken = ag.HoldsRepoToken || old.HoldsRepoToken
		for _, k := range old.OwnKeys {
			ag.OwnKeys = appendUnique(ag.OwnKeys, k)
		}
	}
	from := caller
	ag.InputsFrom = &from
	st.Agent = ag
}
