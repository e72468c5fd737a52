package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestDeployKeyWrite(t *testing.T) {
	t.Parallel()
	id := inventory.Scoped(acmeInfra.ID, "deploy-key:31")
	key := func(write bool, addedBy string) func(b *inventory.Builder) {
		return func(b *inventory.Builder) { b.AddCredential(deployKeyOf(acmeInfra, "31", "ci box", addedBy, write)) }
	}
	runAPICases(t, DeployKeyWrite, []apiCase{
		{name: "write key", add: key(true, "bob"),
			want: []apiWant{{subject: id, score: 7.5, msg: []string{`deploy key "ci box" of acme/infra (added by @bob) can push to acme/infra`,
				"never expires", "read-only key"}}}},
		{name: "read-only key", add: key(false, "bob")},
		{name: "a coding agent reaches it", add: func(b *inventory.Builder) {
			key(true, "")(b)
			codingAgentIn(b, acmeInfra, id)
		}, want: []apiWant{{subject: id, score: 9.1, agent: inventory.Scoped(acmeInfra.ID, "agent:.github/workflows/claude.yml#claude"),
			msg: []string{`deploy key "ci box" of acme/infra can push`, "agent-reachable"}}}},
		{name: "keys not listed: not evaluable", coverage: []inventory.Coverage{
			{Source: "github", Target: "acme/infra", Path: endpointDeployKeys, Status: inventory.CoverageFailed, Reason: "403 Must have admin rights"},
			{Source: "github", Target: "acme/app", Path: endpointDeployKeys, Status: inventory.CoverageFailed, Reason: "403 Must have admin rights"},
			{Source: "github", Target: "acme/web", Path: endpointDeployKeys, Status: inventory.CoverageComplete}},
			notes: []string{"/repos/{owner}/{repo}/keys was not read for acme/app, acme/infra: 403 Must have admin rights"}},
	})
}
