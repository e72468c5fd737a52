package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/rules"
	"github.com/agentreach/agentreach/scanners/local"
)

// DefaultConfigName is the configuration file looked up by default.
const DefaultConfigName = ".agentreach.yml"

// maxConfigBytes bounds the configuration file.
const maxConfigBytes = 1 << 20

// Config is the parsed .agentreach.yml.
type Config struct {
	Path        string // as found, "" when none
	MaxFileSize int64
	Exclude     []string
	Ignores     []rules.Ignore
	Principals  map[string][]string
	Agents      AgentPatterns
	Thresholds  rules.Thresholds // zero fields: the catalog's defaults
	// ReportTestCredentials: scan.test_credentials is report (AR-SC-001
	// reports values written only in test files too, ranked low).
	ReportTestCredentials bool
}

// AgentPatterns extend the known coding agents (used by CI analysis).
type AgentPatterns struct {
	Actions  []string `yaml:"actions"`
	Commands []string `yaml:"commands"`
}

type fileConfig struct {
	Version    int                 `yaml:"version"`
	Thresholds yaml.Node           `yaml:"thresholds"`
	Scan       scanConfig          `yaml:"scan"`
	Ignores    []ignoreConfig      `yaml:"ignores"`
	Principals map[string][]string `yaml:"principals"`
	Agents     AgentPatterns       `yaml:"agents"`
}

type scanConfig struct {
	MaxFileSize     string   `yaml:"max_file_size"`
	Exclude         []string `yaml:"exclude"`
	TestCredentials string   `yaml:"test_credentials"`
}

type ignoreConfig struct {
	Rule    string `yaml:"rule"`
	Path    string `yaml:"path"`
	Subject string `yaml:"subject"`
	Reason  string `yaml:"reason"`
	Owner   string `yaml:"owner"`
	Expires string `yaml:"expires"`
}

// configError is a problem with the configuration file (exit 2).
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

// findConfig returns the explicit path, else .agentreach.yml at the root of
// the first scanned path (the working directory when no path is given, as
// with --home alone), else "". A repository's configuration travels with the
// tree it describes: scanning another tree from inside a repository does not
// apply that repository's ignores.
func findConfig(explicit string, paths []string) (string, error) {
	if explicit != "" {
		if _, err := os.Stat(explicit); err != nil {
			return "", &configError{fmt.Sprintf("config %s: %v", explicit, unwrapPathErr(err))}
		}
		return explicit, nil
	}
	candidate := DefaultConfigName
	if len(paths) > 0 {
		candidate = filepath.Join(paths[0], DefaultConfigName)
	}
	if st, err := os.Stat(candidate); err == nil && st.Mode().IsRegular() {
		return candidate, nil
	}
	return "", nil
}

// loadConfig reads and validates a configuration file. Unknown keys, bad
// durations and ill-formed ignores are errors: a typo must not silently drop
// an ignore or a threshold.
func loadConfig(path string, explicit bool) (*Config, error) {
	cfg := &Config{Path: path}
	if path == "" || path == os.DevNull { // --config /dev/null: no configuration
		return cfg, nil
	}
	// The configuration found in a scanned tree is the tree's: opened only
	// as a regular file, never blocking on a FIFO put in its place. One the
	// user names (--config) may be a pipe.
	var f *os.File
	var err error
	if explicit {
		f, err = os.Open(path) // #nosec G304 -- the configuration the user names
	} else {
		f, err = local.OpenRegular(path, true)
	}
	if err != nil {
		return nil, &configError{fmt.Sprintf("config %s: %v", path, unwrapPathErr(err))}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigBytes+1))
	if err != nil {
		return nil, &configError{fmt.Sprintf("config %s: %v", path, unwrapPathErr(err))}
	}
	if len(data) > maxConfigBytes {
		return nil, &configError{fmt.Sprintf("config %s: larger than %d bytes", path, maxConfigBytes)}
	}
	return parseConfig(path, data)
}

