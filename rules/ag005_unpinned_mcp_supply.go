package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// UnpinnedMCPSupply is AR-AG-005.
var UnpinnedMCPSupply = &Rule{
	Metadata: Metadata{
		ID:       "AR-AG-005",
		Name:     "unpinned-mcp-supply",
		Title:    "Unpinned or unauthenticated MCP server supply",
		Severity: inventory.SeverityMedium,
		Score:    5.5,
		Escalation: "medium 6.5 for a remote server over plain `http://` to a host that is not the loopback. A version tag on a container image " +
			"counts as pinned (a digest is better); `localhost`, `127.0.0.1` and `::1` over HTTP do not match. Static bearer headers written " +
			"in the file are AR-AG-001. Disabled entries are skipped.",
		Description: "The server is fetched at every start without a fixed version — `npx -y pkg` without `@x.y.z`, `uvx pkg` without `==x.y.z`, " +
			"a container image without a tag or tagged `:latest` — so whoever controls the package name or a compromised release decides what " +
			"code runs with the server's credentials. A remote server over plain HTTP sends its traffic, tokens included, readable and " +
			"changeable by anyone on the network path.",
		Frameworks: []Mapping{NHI(3), NHI(4), ASI(4), Maestro("L7/T13"), Maestro("BV-2"), CSF("PR.PS-05"), CISRef("3.1.7")},
		Source:     "MCP server entries in agent configuration files",
		Remediation: "1. Pin exact versions (`npx -y @scope/server@1.4.2`, `uvx mcp-server-x==0.6.1`) or image digests (`image@sha256:…`), and update them deliberately.\n" +
			"2. Use HTTPS (and OAuth where the server supports it) for remote servers.\n" +
			"3. Keep a list of approved servers and versions.",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		for _, a := range agentsOfKind(c.Inventory, inventory.AgentMCPServer) {
			m := mcpFacts(a)
			if m.Disabled {
				continue
			}
			if m.Unpinned {
				what := map[string]string{"npm": "npm package", "pypi": "Python package", "container": "container image", "nuget": "NuGet tool package"}[m.Launcher]
				c.Report(Result{
					Subject: a.ID + "#unpinned", Location: a.Location, Agent: a.ID,
					Message: fmt.Sprintf("%s fetches the %s %s without a pinned version at every start: whoever publishes the next release "+
						"runs code with the server's credentials on the developer's machine.", agentLabel(a), what, m.Package),
					Properties: map[string]string{"package": m.Package, "launcher": m.Launcher},
				})
			}
			if m.PlainHTTP {
				c.Report(Result{
					Subject: a.ID + "#plain-http", Location: a.Location, Agent: a.ID, Score: 6.5,
					Message: fmt.Sprintf("%s connects to %s over plain HTTP: anyone on the network path can read and change the tool calls, "+
						"their results and any token sent with them.", agentLabel(a), m.URL),
					Properties: map[string]string{"url": m.URL},
				})
			}
		}
	},
}
