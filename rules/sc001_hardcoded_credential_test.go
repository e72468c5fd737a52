package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func embedded(lifetime inventory.LifetimeClass, reach inventory.ReachClass, locs ...inventory.Location) inventory.Credential {
	return inventory.Credential{
		ID: "embedded:0123456789abcdef", Kind: inventory.KindEmbeddedKey, Platform: "github",
		Name: "GitHub classic personal access token", Redacted: "ghp_…WXYZ", Lifetime: lifetime, Reach: reach, Locations: locs,
	}
}

func TestHardcodedCredential(t *testing.T) {
	t.Parallel()
	loc := func(p string, g inventory.GitState) inventory.Location {
		return inventory.Location{Path: p, Line: 3, Git: g}
	}
	tests := []struct {
		name   string
		cred   inventory.Credential
		scores []float64
	}{
		{"committed static key is critical", embedded(inventory.LifetimeStatic, inventory.ReachSourceControl, loc("app/config.py", inventory.GitTracked)), []float64{9.2}},
		{"ignored static key is high", embedded(inventory.LifetimeStatic, inventory.ReachSourceControl, loc(".env", inventory.GitIgnored)), []float64{7.5}},
		{"history counts as committed", embedded(inventory.LifetimeRefresh, inventory.ReachSourceControl, loc("old.txt", inventory.GitHistory)), []float64{9.2}},
		{"short-lived committed is medium", embedded(inventory.LifetimeShortLived, inventory.ReachSourceControl, loc("a.txt", inventory.GitTracked)), []float64{6.0}},
		{"short-lived untracked is medium", embedded(inventory.LifetimeShortLived, inventory.ReachSourceControl, loc("a.txt", inventory.GitUntracked)), []float64{4.5}},
		{"unknown lifetime outside git", embedded(inventory.LifetimeUnknown, inventory.ReachSourceControl, loc("a.txt", inventory.GitNone)), []float64{6.5}},
		{"uncommitted line is local", embedded(inventory.LifetimeStatic, inventory.ReachCloud, loc("a.txt", inventory.GitUncommitted)), []float64{7.5}},
		{"llm key committed is high", embedded(inventory.LifetimeStatic, inventory.ReachLLMAPI, loc("a.txt", inventory.GitTracked)), []float64{8.7}},
		{"generic secret committed is high", embedded(inventory.LifetimeStatic, inventory.ReachGeneric, loc("a.env", inventory.GitTracked)), []float64{8.2}},
		{"observability key ignored is medium", embedded(inventory.LifetimeStatic, inventory.ReachObservability, loc(".env", inventory.GitIgnored)), []float64{6.5}},
		{"short-lived chat token untracked", embedded(inventory.LifetimeShortLived, inventory.ReachChat, loc("a.txt", inventory.GitUntracked)), []float64{4.0}},
		{"refresh token ignored is high", embedded(inventory.LifetimeRefresh, inventory.ReachCloud, loc(".env", inventory.GitIgnored)), []float64{7.5}},
		{"one finding per value and source, at its worst place", embedded(inventory.LifetimeStatic, inventory.ReachSourceControl,
			loc("b.txt", inventory.GitIgnored), loc("a.txt", inventory.GitTracked)), []float64{9.2}},
		{"workflow and agent config belong to other rules", embedded(inventory.LifetimeStatic, inventory.ReachSourceControl,
			loc(".github/workflows/ci.yml", inventory.GitTracked), loc(".mcp.json", inventory.GitTracked)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, HardcodedCredential, &inventory.Inventory{Credentials: []inventory.Credential{tt.cred}})
			if len(fs) != len(tt.scores) {
				t.Fatalf("findings = %d, want %d", len(fs), len(tt.scores))
			}
			for i, s := range tt.scores {
				if fs[i].Score != s {
					t.Errorf("finding %d score %.1f, want %.1f", i, fs[i].Score, s)
				}
				if fs[i].Credential != tt.cred.ID || !strings.Contains(fs[i].Message, "ghp_…WXYZ") {
					t.Errorf("finding %d: %+v", i, fs[i])
				}
			}
		})
	}
	unc := embedded(inventory.LifetimeStatic, inventory.ReachCloud, loc("a.txt", inventory.GitUncommitted))
	if fs := run(t, HardcodedCredential, &inventory.Inventory{Credentials: []inventory.Credential{unc}}); len(fs) != 1 || !strings.Contains(fs[0].Message, "uncommitted change") {
		t.Errorf("uncommitted: %+v", fs)
	}
	enc := embedded(inventory.LifetimeStatic, inventory.ReachCrypto, loc("id_rsa", inventory.GitTracked))
	enc.Type = "private-key-encrypted"
	if fs := run(t, HardcodedCredential, &inventory.Inventory{Credentials: []inventory.Credential{enc}}); len(fs) != 1 || fs[0].Score != 7.2 {
		t.Errorf("encrypted key: %+v", fs)
	}
	// Non-embedded credentials (API inventory) are not file findings.
	c := embedded(inventory.LifetimeStatic, inventory.ReachSourceControl, loc("a.txt", inventory.GitTracked))
	c.Kind = inventory.KindActionsSecret
	if fs := run(t, HardcodedCredential, &inventory.Inventory{Credentials: []inventory.Credential{c}}); len(fs) != 0 {
		t.Errorf("actions secret reported: %+v", fs)
	}
}

