package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/internal/gitlabtest"
)

// gitLabTemplate is the include:-able GitLab CI template (README, "In
// GitLab CI").
const gitLabTemplate = "../../docs/ci/gitlab/agentreach.gitlab-ci.yml"

type gitLabJob struct {
	Image     string            `yaml:"image"`
	Extends   string            `yaml:"extends"`
	Variables map[string]string `yaml:"variables"`
	Script    []string          `yaml:"script"`
	Artifacts struct {
		When    string            `yaml:"when"`
		Reports map[string]string `yaml:"reports"`
		Paths   []string          `yaml:"paths"`
	} `yaml:"artifacts"`
}

func readGitLabTemplate(t *testing.T) (map[string]string, map[string]gitLabJob) {
	t.Helper()
	data, err := os.ReadFile(gitLabTemplate)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the template is not YAML: %v", err)
	}
	var vars map[string]string
	jobs := map[string]gitLabJob{}
	for k, n := range doc {
		var err error
		if k == "variables" {
			err = n.Decode(&vars)
		} else {
			var j gitLabJob
			err = n.Decode(&j)
			jobs[k] = j
		}
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	return vars, jobs
}

func TestGitLabTemplateKeys(t *testing.T) {
	t.Parallel()
	vars, jobs := readGitLabTemplate(t)
	if vars["AGENTREACH_VERSION"] == "" || vars["AGENTREACH_FAIL_ON"] == "" {
		t.Errorf("variables %v: want defaults for AGENTREACH_VERSION and AGENTREACH_FAIL_ON", vars)
	}
	if _, ok := vars["AGENTREACH_HASH_KEY"]; ok {
		t.Error("the template sets AGENTREACH_HASH_KEY: it belongs in a masked CI/CD variable")
	}
	hidden, ok := jobs[".agentreach"]
	if !ok {
		t.Fatalf("no hidden job .agentreach: %v", slices.Collect(func(yield func(string) bool) {
			for k := range jobs {
				yield(k)
			}
		}))
	}
	if j := jobs["agentreach"]; j.Extends != ".agentreach" {
		t.Errorf("job agentreach extends %q, want .agentreach", j.Extends)
	}
	if !strings.HasPrefix(hidden.Image, "golang:") || strings.Contains(hidden.Image, "/") {
		t.Errorf("image %q: want a golang image by name", hidden.Image)
	}
	if hidden.Artifacts.Reports["secret_detection"] != "gl-secret-detection-report.json" ||
		hidden.Artifacts.Reports["codequality"] != "gl-code-quality-report.json" {
		t.Errorf("artifacts:reports %v", hidden.Artifacts.Reports)
	}
	if hidden.Artifacts.When != "always" || !slices.Contains(hidden.Artifacts.Paths, "agentreach-summary.md") {
		t.Errorf("artifacts: when %q, paths %v (want always and the Markdown summary)", hidden.Artifacts.When, hidden.Artifacts.Paths)
	}
	script := strings.Join(hidden.Script, "\n")
	for _, want := range []string{
		`go install "github.com/agentreach/agentreach/cmd/agentreach@${AGENTREACH_VERSION}"`,
		`--fail-on "$AGENTREACH_FAIL_ON"`,
		"gitlab-secret-detection=gl-secret-detection-report.json",
		"gitlab=gl-code-quality-report.json",
		"markdown=agentreach-summary.md",
		`"$AGENTREACH_TARGET"`,
	} {
		if !strings.Contains(script, want) {
			t.Errorf("the script lacks %s", want)
		}
	}
	if hidden.Variables["AGENTREACH_TARGET"] != "$CI_PROJECT_DIR" {
		t.Errorf("AGENTREACH_TARGET %q, want $CI_PROJECT_DIR", hidden.Variables["AGENTREACH_TARGET"])
	}
	// The key is never printed: no tracing, and the only use of the
	// variable in the script is a test of whether it is set.
	if strings.Contains(script, "set -x") || strings.Contains(script, "set -o xtrace") {
		t.Error("the script traces its commands")
	}
	if n := strings.Count(script, "AGENTREACH_HASH_KEY") - strings.Count(script, `[ -z "${AGENTREACH_HASH_KEY:-}" ]`) - strings.Count(script, "echo \"agentreach - AGENTREACH_HASH_KEY is not set"); n != 0 {
		t.Errorf("the script uses AGENTREACH_HASH_KEY %d more times than to test it is set", n)
	}
}

