package rules

import (
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestGitLabInstanceTokenPolicy(t *testing.T) {
	t.Parallel()
	subject := inventory.Scoped(glInstance.ID, "setting:token-lifetime-policy")
	policy := func(require, maxDays, service string) func(b *inventory.Builder) {
		return func(b *inventory.Builder) {
			b.AddSource(glInstance)
			b.AddSetting(glSetting(glInstance, glSettingRequirePATExpiry, require))
			b.AddSetting(glSetting(glInstance, glSettingMaxPATLifetime, maxDays))
			b.AddSetting(glSetting(glInstance, glSettingServiceTokenExpiry, service))
		}
	}
	scanned := inventory.Coverage{Source: "gitlab", Target: glHost + "/acme", Path: "scanner credential", Status: inventory.CoverageComplete,
		Reason: "token with scopes: read_api"}
	runAPICasesOn(t, GitLabInstanceTokenPolicy, glSources, []apiCase{
		{name: "everything weak: one result", add: policy("false", "0", "false"), coverage: []inventory.Coverage{scanned},
			want: []apiWant{{subject: subject, score: 5.5, msg: []string{"The GitLab instance gitlab.example.com has a weak token-lifetime policy: " +
				"access tokens may be created without an expiry (`require_personal_access_token_expiry: false`); no maximum token " +
				"lifetime is set", "service accounts' tokens may be created without an expiry", "cap the lifetime at 90 days"}}}},
		{name: "a lifetime beyond MAX_TTL", add: policy("true", "365", "true"),
			want: []apiWant{{subject: subject, score: 5.5, msg: []string{"the maximum token lifetime is 365 days (`max_personal_access_token_lifetime: 365`), beyond the 90-day limit"}}}},
		{name: "a strict policy", add: policy("true", "90", "true"), coverage: []inventory.Coverage{scanned}},
		{name: "a longer MAX_TTL from the configuration", thresholds: Thresholds{MaxTTL: 365 * day}, add: policy("true", "365", "true")},
		{name: "a self-managed instance scanned without an administrator: not evaluable", coverage: []inventory.Coverage{scanned},
			notes: []string{"/application/settings was not read for gitlab.example.com: the instance's token-lifetime policy is readable by an administrator only"}},
		{name: "gitlab.com: no instance policy to read", coverage: []inventory.Coverage{{Source: "gitlab", Target: "gitlab.com/acme",
			Path: "scanner credential", Status: inventory.CoverageComplete}}},
		{name: "the settings failed to read", coverage: []inventory.Coverage{scanned, glFailed(glHost, glEndpointSettings)},
			notes: []string{"/application/settings was not read for gitlab.example.com: 403 Forbidden"}},
	})
}
