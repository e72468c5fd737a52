package github_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/fakegithub"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/scanners/agentconfig"
	ghscan "github.com/agentreach/agentreach/scanners/github"
	"github.com/agentreach/agentreach/scanners/local"
	"github.com/agentreach/agentreach/scanners/secrets"
	"github.com/agentreach/agentreach/scanners/workflows"
)

// testHasher fingerprints values in every engine of the test binary, so
// that two scans (a reference and a faulty one) give a value one id.
var testHasher = secrets.RandomHasher()

// analysers are the file analysers a scan runs on fetched files, and the
// detection engine they share (the scanner's value classifier).
func analysers() ([]local.Analyzer, func(string) bool, *secrets.Engine) {
	engine := secrets.NewEngine(nil, secrets.WithHasher(testHasher))
	ci := workflows.NewAnalyzer(workflows.Options{Values: engine})
	ag := agentconfig.NewAnalyzer(engine)
	wants := func(p string) bool { return ci.Wants(p, 0) || ag.Wants(p, 0) }
	return []local.Analyzer{&secrets.Analyzer{Engine: engine}, ci, ag}, wants, engine
}

func scanFiles(ctx context.Context, src inventory.Source, as []local.Analyzer, b *inventory.Builder) (int, error) {
	return local.ScanFS(ctx, src, as, local.Options{}, b)
}

type scanResult struct {
	inv *inventory.Inventory
	cov []inventory.Coverage
	err error
	sc  *ghscan.Scanner
}

// scanOrg scans an organisation of the fake with the detection engine as
// the value classifier (as the CLI runs it).
func scanOrg(t *testing.T, srv *fakegithub.Server, opts ghscan.Options, org string) scanResult {
	t.Helper()
	return scanOrgValues(t, srv, opts, org, true)
}

// scanOrgValues is scanOrg, without a value classifier unless values.
func scanOrgValues(t *testing.T, srv *fakegithub.Server, opts ghscan.Options, org string, values bool) scanResult {
	t.Helper()
	as, wants, engine := analysers()
	if values && opts.Values == nil {
		opts.Values = engine
	}
	opts.URL = srv.URL() + "/"
	opts.Host = "github.com"
	opts.Wants = wants
	if opts.Retry.MaxRetries == 0 {
		opts.Retry.MaxRetries = -1
	}
	sc, err := ghscan.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	b := inventory.NewBuilder()
	files := func(ctx context.Context, src inventory.Source) (int, error) { return scanFiles(ctx, src, as, b) }
	err = sc.ScanOrg(context.Background(), org, files, b)
	inv, cov := b.Build()
	return scanResult{inv, cov, err, sc}
}

func appKey(t *testing.T) (*rsa.PrivateKey, []byte) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
}

func credentialsOfKind(inv *inventory.Inventory, kind inventory.CredentialKind) []inventory.Credential {
	var out []inventory.Credential
	for _, c := range inv.Credentials {
		if c.Kind == kind {
			out = append(out, c)
		}
	}
	return out
}