func TestHardcodedCredentialContext(t *testing.T) {
	t.Parallel()
	at := func(p string) inventory.Location {
		return inventory.Location{Path: p, Line: 7, Git: inventory.GitTracked}
	}
	tests := []struct {
		path    string
		context string
		score   float64
	}{
		{"config/app.yml", "", 9.2},
		{"tests/unit/app.yml", "test", 3.7},
		{"internal/auth/token_test.go", "test", 3.7},
		{"src/sanitizer.test.ts", "test", 3.7},
		{"spec/lib/redis_spec.rb", "test", 3.7},
		{"pkg/testdata/key.pem", "test", 3.7},
		{"web/fixtures/client.json", "test", 3.7},
		{"examples/server/pyproject.toml", "example", 3.7},
		{"samples/Web/appsettings.json", "example", 3.7},
		{".env.example", "example", 3.7},
		{"docs/guide.mdx", "docs", 3.7},
	}
	for _, tt := range tests {
		inv := &inventory.Inventory{Credentials: []inventory.Credential{
			embedded(inventory.LifetimeStatic, inventory.ReachSourceControl, at(tt.path))}}
		fs := run(t, HardcodedCredential, inv)
		if tt.context == "test" {
			// Only in a test file: inventoried, not reported, unless
			// scan.test_credentials: report.
			if len(fs) != 0 {
				t.Errorf("%s: test-only value reported by default: %+v", tt.path, fs)
			}
			fs, _ = Evaluate([]*Rule{HardcodedCredential}, Input{Inventory: inv, Now: testNow, ReportTestCredentials: true})
		}
		if len(fs) != 1 {
			t.Fatalf("%s: %d findings", tt.path, len(fs))
		}
		f := fs[0]
		if f.Score != tt.score || f.Properties["context"] != tt.context {
			t.Errorf("%s: score %.1f context %q, want %.1f %q", tt.path, f.Score, f.Properties["context"], tt.score, tt.context)
		}
		if tt.context != "" && (f.Severity != inventory.SeverityLow || !strings.Contains(f.Message, "ranked low")) {
			t.Errorf("%s: %s %q", tt.path, f.Severity, f.Message)
		}
	}
	// A value in a test and in a product file is scored where it hurts most.
	c := embedded(inventory.LifetimeStatic, inventory.ReachSourceControl, at("config/app.yml"), at("tests/app.yml"))
	fs := run(t, HardcodedCredential, &inventory.Inventory{Credentials: []inventory.Credential{c}})
	if len(fs) != 1 || fs[0].Score != 9.2 || fs[0].Location.Path != "config/app.yml" || len(fs[0].Related) != 1 ||
		fs[0].Properties["context"] != "" {
		t.Errorf("product and test: %+v", fs)
	}
	// A value in a test and in an example is not test-only: ranked low,
	// reported at the example.
	c = embedded(inventory.LifetimeStatic, inventory.ReachSourceControl, at("tests/app.yml"), at("examples/app.yml"))
	fs = run(t, HardcodedCredential, &inventory.Inventory{Credentials: []inventory.Credential{c}})
	if len(fs) != 1 || fs[0].Location.Path != "examples/app.yml" || fs[0].Severity != inventory.SeverityLow || len(fs[0].Related) != 1 {
		t.Errorf("test and example: %+v", fs)
	}
	// Test-only in one source, in product code in another: the product
	// source's finding only.
	c = embedded(inventory.LifetimeStatic, inventory.ReachSourceControl,
		inventory.Location{Source: "dir:a", Path: "tests/app.yml", Line: 3, Git: inventory.GitTracked},
		inventory.Location{Source: "dir:b", Path: "config/app.yml", Line: 3, Git: inventory.GitTracked})
	fs = run(t, HardcodedCredential, &inventory.Inventory{Credentials: []inventory.Credential{c}})
	if len(fs) != 1 || fs[0].Location.Source != "dir:b" || fs[0].Score != 9.2 {
		t.Errorf("two sources: %+v", fs)
	}
}

