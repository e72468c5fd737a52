package main

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/agentreach/agentreach/fixtures/fakegithub"
	"github.com/agentreach/agentreach/fixtures/fakegitlab"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/report"
)

// TestPlatformReportsMatchSchema runs the GitHub organisation scan against
// the fake GitHub and the GitLab group scan against the fake GitLab (and the
// single-repository and single-project scans of both) and validates each
// JSON report against docs/schema/report.v2.json. The reports must hold the
// fields the platform scans add — settings, webhooks, source.repo and
// .host, credential.api with its alert, variable and runner facts,
// backing, missing — so that the validation is not vacuous, and the
// schema must be strict enough that a misspelt or unknown field in those
// closed objects, or a value outside what the code writes, fails.
func TestPlatformReportsMatchSchema(t *testing.T) {
	t.Parallel()
	sch := compileReportSchema(t)

	gh := fakegithub.New(fakegithub.Acme())
	defer gh.Close()
	ghToken := gh.NewToken(fakegithub.Token{Kind: fakegithub.InstallationToken})
	gl := fakegitlab.New(fakegitlab.Acme())
	defer gl.Close()
	// root is the instance administrator: the instance's settings are read
	// too (source gitlab:HOST/instance).
	glToken := gl.NewToken(fakegitlab.Token{User: "root"})

	scan := func(t *testing.T, env map[string]string, args ...string) []byte {
		t.Helper()
		dir := t.TempDir()
		out := filepath.Join(dir, "r.json")
		args = append([]string{"scan", "--cache-dir", filepath.Join(dir, "cache"), "-q", "-o", "json=" + out}, args...)
		if res := run(t, env, args...); res.code != ExitOK {
			t.Fatalf("scan %v: exit %d; stderr: %s", args, res.code, res.err)
		}
		return []byte(mustRead(t, out))
	}
	ghArgs := []string{"--github-url", gh.URL() + "/", "--github-host", "github.com"}
	glArgs := []string{"--gitlab-url", gl.URL(), "--gitlab-host", "gitlab.example.com"}
	ghEnv, glEnv := map[string]string{"GITHUB_TOKEN": ghToken}, map[string]string{"GITLAB_TOKEN": glToken}

	t.Run("github-org", func(t *testing.T) {
		data := scan(t, ghEnv, append([]string{"--github-org", "acme"}, ghArgs...)...)
		mustMatchSchema(t, sch, data)
		rep := decodeReport(t, data)
		requirePlatformFacts(t, rep, inventory.SourceGitHubOrg, inventory.SourceGitHubRepo)
		inv := rep.Inventory
		if len(inv.Webhooks) == 0 {
			t.Error("no webhooks in the organisation scan")
		}
		if !slices.ContainsFunc(inv.Credentials, func(c inventory.Credential) bool { return c.API != nil && c.API.Alert != nil }) {
			t.Error("no secret-scanning alert facts")
		}
		if !slices.ContainsFunc(inv.Credentials, func(c inventory.Credential) bool { return c.Missing }) {
			t.Error("no workflow secret reference marked missing")
		}
		for _, k := range []inventory.CredentialKind{inventory.KindLeakedSecret, "user-ssh-key"} {
			if !slices.ContainsFunc(inv.Credentials, func(c inventory.Credential) bool { return c.Kind == k }) {
				t.Errorf("no %s credential", k)
			}
		}
		mustBeCompatible(t, sch, data)
		mustReject(t, sch, data, []mutation{
			{"misspelt field in api.alert", func(inv map[string]any) bool {
				return renameIn(inv, "credentials", []string{"api", "alert"}, "secret_type", "secret_typ")
			}},
			{"misspelt field in api", func(inv map[string]any) bool {
				return renameIn(inv, "credentials", []string{"api"}, "updated_at", "updatedAt")
			}},
			{"api facts of the wrong type", func(inv map[string]any) bool {
				return setIn(inv, "credentials", []string{"api"}, "app_slug", "expired", "yes")
			}},
			{"unknown alert validity", func(inv map[string]any) bool {
				return setIn(inv, "credentials", []string{"api", "alert"}, "validity", "validity", "valid")
			}},
			{"backing that is not a list", func(inv map[string]any) bool {
				return setIn(inv, "credentials", nil, "backing", "backing", "github:github.com/acme|github-org-secret:X")
			}},
			{"misspelt field in a setting", func(inv map[string]any) bool {
				return renameIn(inv, "settings", nil, "value", "val")
			}},
			{"unknown setting name", func(inv map[string]any) bool {
				return setIn(inv, "settings", nil, "name", "name", "default_workflow_permission")
			}},
			{"a boolean setting that is not true or false", func(inv map[string]any) bool {
				return setWhere(inv, "settings", "name", "can_approve_pull_request_reviews", "value", "yes")
			}},
			{"misspelt field in a webhook", func(inv map[string]any) bool {
				return renameIn(inv, "webhooks", nil, "has_secret", "has_secrets")
			}},
			{"a webhook URL with a path", func(inv map[string]any) bool {
				return setIn(inv, "webhooks", nil, "url", "url", "https://hooks.acme.example/services/T0/B0/secret")
			}},
			{"misspelt field in source.repo", func(inv map[string]any) bool {
				return renameIn(inv, "sources", []string{"repo"}, "default_branch", "default_brnach")
			}},
			{"unknown repository visibility", func(inv map[string]any) bool {
				return setIn(inv, "sources", []string{"repo"}, "visibility", "visibility", "secret")
			}},
		})
	})
	t.Run("github-repo", func(t *testing.T) {
		data := scan(t, ghEnv, append([]string{"--github-repo", "acme/web-app"}, ghArgs...)...)
		mustMatchSchema(t, sch, data)
		rep := decodeReport(t, data)
		if len(rep.Scan.Targets) != 1 || rep.Scan.Targets[0].Kind != "github-repo" {
			t.Errorf("targets = %+v, want one github-repo", rep.Scan.Targets)
		}
	})
	t.Run("gitlab-group", func(t *testing.T) {
		data := scan(t, glEnv, append([]string{"--gitlab-group", "acme"}, glArgs...)...)
		mustMatchSchema(t, sch, data)
		rep := decodeReport(t, data)
		requirePlatformFacts(t, rep, inventory.SourceGitLabGroup, inventory.SourceGitLabProject)
		inv := rep.Inventory
		if inv.SourceByID("gitlab:gitlab.example.com/instance") == nil || len(inv.SettingsOf("gitlab:gitlab.example.com/instance")) == 0 {
			t.Error("no instance source with settings in the administrator's scan")
		}
		for name, has := range map[string]func(*inventory.APIFacts) bool{
			"variable": func(a *inventory.APIFacts) bool { return a.Variable != nil && a.Variable.ValueType != "" },
			"runner":   func(a *inventory.APIFacts) bool { return a.Runner != nil && a.Runner.Details },
			"access":   func(a *inventory.APIFacts) bool { return a.AccessLevel != 0 },
		} {
			if !slices.ContainsFunc(inv.Credentials, func(c inventory.Credential) bool { return c.API != nil && has(c.API) }) {
				t.Errorf("no credential with %s facts", name)
			}
		}
		for _, typ := range []string{"gitlab-pipeline-trigger", "gitlab-personal-access-token"} {
			if !slices.ContainsFunc(inv.Credentials, func(c inventory.Credential) bool { return c.Type == typ && c.API != nil }) {
				t.Errorf("no %s credential with API facts", typ)
			}
		}
		mustBeCompatible(t, sch, data)
		mustReject(t, sch, data, []mutation{
			{"misspelt field in api.variable", func(inv map[string]any) bool {
				return renameIn(inv, "credentials", []string{"api", "variable"}, "masked", "maskd")
			}},
			{"api.variable without protected", func(inv map[string]any) bool {
				return deleteIn(inv, "credentials", []string{"api", "variable"}, "protected")
			}},
			{"misspelt field in api.runner", func(inv map[string]any) bool {
				return renameIn(inv, "credentials", []string{"api", "runner"}, "run_untagged", "run_untaged")
			}},
			{"unknown runner type", func(inv map[string]any) bool {
				return setIn(inv, "credentials", []string{"api", "runner"}, "type", "type", "shared")
			}},
			{"access level as a string", func(inv map[string]any) bool {
				return setIn(inv, "credentials", []string{"api"}, "access_level", "access_level", "40")
			}},
			{"a token lifetime that is not a number", func(inv map[string]any) bool {
				return setWhere(inv, "settings", "name", "max_personal_access_token_lifetime", "value", "unlimited")
			}},
		})
	})
	t.Run("gitlab-project", func(t *testing.T) {
		data := scan(t, glEnv, append([]string{"--gitlab-project", "acme/apps/web-app"}, glArgs...)...)
		mustMatchSchema(t, sch, data)
		rep := decodeReport(t, data)
		if len(rep.Scan.Targets) != 1 || rep.Scan.Targets[0].Kind != "gitlab-project" {
			t.Errorf("targets = %+v, want one gitlab-project", rep.Scan.Targets)
		}
	})
}

