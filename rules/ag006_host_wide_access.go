package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// HostWideAccess is AR-AG-006.
var HostWideAccess = &Rule{
	Metadata: Metadata{
		ID:         "AR-AG-006",
		Name:       "host-wide-agent-access",
		Title:      "MCP server or agent granted host-wide filesystem or credential stores",
		Severity:   inventory.SeverityHigh,
		Score:      7.0,
		Escalation: "high 7.0. Project-relative roots (`.`, `${workspaceFolder}`, a subdirectory) do not match; disabled entries are skipped.",
		Description: "A filesystem MCP server is given `/`, a whole home (`~`, `$HOME`, `/Users/name`, `C:\\Users\\name`), an agent profile lists such " +
			"a path in `additionalDirectories`, or a containerised server mounts credential stores (`~/.ssh`, `~/.aws`, `~/.config/gh`, " +
			"`~/.docker/config.json`, `~/.kube`) or the Docker socket. The agent can then read every credential the developer has and, with " +
			"the Docker socket, control the host.",
		Frameworks: []Mapping{NHI(2), NHI(5), ASI(2), Maestro("L3/T2"), Maestro("L6/T45*"), CSF("PR.AA-05")},
		Source:     "MCP server entries and agent settings",
		Remediation: "1. Confine filesystem servers to the project directory (`${workspaceFolder}` or a relative path) and use `--read-only` where possible.\n" +
			"2. Never mount credential stores or `/var/run/docker.sock` into an MCP server container; pass a scoped token instead.",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		for _, a := range agentsOfKind(c.Inventory, inventory.AgentMCPServer, inventory.AgentProfile) {
			paths, line := broadPaths(a)
			if len(paths) == 0 || mcpFacts(a).Disabled {
				continue
			}
			c.Report(Result{
				Subject: a.ID + "#host-wide", Location: agentAt(a, line), Agent: a.ID,
				Message: fmt.Sprintf("%s is given %s: every file there, SSH keys and cloud, registry and Git credentials included, "+
					"is within reach of any prompt the agent reads.", agentLabel(a), joinQuoted(paths, 4)),
				Properties: map[string]string{"paths": strings.Join(paths, ",")},
			})
		}
	},
}
