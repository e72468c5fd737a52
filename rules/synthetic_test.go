package rules

import (
	"context"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/scanners/secrets"
)

// TestSyntheticNotReported: values whose random part one file writes after
// two token-type prefixes are made up (credentials[].synthetic); AR-SC-001,
// AR-CI-008 and AR-AG-001 do not report them, and report look-alikes with
// two different random parts, or one random part in two files.
func TestSyntheticNotReported(t *testing.T) {
	t.Parallel()
	r := faketoken.Rand(71)
	files := map[string]func(a, b string) string{
		"src/redact.ts":            func(a, b string) string { return "const a = \"" + a + "\";\nconst b = \"" + b + "\";\n" },
		".github/workflows/ci.yml": func(a, b string) string { return "env:\n  A: " + a + "\n  B: " + b + "\n" },
		".mcp.json": func(a, b string) string {
			return `{"mcpServers": {"gh": {"env": {"GITHUB_TOKEN": "` + a + `", "OTHER_TOKEN": "` + b + `"}}}}` + "\n"
		},
	}
	rules := []*Rule{HardcodedCredential, HardcodedCICredential, PlaintextAgentCredential}
	type file struct{ path, text string }
	// findings runs the analyzer over the files and the three rules over
	// the inventory.
	findings := func(fs ...file) int {
		an, b := secrets.NewAnalyzer(), inventory.NewBuilder()
		for _, f := range fs {
			l := inventory.Location{Source: "dir:.", Root: ".", Path: f.path, Git: inventory.GitTracked}
			if err := an.Analyze(context.Background(), l, []byte(f.text), b); err != nil {
				t.Fatal(err)
			}
		}
		inv, _ := b.Build()
		n := 0
		for _, rule := range rules {
			n += len(run(t, rule, inv))
		}
		return n
	}
	for p, text := range files {
		body := faketoken.Base62(r, 30)
		ghp, ghs := faketoken.GitHubWithBody("ghp", body), faketoken.GitHubWithBody("ghs", body)
		if n := findings(file{p, text(ghp, ghs)}); n != 0 {
			t.Errorf("%s: one random part under ghp_ and ghs_: %d findings, want none", p, n)
		}
		if n := findings(file{p, text(faketoken.GitHub(r, "ghp"), faketoken.GitHub(r, "ghs"))}); n != 2 {
			t.Errorf("%s: two random parts: %d findings, want 2", p, n)
		}
		if n := findings(file{p, text(ghp, "none")}, file{"other/" + p, text(ghs, "none")}); n != 2 {
			t.Errorf("%s: one random part under one prefix in each of two files: %d findings, want 2", p, n)
		}
	}
}

// TestSyntheticCredentialSkipped: a credential the inventory marks as made
// up is not reported by any of the three rules.
func TestSyntheticCredentialSkipped(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		rule *Rule
		path string
	}{{HardcodedCredential, "config/app.yml"}, {HardcodedCICredential, ".github/workflows/ci.yml"}, {PlaintextAgentCredential, ".mcp.json"}} {
		c := embedded(inventory.LifetimeStatic, inventory.ReachSourceControl, inventory.Location{Path: tt.path, Line: 2, Git: inventory.GitTracked})
		if fs := run(t, tt.rule, &inventory.Inventory{Credentials: []inventory.Credential{c}}); len(fs) != 1 {
			t.Errorf("%s: %d findings without synthetic, want 1", tt.rule.ID, len(fs))
		}
		c.Synthetic = "the same random part is written after ghp_ and ghs_ in this file"
		if fs := run(t, tt.rule, &inventory.Inventory{Credentials: []inventory.Credential{c}}); len(fs) != 0 {
			t.Errorf("%s: made-up value reported: %+v", tt.rule.ID, fs)
		}
	}
}

// TestPublicCredentialSkipped: a value public by design (an emulator's
// documented key) is recognised in the inventory and reported by none of the
// three rules, wherever it is written.
func TestPublicCredentialSkipped(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		rule *Rule
		path string
	}{{HardcodedCredential, "config/app.yml"}, {HardcodedCICredential, ".github/workflows/ci.yml"}, {PlaintextAgentCredential, ".mcp.json"}} {
		c := embedded(inventory.LifetimeStatic, inventory.ReachSourceControl, inventory.Location{Path: tt.path, Line: 2, Git: inventory.GitTracked})
		if fs := run(t, tt.rule, &inventory.Inventory{Credentials: []inventory.Credential{c}}); len(fs) != 1 {
			t.Errorf("%s: %d findings for a secret value, want 1", tt.rule.ID, len(fs))
		}
		c.Public = "the Azurite storage emulator's documented account key"
		if fs := run(t, tt.rule, &inventory.Inventory{Credentials: []inventory.Credential{c}}); len(fs) != 0 {
			t.Errorf("%s: public-by-design value reported: %+v", tt.rule.ID, fs)
		}
	}
}
