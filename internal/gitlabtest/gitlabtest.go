// Package gitlabtest checks GitLab secret-detection reports in tests:
// against GitLab's published schema when the shared copy is present (the
// check is skipped, saying so, on a fresh clone), and with a structural
// check of what GitLab requires that needs nothing outside the module.
package gitlabtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/agentreach/agentreach/internal/sariftest"
)

// SharedSchema is the secret-detection schema's path relative to the
// repository root.
const SharedSchema = "../shared/schemas/gitlab-secret-detection-report-format-15.2.4.json"

// ErrNoSchema means the shared schema copy is not present (a fresh clone).
var ErrNoSchema = errors.New("GitLab secret-detection schema not found at " + SharedSchema + " (it is shared material, not part of the repository)")

// ValidateSchema validates data against GitLab's secret-detection report
// schema 15.2.4; ErrNoSchema when the schema is absent.
func ValidateSchema(data []byte) error {
	root, err := sariftest.RepoRoot()
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(root, SharedSchema))
	if err != nil {
		return ErrNoSchema
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("secret-detection-report-format.json", doc); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	sch, err := c.Compile("secret-detection-report-format.json")
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return sch.Validate(inst)
}

// Schema validates data against the shared schema and fails t when it does
// not match; when the schema is absent it skips t, saying why.
func Schema(t testing.TB, data []byte) {
	t.Helper()
	err := ValidateSchema(data)
	switch {
	case errors.Is(err, ErrNoSchema):
		t.Skipf("skipping the GitLab secret-detection schema check: %v; CI has it, and gitlabtest.Check (no schema needed) runs on every clone", err)
	case err != nil:
		t.Errorf("secret-detection report against GitLab's schema 15.2.4: %v", err)
	}
}

var (
	versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)
	timeRE    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$`)
	severity  = []string{"Info", "Unknown", "Low", "Medium", "High", "Critical"}
)

// Check returns what GitLab would reject in data, or that agentreach never
// writes (a raw_source_code_extract), without the schema: required fields,
// their types and patterns. No error means the report looks ingestible.
func Check(data []byte) []error {
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return []error{fmt.Errorf("not a JSON object: %w", err)}
	}
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	str := func(m map[string]any, key, where string) string {
		s, ok := m[key].(string)
		if !ok || s == "" {
			bad("%s.%s: want a non-empty string, got %T %v", where, key, m[key], m[key])
		}
		return s
	}
	obj := func(m map[string]any, key, where string) map[string]any {
		o, ok := m[key].(map[string]any)
		if !ok {
			bad("%s.%s: want an object, got %T", where, key, m[key])
			return map[string]any{}
		}
		return o
	}
	if v := str(doc, "version", ""); v != "" && !versionRE.MatchString(v) {
		bad("version %q is not MAJOR.MINOR.PATCH", v)
	}
	scan := obj(doc, "scan", "")
	for _, k := range []string{"analyzer", "scanner"} {
		tool := obj(scan, k, "scan")
		for _, f := range []string{"id", "name", "version"} {
			str(tool, f, "scan."+k)
		}
		str(obj(tool, "vendor", "scan."+k), "name", "scan."+k+".vendor")
	}
	if typ := str(scan, "type", "scan"); typ != "secret_detection" {
		bad("scan.type %q, want secret_detection", typ)
	}
	if st := str(scan, "status", "scan"); st != "success" && st != "failure" {
		bad("scan.status %q, want success or failure", st)
	}
	for _, k := range []string{"start_time", "end_time"} {
		if v := str(scan, k, "scan"); !timeRE.MatchString(v) {
			bad("scan.%s %q: GitLab wants YYYY-MM-DDTHH:MM:SS (no zone, no fraction)", k, v)
		}
	}
	vulns, ok := doc["vulnerabilities"].([]any)
	if !ok {
		bad("vulnerabilities: want an array, got %T", doc["vulnerabilities"])
	}
	ids := map[string]bool{}
	for i, x := range vulns {
		where := fmt.Sprintf("vulnerabilities[%d]", i)
		v, ok := x.(map[string]any)
		if !ok {
			bad("%s: want an object", where)
			continue
		}
		id := str(v, "id", where)
		if ids[id] {
			bad("%s: duplicate id %s", where, id)
		}
		ids[id] = true
		if c, _ := v["category"].(string); c != "secret_detection" {
			bad("%s.category %q, want secret_detection", where, c)
		}
		if s, ok := v["severity"].(string); !ok || !slices.Contains(severity, s) {
			bad("%s.severity %v is not one of %v", where, v["severity"], severity)
		}
		if n, _ := v["name"].(string); len([]rune(n)) > 255 {
			bad("%s.name is longer than 255 characters", where)
		}
		if _, ok := v["raw_source_code_extract"]; ok {
			bad("%s: raw_source_code_extract is set (agentreach never writes source text)", where)
		}
		idents, _ := v["identifiers"].([]any)
		if len(idents) == 0 {
			bad("%s.identifiers: want at least one", where)
		}
		for j, y := range idents {
			ident, _ := y.(map[string]any)
			for _, f := range []string{"type", "name", "value"} {
				str(ident, f, fmt.Sprintf("%s.identifiers[%d]", where, j))
			}
		}
		loc := obj(v, "location", where)
		str(obj(loc, "commit", where+".location"), "sha", where+".location.commit")
		for _, k := range []string{"start_line", "end_line"} {
			if n, ok := loc[k]; ok {
				if f, isNum := n.(float64); !isNum || f < 1 {
					bad("%s.location.%s: want a line number ≥ 1, got %v", where, k, n)
				}
			}
		}
		if f, ok := loc["file"]; ok {
			if s, isStr := f.(string); !isStr || s == "" {
				bad("%s.location.file: want a non-empty string", where)
			}
		}
	}
	return errs
}
