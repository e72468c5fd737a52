package rules

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestExceedsPrincipal(t *testing.T) {
	const org = "github:github.com/acme"
	read, _ := inventory.RepoRole("read")
	write, _ := inventory.RepoRole("write")
	admin, _ := inventory.RepoRole("admin")
	user := func(login, role string, perms map[string]inventory.Permissions) inventory.Principal {
		return inventory.Principal{ID: org + "|user:" + login, Platform: "github", Login: login, Kind: inventory.PrincipalHuman, Role: role, RepoPermissions: perms}
	}
	pat := func(perms inventory.Permissions) inventory.Credential {
		return inventory.Credential{ID: org + "|fine-grained-pat:7", Kind: inventory.KindFineGrainedPAT, Name: "ci", Owner: org + "|user:acme-ci-bot",
			Permissions: perms, API: &inventory.APIFacts{}, Locations: []inventory.Location{{Source: org, Path: "github/acme/personal-access-tokens/7"}}}
	}
	principals := map[string][]string{"acme-ci-bot": {"@alice", "@acme/platform"}}
	contentsWrite := inventory.Permissions{inventory.ResContents: inventory.Write, inventory.ResMetadata: inventory.Read}
	cases := []struct {
		name       string
		principals map[string][]string
		bot, alice map[string]inventory.Permissions
		cred       inventory.Credential
		want       string  // substring of the message; "" for quiet
		score      float64 // expected score when reported
	}{
		{"token writes where its human only reads", principals,
			map[string]inventory.Permissions{"acme/app": write}, map[string]inventory.Permissions{"acme/app": read},
			pat(contentsWrite), "on acme/app, more than @alice: contents: write (has read)", 0},
		{"admin delta is critical", principals,
			map[string]inventory.Permissions{"acme/app": admin}, map[string]inventory.Permissions{"acme/app": write},
			pat(inventory.Permissions{inventory.ResAdministration: inventory.Admin}), "administration: admin (has none)", 9.4},
		{"capped by the owner: the PAT cannot exceed what the bot has", principals,
			map[string]inventory.Permissions{"acme/app": read}, map[string]inventory.Permissions{"acme/app": read},
			pat(contentsWrite), "", 0},
		{"human holds as much", principals,
			map[string]inventory.Permissions{"acme/app": write}, map[string]inventory.Permissions{"acme/app": write},
			pat(contentsWrite), "", 0},
		{"human's permission not read: no claim", principals,
			map[string]inventory.Permissions{"acme/app": write}, map[string]inventory.Permissions{"acme/other": read},
			pat(contentsWrite), "", 0},
		{"identity not in the principals map", map[string][]string{"someone-else": {"@alice"}},
			map[string]inventory.Permissions{"acme/app": write}, map[string]inventory.Permissions{"acme/app": read},
			pat(contentsWrite), "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inv := &inventory.Inventory{
				Sources:     []inventory.Source{{ID: org, Kind: inventory.SourceGitHubOrg}},
				Principals:  []inventory.Principal{user("acme-ci-bot", "member", tc.bot), user("alice", "member", tc.alice)},
				Credentials: []inventory.Credential{tc.cred},
			}
			got, _ := Evaluate([]*Rule{ExceedsPrincipal}, Input{Inventory: inv, Principals: tc.principals})
			if tc.want == "" {
				if len(got) != 0 {
					t.Fatalf("want no finding, got %q", got[0].Message)
				}
				return
			}
			if len(got) != 1 || !strings.Contains(got[0].Message, tc.want) {
				t.Fatalf("want one finding containing %q, got %+v", tc.want, got)
			}
			if tc.score != 0 && got[0].Score != tc.score {
				t.Errorf("score %v, want %v", got[0].Score, tc.score)
			}
		})
	}
	orgScan := &inventory.Inventory{Sources: []inventory.Source{{ID: org, Kind: inventory.SourceGitHubOrg}}}
	if _, notes := Evaluate([]*Rule{ExceedsPrincipal}, Input{Inventory: orgScan}); len(notes) != 1 {
		t.Errorf("an organisation scan without a principals map: the rule must be not evaluable, got %v", notes)
	}
	if _, notes := Evaluate([]*Rule{ExceedsPrincipal}, Input{Inventory: &inventory.Inventory{}}); len(notes) != 0 {
		t.Errorf("a local scan sees no owners: no note, got %v", notes)
	}
}