func parseConfig(path string, data []byte) (*Config, error) {
	cfg := &Config{Path: path}
	bad := func(format string, a ...any) error {
		return &configError{fmt.Sprintf("config %s: %s", path, fmt.Sprintf(format, a...))}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, bad("%s", yamlProblem(err))
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		if problems := checkShape(doc.Content[0], reflect.TypeFor[fileConfig](), ""); len(problems) > 0 {
			return nil, bad("%s", strings.Join(problems, "; "))
		}
	}
	var fc fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fc); err != nil && !errors.Is(err, io.EOF) {
		return nil, bad("%s", yamlProblem(err))
	}
	var positions struct {
		Version yaml.Node `yaml:"version"`
		Scan    struct {
			MaxFileSize     yaml.Node `yaml:"max_file_size"`
			TestCredentials yaml.Node `yaml:"test_credentials"`
		} `yaml:"scan"`
		Ignores []yaml.Node `yaml:"ignores"`
	}
	_ = yaml.Unmarshal(data, &positions)
	if fc.Version != 0 && fc.Version != 1 {
		return nil, bad("line %d: version: unsupported version %d (want 1)", positions.Version.Line, fc.Version)
	}

	if fc.Thresholds.Kind != 0 {
		t, err := parseThresholds(&fc.Thresholds)
		if err != nil {
			return nil, bad("%v", err)
		}
		cfg.Thresholds = t
	}
	if fc.Scan.MaxFileSize != "" {
		n, err := parseSize(fc.Scan.MaxFileSize)
		if err != nil {
			return nil, bad("line %d: scan.max_file_size: %v", positions.Scan.MaxFileSize.Line, err)
		}
		cfg.MaxFileSize = n
	}
	switch strings.TrimSpace(fc.Scan.TestCredentials) {
	case "", "inventory":
	case "report":
		cfg.ReportTestCredentials = true
	default:
		return nil, bad("line %d: scan.test_credentials: %q: want inventory (the default: a value written only in test files is listed, not reported) or report",
			positions.Scan.TestCredentials.Line, fc.Scan.TestCredentials)
	}
	cfg.Exclude = fc.Scan.Exclude
	cfg.Principals = fc.Principals
	cfg.Agents = fc.Agents
	for i, ic := range fc.Ignores {
		ig := rules.Ignore{Rule: strings.ToUpper(strings.TrimSpace(ic.Rule)), Path: ic.Path, Subject: ic.Subject,
			Reason: ic.Reason, Owner: ic.Owner, Source: inventory.Location{Path: filepath.ToSlash(path), Line: 1}}
		if i < len(positions.Ignores) {
			ig.Source.Line = positions.Ignores[i].Line
			ig.Source.Column = positions.Ignores[i].Column
		}
		if ic.Expires != "" {
			t, err := time.Parse("2006-01-02", strings.TrimSpace(ic.Expires))
			if err != nil {
				return nil, bad("line %d: ignores[%d]: expires %q: want a date like 2027-06-30", ig.Source.Line, i, ic.Expires)
			}
			ig.Expires = t
		}
		if err := ig.Validate(); err != nil {
			return nil, bad("line %d: ignores[%d]: %v", ig.Source.Line, i, err)
		}
		if ig.Rule != "" && rules.ByID(rules.All(), ig.Rule) == nil {
			// It would never match a finding: a typo must not silently
			// suppress nothing.
			return nil, bad("line %d: ignores[%d]: no rule %s%s; `agentreach rules` lists them", ig.Source.Line, i, ig.Rule, suggestRule(ig.Rule))
		}
		cfg.Ignores = append(cfg.Ignores, ig)
	}
	return cfg, nil
}

// suggestRule proposes the rule id a mistyped one was probably meant to be
// (AR-SC-01 → AR-SC-001), or "".
func suggestRule(id string) string {
	family, num, ok := strings.Cut(strings.TrimPrefix(id, "AR-"), "-")
	n, err := strconv.Atoi(num)
	if !ok || err != nil {
		return ""
	}
	if r := rules.ByID(rules.All(), fmt.Sprintf("AR-%s-%03d", family, n)); r != nil {
		return " (did you mean " + r.ID + "?)"
	}
	return ""
}

// yamlProblem says what is wrong with a configuration file in the file's
// terms — line, key, what was expected — never in Go's.
func yamlProblem(err error) string {
	var pe *yaml.ParserError
	var te *yaml.TypeError
	switch {
	case errors.As(err, &pe):
		return fmt.Sprintf("line %d: not valid YAML: %s", pe.Line, pe.Message)
	case errors.As(err, &te):
		var out []string
		for _, e := range te.Errors {
			out = append(out, fmt.Sprintf("line %d: %s", e.Line, goTypes.ReplaceAllString(e.Err.Error(), "a value of another kind")))
		}
		return strings.Join(out, "; ")
	}
	return goTypes.ReplaceAllString(oneLine(strings.TrimPrefix(err.Error(), "yaml: ")), "a value of another kind")
}

// goTypes matches Go type names in a decoder's message.
var goTypes = regexp.MustCompile(`(\[\])*(map\[[^\]]*\])?(\[\])*\*?\b(main|yaml)\.\w+`)