// requirePlatformFacts fails unless the report holds what every platform
// scan adds: sources of both kinds with their host (and the repositories'
// facts), settings, credentials with API facts, and a reference backed by a
// stored secret or variable.
func requirePlatformFacts(t *testing.T, rep *report.Report, parent, child inventory.SourceKind) {
	t.Helper()
	inv := rep.Inventory
	for _, k := range []inventory.SourceKind{parent, child} {
		if !slices.ContainsFunc(inv.Sources, func(s inventory.Source) bool { return s.Kind == k && s.Host != "" }) {
			t.Errorf("no %s source with a host", k)
		}
	}
	if !slices.ContainsFunc(inv.Sources, func(s inventory.Source) bool { return s.Kind == child && s.Repo != nil && s.Repo.Org != "" }) {
		t.Errorf("no %s source with repository facts", child)
	}
	if len(inv.Settings) == 0 {
		t.Error("no settings")
	}
	if !slices.ContainsFunc(inv.Credentials, func(c inventory.Credential) bool { return c.API != nil }) {
		t.Error("no credential with API facts")
	}
	if !slices.ContainsFunc(inv.Credentials, func(c inventory.Credential) bool { return len(c.Backing) > 0 }) {
		t.Error("no reference backed by a stored secret or variable")
	}
}

