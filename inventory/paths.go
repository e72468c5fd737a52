package inventory

import (
	"path"
	"slices"
	"strings"
)

// FileClass names a kind of file: the role it plays for an agent.
type FileClass string

// File classes, one per row of the file-kind table.
const (
	FileGitHubWorkflow FileClass = "github-workflow"
	FileGitHubAction   FileClass = "github-action"
	FileGitLabCI       FileClass = "gitlab-ci"
	FileAgentConfig    FileClass = "agent-config"
	FileNetrc          FileClass = "netrc"  // .netrc / _netrc
	FileConfig         FileClass = "config" // env, YAML, JSON, TOML, INI, tool dotfiles, Dockerfiles, compose files
	FileCode           FileClass = "code"   // everything else: source, prose, scripts
)

// IsCI reports whether the class is a CI definition.
func (c FileClass) IsCI() bool {
	return c == FileGitHubWorkflow || c == FileGitHubAction || c == FileGitLabCI
}

// DetectMode says which detectors the secrets engine runs on a file.
type DetectMode string

// Detect modes.
const (
	// DetectCode runs the format-anchored detectors only (a token prefix, a
	// PEM header): a key name in source code is not a configuration key.
	DetectCode DetectMode = "code"
	// DetectConfig also runs key-name detection ("password: …", "API_KEY=…").
	DetectConfig DetectMode = "config"
	// DetectNetrc runs the .netrc grammar ("machine h login u password p")
	// instead of key-name detection.
	DetectNetrc DetectMode = "netrc"
)

// FileKind is one row of the file-kind table: which files it holds, which
// detectors read them, and which rule reports a credential embedded in them.
// A newcomer who adds a kind of file adds one row here.
type FileKind struct {
	Class  FileClass
	Detect DetectMode
	// Owner is the id of the one rule that reports a credential embedded in
	// such a file of a scanned tree (or its history); HomeOwner the one for
	// a file of a scanned home directory. The rules package checks both
	// against its catalog.
	Owner, HomeOwner string
	// Example is a path of this kind (tests check that it classifies so).
	Example string
	match   func(p filePath) bool
}

// filePath is a cleaned slash-separated relative path and its parts.
type filePath struct {
	p, dir, base string
	lower        string // the base name in lower case
	ext          string // the extension of base, as written
}

func splitPath(p string) filePath {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	base := path.Base(p)
	return filePath{p: p, dir: path.Dir(p), base: base, lower: strings.ToLower(base), ext: path.Ext(base)}
}

func (f filePath) yaml() bool { return f.ext == ".yml" || f.ext == ".yaml" }

// fileKinds is the table, in match order: the first row whose match accepts
// a path is its kind; the last row accepts every path.
var fileKinds = []FileKind{
	{Class: FileGitHubWorkflow, Detect: DetectConfig, Owner: "AR-CI-008", HomeOwner: "AR-AG-009", Example: ".github/workflows/ci.yml",
		match: func(f filePath) bool {
			return f.yaml() && (f.dir == ".github/workflows" || strings.HasSuffix(f.dir, "/.github/workflows"))
		}},
	{Class: FileGitHubAction, Detect: DetectConfig, Owner: "AR-CI-008", HomeOwner: "AR-AG-009", Example: ".github/actions/setup/action.yml",
		match: func(f filePath) bool {
			return (f.base == "action.yml" || f.base == "action.yaml") &&
				(strings.HasPrefix(f.dir, ".github/actions/") || strings.Contains(f.dir, "/.github/actions/") || f.dir == ".")
		}},
	{Class: FileGitLabCI, Detect: DetectConfig, Owner: "AR-CI-008", HomeOwner: "AR-AG-009", Example: ".gitlab-ci.yml",
		match: func(f filePath) bool {
			return f.base == ".gitlab-ci.yml" || f.base == ".gitlab-ci.yaml" ||
				(f.yaml() && (strings.HasPrefix(f.dir, ".gitlab/ci") || strings.Contains(f.dir, "/.gitlab/ci")))
		}},
	{Class: FileAgentConfig, Detect: DetectConfig, Owner: "AR-AG-001", HomeOwner: "AR-AG-001", Example: ".mcp.json", match: isAgentConfig},
	{Class: FileNetrc, Detect: DetectNetrc, Owner: "AR-SC-001", HomeOwner: "AR-AG-009", Example: ".netrc",
		match: func(f filePath) bool { return f.lower == ".netrc" || f.lower == "_netrc" }},
	{Class: FileConfig, Detect: DetectConfig, Owner: "AR-SC-001", HomeOwner: "AR-AG-009", Example: "deploy/.env", match: isConfig},
	{Class: FileCode, Detect: DetectCode, Owner: "AR-SC-001", HomeOwner: "AR-AG-009", Example: "src/main.go",
		match: func(filePath) bool { return true }},
}