// checkShape compares a YAML node with the Go type it is decoded into and
// describes every mismatch in the file's terms: an unknown key with the
// keys that are known there, a list where a mapping belongs, a word where a
// number belongs. Aliases are not followed (the decoder bounds them).
func checkShape(n *yaml.Node, t reflect.Type, where string) []string {
	if n.Kind == yaml.AliasNode || n.Tag == "!!null" {
		return nil
	}
	at := func(format string, a ...any) []string {
		w := where
		if w == "" {
			w = "the top level"
		}
		return []string{fmt.Sprintf("line %d: %s: %s", n.Line, w, fmt.Sprintf(format, a...))}
	}
	if t == reflect.TypeFor[yaml.Node]() {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return at("want keys and values (key: value), got %s", describeNode(n))
		}
		var known []string
		fields := map[string]reflect.Type{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "" || name == "-" {
				continue
			}
			if f.Type != reflect.TypeFor[yaml.Node]() { // accepted only to be refused with a reason
				known = append(known, name)
			}
			fields[name] = f.Type
		}
		var out []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				w := "in " + where
				if where == "" {
					w = "at the top level"
				}
				out = append(out, fmt.Sprintf("line %d: unknown key %q %s (known: %s)", k.Line, k.Value, w, strings.Join(known, ", ")))
				continue
			}
			out = append(out, checkShape(v, ft, joinKey(where, k.Value))...)
		}
		return out
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return at("want a list, got %s", describeNode(n))
		}
		var out []string
		for i, c := range n.Content {
			out = append(out, checkShape(c, t.Elem(), fmt.Sprintf("%s[%d]", where, i))...)
		}
		return out
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return at("want keys and values (key: value), got %s", describeNode(n))
		}
		var out []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			out = append(out, checkShape(n.Content[i+1], t.Elem(), joinKey(where, n.Content[i].Value))...)
		}
		return out
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			return at("want a single value, got %s", describeNode(n))
		}
	case reflect.Int, reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			return at("want a whole number, got %s", describeNode(n))
		}
	}
	return nil
}

func joinKey(where, key string) string {
	if where == "" {
		return key
	}
	return where + "." + key
}

// describeNode names what a node is, for a message.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "keys and values"
	case yaml.SequenceNode:
		return "a list"
	}
	v := n.Value
	if len(v) > 24 {
		v = v[:21] + "..."
	}
	return strconv.Quote(v)
}

var sizeRe = regexp.MustCompile(`^(\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$`)

// parseSize accepts "10MiB", "512k", "1048576"; a size that does not fit in
// 64 bits is an error, never a wrapped-around number.
func parseSize(s string) (int64, error) {
	m := sizeRe.FindStringSubmatch(strings.TrimSpace(strings.ToLower(s)))
	if m == nil {
		return 0, fmt.Errorf("bad size %q (want e.g. 10MiB)", s)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q (want a positive size, e.g. 10MiB)", s)
	}
	shift := 0
	switch m[2] {
	case "k", "kb", "kib":
		shift = 10
	case "m", "mb", "mib":
		shift = 20
	case "g", "gb", "gib":
		shift = 30
	}
	if n > math.MaxInt64>>shift {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return n << shift, nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// parseThresholds reads the limits the API token rules apply:
//
//	thresholds:
//	  max_token_lifetime: 90d   # AR-GH-001
//	  stale: 90d                # AR-GH-002, AR-GH-005, AR-GH-010
//	  never_used_grace: 30d     # AR-GH-002, AR-GH-010
//	  secret_rotation: 365d     # AR-GH-014
//
// in days (90d) or any Go duration (2160h); an unknown key is an error, so
// that a misspelt limit never silently does nothing.
func parseThresholds(n *yaml.Node) (rules.Thresholds, error) {
	var t rules.Thresholds
	if n.Kind != yaml.MappingNode {
		return t, fmt.Errorf("line %d: thresholds: want a mapping of limits (max_token_lifetime, stale, never_used_grace, secret_rotation)", n.Line)
	}
	fields := map[string]*time.Duration{"max_token_lifetime": &t.MaxTTL, "stale": &t.Stale, "never_used_grace": &t.NeverUsedGrace, "secret_rotation": &t.SecretRotation}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		dst, ok := fields[k.Value]
		if !ok {
			return t, fmt.Errorf("line %d: thresholds.%s: unknown limit (want max_token_lifetime, stale, never_used_grace or secret_rotation)", k.Line, k.Value)
		}
		d, err := parseDays(v.Value)
		if err != nil || d <= 0 {
			return t, fmt.Errorf("line %d: thresholds.%s: %q is not a positive duration (90d, 2160h)", v.Line, k.Value, v.Value)
		}
		*dst = d
	}
	return t, nil
}

// parseDays parses "90d" as days, anything else as a Go duration.
func parseDays(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n > 100000 {
			return 0, fmt.Errorf("bad day count %q", d)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}
