package inventory

import "testing"

func TestFileKindTable(t *testing.T) {
	t.Parallel()
	kinds := FileKinds()
	seen := map[FileClass]bool{}
	for _, k := range kinds {
		if seen[k.Class] {
			t.Errorf("%s: two rows", k.Class)
		}
		seen[k.Class] = true
		if k.Owner == "" || k.HomeOwner == "" || k.Detect == "" || k.Example == "" || k.match == nil {
			t.Errorf("%s: incomplete row %+v", k.Class, k)
		}
		// An earlier row must not shadow a later one.
		if got := ClassifyPath(k.Example); got != k.Class {
			t.Errorf("example %q of %s classifies as %s", k.Example, k.Class, got)
		}
	}
	if last := kinds[len(kinds)-1]; !last.match(splitPath("any/thing")) {
		t.Errorf("the last row (%s) does not accept every path", last.Class)
	}
}

func TestKindOfDetect(t *testing.T) {
	t.Parallel()
	tests := map[string]DetectMode{
		".netrc":                      DetectNetrc,
		"home/_NETRC":                 DetectNetrc,
		".env":                        DetectConfig,
		"app/.env.production":         DetectConfig,
		"prod.env":                    DetectConfig,
		"Dockerfile":                  DetectConfig,
		"docker-compose.override.yml": DetectConfig,
		"compose.yaml":                DetectConfig,
		".aws/config":                 DetectConfig,
		"src/config":                  DetectCode,
		".npmrc":                      DetectConfig,
		"infra/main.tf":               DetectConfig,
		"settings.XML":                DetectConfig,
		".github/workflows/ci.yml":    DetectConfig,
		".mcp.json":                   DetectConfig,
		".codex/config.toml":          DetectConfig,
		"main.go":                     DetectCode,
		"README.md":                   DetectCode,
		"scripts/deploy.sh":           DetectCode,
		"":                            DetectCode,
	}
	for p, want := range tests {
		if got := KindOf(p).Detect; got != want {
			t.Errorf("KindOf(%q).Detect = %s, want %s", p, got, want)
		}
	}
}

func TestAgentConfigDirs(t *testing.T) {
	t.Parallel()
	tests := map[string]FileClass{
		".continue/mcpServers/github.yaml":     FileAgentConfig,
		"sub/.continue/mcpServers/github.json": FileAgentConfig,
		".continue/mcpServers/README.md":       FileCode, // Continue reads only YAML and JSON there
		".amazonq/cli-agents/reviewer.json":    FileAgentConfig,
		".amazonq/cli-agents/notes.txt":        FileCode,
		".amazonq/cli-agents/deep/nested.json": FileConfig,
	}
	for p, want := range tests {
		if got := ClassifyPath(p); got != want {
			t.Errorf("ClassifyPath(%q) = %s, want %s", p, got, want)
		}
	}
}

func TestEmbeddedOwner(t *testing.T) {
	t.Parallel()
	tests := []struct {
		loc  Location
		want string
	}{
		{Location{Root: ".", Path: ".github/workflows/ci.yml"}, "AR-CI-008"},
		{Location{Root: ".", Path: ".gitlab-ci.yml", Git: GitHistory}, "AR-CI-008"},
		{Location{Root: ".", Path: ".mcp.json"}, "AR-AG-001"},
		{Location{Root: HomeRoot, Path: ".claude.json"}, "AR-AG-001"},
		{Location{Root: ".", Path: "scripts/deploy.sh"}, "AR-SC-001"},
		{Location{Root: ".", Path: ".netrc"}, "AR-SC-001"},
		{Location{Root: HomeRoot, Path: ".netrc"}, "AR-AG-009"},
		{Location{Root: HomeRoot, Path: ".aws/credentials"}, "AR-AG-009"},
		{Location{Root: HomeRoot, Path: ".github/workflows/ci.yml"}, "AR-AG-009"},
	}
	for _, tt := range tests {
		if got := EmbeddedOwner(tt.loc); got != tt.want {
			t.Errorf("EmbeddedOwner(%+v) = %s, want %s", tt.loc, got, tt.want)
		}
	}
}
