package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/report"
)

// twinTree writes a tree whose relative paths are the same in every twin but
// whose tokens and agents differ: a coding-agent job startable by commenters
// (or a benign job), a committed token in a script, a token in .mcp.json.
func twinTree(t *testing.T, seed uint64, agent bool) string {
	t.Helper()
	root := t.TempDir()
	r := faketoken.Rand(seed)
	pat := faketoken.GitHub(r, "ghp_")
	wf := "on: push\npermissions: {}\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
	if agent {
		wf = "on:\n  issue_comment:\n    types: [created]\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n" +
			"      - uses: actions/checkout@v4\n      - uses: anthropics/claude-code-action@v1\n        with:\n" +
			"          anthropic_api_key: ${{ secrets.ANTHROPIC_API_KEY }}\n          github_token: ${{ secrets.BOT_PAT }}\n"
	}
	writeFile(t, root, ".github/workflows/triage.yml", wf)
	writeFile(t, root, "scripts/deploy.sh", "#!/bin/sh\nexport GITHUB_TOKEN="+pat+"\n")
	writeFile(t, root, ".mcp.json", `{"mcpServers": {"github": {"command": "github-mcp-server", "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "`+
		faketoken.GitHub(r, "ghp_")+`"}}}}`)
	return root
}

// fingerprints runs a scan and returns its findings' fingerprints (with
// rule and subject, for readable failures).
func fingerprints(t *testing.T, env map[string]string, args ...string) map[string]string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "r.json")
	res := run(t, env, append([]string{"scan", "--allow-partial", "-o", "json=" + out}, args...)...)
	if res.code != ExitOK {
		t.Fatalf("scan %v: exit %d: %s", args, res.code, res.err)
	}
	got := map[string]string{}
	for _, f := range readReport(t, out).Findings {
		if _, dup := got[f.Fingerprint]; dup {
			t.Errorf("fingerprint %s twice", f.Fingerprint)
		}
		got[f.Fingerprint] = f.RuleID + " " + f.Subject
	}
	return got
}