func TestHardcodedCredentialPublic(t *testing.T) {
	t.Parallel()
	c := embedded(inventory.LifetimeStatic, inventory.ReachCloud, inventory.Location{Path: "config/storage.json", Line: 2, Git: inventory.GitTracked})
	c.Public = "the account key that Microsoft documents for the Azurite storage emulator (devstoreaccount1)"
	// Recognised in the inventory with the reason, not reported.
	if fs := run(t, HardcodedCredential, &inventory.Inventory{Credentials: []inventory.Credential{c}}); len(fs) != 0 {
		t.Errorf("public value reported: %+v", fs)
	}
}

// TestHardcodedCredentialOneValue: one value in many places of a source is
// one finding whose fingerprint depends on rule, credential and source
// only; other sources get their own finding.
func TestHardcodedCredentialOneValue(t *testing.T) {
	t.Parallel()
	var locs []inventory.Location
	for i := range 1187 {
		locs = append(locs, inventory.Location{Source: "repo:h/o/r@history", Path: fmt.Sprintf("vendor/vectors/v%04d.json", i),
			Line: 1 + i%40, Git: inventory.GitHistory, Commit: fmt.Sprintf("%040x", i)})
	}
	locs = append(locs, inventory.Location{Source: "repo:h/o/r", Path: "config/app.yml", Line: 3, Git: inventory.GitTracked})
	c := embedded(inventory.LifetimeStatic, inventory.ReachSourceControl, locs...)
	fs := run(t, HardcodedCredential, &inventory.Inventory{Credentials: []inventory.Credential{c}})
	if len(fs) != 2 {
		t.Fatalf("%d findings, want one per source", len(fs))
	}
	bySource := map[string]inventory.Finding{}
	for _, f := range fs {
		bySource[f.Location.Source] = f
	}
	h := bySource["repo:h/o/r@history"]
	if len(h.Related) != 1186 || !strings.Contains(h.Message, "1186 more places") || !strings.Contains(h.Message, "SARIF shows the first 20") ||
		h.Properties["locations"] != "1187" || h.Subject != inventory.Scoped("repo:h/o/r@history", c.ID) {
		t.Errorf("history finding: %d related, %q, %v, %s", len(h.Related), h.Message, h.Properties, h.Subject)
	}
	if tree := bySource["repo:h/o/r"]; len(tree.Related) != 0 || strings.Contains(tree.Message, "more place") {
		t.Errorf("tree finding: %+v", tree)
	}
	// Lines and paths move; the fingerprint does not.
	moved := embedded(inventory.LifetimeStatic, inventory.ReachSourceControl,
		inventory.Location{Source: "repo:h/o/r", Path: "config/other.yml", Line: 90, Git: inventory.GitTracked})
	again := run(t, HardcodedCredential, &inventory.Inventory{Credentials: []inventory.Credential{moved}})
	if len(again) != 1 || again[0].Fingerprint != bySource["repo:h/o/r"].Fingerprint {
		t.Errorf("fingerprint changed when the value moved")
	}
}
