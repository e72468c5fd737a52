package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	yaml "go.yaml.in/yaml/v4"
)

// The repository's action.yml, read by the tests below: its metadata is validated (actionlint does not lint
// an action.yml by itself), its composite steps are linted with actionlint as the steps of a workflow, and
// its shell steps are run with bash against a temporary runner.

type actionStep struct {
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Shell string            `yaml:"shell"`
	Run   string            `yaml:"run"`
	Env   map[string]string `yaml:"env"`
	With  map[string]string `yaml:"with"`
}

type actionMeta struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Branding    struct {
		Icon  string `yaml:"icon"`
		Color string `yaml:"color"`
	} `yaml:"branding"`
	Inputs map[string]struct {
		Description string `yaml:"description"`
		Default     string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

func repoRootDir(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func readAction(t *testing.T) (actionMeta, []byte) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRootDir(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var m actionMeta
	if err := yaml.Unmarshal(src, &m); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return m, src
}

var (
	inputRef = regexp.MustCompile(`\binputs\.([A-Za-z0-9_-]+)`)
	stepOut  = regexp.MustCompile(`^\$\{\{ steps\.([a-z0-9_-]+)\.outputs\.([a-z0-9_-]+) \}\}$`)
	exprRef  = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)
)

func TestActionMetadata(t *testing.T) {
	m, src := readAction(t)
	if m.Name == "" || m.Description == "" {
		t.Error("action.yml needs name and description")
	}
	if _, ok := actionlint.BrandingIcons[m.Branding.Icon]; !ok {
		t.Errorf("branding.icon %q is not an icon actionlint accepts", m.Branding.Icon)
	}
	if _, ok := actionlint.BrandingColors[m.Branding.Color]; !ok {
		t.Errorf("branding.color %q is not a colour actionlint accepts", m.Branding.Color)
	}
	if m.Runs.Using != "composite" || len(m.Runs.Steps) == 0 {
		t.Fatalf("runs: want a composite action with steps, got %q with %d steps", m.Runs.Using, len(m.Runs.Steps))
	}
	for _, ref := range inputRef.FindAllStringSubmatch(string(src), -1) {
		if _, ok := m.Inputs[ref[1]]; !ok {
			t.Errorf("inputs.%s is used but not declared", ref[1])
		}
	}
	for name, in := range m.Inputs {
		if in.Description == "" {
			t.Errorf("input %s has no description", name)
		}
		if !strings.Contains(string(src), "inputs."+name+" ") && !strings.Contains(string(src), "inputs."+name+"\n") {
			t.Errorf("input %s is declared but never used", name)
		}
	}
	steps := map[string]actionStep{}
	for i, s := range m.Runs.Steps {
		if s.ID != "" {
			steps[s.ID] = s
		}
		if s.Run != "" {
			if s.Shell != "bash" {
				t.Errorf("step %d: a run step needs shell: bash", i)
			}
			// Inputs reach the shell through env only.
			if exprRef.MatchString(s.Run) {
				t.Errorf("step %d: an expression inside run: (pass it through env)", i)
			}
		}
		if s.Uses != "" && !regexp.MustCompile(`@[0-9a-f]{40}$`).MatchString(s.Uses) {
			t.Errorf("step %d: %s is not pinned to a commit", i, s.Uses)
		}
	}
	for name, out := range m.Outputs {
		g := stepOut.FindStringSubmatch(out.Value)
		if g == nil {
			t.Errorf("output %s: value %q is not a step output", name, out.Value)
			continue
		}
		s, ok := steps[g[1]]
		if !ok {
			t.Errorf("output %s: no step with id %s", name, g[1])
			continue
		}
		if !writesOutput(s.Run, g[2]) {
			t.Errorf("output %s: step %s never writes %s to $GITHUB_OUTPUT", name, g[1], g[2])
		}
	}
}

// writesOutput reports whether a script writes key= (literally, or as one of the severities of the loop).
func writesOutput(script, key string) bool {
	if strings.Contains(script, `"`+key+`=`) || strings.Contains(script, `"`+key+`=\(`) {
		return true
	}
	switch key {
	case "critical", "high", "medium", "low":
		return strings.Contains(script, `for s in critical high medium low`) && strings.Contains(script, `"\($s)=`)
	}
	return false
}

// TestActionStepsActionlint lints the composite steps with actionlint as the steps of a workflow whose
// workflow_dispatch inputs are the action's inputs (so inputs.* type-checks).
func TestActionStepsActionlint(t *testing.T) {
	m, _ := readAction(t)
	inputs := map[string]any{}
	for name, in := range m.Inputs {
		inputs[name] = map[string]any{"description": in.Description, "default": in.Default, "type": "string"}
	}
	var steps []map[string]any
	for _, s := range m.Runs.Steps {
		st := map[string]any{}
		for k, v := range map[string]string{"id": s.ID, "if": s.If, "uses": s.Uses, "shell": s.Shell, "run": s.Run} {
			if v != "" {
				st[k] = v
			}
		}
		if len(s.Env) > 0 {
			st["env"] = s.Env
		}
		if len(s.With) > 0 {
			st["with"] = s.With
		}
		steps = append(steps, st)
	}
	wf := map[string]any{
		"name":        "action-steps",
		"on":          map[string]any{"workflow_dispatch": map[string]any{"inputs": inputs}},
		"permissions": map[string]any{},
		"jobs":        map[string]any{"action": map[string]any{"runs-on": "ubuntu-latest", "steps": steps}},
	}
	src, err := yaml.Marshal(wf)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	l, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.Lint("action.yml (composite steps)", src, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("actionlint: %s", e.Error())
	}
}

type fakeRunner struct {
	t                      *testing.T
	root, temp, ws         string
	summary, output, inDir string
	inputs                 map[string]string
	outputs                map[string]map[string]string // step id → outputs
}

// resolve evaluates the only expressions the action's env blocks use: inputs.X and steps.ID.outputs.X.
func (r *fakeRunner) resolve(v string) string {
	return exprRef.ReplaceAllStringFunc(v, func(e string) string {
		x := strings.TrimSpace(exprRef.FindStringSubmatch(e)[1])
		if name, ok := strings.CutPrefix(x, "inputs."); ok {
			return r.inputs[name]
		}
		if p := strings.Split(x, "."); len(p) == 4 && p[0] == "steps" && p[2] == "outputs" {
			return r.outputs[p[1]][p[3]]
		}
		r.t.Fatalf("unexpected expression %s", e)
		return ""
	})
}

func (r *fakeRunner) run(s actionStep) (int, string) {
	r.t.Helper()
	if err := os.WriteFile(r.output, nil, 0o600); err != nil {
		r.t.Fatal(err)
	}
	cmd := exec.Command("bash", "-e", "-c", s.Run)
	cmd.Dir = r.ws
	cmd.Env = append(os.Environ(),
		"GITHUB_ACTION_PATH="+r.root, "RUNNER_TEMP="+r.temp, "GITHUB_WORKSPACE="+r.ws,
		"GITHUB_STEP_SUMMARY="+r.summary, "GITHUB_OUTPUT="+r.output, "AGENTREACH_HASH_KEY=")
	for k, v := range s.Env {
		cmd.Env = append(cmd.Env, k+"="+r.resolve(v))
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	rc := 0
	if ee, ok := err.(*exec.ExitError); ok {
		rc = ee.ExitCode()
	} else if err != nil {
		r.t.Fatal(err)
	}
	got := map[string]string{}
	b, _ := os.ReadFile(r.output)
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			got[k] = v
		}
	}
	if s.ID != "" {
		r.outputs[s.ID] = got
	}
	return rc, out.String()
}

