package agentconfig

import (
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// product is a well-known MCP server: what its credential reaches and which
// of its own switches narrow it.
type product struct {
	name     string
	platform string
	reach    inventory.ReachClass
	kind     inventory.CredentialKind // what its token usually is
	// match reports whether a server (its package, image, command and URL,
	// lower-cased and joined by spaces) is this product.
	match func(id string) bool
	// narrow reads the server's own narrowing: read-only mode and tool
	// restrictions.
	narrow func(s *server) (readOnly bool, toolsets []string)
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// products lists the servers agentreach knows. Sources:
//   - github/github-mcp-server README (flags --read-only, --toolsets; env
//     GITHUB_READ_ONLY, GITHUB_TOOLSETS, GITHUB_PERSONAL_ACCESS_TOKEN; the
//     remote server api.githubcopilot.com/mcp with /readonly and
//     /x/{toolset} paths and X-MCP-Readonly / X-MCP-Toolsets headers), and
//     the deprecated @modelcontextprotocol/server-github, which has no
//     read-only mode;
//   - GitLab MCP servers (@modelcontextprotocol/server-gitlab,
//     @zereight/mcp-gitlab with GITLAB_READ_ONLY_MODE, GitLab's own
//     /api/v4/mcp endpoint);
//   - modelcontextprotocol/servers: filesystem (allowed directories as
//     arguments, --read-only), postgres (a read-only query tool), slack;
//   - containers/kubernetes-mcp-server (--read-only) and Flux159's
//     mcp-server-kubernetes (ALLOW_ONLY_NON_DESTRUCTIVE_TOOLS);
//   - supabase-mcp (--read-only), awslabs MCP servers, Azure MCP, Playwright,
//     Puppeteer and Chrome DevTools servers.
var products = []product{
	{
		name: "github-mcp-server", platform: inventory.PlatformGitHub, reach: inventory.ReachSourceControl,
		kind: inventory.KindPersonalAccessToken,
		match: func(id string) bool {
			return containsAny(id, "github-mcp-server", "server-github", "api.githubcopilot.com/mcp", "mcp-github", "github-mcp")
		},
		narrow: func(s *server) (bool, []string) {
			ro := s.flag("--read-only") || truthy(s.envLiteral("GITHUB_READ_ONLY"))
			ts := s.flagValues("--toolsets")
			if v := s.envLiteral("GITHUB_TOOLSETS"); v != "" {
				ts = append(ts, strings.Split(v, ",")...)
			}
			if u := strings.ToLower(s.urlSafe); strings.Contains(u, "api.githubcopilot.com/mcp") {
				if strings.HasSuffix(strings.TrimSuffix(u, "/"), "/readonly") {
					ro = true
				}
				if i := strings.Index(u, "/mcp/x/"); i >= 0 {
					rest := strings.Split(u[i+len("/mcp/x/"):], "/")
					if rest[0] != "" && rest[0] != "readonly" && rest[0] != "all" {
						ts = append(ts, rest[0])
					}
				}
			}
			if truthy(s.headerLiteral("X-MCP-Readonly")) {
				ro = true
			}
			if v := s.headerLiteral("X-MCP-Toolsets"); v != "" {
				ts = append(ts, strings.Split(v, ",")...)
			}
			return ro, narrowing(ts)
		},
	},
	{
		name: "gitlab-mcp-server", platform: inventory.PlatformGitLab, reach: inventory.ReachSourceControl,
		kind: inventory.KindPersonalAccessToken,
		match: func(id string) bool {
			return containsAny(id, "server-gitlab", "mcp-gitlab", "gitlab-mcp", "/api/v4/mcp")
		},
		narrow: func(s *server) (bool, []string) {
			ro := truthy(s.envLiteral("GITLAB_READ_ONLY_MODE")) || truthy(s.envLiteral("GITLAB_READ_ONLY")) || s.flag("--read-only")
			var ts []string
			if v := s.envLiteral("GITLAB_TOOLSETS"); v != "" {
				ts = strings.Split(v, ",")
			}
			return ro, narrowing(ts)
		},
	},
	{
		name: "slack-mcp-server", platform: "slack", reach: inventory.ReachChat, kind: inventory.KindAPIKey,
		match: func(id string) bool { return containsAny(id, "server-slack", "slack-mcp", "mcp-slack") },
		narrow: func(s *server) (bool, []string) {
			return false, nil
		},
	},
	{
		name: "postgres-mcp-server", platform: "postgres", reach: inventory.ReachDatabase, kind: inventory.KindPassword,
		match: func(id string) bool {
			return containsAny(id, "server-postgres", "postgres-mcp", "mcp-postgres", "pg-mcp")
		},
		narrow: func(s *server) (bool, []string) {
			// The reference server exposes a read-only query tool only;
			// crystaldba/postgres-mcp takes --access-mode=restricted.
			return strings.Contains(s.id, "@modelcontextprotocol/server-postgres") || s.flagValue("--access-mode") == "restricted", nil
		},
	},
	{
		name: "database-mcp-server", platform: "database", reach: inventory.ReachDatabase, kind: inventory.KindPassword,
		match: func(id string) bool {
			return containsAny(id, "mysql", "mongodb", "mongo-mcp", "redis", "sqlite", "supabase", "neon", "clickhouse", "snowflake", "bigquery")
		},
		narrow: func(s *server) (bool, []string) { return s.flag("--read-only") || s.flag("--readonly"), nil },
	},
	{
		name: "filesystem-mcp-server", platform: inventory.PlatformLocal, reach: inventory.ReachFilesystem,
		match: func(id string) bool {
			return containsAny(id, "server-filesystem", "mcp-server-filesystem", "filesystem-mcp")
		},
		narrow: func(s *server) (bool, []string) { return s.flag("--read-only"), nil },
	},
	{
		name: "kubernetes-mcp-server", platform: "kubernetes", reach: inventory.ReachInfrastructure, kind: inventory.KindAPIKey,
		match: func(id string) bool { return containsAny(id, "kubernetes", "k8s-mcp", "mcp-k8s", "kubectl") },
		narrow: func(s *server) (bool, []string) {
			return s.flag("--read-only") || truthy(s.envLiteral("ALLOW_ONLY_NON_DESTRUCTIVE_TOOLS")) || truthy(s.envLiteral("ALLOW_ONLY_READONLY_TOOLS")), nil
		},
	},
	{
		name: "cloud-mcp-server", platform: "cloud", reach: inventory.ReachCloud, kind: inventory.KindCloudAccessKey,
		match: func(id string) bool {
			return containsAny(id, "awslabs", "aws-mcp", "mcp-server-aws", "@aws/", "azure-mcp", "@azure/mcp", "gcloud", "google-cloud", "gcp-mcp", "cloudflare", "terraform")
		},
		narrow: func(s *server) (bool, []string) {
			return s.flag("--readonly") || s.flag("--read-only") || strings.EqualFold(s.envLiteral("READ_OPERATIONS_ONLY"), "true"), nil
		},
	},
	{
		name: "browser-mcp-server", platform: "browser", reach: inventory.ReachBrowser,
		match: func(id string) bool {
			return containsAny(id, "playwright", "puppeteer", "chrome-devtools", "browserbase", "browser-use", "browsermcp")
		},
		narrow: func(s *server) (bool, []string) { return false, nil },
	},
	{
		name: "docker-mcp-server", platform: "docker", reach: inventory.ReachInfrastructure,
		match:  func(id string) bool { return containsAny(id, "docker-mcp", "mcp-server-docker", "mcp/docker") },
		narrow: func(s *server) (bool, []string) { return false, nil },
	},
	{
		name: "productivity-mcp-server", platform: "saas", reach: inventory.ReachProductivity, kind: inventory.KindAPIKey,
		match: func(id string) bool {
			return containsAny(id, "notion", "linear", "atlassian", "jira", "confluence", "asana", "google-drive", "gdrive")
		},
		narrow: func(s *server) (bool, []string) { return false, nil },
	},
	{
		name: "payments-mcp-server", platform: "stripe", reach: inventory.ReachPayments, kind: inventory.KindAPIKey,
		match:  func(id string) bool { return containsAny(id, "stripe", "paypal") },
		narrow: func(s *server) (bool, []string) { return false, nil },
	},
	{
		name: "observability-mcp-server", platform: "observability", reach: inventory.ReachObservability, kind: inventory.KindAPIKey,
		match:  func(id string) bool { return containsAny(id, "sentry", "datadog", "grafana", "honeycomb", "newrelic") },
		narrow: func(s *server) (bool, []string) { return false, nil },
	},
}

func productOf(s *server) *product {
	for i := range products {
		if products[i].match(s.id) {
			return &products[i]
		}
	}
	return nil
}

func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// narrowing drops toolset values that do not narrow ("all", "default" is
// the default set, empty).
func narrowing(ts []string) []string {
	var out []string
	for _, t := range ts {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "all" || t == "*" {
			return nil
		}
		if t == "" || t == "default" || isIndirection(t) {
			continue
		}
		out = append(out, t)
	}
	return out
}
