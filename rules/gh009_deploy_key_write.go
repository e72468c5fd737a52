package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// DeployKeyWrite is AR-GH-009.
var DeployKeyWrite = &Rule{
	Metadata: Metadata{
		ID:         "AR-GH-009",
		Name:       "deploy-key-write",
		Title:      "Deploy key with write access",
		Severity:   inventory.SeverityHigh,
		Score:      7.5,
		Escalation: "high 7.5; critical 9.1 when a coding agent reaches the key (catalog 1.7).",
		Description: "A repository deploy key can push. An SSH deploy key is tied to no user and expires never: whoever holds the " +
			"private key — a server it was copied to, a CI secret, an agent's workspace — pushes to the repository as nobody in " +
			"particular, and a push over SSH is subject only to the branch protection that applies to everyone.",
		Frameworks:  []Mapping{NHI(5), ASI(3), Maestro("L4/T3"), CSF("PR.AA-05")},
		Source:      "GitHub organisation scan: repository deploy keys (`GET /repos/{owner}/{repo}/keys`, `read_only`)",
		Remediation: "Make the key read-only (delete it and add it again without write access), and push through a GitHub App or a protected workflow instead.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointDeployKeys)
		inv := c.Inventory
		ix := newAgentIndex(inv)
		for _, cred := range githubCredentials(inv, apiDeployKey) {
			if cred.Permissions.Get(inventory.ResContents) < inventory.Write {
				continue
			}
			score, agents, agent := agentReachable(ix, 7.5, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The %s can push to %s: whoever holds its private key writes to the repository without a user "+
					"account, and the key never expires.%s Replace it with a read-only key, and push through a GitHub App or a "+
					"protected workflow instead.", apiCredLabel(inv, cred), scopeTarget(cred), agents),
			})
		}
	},
}

// scopeTarget is what a credential's scope names ("" when none).
func scopeTarget(c *inventory.Credential) string {
	if c.Scope == nil || c.Scope.Target == "" {
		return "its repository"
	}
	return c.Scope.Target
}
