package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

// TestRevokePlanKinds: each credential kind gets its own instruction, the
// order puts static credentials first and short-lived ones last, and the
// Markdown escapes what the report holds.
func TestRevokePlanKinds(t *testing.T) {
	t.Parallel()
	agent := "dir:x|mcp:.mcp.json#/mcpServers/gh"
	creds := []inventory.Credential{
		{ID: "c-oidc", Kind: inventory.KindOIDC, Platform: "github", Lifetime: inventory.LifetimeShortLived, Feeds: []string{"aws-actions/configure-aws-credentials"}},
		{ID: "c-app", Kind: inventory.KindInstallationToken, Platform: "github", Lifetime: inventory.LifetimeShortLived,
			Revocation: "revoked at job end", Attributes: map[string]string{"private_key_secret": "APP_KEY"}},
		{ID: "c-runner", Kind: inventory.KindRunner, Platform: "github"},
		{ID: "c-ref", Kind: inventory.KindPersonalAccessToken, Platform: "github", Name: "GITHUB_PAT (environment variable)",
			Storage: "environment variable", ConfigKey: "GITHUB_PAT", Attributes: map[string]string{"reference": "env"}},
		{ID: "c-aws", Kind: inventory.KindEmbeddedKey, Platform: "aws", Lifetime: inventory.LifetimeStatic, Redacted: "AKIA…WXYZ",
			Name: "AWS key <b>|x", Attributes: map[string]string{"access_key_id": "AKIAEXAMPLEID"},
			Locations: []inventory.Location{{Path: "a.env", Line: 3}}},
	}
	var reaches []inventory.Reach
	for _, c := range creds {
		reaches = append(reaches, inventory.Reach{Agent: agent, Credential: c.ID, Via: inventory.ViaMCPEnv})
	}
	r := &Report{Inventory: &inventory.Inventory{Agents: []inventory.Agent{{ID: agent, Kind: inventory.AgentMCPServer, Name: "gh"}},
		Credentials: creds, Reaches: reaches}}
	plan := NewRevokePlan(r, []string{agent})
	want := map[string][]string{
		"c-oidc":   {"trust policy", "id-token: write", "configure-aws-credentials"},
		"c-app":    {"Inventory: revoked at job end", "Suspend", "within an hour", "APP_KEY"},
		"c-runner": {"runner's registration", "actions/runners/RUNNER_ID"},
		"c-ref":    {"environment variable (GITHUB_PAT)", "Rotate it at its issuer", "update the environment variable"},
		"c-aws":    {"Rotate the value", "1 place", "aws iam update-access-key --access-key-id AKIAEXAMPLEID"},
	}
	var order []string
	for _, st := range plan.Plans[0].Steps {
		order = append(order, st.Credential)
		text := st.How + "\n" + strings.Join(st.Commands, "\n")
		for _, w := range want[st.Credential] {
			if !strings.Contains(text, w) {
				t.Errorf("%s: no %q in\n%s", st.Credential, w, text)
			}
		}
	}
	if got := strings.Join(order, ","); got != "c-aws,c-ref,c-runner,c-app,c-oidc" {
		t.Errorf("order %s", got)
	}
	var md bytes.Buffer
	if err := plan.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md.String(), "<b>") || !strings.Contains(md.String(), "&lt;b&gt;") {
		t.Errorf("markdown not escaped:\n%s", md.String())
	}
}
