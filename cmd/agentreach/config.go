package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/rules"
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
}

// AgentPatterns extend the known coding agents (used by CI analysis).
type AgentPatterns struct {
	Actions  []string `yaml:"actions"`
	Commands []string `yaml:"commands"`
}

type fileConfig struct {
	Version    int                 `yaml:"version"`
	Thresholds yaml.Node           `yaml:"thresholds"` // no longer read: rejected with a reason
	Scan       scanConfig          `yaml:"scan"`
	Ignores    []ignoreConfig      `yaml:"ignores"`
	Principals map[string][]string `yaml:"principals"`
	Agents     AgentPatterns       `yaml:"agents"`
}

type scanConfig struct {
	MaxFileSize string   `yaml:"max_file_size"`
	Exclude     []string `yaml:"exclude"`
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
func loadConfig(path string) (*Config, error) {
	cfg := &Config{Path: path}
	if path == "" {
		return cfg, nil
	}
	f, err := os.Open(path)
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
	var fc fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fc); err != nil && !errors.Is(err, io.EOF) {
		return nil, bad("%s", oneLine(err.Error()))
	}
	if fc.Version != 0 && fc.Version != 1 {
		return nil, bad("unsupported version %d (want 1)", fc.Version)
	}
	var positions struct {
		Ignores []yaml.Node `yaml:"ignores"`
	}
	_ = yaml.Unmarshal(data, &positions)

	if fc.Thresholds.Kind != 0 {
		// The catalog's token lifetime, staleness and rotation limits belong
		// to the GitHub and GitLab token rules; no rule of this version reads
		// them, and a limit that silently does nothing is worse than none.
		return nil, bad("thresholds (line %d): no rule of this version reads them (they belong to the GitHub and GitLab token rules); remove the key", fc.Thresholds.Line)
	}
	if fc.Scan.MaxFileSize != "" {
		n, err := parseSize(fc.Scan.MaxFileSize)
		if err != nil {
			return nil, bad("scan.max_file_size: %v", err)
		}
		cfg.MaxFileSize = n
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
				return nil, bad("ignores[%d] (line %d): expires %q: want a date like 2027-06-30", i, ig.Source.Line, ic.Expires)
			}
			ig.Expires = t
		}
		if err := ig.Validate(); err != nil {
			return nil, bad("ignores[%d] (line %d): %v", i, ig.Source.Line, err)
		}
		cfg.Ignores = append(cfg.Ignores, ig)
	}
	return cfg, nil
}

var sizeRe = regexp.MustCompile(`^(\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$`)

// parseSize accepts "10MiB", "512k", "1048576".
func parseSize(s string) (int64, error) {
	m := sizeRe.FindStringSubmatch(strings.TrimSpace(strings.ToLower(s)))
	if m == nil {
		return 0, fmt.Errorf("bad size %q (want e.g. 10MiB)", s)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	switch m[2] {
	case "k", "kb", "kib":
		n <<= 10
	case "m", "mb", "mib":
		n <<= 20
	case "g", "gb", "gib":
		n <<= 30
	}
	return n, nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
