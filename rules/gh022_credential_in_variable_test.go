package rules

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestCredentialInVariable(t *testing.T) {
	const org = "github:github.com/acme"
	v := func(name, valueType string) inventory.Credential {
		return inventory.Credential{ID: org + "|github-org-actions-variable:" + name, Kind: inventory.KindCIVariable, Type: "github-org-actions-variable",
			Name: name, Redacted: "ghp_…Ab12", Scope: &inventory.Scope{Kind: "all-repositories", Target: "acme"},
			API:       &inventory.APIFacts{Variable: &inventory.VariableFacts{ValueType: valueType}},
			Locations: []inventory.Location{{Source: org, Path: "github/acme/actions-variables/" + name}}}
	}
	inv := &inventory.Inventory{Credentials: []inventory.Credential{v("RELEASE_TOKEN", "github-classic-pat"), v("REGION", "")}}
	got, _ := Evaluate([]*Rule{CredentialInVariable}, Input{Inventory: inv})
	if len(got) != 1 || !strings.Contains(got[0].Message, "RELEASE_TOKEN") || !strings.Contains(got[0].Message, "ghp_…Ab12") ||
		!strings.Contains(got[0].Message, "github-classic-pat") || got[0].Location.Path != "github/acme/actions-variables/RELEASE_TOKEN" {
		t.Fatalf("want one result for the token variable, got %+v", got)
	}
}
