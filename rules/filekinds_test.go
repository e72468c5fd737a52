package rules

import (
	"fmt"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

// TestEmbeddedCredentialOwners checks inventory's file-kind table against
// the catalog: every kind of file names, in a tree and in a home, one rule of
// All() that owns the credentials embedded in it; that rule reports an
// embedded credential of that kind, and no other owning rule does.
func TestEmbeddedCredentialOwners(t *testing.T) {
	t.Parallel()
	all := All()
	owners := map[string]bool{}
	for _, k := range inventory.FileKinds() {
		for _, id := range []string{k.Owner, k.HomeOwner} {
			if ByID(all, id) == nil {
				t.Errorf("file kind %s: owning rule %q is not in All()", k.Class, id)
			}
			owners[id] = true
		}
	}

	places := []struct {
		name string
		loc  inventory.Location
	}{
		{"tree", inventory.Location{Root: ".", Git: inventory.GitTracked}},
		{"history", inventory.Location{Root: ".", Git: inventory.GitHistory, Commit: "c0ffee0"}},
		{"home", inventory.Location{Root: inventory.HomeRoot, Git: inventory.GitNone}},
	}
	inv := &inventory.Inventory{}
	want := map[string]string{} // credential id → owning rule
	where := map[string]string{}
	for i, k := range inventory.FileKinds() {
		for j, p := range places {
			l := p.loc
			l.Path, l.Line = k.Example, 2
			id := inventory.EmbeddedCredentialID(fmt.Sprintf("%08x%08x", i, j))
			inv.Credentials = append(inv.Credentials, inventory.Credential{
				ID: id, Kind: inventory.KindEmbeddedKey, Name: "test credential", Lifetime: inventory.LifetimeStatic,
				Reach: inventory.ReachSourceControl, Locations: []inventory.Location{l},
			})
			want[id] = k.Owner
			if p.loc.Root == inventory.HomeRoot {
				want[id] = k.HomeOwner
			}
			where[id] = fmt.Sprintf("%s (%s) in a %s", k.Example, k.Class, p.name)
		}
	}

	findings, notes := Evaluate(all, Input{Inventory: inv, Now: testNow})
	for _, n := range notes {
		t.Logf("not evaluable: %+v", n)
	}
	got := map[string][]string{}
	for _, f := range findings {
		if owners[f.RuleID] {
			got[f.Credential] = append(got[f.Credential], f.RuleID)
		}
	}
	for id, w := range want {
		if g := got[id]; len(g) != 1 || g[0] != w {
			t.Errorf("credential at %s: reported by %v, want only %s", where[id], g, w)
		}
	}
}