func decodeReport(t *testing.T, data []byte) *report.Report {
	t.Helper()
	var r report.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func mustMatchSchema(t *testing.T, sch *jsonschema.Schema, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("the report does not match the schema: %v", err)
	}
}

// mutation changes the inventory of a decoded report; it reports whether
// it found what to change.
type mutation struct {
	name   string
	change func(inv map[string]any) bool
}

// mustReject applies each mutation to a fresh copy of the report and fails
// unless the schema rejects the result.
func mustReject(t *testing.T, sch *jsonschema.Schema, data []byte, ms []mutation) {
	t.Helper()
	for _, m := range ms {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if !m.change(doc.(map[string]any)["inventory"].(map[string]any)) {
			t.Errorf("%s: nothing to change in the report", m.name)
			continue
		}
		if sch.Validate(doc) == nil {
			t.Errorf("%s: the schema accepted it", m.name)
		}
	}
}

// mustBeCompatible checks that a report without the fields the platform
// scans added (as an older version wrote it) still matches: they are all
// optional.
func mustBeCompatible(t *testing.T, sch *jsonschema.Schema, data []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	inv := doc.(map[string]any)["inventory"].(map[string]any)
	delete(inv, "settings")
	delete(inv, "webhooks")
	for _, s := range inv["sources"].([]any) {
		delete(s.(map[string]any), "repo")
		delete(s.(map[string]any), "host")
	}
	for _, c := range inv["credentials"].([]any) {
		for _, k := range []string{"api", "backing", "missing"} {
			delete(c.(map[string]any), k)
		}
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("a report without the platform fields does not match: %v", err)
	}
}

// objectAt walks from an element of inv[list] down the keys in path and
// returns the first object found that has key.
func objectAt(inv map[string]any, list string, path []string, key string) map[string]any {
	items, _ := inv[list].([]any)
	for _, it := range items {
		o, _ := it.(map[string]any)
		for _, p := range path {
			o, _ = o[p].(map[string]any)
		}
		if _, ok := o[key]; ok && o != nil {
			return o
		}
	}
	return nil
}

func renameIn(inv map[string]any, list string, path []string, from, to string) bool {
	o := objectAt(inv, list, path, from)
	if o == nil {
		return false
	}
	o[to] = o[from]
	delete(o, from)
	return true
}

// setIn sets key to v in the first object (found as objectAt finds one
// with has).
func setIn(inv map[string]any, list string, path []string, has, key string, v any) bool {
	o := objectAt(inv, list, path, has)
	if o == nil {
		return false
	}
	o[key] = v
	return true
}

func deleteIn(inv map[string]any, list string, path []string, key string) bool {
	o := objectAt(inv, list, path, key)
	if o == nil {
		return false
	}
	delete(o, key)
	return true
}