// FileKinds returns the file-kind table in match order.
func FileKinds() []FileKind { return slices.Clone(fileKinds) }

// KindOf returns the kind of a slash-separated path relative to a scan root.
func KindOf(p string) FileKind {
	f := splitPath(p)
	for _, k := range fileKinds {
		if k.match(f) {
			return k
		}
	}
	return fileKinds[len(fileKinds)-1]
}

// TemplateWorkflow reports a GitHub Actions workflow file that GitHub never
// runs as it is: one outside the repository's root .github/workflows/ (an
// example, a template, a test fixture, documentation).
func TemplateWorkflow(p string) bool {
	return ClassifyPath(p) == FileGitHubWorkflow && !strings.HasPrefix(strings.TrimPrefix(path.Clean("/"+p), "/"), ".github/workflows/")
}

// ClassifyPath returns the class of a slash-separated path relative to a
// scan root.
func ClassifyPath(p string) FileClass { return KindOf(p).Class }

// EmbeddedOwner returns the id of the rule that reports a credential
// embedded at l: the owner of the file's kind, in a tree or in a home.
func EmbeddedOwner(l Location) string {
	k := KindOf(l.Path)
	if IsHome(l) {
		return k.HomeOwner
	}
	return k.Owner
}

// agentConfigFiles are agent and MCP configuration files matched by their
// path suffix (directory part included) anywhere in a tree.
var agentConfigFiles = []string{
	".mcp.json",
	".cursor/mcp.json",
	".vscode/mcp.json",
	".vscode/settings.json",
	"claude_desktop_config.json",
	".claude/settings.json",
	".claude/settings.local.json",
	".claude.json",
	".codex/config.toml",
	".gemini/settings.json",
	".windsurf/mcp.json",
	".codeium/windsurf/mcp_config.json",
	".amazonq/mcp.json",
	".amazonq/default.json",
	".aws/amazonq/mcp.json",
	".continue/config.json",
	".continue/config.yaml",
	"opencode.json",
	"opencode.jsonc",
	".aider.conf.yml",
	".roo/mcp.json",
	".kiro/settings/mcp.json",
	".zed/settings.json",
	"cline_mcp_settings.json",
	".copilot/mcp-config.json",
	".github/copilot/mcp.json",
	".cursor/cli.json",
	".cursor/cli-config.json",
	".aider.conf.yaml",
	".config/zed/settings.json",
	"Code/User/settings.json",
	"Code/User/mcp.json",
}

// agentConfigDirs hold one agent or server per file, in the listed formats.
var agentConfigDirs = []struct {
	dir  string
	exts []string
}{
	{".continue/mcpServers", []string{".yaml", ".yml", ".json"}},
	{".amazonq/cli-agents", []string{".json"}},
}

func isAgentConfig(f filePath) bool {
	for _, suffix := range agentConfigFiles {
		if f.p == suffix || strings.HasSuffix(f.p, "/"+suffix) {
			return true
		}
	}
	for _, d := range agentConfigDirs {
		if (f.dir == d.dir || strings.HasSuffix(f.dir, "/"+d.dir)) && slices.Contains(d.exts, f.ext) {
			return true
		}
	}
	return false
}

