package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	t.Parallel()
	sizes := map[string]int64{"10MiB": 10 << 20, "512k": 512 << 10, "1048576": 1 << 20, "1g": 1 << 30}
	for in, want := range sizes {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "0", "ten", "5 TB"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
	// Sizes that do not fit in 64 bits are refused, never wrapped around
	// into a small or negative cap (9999999999g once did).
	for _, huge := range []string{"9999999999g", "8589934592g", "8796093022208m", "9007199254740992k", "99999999999999999999"} {
		if n, err := parseSize(huge); err == nil || !strings.Contains(err.Error(), "too large") {
			t.Errorf("parseSize(%q) = %d, %v; want too large", huge, n, err)
		}
	}
	if n, err := parseSize("8589934591g"); err != nil || n != 8589934591<<30 {
		t.Errorf("the largest size in gigabytes: %d, %v", n, err)
	}
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(".agentreach.yml", []byte(`version: 1
scan:
  max_file_size: 1MiB
  exclude: ["vendor/**"]
principals:
  github:ci-bot: [alice]
agents:
  commands: [my-agent]
ignores:
  - path: "fixtures/**"
    reason: fixtures
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxFileSize != 1<<20 || cfg.Exclude[0] != "vendor/**" || cfg.Principals["github:ci-bot"][0] != "alice" || cfg.Agents.Commands[0] != "my-agent" {
		t.Errorf("cfg = %+v", cfg)
	}
	if len(cfg.Ignores) != 1 || cfg.Ignores[0].Source.Line != 10 || !cfg.Ignores[0].Expires.IsZero() {
		t.Errorf("ignores = %+v", cfg.Ignores)
	}
	if cfg, err := parseConfig("x", nil); err != nil || len(cfg.Ignores) != 0 || cfg.ReportTestCredentials {
		t.Errorf("empty config: %v", err)
	}
	for in, want := range map[string]bool{"inventory": false, "report": true} {
		cfg, err := parseConfig("x", []byte("scan:\n  test_credentials: "+in+"\n"))
		if err != nil || cfg.ReportTestCredentials != want {
			t.Errorf("test_credentials: %s: %v, %v", in, cfg, err)
		}
	}
}

// TestThresholds: limits in days or Go durations; an unknown or bad limit is
// an error with its line, never a limit that silently does nothing.
func TestThresholds(t *testing.T) {
	cfg, err := parseConfig(".agentreach.yml", []byte("version: 1\nthresholds:\n  max_token_lifetime: 30d\n  stale: 2160h\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Thresholds.MaxTTL != 30*24*time.Hour || cfg.Thresholds.Stale != 90*24*time.Hour || cfg.Thresholds.SecretRotation != 0 {
		t.Errorf("thresholds: %+v", cfg.Thresholds)
	}
	for in, want := range map[string]string{
		"version: 1\nthresholds:\n  staleness: 90d\n": "line 3: thresholds.staleness: unknown limit",
		"version: 1\nthresholds:\n  stale: soon\n":    "line 3: thresholds.stale: \"soon\" is not a positive duration",
		"version: 1\nthresholds:\n  stale: -5d\n":     "is not a positive duration",
		"version: 1\nthresholds: [90d]\n":             "line 2: thresholds: want a mapping",
	} {
		if _, err := parseConfig(".agentreach.yml", []byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("version: 1\nignores:\n  - rule: AR-CI-001\n    reason: r\n    expires: 2027-01-01\n"))
	f.Add([]byte("scan: {max_file_size: 1MiB}\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := parseConfig("c.yml", data)
		if err == nil && cfg == nil {
			t.Fatal("nil config without error")
		}
		if err == nil {
			for _, ig := range cfg.Ignores {
				if ig.Validate() != nil {
					t.Fatal("invalid ignore accepted")
				}
			}
		}
	})
}

// TestConfigErrorsSpeakPlainly: every configuration error names the line and
// the key in the file's terms — no Go type (main.fileConfig, []string,
// !!seq) — and an ignore for a rule that does not exist is refused.
func TestConfigErrorsSpeakPlainly(t *testing.T) {
	t.Parallel()
	cases := map[string]struct{ yaml, want string }{
		"unknown key":        {"version: 1\nignorez: []\n", `line 2: unknown key "ignorez" at the top level (known: version, scan, ignores, principals, agents)`},
		"unknown ignore key": {"ignores:\n  - rule: AR-CI-001\n    reson: x\n", `line 3: unknown key "reson" in ignores[0] (known: rule, path, subject, reason, owner, expires)`},
		"map for a list":     {"ignores: {a: 1}\n", "line 1: ignores: want a list, got keys and values"},
		"list for a value":   {"scan:\n  max_file_size: [1]\n", "line 2: scan.max_file_size: want a single value, got a list"},
		"word for a number":  {"version: one\n", `line 1: version: want a whole number, got "one"`},
		"list for a map":     {"principals: [a]\n", "line 1: principals: want keys and values (key: value), got a list"},
		"value for a list":   {"agents:\n  commands: x\n", `line 2: agents.commands: want a list, got "x"`},
		"not yaml":           {"a: [\n", "not valid YAML: did not find expected node content"},
		"unknown rule":       {"ignores:\n  - rule: AR-SC-01\n    reason: r\n", "line 2: ignores[0]: no rule AR-SC-01 (did you mean AR-SC-001?)"},
		"no such rule":       {"ignores:\n  - rule: AR-ZZ-999\n    reason: r\n", "line 2: ignores[0]: no rule AR-ZZ-999;"},
		"size overflow":      {"scan:\n  max_file_size: 9999999999g\n", `line 2: scan.max_file_size: size "9999999999g" is too large`},
		"bad version":        {"version: 7\n", "line 1: version: unsupported version 7"},
		"test credentials":   {"scan:\n  test_credentials: yes\n", `line 2: scan.test_credentials: "yes": want inventory`},
	}
	for name, c := range cases {
		_, err := parseConfig(".agentreach.yml", []byte(c.yaml))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) {
			t.Errorf("%s:\n got %s\nwant %s", name, msg, c.want)
		}
		for _, goSpeak := range []string{"main.", "[]string", "map[", "!!", "unmarshal", "yaml:"} {
			if strings.Contains(msg, goSpeak) {
				t.Errorf("%s: %q speaks Go (%s)", name, msg, goSpeak)
			}
		}
	}
}