// setWhere sets key to v in the first element of inv[list] whose field
// equals value.
func setWhere(inv map[string]any, list, field, value, key string, v any) bool {
	items, _ := inv[list].([]any)
	for _, it := range items {
		if o, _ := it.(map[string]any); o[field] == value {
			o[key] = v
			return true
		}
	}
	return false
}

// TestSchemaDescribesPlatformFacts keeps the schema in step with the Go
// model: the definitions of the closed structs the platform scans write
// list exactly their JSON fields, require exactly those without omitempty
// and forbid any other; the open objects (source, credential, coverage,
// inventory) describe every field the Go struct has; and the setting names
// the schema allows are exactly the Setting… constants of the inventory
// and the scanners.
func TestSchemaDescribesPlatformFacts(t *testing.T) {
	t.Parallel()
	var schema struct {
		Properties map[string]schemaObject `json:"properties"`
		Defs       map[string]schemaObject `json:"$defs"`
	}
	raw, err := os.ReadFile(reportSchemaPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	closed := map[string]any{
		"api_facts": inventory.APIFacts{}, "alert_facts": inventory.AlertFacts{}, "variable_facts": inventory.VariableFacts{},
		"runner_facts": inventory.RunnerFacts{}, "repo_facts": inventory.RepoFacts{}, "setting": inventory.Setting{}, "webhook": inventory.Webhook{},
	}
	for def, v := range closed {
		d, ok := schema.Defs[def]
		if !ok {
			t.Errorf("$defs/%s is missing", def)
			continue
		}
		fields, required := jsonFields(reflect.TypeOf(v))
		if got := sortedKeys(d.Properties); !slices.Equal(got, fields) {
			t.Errorf("$defs/%s: properties %v, the Go struct %T has %v", def, got, v, fields)
		}
		if got := slices.Sorted(slices.Values(d.Required)); !slices.Equal(got, required) {
			t.Errorf("$defs/%s: required %v, the Go struct %T always writes %v", def, got, v, required)
		}
		if string(d.AdditionalProperties) != "false" {
			t.Errorf("$defs/%s: additionalProperties is %s, want false (%T is closed)", def, d.AdditionalProperties, v)
		}
	}
	open := map[string]schemaObject{"source": schema.Defs["source"], "credential": schema.Defs["credential"], "coverage": schema.Defs["coverage"],
		"inventory": schema.Properties["inventory"]}
	for name, v := range map[string]any{"source": inventory.Source{}, "credential": inventory.Credential{}, "coverage": inventory.Coverage{},
		"inventory": inventory.Inventory{}} {
		fields, _ := jsonFields(reflect.TypeOf(v))
		for _, f := range fields {
			if _, ok := open[name].Properties[f]; !ok {
				t.Errorf("%s: the schema does not describe %s of %T", name, f, v)
			}
		}
	}

	var names []string
	if err := json.Unmarshal(schema.Defs["setting"].Properties["name"], &struct {
		Enum *[]string `json:"enum"`
	}{&names}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	consts := settingConstants(t, "../../inventory", "../../scanners/github", "../../scanners/gitlab")
	if !slices.Equal(names, consts) {
		t.Errorf("setting names in the schema:\n  %v\nSetting… constants of the code:\n  %v", names, consts)
	}
}

type schemaObject struct {
	Properties           map[string]json.RawMessage `json:"properties"`
	Required             []string                   `json:"required"`
	AdditionalProperties json.RawMessage            `json:"additionalProperties"`
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// jsonFields lists the JSON names of a struct's fields, and those written
// always (no omitempty), sorted.
func jsonFields(typ reflect.Type) (fields, required []string) {
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		fields = append(fields, name)
		if !slices.Contains(strings.Split(opts, ","), "omitempty") {
			required = append(required, name)
		}
	}
	slices.Sort(fields)
	slices.Sort(required)
	return fields, required
}

// settingConstants returns the values of the string constants named
// Setting… in the non-test Go files of the directories, sorted.
func settingConstants(t *testing.T, dirs ...string) []string {
	t.Helper()
	var out []string
	fset := token.NewFileSet()
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, file, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.CONST {
					continue
				}
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if !strings.HasPrefix(n.Name, "Setting") || i >= len(vs.Values) {
							continue
						}
						lit, ok := vs.Values[i].(*ast.BasicLit)
						if !ok || lit.Kind != token.STRING {
							t.Errorf("%s: %s is not a string literal", file, n.Name)
							continue
						}
						v, err := strconv.Unquote(lit.Value)
						if err != nil {
							t.Fatal(err)
						}
						out = append(out, v)
					}
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
