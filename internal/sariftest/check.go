// Package sariftest checks SARIF logs in tests: against the SARIF 2.1.0
// schema that go-sarif embeds (always), against the OASIS SARIF 2.1.0 schema
// (when the shared copy is present; the test is skipped, visibly, when it is
// not) and against the restrictions GitHub code scanning adds on top of the
// schema.
package sariftest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SharedSchema is the OASIS schema's path relative to the repository root.
const SharedSchema = "../shared/schemas/sarif-schema-2.1.0.json"

// schemaPath is SharedSchema; the package's tests point it elsewhere.
var schemaPath = SharedSchema

// ErrNoSchema means the shared schema copy is not present (a fresh clone).
var ErrNoSchema = errors.New("OASIS SARIF schema not found at " + SharedSchema + " (it is shared material, not part of the repository)")

// RepoRoot finds the directory holding go.mod above the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found")
		}
		dir = parent
	}
}

// ValidateOASIS validates data against the OASIS SARIF 2.1.0 schema, with
// format assertions on. It returns ErrNoSchema when the schema is absent.
func ValidateOASIS(data []byte) error {
	root, err := RepoRoot()
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(root, schemaPath))
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
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	return sch.Validate(inst)
}

// OASIS validates data against the OASIS schema and fails t when it does
// not match; when the shared schema is absent (a fresh clone) it skips t,
// saying why, so that the check is visibly not run rather than silently
// passed.
func OASIS(t testing.TB, data []byte) {
	t.Helper()
	err := ValidateOASIS(data)
	switch {
	case errors.Is(err, ErrNoSchema):
		t.Skipf("skipping the OASIS SARIF schema check: %v; CI has it, and the schema go-sarif embeds is checked in every run", err)
	case err != nil:
		t.Errorf("SARIF against the OASIS schema: %v", err)
	}
}

// ValidateEmbedded validates data against the SARIF 2.1.0 schema that
// go-sarif embeds: it needs nothing outside the module, so it runs on every
// clone and in the project's own CI. The log is validated as go-sarif decodes
// it, so data must be a log go-sarif wrote (as agentreach's are: its types
// carry defaults that a log from elsewhere may lack). report.BuildSARIF
// already validates every log it builds; this checks the bytes a scan wrote.
func ValidateEmbedded(data []byte) error {
	log, err := sarif.FromBytes(data)
	if err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	return log.Validate()
}

// log is the subset of SARIF the GitHub checks read.
type log struct {
	Schema  *string `json:"$schema"`
	Version string  `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name            string  `json:"name"`
				Version         *string `json:"version"`
				SemanticVersion *string `json:"semanticVersion"`
				Rules           []struct {
					ID               string         `json:"id"`
					Name             string         `json:"name"`
					ShortDescription *text          `json:"shortDescription"`
					FullDescription  *text          `json:"fullDescription"`
					Help             *text          `json:"help"`
					Properties       map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
			Extensions []json.RawMessage `json:"extensions"`
		} `json:"tool"`
		AutomationDetails *struct {
			ID string `json:"id"`
		} `json:"automationDetails"`
		Results *[]struct {
			RuleID              string            `json:"ruleId"`
			Message             *text             `json:"message"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Suppressions        []json.RawMessage `json:"suppressions"`
			Locations           []struct {
				PhysicalLocation *struct {
					ArtifactLocation *struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

type text struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

// CheckGitHub applies GitHub code scanning's restrictions beyond the schema
// (the upload-ready checklist). It returns every problem found.
func CheckGitHub(data []byte) []error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	var l log
	if err := json.Unmarshal(data, &l); err != nil {
		return []error{fmt.Errorf("not JSON: %w", err)}
	}
	if l.Schema == nil || *l.Schema == "" {
		bad("$schema missing")
	}
	if l.Version != "2.1.0" {
		bad("version %q, want 2.1.0", l.Version)
	}
	if len(l.Runs) < 1 || len(l.Runs) > 20 {
		bad("runs: %d, want 1..20", len(l.Runs))
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(data)
	_ = zw.Close()
	if buf.Len() > 10<<20 {
		bad("gzip size %d over 10 MB", buf.Len())
	}
	keys := map[string]bool{}
	for i, run := range l.Runs {
		d := run.Tool.Driver
		if d.Name == "" {
			bad("run %d: tool.driver.name missing", i)
		}
		cat := ""
		if run.AutomationDetails != nil {
			cat = run.AutomationDetails.ID
		}
		key := d.Name + "\x00" + deref(d.Version) + "\x00" + deref(d.SemanticVersion) + "\x00" + cat
		if keys[key] {
			bad("run %d: duplicate tool and category %q", i, cat)
		}
		keys[key] = true
		if run.Results == nil {
			bad("run %d: missing 'results' array", i)
			continue
		}
		if len(d.Rules) > 25000 || len(*run.Results) > 25000 || len(run.Tool.Extensions) > 100 {
			bad("run %d: over the rules/results/extensions limits", i)
		}
		rules := map[string]bool{}
		for _, r := range d.Rules {
			rules[r.ID] = true
			if r.ShortDescription == nil || r.ShortDescription.Text == "" || len(r.ShortDescription.Text) > 1024 {
				bad("rule %s: shortDescription.text empty or over 1024", r.ID)
			}
			if r.FullDescription == nil || r.FullDescription.Text == "" || len(r.FullDescription.Text) > 1024 {
				bad("rule %s: fullDescription.text empty or over 1024", r.ID)
			}
			if r.Help == nil || r.Help.Text == "" {
				bad("rule %s: help.text empty", r.ID)
			}
			if len(r.Name) > 255 {
				bad("rule %s: name over 255", r.ID)
			}
			if tags, ok := r.Properties["tags"].([]any); ok && len(tags) > 20 {
				bad("rule %s: %d tags", r.ID, len(tags))
			}
			if p, ok := r.Properties["precision"]; ok {
				switch p {
				case "very-high", "high", "medium", "low":
				default:
					bad("rule %s: precision %v", r.ID, p)
				}
			}
			if ss, ok := r.Properties["security-severity"]; ok {
				s, isString := ss.(string)
				v, err := strconv.ParseFloat(s, 64)
				if !isString || err != nil || v <= 0 || v > 10 {
					bad("rule %s: security-severity %v is not a string number in (0, 10]", r.ID, ss)
				}
			}
		}
		for j, res := range *run.Results {
			if !rules[res.RuleID] {
				bad("result %d: ruleId %q not in rules", j, res.RuleID)
			}
			if res.Message == nil || res.Message.Text == "" {
				bad("result %d: empty message", j)
			}
			if res.PartialFingerprints["primaryLocationLineHash"] == "" {
				bad("result %d: no primaryLocationLineHash", j)
			}
			if len(res.Suppressions) > 0 {
				bad("result %d: has suppressions (GitHub ignores them)", j)
			}
			if len(res.Locations) < 1 || len(res.Locations) > 1000 {
				bad("result %d: %d locations", j, len(res.Locations))
				continue
			}
			pl := res.Locations[0].PhysicalLocation
			if pl == nil || pl.ArtifactLocation == nil || pl.ArtifactLocation.URI == "" {
				bad("result %d: no physical location uri", j)
				continue
			}
			uri := pl.ArtifactLocation.URI
			if strings.Contains(uri, "://") || strings.HasPrefix(uri, "/") || strings.Contains(uri, "\\") {
				bad("result %d: uri %q is not a relative repository path", j, uri)
			}
			if pl.Region == nil || pl.Region.StartLine < 1 {
				bad("result %d: region.startLine missing or < 1", j)
			}
		}
	}
	return errs
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