// configNames are base names (in lower case) of configuration files that
// have no telling extension.
var configNames = []string{
	".npmrc", ".pypirc", ".git-credentials", ".dockercfg", ".s3cfg", ".boto", ".my.cnf", ".pgpass", ".envrc",
	".yarnrc", "credentials", "kubeconfig", "dockerfile", "containerfile", ".htpasswd", "pip.conf", "gradle.properties",
	"settings.xml", ".gitconfig", "terraform.tfvars", "secrets", ".secrets",
}

// configDirs are directories whose file named "config" is a configuration.
var configDirs = []string{".kube", ".aws", ".docker", ".ssh", "gh", ".gcloud"}

// configExts are extensions (in lower case) of configuration files.
var configExts = []string{
	".yml", ".yaml", ".json", ".jsonc", ".json5", ".toml", ".ini", ".cfg", ".conf", ".config", ".properties",
	".tfvars", ".env", ".kubeconfig", ".cnf", ".plist", ".settings", ".secret", ".secrets", ".creds", ".credentials",
	".xml", ".tf", ".hcl",
}

func isConfig(f filePath) bool {
	l := f.lower
	switch {
	case slices.Contains(configNames, l):
		return true
	case l == "config" && slices.Contains(configDirs, path.Base(f.dir)):
		return true
	case strings.HasPrefix(l, ".env") || strings.HasSuffix(l, ".env") || strings.HasPrefix(l, "kubeconfig") ||
		strings.HasPrefix(l, "docker-compose") || strings.HasPrefix(l, "compose."):
		return true
	}
	return slices.Contains(configExts, path.Ext(l))
}

// PathContext says what a file is for, judged from its path alone: part of
// the product (ContextNone), a test, an example or documentation. Values in
// test fixtures, examples and docs are usually made up: AR-SC-001 ranks them
// low in examples and docs and leaves a value written only in test files to
// the inventory (Credential.Context).
type PathContext string

// Path contexts.
const (
	ContextNone    PathContext = ""
	ContextTest    PathContext = "test"    // tests, specs, test data, fixtures, mocks
	ContextExample PathContext = "example" // examples, samples, example configuration files
	ContextDocs    PathContext = "docs"    // documentation directories
)

// Phrase names the context for a message: "a test file".
func (c PathContext) Phrase() string {
	switch c {
	case ContextTest:
		return "a test file"
	case ContextExample:
		return "an example"
	case ContextDocs:
		return "documentation"
	}
	return "a product file"
}

// ContextRule is one row of the path-context table.
type ContextRule struct {
	Context PathContext
	What    string // what the row matches, for docs and tests
	Example string // a path it matches (tests check that it resolves so)
	match   func(f filePath) bool
}

// contextDirs are directory names (in lower case) that hold tests,
// examples or documentation, anywhere in the path.
var contextDirs = map[string]PathContext{
	"test": ContextTest, "tests": ContextTest, "__tests__": ContextTest, "spec": ContextTest, "specs": ContextTest,
	"testdata": ContextTest, "test-data": ContextTest, "test_data": ContextTest, "testing": ContextTest,
	"fixtures": ContextTest, "fixture": ContextTest, "__fixtures__": ContextTest, "testfixtures": ContextTest,
	"__mocks__": ContextTest, "mocks": ContextTest, "e2e": ContextTest, "testutil": ContextTest, "testutils": ContextTest,
	"testhelper": ContextTest, "testhelpers": ContextTest,
	"examples": ContextExample, "example": ContextExample, "_examples": ContextExample,
	"samples": ContextExample, "sample": ContextExample,
	"docs": ContextDocs, "doc": ContextDocs, "_docs": ContextDocs, "documentation": ContextDocs,
}

// testDirAffixes mark directories of tests by a prefix or suffix of their
// name: integration-tests, Foo.Tests, unit_test, test-fixtures.
var (
	testDirPrefixes = []string{"test-", "test_", "tests-", "tests_", "test."}
	testDirSuffixes = []string{"-test", "-tests", "_test", "_tests", ".test", ".tests", "-spec", "_spec"}
)

