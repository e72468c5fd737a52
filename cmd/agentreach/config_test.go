package main

import (
	"testing"
	"time"
)

func TestParseDurationAndSize(t *testing.T) {
	t.Parallel()
	durations := map[string]time.Duration{"90d": 90 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "720h": 720 * time.Hour, " 1 day": 24 * time.Hour}
	for in, want := range durations {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "0d", "-1h", "soon", "99999999d"} {
		if _, err := parseDuration(bad); err == nil {
			t.Errorf("parseDuration(%q) accepted", bad)
		}
	}
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
thresholds:
  staleness: 30d
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
	if cfg.Thresholds.Staleness != 30*24*time.Hour || cfg.Thresholds.MaxTokenLifetime != 90*24*time.Hour {
		t.Errorf("thresholds = %+v", cfg.Thresholds)
	}
	if cfg.MaxFileSize != 1<<20 || cfg.Exclude[0] != "vendor/**" || cfg.Principals["github:ci-bot"][0] != "alice" || cfg.Agents.Commands[0] != "my-agent" {
		t.Errorf("cfg = %+v", cfg)
	}
	if len(cfg.Ignores) != 1 || cfg.Ignores[0].Source.Line != 12 || !cfg.Ignores[0].Expires.IsZero() {
		t.Errorf("ignores = %+v", cfg.Ignores)
	}
	if cfg, err := parseConfig("x", nil); err != nil || len(cfg.Ignores) != 0 {
		t.Errorf("empty config: %v", err)
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("version: 1\nignores:\n  - rule: AR-CI-001\n    reason: r\n    expires: 2027-01-01\n"))
	f.Add([]byte("thresholds: {staleness: 90d}\nscan: {max_file_size: 1MiB}\n"))
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