func TestTwoTreesReportTheUnionOfBoth(t *testing.T) {
	t.Parallel()
	a, b := twinTree(t, 1, true), twinTree(t, 2, false)
	home := t.TempDir()
	writeFile(t, home, ".claude/settings.json", `{"permissions": {"defaultMode": "bypassPermissions"}}`)
	writeFile(t, home, ".config/gh/hosts.yml", "github.com:\n    oauth_token: "+faketoken.GitHub(faketoken.Rand(3), "gho_")+"\n    user: dev\n")
	env := map[string]string{"HOME": home}

	union := func(ms ...map[string]string) map[string]string {
		out := map[string]string{}
		for _, m := range ms {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
	fa, fb, fh := fingerprints(t, env, a), fingerprints(t, env, b), fingerprints(t, env, "--home")
	if len(fa) == 0 || len(fb) == 0 || len(fh) == 0 {
		t.Fatalf("a tree or the home has no findings: %d %d %d", len(fa), len(fb), len(fh))
	}
	for _, tc := range []struct {
		name string
		args []string
		want map[string]string
	}{
		{"a b", []string{a, b}, union(fa, fb)},
		{"b a", []string{b, a}, union(fa, fb)},
		{"a --home", []string{a, "--home"}, union(fa, fh)},
		{"a b --home", []string{a, b, "--home"}, union(fa, fb, fh)},
	} {
		got := fingerprints(t, env, tc.args...)
		for k, v := range tc.want {
			if _, ok := got[k]; !ok {
				t.Errorf("scan %s lost %s", tc.name, v)
			}
		}
		for k, v := range got {
			if _, ok := tc.want[k]; !ok {
				t.Errorf("scan %s reports %s, which neither scan alone does", tc.name, v)
			}
		}
	}
	// The commenter-startable Claude job of a stays a coding agent, whatever
	// the benign job of the same path in b.
	out := filepath.Join(t.TempDir(), "r.json")
	run(t, env, "scan", "--allow-partial", "-o", "json="+out, b, a)
	inv := readReport(t, out).Inventory
	var kinds []string
	for _, ag := range inv.Agents {
		if _, local := inventory.Unscoped(ag.ID); local == "github-actions:.github/workflows/triage.yml#triage" {
			kinds = append(kinds, string(ag.Kind))
		}
	}
	slices.Sort(kinds)
	if !slices.Equal(kinds, []string{string(inventory.AgentCICodingJob), string(inventory.AgentCIJob)}) {
		t.Errorf("triage agents of the two trees = %v, want one ci-job and one ci-coding-agent", kinds)
	}
	if len(inv.Sources) != 2 {
		t.Errorf("sources = %+v, want the two trees", inv.Sources)
	}
}

// TestReportIndependentOfOrder runs the same scan with sources and analyzers
// in many random orders: the JSON report is identical every time.
func TestReportIndependentOfOrder(t *testing.T) {
	t.Parallel()
	a, b := twinTree(t, 4, true), twinTree(t, 5, false)
	// The same embedded value in both trees and the home: one credential
	// with every location, whichever scanner saw it first.
	shared := faketoken.GitHub(faketoken.Rand(6), "ghp_")
	writeFile(t, a, ".env", "GITHUB_TOKEN="+shared+"\n")
	writeFile(t, b, ".cursor/mcp.json", `{"mcpServers": {"gh": {"url": "https://api.example.com/mcp", "headers": {"Authorization": "Bearer `+shared+`"}}}}`)
	home := t.TempDir()
	writeFile(t, home, ".npmrc", "//registry.example.com/:_authToken="+shared+"\n")
	writeFile(t, home, ".claude/settings.json", `{"permissions": {"allow": ["Bash(*)"]}}`)
	env := map[string]string{"HOME": home}

	scan := func(seed uint64) []byte {
		var f scanFlags
		f.home, f.allowPartial, f.failOn = true, true, "none"
		opts, err := f.resolve(context.Background(), []string{a, b}, Stdio{Out: &bytes.Buffer{}}, testEnv(env))
		if err != nil {
			t.Fatal(err)
		}
		if seed != 0 {
			opts.shuffle = rand.New(rand.NewPCG(seed, seed))
		}
		fixed := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		opts.now = func() time.Time { return fixed }
		engine, err := newEngine(opts.hashKey)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := runScan(context.Background(), opts, engine, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := (report.JSON{}).Write(context.Background(), &buf, rep); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	want := scan(0)
	var r report.Report
	if err := json.Unmarshal(want, &r); err != nil {
		t.Fatal(err)
	}
	var sharedCred *inventory.Credential
	for i, c := range r.Inventory.Credentials {
		if len(c.Locations) >= 3 {
			sharedCred = &r.Inventory.Credentials[i]
		}
	}
	if sharedCred == nil {
		t.Fatal("the value found in both trees and the home is not one credential with three locations")
	}
	for seed := uint64(1); seed <= 12; seed++ {
		if got := scan(seed); !bytes.Equal(got, want) {
			t.Fatalf("seed %d: the report differs from the unshuffled one:\n%s", seed, firstDiff(want, got))
		}
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "lengths differ"
}

// TestPrincipalsMap: the principals map of .agentreach.yml reaches the
// inventory (accountable humans, edges to them) and AR-PB-009 lists what it
// leaves out.
func TestPrincipalsMap(t *testing.T) {
	t.Parallel()
	root := twinTree(t, 7, true)
	writeFile(t, root, ".agentreach.yml", "version: 1\nprincipals:\n  \"github-actions-secret:ANTHROPIC_API_KEY\": [\"@ml-infra\"]\n  \"*triage*\": [\"@alice\"]\n")
	out := filepath.Join(t.TempDir(), "r.json")
	if res := run(t, nil, "scan", root, "--allow-partial", "-o", "json="+out); res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.err)
	}
	r := readReport(t, out)
	unowned := map[string]bool{}
	for _, f := range r.Findings {
		if f.RuleID == "AR-PB-009" {
			c := r.Inventory.Credential(f.Credential)
			if c == nil {
				t.Fatalf("AR-PB-009 names no inventoried credential: %+v", f)
			}
			unowned[c.Name] = true
		}
	}
	if !unowned["BOT_PAT"] || unowned["ANTHROPIC_API_KEY"] {
		t.Errorf("AR-PB-009 for %v, want BOT_PAT and not ANTHROPIC_API_KEY", unowned)
	}
	var edge bool
	for _, e := range r.Inventory.Reaches {
		if e.Principal == inventory.AccountablePrincipalID("@ml-infra") && e.Via == inventory.ViaAccountable {
			edge = true
		}
	}
	if !edge {
		t.Error("no edge from the named secret to its accountable human")
	}
	for _, a := range r.Inventory.Agents {
		if strings.Contains(a.ID, "triage") && !slices.Contains(a.Accountable, "@alice") {
			t.Errorf("agent %s: accountable = %v", a.ID, a.Accountable)
		}
	}
	for _, n := range r.NotEvaluable {
		if n.RuleID == "AR-PB-009" {
			t.Errorf("AR-PB-009 not evaluable with a principals map: %s", n.Reason)
		}
	}
}
