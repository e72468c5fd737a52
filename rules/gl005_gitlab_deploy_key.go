package rules

import (
	"fmt"
	"slices"
	"time"

	"github.com/agentreach/agentreach/inventory"
)

// GitLabDeployKey is AR-GL-005.
var GitLabDeployKey = &Rule{
	Metadata: Metadata{
		ID:       "AR-GL-005",
		Name:     "gitlab-deploy-key-push-or-no-expiry",
		Title:    "Deploy key with push access, no expiry, or shared across projects",
		Severity: inventory.SeverityHigh,
		Score:    7.5,
		Escalation: "high 7.5 when the key can push (`can_push`), whether or not it expires; medium 5.0 for a read-only key that " +
			"never expires. The catalog fixes 7.5 for a key that can push and is shared and leaves the single conditions open: a " +
			"key that can push is 7.5 on its own here, and one enabled in several projects (the same key id) says so in its " +
			"message. One band higher (critical 9.1, high 7.0) when a coding agent reaches the key (catalog 1.7). Keys whose " +
			"expiry has passed are not reported.",
		Description: "A project deploy key can push, or never expires. A deploy key is tied to no user: whoever holds the private " +
			"key — a server it was copied to, a CI/CD variable, an agent's workspace — reads (and with push access writes) the " +
			"repository as nobody in particular, subject only to the branch protection that applies to everyone, and a key " +
			"without an expiry does so until someone removes it. One key enabled in several projects opens all of them.",
		Frameworks:  []Mapping{NHI(5), NHI(7), NHI(9), ASI(3), Maestro("L4/T3"), CSF("PR.AA-05")},
		Source:      "GitLab group scan: project deploy keys (`GET /projects/:id/deploy_keys`: `can_push`, `expires_at`)",
		Remediation: "Use one read-only key per project with an expiry (`expires_at`): add the new key, move its users over and remove the old one (`DELETE /projects/:id/deploy_keys/:key_id`). Push through a project access token or a protected pipeline instead.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, glEndpointDeployKeys)
		inv, now := c.Inventory, c.Now
		ix := newAgentIndex(inv)
		keys := gitlabCredentials(inv, func(c *inventory.Credential) bool { return c.Type == typeGLDeployKey })
		// GitLab lists a key enabled in several projects under one id in
		// each of them.
		byKey := map[string][]string{}
		for _, k := range keys {
			_, local := inventory.Unscoped(k.ID)
			if t := glTarget(k); t != "" && !slices.Contains(byKey[local], t) {
				byKey[local] = append(byKey[local], t)
			}
		}
		for _, cred := range keys {
			if expired(cred, now) {
				continue
			}
			push := cred.Permissions.Get(inventory.ResContents) >= inventory.Write
			noExpiry := cred.ExpiresAt == nil
			if !push && !noExpiry {
				continue
			}
			_, local := inventory.Unscoped(cred.ID)
			var others []string
			for _, t := range byKey[local] {
				if t != glTarget(cred) {
					others = append(others, t)
				}
			}
			slices.Sort(others)
			shared := ""
			if len(others) > 0 {
				shared = fmt.Sprintf(" The same key is enabled in %d other %s — %s — so its private key opens %s too.",
					len(others), plural(len(others), "project", "projects"), joinQuoted(others, 3), plural(len(others), "it", "them"))
			}
			score, fact, fix := 5.0, "", ""
			if push {
				expiry := "and never expires"
				if !noExpiry {
					expiry = "and expires on " + cred.ExpiresAt.UTC().Format(time.DateOnly)
				}
				score = 7.5
				fact = fmt.Sprintf("can push to %s (`can_push: true`) %s: whoever holds its private key writes to the repository "+
					"without a user account.", scopeTarget(cred), expiry)
				fix = "Replace it with a read-only key per project, with an expiry, and push through a project access token or a " +
					"protected pipeline instead: " + revocation(cred) + "."
			} else {
				fact = fmt.Sprintf("is read-only but never expires: its private key reads %s, wherever it was copied, until someone "+
					"removes it.", scopeTarget(cred))
				fix = "Add a replacement with an expiry (`expires_at`), move its users over and remove this one: " + revocation(cred) + "."
			}
			score, agents, agent := agentReachable(ix, score, cred.ID)
			c.Report(Result{
				Subject:    cred.ID,
				Location:   apiLocation(cred),
				Credential: cred.ID,
				Agent:      agent,
				Score:      score,
				Message:    "The " + glCredLabel(inv, cred) + " " + fact + shared + agents + " " + fix,
			})
		}
	},
}
