package workflows

import (
	"fmt"
	"path"
	"strings"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v4"

	"github.com/agentreach/agentreach/inventory"
)

// localAction is a parsed action.yml of the repository (a composite action
// whose steps run inside the calling job).
type localAction struct {
	dir       string // repository-relative directory, the uses: ./dir target
	file      inventory.Location
	composite bool
	steps     []*actionlint.Step
	// defaults holds the declared inputs (lower case) and their default
	// values as written ("" when none).
	defaults map[string]string
}

// maxActionSteps bounds the steps read from one composite action.
const maxActionSteps = 500

// parseAction reads a local action.yml. Its steps are converted to
// actionlint's step type, so that workflow steps and composite steps share
// one analysis.
func parseAction(file inventory.Location, data []byte) (*localAction, error) {
	if err := checkYAMLSize(data); err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("invalid action metadata YAML: %s", oneLine(err.Error()))
	}
	budget := maxExpandedNodes
	root := newRoot(&doc, &budget)
	a := &localAction{dir: path.Dir(file.Path), file: file}
	if !root.isMap() {
		return a, nil
	}
	for _, kv := range root.get("inputs").entries() {
		if a.defaults == nil {
			a.defaults = map[string]string{}
		}
		d := ""
		if v := kv.v.get("default"); v.isScalar() {
			d = v.str()
		}
		a.defaults[strings.ToLower(kv.key)] = d
	}
	runs := root.get("runs")
	a.composite = strings.EqualFold(runs.get("using").str(), "composite")
	if !a.composite {
		return a, nil
	}
	for i, s := range runs.get("steps").items() {
		if i >= maxActionSteps {
			break
		}
		if st := toStep(s); st != nil {
			a.steps = append(a.steps, st)
		}
	}
	return a, nil
}

func toStep(s ynode) *actionlint.Step {
	if !s.isMap() {
		return nil
	}
	st := &actionlint.Step{Pos: pos(s)}
	str := func(y ynode) *actionlint.String {
		if !y.isScalar() {
			return nil
		}
		return &actionlint.String{Value: y.str(), Pos: pos(y)}
	}
	st.ID = str(s.get("id"))
	st.If = str(s.get("if"))
	st.Name = str(s.get("name"))
	if env := s.get("env"); env.isMap() {
		e := &actionlint.Env{Vars: map[string]*actionlint.EnvVar{}}
		for _, kv := range env.entries() {
			e.Vars[strings.ToLower(kv.key)] = &actionlint.EnvVar{Name: &actionlint.String{Value: kv.key, Pos: pos(kv.k)}, Value: str(kv.v)}
		}
		st.Env = e
	}
	if uses := s.get("uses"); uses.isScalar() {
		ea := &actionlint.ExecAction{Uses: str(uses), Inputs: map[string]*actionlint.Input{}}
		for _, kv := range s.get("with").entries() {
			ea.Inputs[strings.ToLower(kv.key)] = &actionlint.Input{Name: &actionlint.String{Value: kv.key, Pos: pos(kv.k)}, Value: str(kv.v)}
		}
		st.Exec = ea
	} else if run := s.get("run"); run.isScalar() {
		st.Exec = &actionlint.ExecRun{Run: str(run), RunPos: pos(run)}
	}
	return st
}

func pos(y ynode) *actionlint.Pos { return &actionlint.Pos{Line: y.line(), Col: y.col()} }