func TestActionShellSteps(t *testing.T) {
	for _, tool := range []string{"bash", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the action's shell steps need %s, which is not installed (.ci/run installs it)", tool)
		}
	}
	m, _ := readAction(t)
	steps := map[string]actionStep{}
	for _, s := range m.Runs.Steps {
		if s.Run != "" {
			steps[s.ID] = s
		}
	}
	root := repoRootDir(t)
	temp := t.TempDir()
	newRunner := func(t *testing.T, inputs map[string]string) *fakeRunner {
		ws := t.TempDir()
		r := &fakeRunner{t: t, root: root, temp: temp, ws: ws,
			summary: filepath.Join(ws, "..", filepath.Base(ws)+".summary"), output: filepath.Join(temp, "output"),
			inputs: map[string]string{}, outputs: map[string]map[string]string{}}
		for name, in := range m.Inputs {
			r.inputs[name] = in.Default
		}
		for k, v := range inputs {
			r.inputs[k] = v
		}
		return r
	}

	// The build step, once: it builds the tool from the action's checkout into $RUNNER_TEMP.
	if rc, out := newRunner(t, nil).run(steps["build"]); rc != 0 {
		t.Fatalf("build step: exit %d\n%s", rc, out)
	}
	if _, err := os.Stat(filepath.Join(temp, "agentreach")); err != nil {
		t.Fatalf("the build step wrote no binary: %v", err)
	}
	fixture := filepath.Join(root, "fixtures", "repos", "ci-agents")

	t.Run("findings", func(t *testing.T) {
		r := newRunner(t, map[string]string{"paths": fixture, "fail-on": "high", "output": "csv=$(id);`id`.csv"})
		if rc, out := r.run(steps["scan"]); rc != 0 {
			t.Fatalf("scan step: exit %d\n%s", rc, out)
		}
		o := r.outputs["scan"]
		var rep struct {
			Scan     struct{ Category string }
			Findings []struct{ Severity string }
		}
		b, err := os.ReadFile(o["json"])
		if err != nil {
			t.Fatalf("json output %q: %v", o["json"], err)
		}
		if err := json.Unmarshal(b, &rep); err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, f := range rep.Findings {
			count[f.Severity]++
		}
		if count["critical"] == 0 {
			t.Fatalf("the fixture should have critical findings: %v", count)
		}
		for _, s := range []string{"critical", "high", "medium", "low"} {
			if o[s] != fmt.Sprint(count[s]) {
				t.Errorf("output %s = %q, want %d", s, o[s], count[s])
			}
		}
		if o["total"] != fmt.Sprint(len(rep.Findings)) || o["highest"] != "critical" ||
			o["category"] != rep.Scan.Category || o["category"] == "" || o["exit-code"] != "0" {
			t.Errorf("outputs: %v", o)
		}
		if _, err := os.Stat(filepath.Join(r.ws, "agentreach.sarif")); err != nil || o["sarif"] != "agentreach.sarif" {
			t.Errorf("sarif output %q: %v", o["sarif"], err)
		}
		if _, err := os.Stat(filepath.Join(r.ws, "$(id);`id`.csv")); err != nil {
			t.Errorf("the output input should reach the tool as a literal file name, never as shell: %v", err)
		}
		sum, _ := os.ReadFile(r.summary)
		if !strings.Contains(string(sum), "agentreach") || !strings.Contains(string(sum), "critical") {
			t.Errorf("step summary:\n%s", sum)
		}
		rc, out := r.run(steps["gate"])
		if rc != 1 || !strings.Contains(out, "::error::") {
			t.Errorf("gate at high: exit %d, want 1\n%s", rc, out)
		}
		r.inputs["fail-on"] = "none"
		if rc, out := r.run(steps["gate"]); rc != 0 {
			t.Errorf("gate at none: exit %d\n%s", rc, out)
		}
		r.inputs["fail-on"] = "severe"
		if rc, _ := r.run(steps["gate"]); rc != 2 {
			t.Errorf("gate with an unknown severity: exit %d, want 2", rc)
		}
	})

	t.Run("clean", func(t *testing.T) {
		r := newRunner(t, map[string]string{"fail-on": "low", "json": "report.json"})
		if err := os.WriteFile(filepath.Join(r.ws, "README.md"), []byte("nothing to see\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if rc, out := r.run(steps["scan"]); rc != 0 {
			t.Fatalf("scan step: exit %d\n%s", rc, out)
		}
		o := r.outputs["scan"]
		if o["highest"] != "none" || o["total"] != "0" || o["critical"] != "0" || o["json"] != "report.json" {
			t.Errorf("outputs: %v", o)
		}
		if rc, out := r.run(steps["gate"]); rc != 0 {
			t.Errorf("gate: exit %d\n%s", rc, out)
		}
	})

	t.Run("usage error fails the scan step", func(t *testing.T) {
		r := newRunner(t, map[string]string{"args": "--no-such-flag"})
		if rc, _ := r.run(steps["scan"]); rc != 2 {
			t.Errorf("scan step with a bad flag: exit %d, want 2", rc)
		}
	})
}
