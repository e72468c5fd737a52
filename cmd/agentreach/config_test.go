package main

import (
	"strings"
	"testing"
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
	if cfg, err := parseConfig("x", nil); err != nil || len(cfg.Ignores) != 0 {
		t.Errorf("empty config: %v", err)
	}
}

// TestThresholdsRejected: no rule reads token-lifetime limits yet, so a
// config that sets them is told so instead of silently doing nothing.
func TestThresholdsRejected(t *testing.T) {
	t.Parallel()
	_, err := parseConfig(".agentreach.yml", []byte("version: 1\nthresholds:\n  max_token_lifetime: 30d\n"))
	if err == nil || !strings.Contains(err.Error(), "thresholds (line 3)") || !strings.Contains(err.Error(), "remove the key") {
		t.Errorf("err = %v", err)
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