// TestGitLabTemplateScript runs the template's script with bash against a
// temporary project, the way a GitLab runner would, with agentreach built
// here in place of `go install`, and checks the reports it publishes.
func TestGitLabTemplateScript(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH: cannot build agentreach")
	}
	bin := t.TempDir()
	build := exec.Command(goTool, "build", "-o", filepath.Join(bin, "agentreach"), ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	vars, jobs := readGitLabTemplate(t)
	job := jobs[".agentreach"]
	var lines []string
	installs := 0
	for _, l := range job.Script {
		if strings.HasPrefix(l, "go install ") {
			installs++
			l = ": the test built agentreach"
		}
		lines = append(lines, l)
	}
	if installs != 1 {
		t.Fatalf("%d go install lines in the script, want 1", installs)
	}
	// GitLab runs the lines in one shell and stops at the first failure.
	script := "set -eo pipefail\n" + strings.Join(lines, "\n") + "\n"

	token := faketoken.GitHub(faketoken.Rand(1313), "ghp")
	const sha = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
	for _, c := range []struct {
		failOn string
		code   int
	}{{"", 1}, {"none", 0}} {
		t.Run("fail-on="+c.failOn, func(t *testing.T) {
			t.Parallel()
			project := t.TempDir()
			writeFile(t, project, "scripts/deploy.sh", "#!/bin/sh\nexport GH_TOKEN="+token+"\n")
			env := map[string]string{"CI": "true", "GITLAB_CI": "true", "CI_PROJECT_DIR": project, "CI_COMMIT_SHA": sha,
				"HOME": t.TempDir(), "PATH": bin + string(os.PathListSeparator) + os.Getenv("PATH"), hashKeyEnv: testHashKey, "NO_COLOR": "1"}
			for k, v := range vars {
				env[k] = v
			}
			for k, v := range job.Variables {
				env[k] = os.Expand(v, func(k string) string { return env[k] })
			}
			if c.failOn != "" {
				env["AGENTREACH_FAIL_ON"] = c.failOn
			}
			cmd := exec.Command(bash, "-c", script)
			cmd.Dir = t.TempDir() // the runner's directory; the script changes to the project
			for k, v := range env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, out.String(), errb.String())
			}
			logs := out.String() + errb.String()
			if strings.Contains(logs, testHashKey) || strings.Contains(logs, token) {
				t.Error("the job log holds the hash key or the token")
			}
			if !strings.Contains(out.String(), "AR-SC-001") {
				t.Errorf("the job log does not show the finding:\n%s", out.String())
			}

			secrets := []byte(mustRead(t, filepath.Join(project, "gl-secret-detection-report.json")))
			for _, err := range gitlabtest.Check(secrets) {
				t.Errorf("gl-secret-detection-report.json: %v", err)
			}
			if err := gitlabtest.ValidateSchema(secrets); errors.Is(err, gitlabtest.ErrNoSchema) {
				t.Logf("not validated against GitLab's schema: %v", err)
			} else if err != nil {
				t.Errorf("gl-secret-detection-report.json against GitLab's schema: %v", err)
			}
			var sd struct {
				Vulnerabilities []struct {
					Location struct {
						File   string `json:"file"`
						Commit struct{ Sha string }
					} `json:"location"`
				} `json:"vulnerabilities"`
			}
			if err := json.Unmarshal(secrets, &sd); err != nil {
				t.Fatal(err)
			}
			if len(sd.Vulnerabilities) != 1 || sd.Vulnerabilities[0].Location.File != "scripts/deploy.sh" || sd.Vulnerabilities[0].Location.Commit.Sha != sha {
				t.Errorf("vulnerabilities %+v: want scripts/deploy.sh at CI_COMMIT_SHA", sd.Vulnerabilities)
			}
			var cq []map[string]any
			if err := json.Unmarshal([]byte(mustRead(t, filepath.Join(project, "gl-code-quality-report.json"))), &cq); err != nil || len(cq) == 0 {
				t.Errorf("gl-code-quality-report.json: %d entries, %v", len(cq), err)
			}
			summary := mustRead(t, filepath.Join(project, "agentreach-summary.md"))
			if !strings.HasPrefix(summary, "## agentreach: ") {
				t.Errorf("agentreach-summary.md:\n%s", summary)
			}
			for _, name := range job.Artifacts.Paths {
				text := mustRead(t, filepath.Join(project, name))
				if strings.Contains(text, token) || strings.Contains(text, token[len(token)-20:]) {
					t.Errorf("%s holds the token", name)
				}
			}
		})
	}
}
