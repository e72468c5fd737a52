package inventory

import (
	"sync"
	"testing"
)

func TestBuilderMergesCredentialsByID(t *testing.T) {
	t.Parallel()
	b := NewBuilder()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.AddCredential(Credential{
				ID: "embedded:abc", Kind: KindEmbeddedKey, Platform: PlatformGitHub,
				Locations:   []Location{{Path: "a.txt", Line: i%5 + 1}},
				Permissions: Permissions{ResContents: Read},
			})
		}()
	}
	wg.Wait()
	b.AddCredential(Credential{ID: "embedded:abc", Owner: "github:user:alice", Permissions: Permissions{ResIssues: Write}})
	inv, _ := b.Build()
	if len(inv.Credentials) != 1 {
		t.Fatalf("credentials = %d, want 1", len(inv.Credentials))
	}
	c := inv.Credentials[0]
	if len(c.Locations) != 5 {
		t.Errorf("locations = %d, want 5 distinct", len(c.Locations))
	}
	for i := 1; i < len(c.Locations); i++ {
		if CompareLocations(c.Locations[i-1], c.Locations[i]) > 0 {
			t.Error("locations not sorted")
		}
	}
	if c.Owner != "github:user:alice" || c.Permissions.Get(ResIssues) != Write || c.Permissions.Get(ResContents) != Read {
		t.Errorf("merge lost data: %+v", c)
	}
}

func TestBuilderDeterministicOrder(t *testing.T) {
	t.Parallel()
	b := NewBuilder()
	b.AddCoverage(Coverage{Source: "local", Target: "b", Status: CoverageComplete})
	b.AddCoverage(Coverage{Source: "local", Target: "a", Status: CoverageComplete})
	b.AddAgent(Agent{ID: "z"})
	b.AddAgent(Agent{ID: "a"})
	b.AddReach(Reach{Agent: "a", Credential: "c", Via: ViaJobEnv})
	b.AddReach(Reach{Agent: "a", Credential: "c", Via: ViaJobEnv})
	inv, cov := b.Build()
	if cov[0].Target != "a" || inv.Agents[0].ID != "a" {
		t.Error("not sorted")
	}
	if len(inv.Reaches) != 1 {
		t.Errorf("duplicate reach kept: %d", len(inv.Reaches))
	}
	if got := inv.ReachesOf("a"); len(got) != 1 {
		t.Errorf("ReachesOf = %v", got)
	}
	if got := inv.AgentsReaching("c"); len(got) != 1 {
		t.Errorf("AgentsReaching = %v", got)
	}
}

func TestClassifyPath(t *testing.T) {
	t.Parallel()
	tests := map[string]FileClass{
		".github/workflows/ci.yml":         FileGitHubWorkflow,
		"sub/.github/workflows/x.yaml":     FileGitHubWorkflow,
		".github/workflows/README.md":      FileCode,
		".github/actions/setup/action.yml": FileGitHubAction,
		".gitlab-ci.yml":                   FileGitLabCI,
		".gitlab/ci/build.yml":             FileGitLabCI,
		".mcp.json":                        FileAgentConfig,
		"pkg/.cursor/mcp.json":             FileAgentConfig,
		".claude/settings.local.json":      FileAgentConfig,
		".codex/config.toml":               FileAgentConfig,
		"notmcp.json":                      FileConfig,
		"src/main.go":                      FileCode,
	}
	for p, want := range tests {
		if got := ClassifyPath(p); got != want {
			t.Errorf("ClassifyPath(%q) = %s, want %s", p, got, want)
		}
	}
	if !FileGitLabCI.IsCI() || FileAgentConfig.IsCI() {
		t.Error("IsCI")
	}
}

func TestSeverity(t *testing.T) {
	t.Parallel()
	if SeverityForScore(9.1) != SeverityCritical || SeverityForScore(7.5) != SeverityHigh ||
		SeverityForScore(5) != SeverityMedium || SeverityForScore(3.9) != SeverityLow {
		t.Error("bands")
	}
	if _, err := ParseSeverity("HIGH"); err != nil {
		t.Error(err)
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("unknown severity accepted")
	}
	if Fingerprint("AR-X", "a") == Fingerprint("AR-X", "b") || len(Fingerprint("AR-X", "a")) != 32 {
		t.Error("fingerprint")
	}
}

// TestBuilderMergesWholeInventories merges two built inventories that share
// a credential id: one credential with both locations, both sources, and the
// edges of each.
func TestBuilderMergesWholeInventories(t *testing.T) {
	t.Parallel()
	shard := func(src, agent string) (*Inventory, []Coverage) {
		b := NewBuilder()
		b.AddSource(Source{ID: src, Kind: SourceTree, Path: src})
		b.AddCredential(Credential{ID: "embedded:abc", Kind: KindEmbeddedKey, Owner: "github:user:alice",
			Locations: []Location{{Source: src, Path: ".env", Line: 1}}})
		b.AddAgent(Agent{ID: Scoped(src, agent), Name: agent})
		b.AddReach(Reach{Agent: Scoped(src, agent), Credential: "embedded:abc", Via: ViaJobEnv})
		b.AddCoverage(Coverage{Source: src, Status: CoverageComplete})
		return b.Build()
	}
	b := NewBuilder()
	b.Merge(shard("dir:a", "job"))
	b.Merge(shard("dir:b", "job"))
	inv, cov := b.Build()
	if len(inv.Sources) != 2 || len(cov) != 2 || len(inv.Agents) != 2 {
		t.Fatalf("sources %d, coverage %d, agents %d; want 2 each", len(inv.Sources), len(cov), len(inv.Agents))
	}
	if len(inv.Credentials) != 1 || len(inv.Credentials[0].Locations) != 2 {
		t.Fatalf("credentials = %+v, want one with both locations", inv.Credentials)
	}
	owners := 0
	for _, r := range inv.Reaches {
		if r.Via == ViaOwner {
			owners++
		}
	}
	if owners != 1 || len(inv.Reaches) != 3 {
		t.Errorf("reaches = %+v, want two agent edges and one owner edge", inv.Reaches)
	}
}
