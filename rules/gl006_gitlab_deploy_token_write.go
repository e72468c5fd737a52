package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// GitLabDeployTokenWrite is AR-GL-006.
var GitLabDeployTokenWrite = &Rule{
	Metadata: Metadata{
		ID:       "AR-GL-006",
		Name:     "gitlab-deploy-token-write-no-expiry",
		Title:    "Deploy token with write scopes and no expiry",
		Severity: inventory.SeverityMedium,
		Score:    6.5,
		Escalation: "medium 6.5 for a deploy token with `write_registry`, `write_package_registry` or `write_virtual_registry` and " +
			"no expiry that GitLab lists as neither revoked nor expired. High 7.5 when a coding agent reaches the token (catalog 1.7).",
		Description: "A group or project deploy token can publish container images or packages and never expires. It belongs to no " +
			"user and is usually copied into build servers and deployment tooling: whoever holds it can replace what other " +
			"pipelines and deployments pull next, for as long as nobody revokes it.",
		Frameworks:  []Mapping{NHI(7), NHI(5), CSF("PR.AA-01")},
		Source:      "GitLab group scan: group and project deploy tokens (`GET /groups/:id/deploy_tokens`, `GET /projects/:id/deploy_tokens`: `scopes`, `expires_at`, `revoked`, `expired`)",
		Remediation: "Create a replacement with an expiry and read scopes only where nothing is published, or publish from CI with `CI_JOB_TOKEN`; then revoke the old token.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, glEndpointGroupDeployTokens, glEndpointProjectDeployTokens)
		inv, now := c.Inventory, c.Now
		ix := newAgentIndex(inv)
		for _, cred := range gitlabCredentials(inv, func(c *inventory.Credential) bool { return c.Type == typeGLDeployToken }) {
			if cred.ExpiresAt != nil || glInactive(cred, now) {
				continue
			}
			writes := scopesIn(cred.API.Scopes, "write_registry", "write_package_registry", "write_virtual_registry")
			if len(writes) == 0 {
				continue
			}
			var what []string
			if scopesIn(writes, "write_registry") != nil {
				what = append(what, "container images")
			}
			if scopesIn(writes, "write_package_registry", "write_virtual_registry") != nil {
				what = append(what, "packages")
			}
			score, agents, agent := agentReachable(ix, 6.5, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The %s has %s %s and never expires: whoever holds it can publish %s "+
					"to %s — what other pipelines and deployments pull next — until someone revokes it.%s Create a replacement with "+
					"an expiry (read scopes where nothing is published, or `CI_JOB_TOKEN` from CI), then revoke this one: %s.",
					glCredLabel(inv, cred), plural(len(writes), "the scope", "the scopes"), scopeList(writes), joinAnd(what), glReach(inv, cred),
					agents, revocation(cred)),
			})
		}
	},
}
