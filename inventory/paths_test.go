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

func TestContextTable(t *testing.T) {
	t.Parallel()
	for _, r := range ContextRules() {
		if r.What == "" || r.Example == "" || r.match == nil || r.Context == ContextNone {
			t.Errorf("incomplete row %+v", r)
		}
		if got := ContextOf(r.Example); got != r.Context {
			t.Errorf("example %q of %q resolves to %q", r.Example, r.What, got)
		}
	}
}

func TestContextOf(t *testing.T) {
	t.Parallel()
	tests := map[string]PathContext{
		// tests, by file name
		"internal/auth/token_test.go":              ContextTest,
		"src/sanitizer.test.ts":                    ContextTest,
		"web/src/App.spec.tsx":                     ContextTest,
		"spec_helper.rb":                           ContextNone,
		"lib/cache_spec.rb":                        ContextTest,
		"test_client.py":                           ContextTest,
		"pkg/conftest.py":                          ContextTest,
		"src/main/java/acme/TokenServiceTest.java": ContextTest,
		"Acme.Core/ClientTests.cs":                 ContextTest,
		"src/Contest.java":                         ContextNone,
		"api/openapiSpec.yaml":                     ContextNone,
		"testimonials.md":                          ContextNone,
		"helpers/ssh/stub_ssh_server.go":           ContextTest,
		"client/api_fake.go":                       ContextTest,
		"mockingbird.go":                           ContextNone,
		// tests, by directory
		"tests/unit/settings.yaml":                   ContextTest,
		"test/.env":                                  ContextTest,
		"spec/fixtures/db.yml":                       ContextTest,
		"internal/testhelper/testdata/certs/key.pem": ContextTest,
		"web/__tests__/api.js":                       ContextTest,
		"web/__mocks__/client.js":                    ContextTest,
		"load-tests/failover/docker-compose.yml":     ContextTest,
		"src/Acme.Tools.Tests/appsettings.json":      ContextTest,
		"test-fixtures/config.json":                  ContextTest,
		".devcontainer/acme-test/certs/key.pem":      ContextTest,
		"contest/app.yml":                            ContextNone,
		"latest/app.yml":                             ContextNone,
		"attestations/key.pem":                       ContextNone,
		// examples
		".env.example":                         ContextExample,
		".env.local.template":                  ContextExample,
		"templates/deployment.yaml":            ContextNone,
		"deploy/config.sample.yml":             ContextExample,
		".env.dist":                            ContextExample,
		"examples/servers/auth/pyproject.toml": ContextExample,
		"samples/Web/appsettings.json":         ContextExample,
		"sample.env":                           ContextNone, // the stem is not a marker
		// docs
		"docs/api-guide.mdx":     ContextDocs,
		"doc/install/config.yml": ContextDocs,
		"README.md":              ContextNone,
		"docker/config.json":     ContextNone,
		// the deepest marked directory decides; file names before directories
		"docs/examples/app.yml": ContextExample,
		"examples/docs/app.yml": ContextDocs,
		"docs/cli_test.go":      ContextTest,
		// product files
		"src/config.py":           ContextNone,
		".env":                    ContextNone,
		"config/production.yml":   ContextNone,
		"":                        ContextNone,
		"testsuite-runner/run.sh": ContextNone,
	}
	for p, want := range tests {
		if got := ContextOf(p); got != want {
			t.Errorf("ContextOf(%q) = %q, want %q", p, got, want)
		}
	}
}
