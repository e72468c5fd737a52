package rules

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestOpenSecretAlert(t *testing.T) {
	alert := func(repo string, n int, a inventory.AlertFacts) inventory.Credential {
		a.Number, a.State = n, "open"
		src := "github:github.com/acme/" + repo
		return inventory.Credential{ID: src + "|secret-scanning-alert:" + string(rune('0'+n)), Kind: inventory.KindLeakedSecret, Name: "GitHub Personal Access Token",
			Scope: &inventory.Scope{Kind: "repository", Target: "acme/" + repo}, API: &inventory.APIFacts{Alert: &a},
			Locations: []inventory.Location{{Source: src, Path: "github/acme/" + repo + "/secret-scanning/alerts/1"}}}
	}
	inv := securityInv(nil,
		alert("site", 1, inventory.AlertFacts{Validity: "active"}),
		alert("app", 2, inventory.AlertFacts{Validity: "unknown", PushProtectionBypassed: true, BypassedBy: "bob"}),
		alert("app", 3, inventory.AlertFacts{Validity: "inactive"}),
		alert("app", 4, inventory.AlertFacts{Validity: "active", PubliclyLeaked: true}),
	)
	got, _ := Evaluate([]*Rule{OpenSecretAlert}, Input{Inventory: inv})
	if len(got) != 3 {
		t.Fatalf("want 3 results (the inactive, not bypassed alert is quiet), got %d", len(got))
	}
	scores := map[string]float64{}
	for _, f := range got {
		scores[f.Message[:len("Secret-scanning alert 1")]] = f.Score
	}
	if scores["Secret-scanning alert 1"] != 9.3 || scores["Secret-scanning alert 4"] != 9.3 {
		t.Errorf("active and public must be critical 9.3: %v", scores)
	}
	if scores["Secret-scanning alert 2"] != 8.0 {
		t.Errorf("bypassed push protection in a private repository: want 8.0, %v", scores)
	}
	for _, f := range got {
		if strings.HasPrefix(f.Message, "Secret-scanning alert 2") && !strings.Contains(f.Message, "pushed past push protection by @bob") {
			t.Errorf("message: %q", f.Message)
		}
	}
}