// contextRules is the path-context table, in match order: file names first,
// then directories.
var contextRules = []ContextRule{
	{Context: ContextTest, What: "test file names: *_test.*, *.test.*, *.spec.*, *_spec.*, test_*.py, conftest.py, *Test.java, *Tests.cs, " +
		"and test doubles (mock_*, *_fake, stub_*)",
		Example: "pkg/auth/token_test.go", match: isTestFileName},
	{Context: ContextExample, What: "example configuration: a name with an .example, .sample, .dist or .template part (.env.example, config.sample.yml, .env.local.template)",
		Example: "deploy/.env.example", match: isExampleFileName},
	{Context: ContextTest, What: "test directories: test, tests, spec, testdata, fixtures, __mocks__, e2e, *-tests, Foo.Tests, …",
		Example: "src/test/resources/app.yml", match: func(f filePath) bool { return dirContext(f) == ContextTest }},
	{Context: ContextExample, What: "example directories: examples, samples",
		Example: "examples/server/pyproject.toml", match: func(f filePath) bool { return dirContext(f) == ContextExample }},
	{Context: ContextDocs, What: "documentation directories: docs, doc, documentation",
		Example: "docs/api/guide.md", match: func(f filePath) bool { return dirContext(f) == ContextDocs }},
}

// ContextRules returns the path-context table in match order.
func ContextRules() []ContextRule { return slices.Clone(contextRules) }

// ContextOf returns the context of a slash-separated path relative to a
// scan root (the root's own name never counts).
func ContextOf(p string) PathContext {
	f := splitPath(p)
	for _, r := range contextRules {
		if r.match(f) {
			return r.Context
		}
	}
	return ContextNone
}

// SharedContext is the path context that every location shares — the files
// are all tests, all examples or all documentation — or ContextNone when
// any location is a product file or there is none.
func SharedContext(locs []Location) PathContext {
	if len(locs) == 0 {
		return ContextNone
	}
	ctx := ContextOf(locs[0].Path)
	for _, l := range locs[1:] {
		if ContextOf(l.Path) != ctx {
			return ContextNone
		}
	}
	return ctx
}

func isTestFileName(f filePath) bool {
	l := f.lower
	stem, _, _ := strings.Cut(l, ".")
	switch {
	case l == "conftest.py":
		return true
	case strings.Contains(l, ".test.") || strings.Contains(l, ".spec.") || strings.Contains(l, "_test.") || strings.Contains(l, "_spec."):
		return true
	case strings.HasSuffix(stem, "_test") || strings.HasSuffix(stem, "_spec"):
		return true
	case strings.HasPrefix(l, "test_") && f.ext == ".py":
		return true
	}
	// Test doubles: stub_ssh_server.go, mock_client.py, api_fake.go.
	for _, d := range []string{"mock", "mocks", "fake", "stub"} {
		if strings.HasPrefix(stem, d+"_") || strings.HasSuffix(stem, "_"+d) {
			return true
		}
	}
	// FooTest.java, FooTests.cs: a camel-case word before it.
	s, _, _ := strings.Cut(f.base, ".")
	for _, suf := range []string{"Tests", "Test"} {
		if rest, ok := strings.CutSuffix(s, suf); ok && rest != "" {
			last := rest[len(rest)-1]
			return 'a' <= last && last <= 'z' || '0' <= last && last <= '9'
		}
	}
	return false
}

func isExampleFileName(f filePath) bool {
	parts := strings.Split(f.lower, ".")
	for _, p := range parts[1:] {
		switch p {
		case "example", "examples", "sample", "dist", "template":
			return true
		}
	}
	return false
}

// dirContext is the context of the deepest directory of the path that has
// one.
func dirContext(f filePath) PathContext {
	if f.dir == "." || f.dir == "/" {
		return ContextNone
	}
	dirs := strings.Split(f.dir, "/")
	for i := len(dirs) - 1; i >= 0; i-- {
		d := strings.ToLower(dirs[i])
		if c, ok := contextDirs[d]; ok {
			return c
		}
		for _, p := range testDirPrefixes {
			if strings.HasPrefix(d, p) {
				return ContextTest
			}
		}
		for _, s := range testDirSuffixes {
			if strings.HasSuffix(d, s) {
				return ContextTest
			}
		}
	}
	return ContextNone
}