// TestScanOrgAsApp scans the fixture organisation as a GitHub App
// installation, the credential that sees everything.
func TestScanOrgAsApp(t *testing.T) {
	key, pemKey := appKey(t)
	srv := fakegithub.New(fakegithub.Acme(), fakegithub.WithApp(424242, &key.PublicKey, 0))
	defer srv.Close()
	res := scanOrg(t, srv, ghscan.Options{App: &ghscan.App{ID: 424242, PrivateKey: pemKey}}, "acme")
	if res.err != nil {
		t.Fatal(res.err)
	}
	for _, c := range res.cov {
		if c.Incomplete() {
			t.Errorf("incomplete coverage: %+v", c)
		}
	}
	inv := res.inv
	pats := credentialsOfKind(inv, inventory.KindFineGrainedPAT)
	if len(pats) != 3 {
		t.Fatalf("want 3 fine-grained PAT grants, got %d", len(pats))
	}
	for _, p := range pats {
		if p.Owner == "" || p.Revocation == "" || p.Locations[0].Path == "" {
			t.Errorf("PAT grant without owner, revocation or location: %+v", p)
		}
	}
	former := inv.PrincipalByID("github:github.com/acme|user:former-dev")
	if former == nil || former.State != inventory.StateOffboarded {
		t.Errorf("former-dev owns a grant but is not a member: want offboarded, got %+v", former)
	}
	if len(credentialsOfKind(inv, inventory.KindAppInstallation)) != 3 {
		t.Errorf("want 3 installations")
	}
	if len(credentialsOfKind(inv, inventory.KindDeployKey)) == 0 {
		t.Errorf("no deploy keys")
	}
	// The claude App is an agent reaching its installation.
	var claude *inventory.Agent
	for i := range inv.Agents {
		if inv.Agents[i].Kind == inventory.AgentApp && inv.Agents[i].Name == "claude" {
			claude = &inv.Agents[i]
		}
	}
	if claude == nil || len(inv.ReachesOf(claude.ID)) == 0 {
		t.Errorf("the claude App is not an agent reaching its installation: %+v", claude)
	}
	// The agent workflow in agent-bot references ACME_BOT_PAT, an
	// organisation secret visible to all repositories: its agent reaches the
	// organisation secret through the binding.
	org := inv.Credential("github:github.com/acme|github-org-secret:ACME_BOT_PAT")
	if org == nil {
		t.Fatal("organisation secret ACME_BOT_PAT not inventoried")
	}
	reached := inv.AgentsReaching(org.ID)
	if len(reached) == 0 {
		t.Fatal("no agent reaches the organisation secret ACME_BOT_PAT")
	}
	if !strings.HasPrefix(reached[0].Agent, "github:github.com/acme/agent-bot|") {
		t.Errorf("agent reaching ACME_BOT_PAT: %s", reached[0].Agent)
	}
	ref := inv.Credential(inventory.GitHubSecretID("github:github.com/acme/agent-bot", "ACME_BOT_PAT"))
	if ref == nil || len(ref.Backing) != 1 || ref.Backing[0] != org.ID {
		t.Errorf("the workflow's reference is not backed by the organisation secret: %+v", ref)
	}
	// Settings: the organisation's default token is write.
	var orgDefault string
	for _, s := range inv.SettingsOf("github:github.com/acme") {
		if s.Name == inventory.SettingDefaultWorkflowPermissions {
			orgDefault = s.Value
		}
	}
	if orgDefault != "write" {
		t.Errorf("org default workflow permissions %q, want write", orgDefault)
	}
	// The scanner checked its own credential.
	found := false
	for _, c := range res.cov {
		if c.Path == "scanner credential" {
			found = true
			if !strings.Contains(c.Reason, "GitHub App installation") {
				t.Errorf("self-check: %s", c.Reason)
			}
		}
	}
	if !found {
		t.Error("no self-check coverage entry")
	}
}

// TestQueryMatchesSchema: the GraphQL query the scanner sends is valid
// against the fake's schema and, when GITHUB_GRAPHQL_SCHEMA names GitHub's
// published schema (npm @octokit/graphql-schema), against GitHub's — with a
// hostile file path in it.
func TestQueryMatchesSchema(t *testing.T) {
	q := ghscan.BuildQuery("acme", []string{"app", "infra"}, [][]string{{".github/workflows/ci.yml", `a"b\` + "\n" + `}{.mcp.json`}, nil})
	if err := fakegithub.ValidateQuery(fakegithub.SchemaSDL, q); err != nil {
		t.Fatalf("the fake's schema: %v\n%s", err, q)
	}
	path := os.Getenv("GITHUB_GRAPHQL_SCHEMA")
	if path == "" {
		t.Skip("GITHUB_GRAPHQL_SCHEMA is not set: install GitHub's published schema (npm install @octokit/graphql-schema) and point it at schema.graphql")
	}
	sdl, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := fakegithub.ValidateQuery(string(sdl), q); err != nil {
		t.Fatalf("GitHub's published schema: %v\n%s", err, q)
	}
}
