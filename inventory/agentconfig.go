package inventory

import "slices"

// HomeRoot is the scan root of a developer's home directory (`agentreach
// scan --home`): its locations are relative to the home, so
// ~/.config/gh/hosts.yml has Root "~" and Path ".config/gh/hosts.yml".
const HomeRoot = "~"

// IsHome reports whether a location is in a scanned home directory.
func IsHome(l Location) bool { return l.Source == HomeSourceID || l.Root == HomeRoot }

// Further credential kinds found in agent configurations and on workstations.
const (
	KindAPIKey            CredentialKind = "api-key"            // a service API key or bearer token of unknown format
	KindPassword          CredentialKind = "password"           // a password (URL userinfo, .netrc, registry auth)
	KindSSHKey            CredentialKind = "ssh-private-key"    // a private key file
	KindCloudAccessKey    CredentialKind = "cloud-access-key"   // an AWS/GCP/Azure key or session credential
	KindClientCertificate CredentialKind = "client-certificate" // a TLS client key (kubeconfig client-key-data)
	KindSessionToken      CredentialKind = "session-token"      // an OAuth access/refresh token cached by a CLI
)

// Further reach classes.
const (
	ReachBrowser    ReachClass = "browser"    // a browser with the user's sessions
	ReachFilesystem ReachClass = "filesystem" // files on the host
)

// Further reach paths.
const (
	ViaMCPURL   ReachVia = "mcp-url"   // userinfo or a query parameter of an MCP server's URL
	ViaAgentEnv ReachVia = "agent-env" // the env block of a coding-agent settings profile
	ViaAgentKey ReachVia = "agent-key" // an API key field of a coding-agent configuration
)

// MCPServerFacts are what the agent-configuration scanner records about an
// MCP-server agent (Agent.MCP) and the AR-AG rules read. Lines are 1-based,
// 0 when unknown.
type MCPServerFacts struct {
	Client    string     `json:"client,omitempty"`     // the client whose file declares the server: claude-code, cursor, vscode, codex, …
	Transport string     `json:"transport,omitempty"`  // stdio, http or sse
	Command   string     `json:"command,omitempty"`    // the launcher (npx, uvx, docker, node, a path), never its arguments
	Package   string     `json:"package,omitempty"`    // the package or image the launcher fetches, without credentials
	Launcher  string     `json:"launcher,omitempty"`   // npm, pypi, container, binary
	Unpinned  bool       `json:"unpinned,omitempty"`   // the fetched Package has no pinned version or digest
	URL       string     `json:"url,omitempty"`        // remote endpoint: scheme, host and path only (userinfo and query stripped)
	PlainHTTP bool       `json:"plain_http,omitempty"` // the remote endpoint is http:// to a non-loopback host
	Disabled  bool       `json:"disabled,omitempty"`   // the entry is switched off
	ReadOnly  bool       `json:"read_only,omitempty"`  // the server's own read-only mode is on
	Toolsets  []string   `json:"toolsets,omitempty"`   // the server's own toolset restriction
	Reach     ReachClass `json:"reach,omitempty"`      // what a well-known server reaches
	Roots     []string   `json:"roots,omitempty"`      // filesystem roots given to a filesystem server
	// BroadPaths are the host-wide paths and credential stores the server
	// is given (roots or container mounts).
	BroadPaths []string `json:"broad_paths,omitempty"`
	// AutoTrustedBy is the settings profile (path) that starts the server
	// without asking (enableAllProjectMcpServers, enabledMcpjsonServers).
	AutoTrustedBy string `json:"auto_trusted_by,omitempty"`
}

// ProfileFacts are what the agent-configuration scanner records about a
// coding-agent settings profile (Agent.Profile) and the AR-AG rules read.
// Lines are 1-based, 0 when unknown.
type ProfileFacts struct {
	Client     string   `json:"client,omitempty"`      // the client whose settings file it is
	BypassLine int      `json:"bypass_line,omitempty"` // the first approval bypass (Guardrails.Bypass)
	BroadPaths []string `json:"broad_paths,omitempty"` // host-wide paths or credential stores the agent is given
	BroadLine  int      `json:"broad_line,omitempty"`  // the first of BroadPaths
	// AutoTrustAll: enableAllProjectMcpServers is on; AutoTrusted names the
	// servers of enabledMcpjsonServers; AutoTrustLine is the first of them.
	AutoTrustAll  bool     `json:"auto_trust_all,omitempty"`
	AutoTrusted   []string `json:"auto_trusted,omitempty"`
	AutoTrustLine int      `json:"auto_trust_line,omitempty"`
	ProjectMCP    string   `json:"project_mcp,omitempty"`     // the project .mcp.json beside the profile (path)
	ProjectMCPGit GitState `json:"project_mcp_git,omitempty"` // its git state
	Codeowners    string   `json:"codeowners,omitempty"`      // covered, not-covered or absent: CODEOWNERS coverage of the profile's file
	GuardDeny     bool     `json:"guard_deny,omitempty"`      // the profile denies edits to agent configuration paths
	ReadOnly      bool     `json:"read_only,omitempty"`       // the profile cannot write files (read-only sandbox, edits denied)
	Hooks         int      `json:"hooks,omitempty"`           // number of hook commands the profile runs
}

func (m *MCPServerFacts) clone() *MCPServerFacts {
	if m == nil {
		return nil
	}
	c := *m
	c.Toolsets, c.Roots, c.BroadPaths = slices.Clone(m.Toolsets), slices.Clone(m.Roots), slices.Clone(m.BroadPaths)
	return &c
}

func (p *ProfileFacts) clone() *ProfileFacts {
	if p == nil {
		return nil
	}
	c := *p
	c.BroadPaths, c.AutoTrusted = slices.Clone(p.BroadPaths), slices.Clone(p.AutoTrusted)
	return &c
}
