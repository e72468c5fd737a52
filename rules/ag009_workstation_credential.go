package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// WorkstationCredential is AR-AG-009.
var WorkstationCredential = &Rule{
	Metadata: Metadata{
		ID:       "AR-AG-009",
		Name:     "workstation-credential-reachable",
		Title:    "Plaintext credential on the workstation, readable by every coding agent",
		Severity: inventory.SeverityHigh,
		Score:    7.5,
		Escalation: "high 7.5 for a long-lived (or refresh, or unknown-lifetime) credential that reaches source control, cloud, infrastructure " +
			"or a package registry; medium 6.0 for other long-lived credentials; low 3.5 for short-lived ones. Only scans of a home " +
			"directory (`agentreach scan --home`) produce it; credentials in agent configuration files under the home are AR-AG-001.",
		Description: "A credential sits unencrypted in a file of the developer's home — the gh CLI's hosts.yml, ~/.aws/credentials, a kubeconfig, " +
			"Docker, npm, netrc or git-credential stores, an unencrypted SSH private key, shell history. Coding agents and the MCP servers they " +
			"start run as the developer and can read it with one tool call, so any prompt injection that reaches an agent reaches the credential.",
		Frameworks: []Mapping{NHI(2), NHI(7), ASI(3), Maestro("L6/T3"), CSF("PR.DS-01"), CSF("PR.AA-01")},
		Source:     "Allow-listed credential stores of a scanned home directory",
		Remediation: "1. Move CLI credentials to the OS keychain (`gh auth login` stores there by default; `docker-credential-*` helpers; " +
			"`aws sso login` / `aws-vault` instead of static keys).\n" +
			"2. Encrypt SSH keys with a passphrase or use a hardware-backed agent.\n" +
			"3. Remove tokens from shell history and keep them out of it (`HISTCONTROL=ignorespace`, read secrets from files or prompts).\n" +
			"4. Run coding agents in a sandbox or container that cannot read the home directory.",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		embeddedLocations(c, func(cred *inventory.Credential, l inventory.Location) {
			score := 6.0
			switch {
			case cred.Lifetime == inventory.LifetimeShortLived:
				score = 3.5
			case cred.Reach == inventory.ReachSourceControl || cred.Reach == inventory.ReachCloud ||
				cred.Reach == inventory.ReachInfrastructure || cred.Reach == inventory.ReachPackageRegistry:
				score = 7.5
			}
			store := cred.Store
			if store == "" {
				store = "file"
			}
			c.Report(Result{
				Subject: inventory.Scoped(l.Source, "home:"+l.Path+"#"+cred.ID), Location: l, Score: score, Credential: cred.ID,
				Message: fmt.Sprintf("%s is stored unencrypted in ~/%s (%s): every coding agent and MCP server running as this user can read it.",
					article(credentialLabel(cred)), where(l), store) + lifetimeSentence(cred),
				Properties: map[string]string{"store": store, "lifetime": string(cred.Lifetime), "reach": string(cred.Reach)},
			})
		})
	},
}
