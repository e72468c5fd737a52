package rules

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestUnownedNHI(t *testing.T) {
	t.Parallel()
	const src = "repo:github.com/acme/app"
	loc := inventory.Location{Source: src, Root: ".", Path: ".github/workflows/release.yml", Line: 9}
	secret := func(name string) inventory.Credential {
		return inventory.Credential{ID: inventory.GitHubSecretID(src, name), Kind: inventory.KindActionsSecret, Platform: "github",
			Name: name, Lifetime: inventory.LifetimeUnknown, Locations: []inventory.Location{loc}}
	}
	token := inventory.Credential{ID: inventory.GitHubTokenID(src, loc.Path, "release"), Kind: inventory.KindWorkflowToken,
		Platform: "github", Lifetime: inventory.LifetimeShortLived, Locations: []inventory.Location{loc}}
	key := inventory.Credential{ID: "embedded:0123456789abcdef", Kind: inventory.KindEmbeddedKey, Platform: "openai", Name: "OpenAI API key",
		Redacted: "sk-…wxyz", Lifetime: inventory.LifetimeStatic, Locations: []inventory.Location{{Source: src, Path: ".env", Line: 1}}}
	owned := secret("OWNED_BY_ALICE")
	owned.Owner = "github:user:alice"
	alice := inventory.Principal{ID: "github:user:alice", Platform: "github", Login: "alice", Kind: inventory.PrincipalHuman}

	tests := []struct {
		name       string
		principals map[string][]string
		creds      []inventory.Credential
		want       []string // credential ids reported
		notEval    bool
	}{
		{name: "no principals map: not evaluable, nothing reported", creds: []inventory.Credential{secret("DEPLOY_TOKEN")}, notEval: true},
		{name: "named by its id without the scope", principals: map[string][]string{"github-actions-secret:DEPLOY_TOKEN": {"@alice"}},
			creds: []inventory.Credential{secret("DEPLOY_TOKEN")}},
		{name: "named by its full id", principals: map[string][]string{inventory.GitHubSecretID(src, "DEPLOY_TOKEN"): {"@alice"}},
			creds: []inventory.Credential{secret("DEPLOY_TOKEN")}},
		{name: "matched by a name pattern", principals: map[string][]string{"DEPLOY_*": {"@ops"}},
			creds: []inventory.Credential{secret("DEPLOY_TOKEN")}},
		{name: "a secret nobody claims", principals: map[string][]string{"OTHER": {"@bob"}},
			creds: []inventory.Credential{secret("DEPLOY_TOKEN"), key},
			want:  []string{key.ID, inventory.GitHubSecretID(src, "DEPLOY_TOKEN")}},
		{name: "per-job tokens are not NHIs of their own", principals: map[string][]string{"OTHER": {"@bob"}},
			creds: []inventory.Credential{token}},
		{name: "a reusable workflow's secret parameter is its callers'", principals: map[string][]string{"OTHER": {"@bob"}},
			creds: []inventory.Credential{{ID: inventory.GitHubCallSecretID(src, loc.Path, "PUSH_TOKEN"), Kind: inventory.KindWorkflowCallSecret,
				Platform: "github", Name: "PUSH_TOKEN", Lifetime: inventory.LifetimeUnknown, Locations: []inventory.Location{loc}}}},
		{name: "owned by a known human", principals: map[string][]string{"OTHER": {"@bob"}},
			creds: []inventory.Credential{owned}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := inventory.NewBuilder()
			b.SetAccountable(tt.principals)
			b.AddPrincipal(alice)
			for _, c := range tt.creds {
				b.AddCredential(c)
			}
			inv, _ := b.Build()
			fs, notes := Evaluate([]*Rule{UnownedNHI}, Input{Inventory: inv, Principals: tt.principals, Now: testNow})
			if (len(notes) == 1) != tt.notEval {
				t.Errorf("not evaluable = %+v, want %v", notes, tt.notEval)
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.Credential)
				if f.Score != 6.0 || !strings.Contains(f.Message, "no accountable human") || f.Location.Path == "" {
					t.Errorf("finding = %+v", f)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("reported %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUnownedNHIFromAPI(t *testing.T) {
	t.Parallel()
	patID := inventory.Scoped(acmeOrg.ID, "fine-grained-pat:12")
	keyID := inventory.Scoped(acmeInfra.ID, "deploy-key:31")
	left := func(b *inventory.Builder) {
		b.AddPrincipal(acmeUser("former-dev", inventory.PrincipalHuman, "not a member", inventory.StateOffboarded))
	}
	runAPICases(t, UnownedNHI, []apiCase{
		{name: "owner left, no principals map", add: func(b *inventory.Builder) {
			left(b)
			b.AddCredential(fgGrant("12", "bootstrap", "former-dev", "all-repositories", nil))
			b.AddCredential(deployKeyOf(acmeInfra, "31", "laptop", "former-dev", true))
		}, notes: []string{"needs a principals: map"}, want: []apiWant{
			{subject: "owner:" + patID, score: 6.0, msg: []string{`fine-grained PAT "bootstrap" of @former-dev has no accountable owner — owner left`,
				"@former-dev is no longer a member or outside collaborator of acme", `POST /orgs/acme/personal-access-tokens/12 {"action":"revoke"}`}},
			{subject: "owner:" + keyID, score: 6.0, msg: []string{"owner left", "a deploy key does not depend on the account that added it"}},
		}},
		{name: "no recorded owner", add: func(b *inventory.Builder) {
			b.AddCredential(deployKeyOf(acmeInfra, "31", "old box", "", false))
		}, notes: []string{"needs a principals: map"}, want: []apiWant{{subject: "owner:" + keyID, score: 6.0,
			msg: []string{`deploy key "old box" of acme/infra has no accountable owner — no recorded owner`, "no principals map"}}}},
		{name: "no recorded owner, but the principals map names it", principals: map[string][]string{"old box": {"@ops"}}, add: func(b *inventory.Builder) {
			b.AddCredential(deployKeyOf(acmeInfra, "31", "old box", "", false))
		}},
		{name: "no recorded owner, and the principals map names something else", principals: map[string][]string{"OTHER": {"@ops"}},
			add:  func(b *inventory.Builder) { b.AddCredential(deployKeyOf(acmeInfra, "31", "old box", "", false)) },
			want: []apiWant{{subject: "owner:" + keyID, score: 6.0, msg: []string{"no recorded owner", "no entry of the principals map"}}}},
		{name: "owner left, the principals map names humans", principals: map[string][]string{"bootstrap": {"@alice"}}, add: func(b *inventory.Builder) {
			left(b)
			b.AddCredential(fgGrant("12", "bootstrap", "former-dev", "all-repositories", nil))
		}, want: []apiWant{{subject: "owner:" + patID, score: 6.0, msg: []string{"owner left", "The principals map names @alice as accountable"}}}},
		{name: "an active owner", add: func(b *inventory.Builder) {
			b.AddPrincipal(acmeUser("alice", inventory.PrincipalHuman, "member", inventory.StateActive))
			b.AddCredential(fgGrant("12", "reports", "alice", "all-repositories", nil))
			b.AddCredential(deployKeyOf(acmeInfra, "31", "ci", "alice", false))
		}, notes: []string{"needs a principals: map"}},
		{name: "an expired token of an owner who left", add: func(b *inventory.Builder) {
			left(b)
			c := fgGrant("12", "bootstrap", "former-dev", "all-repositories", nil)
			c.API.Expired = true
			b.AddCredential(c)
		}, notes: []string{"needs a principals: map"}},
		{name: "the principals-map part names API credentials as the API rules do", principals: map[string][]string{"OTHER": {"@ops"}},
			add: func(b *inventory.Builder) {
				b.AddCredential(appInstall("5", "claude", "all-repositories", nil))
				b.AddPrincipal(inventory.Principal{ID: inventory.Scoped(acmeOrg.ID, "app:claude"), Platform: "github", Login: "claude[bot]",
					Kind: inventory.PrincipalApp, State: inventory.StateActive})
				b.AddCredential(orgSecretCred("NPM_TOKEN", "all", 10))
				// a workflow's reference that the organisation secret backs is not reported on its own
				ref := inventory.GitHubSecretID(acmeApp.ID, "NPM_TOKEN")
				b.AddCredential(inventory.Credential{ID: ref, Kind: inventory.KindActionsSecret, Platform: "github", Name: "NPM_TOKEN",
					Locations: []inventory.Location{{Source: acmeApp.ID, Path: ".github/workflows/ci.yml", Line: 3}}})
				b.AddBinding(inventory.Binding{Credential: ref, Backing: []string{inventory.Scoped(acmeOrg.ID, "github-org-secret:NPM_TOKEN")}})
			}, want: []apiWant{
				{subject: "owner:" + inventory.Scoped(acmeOrg.ID, "app-installation:5"), score: 6.0,
					msg: []string{`The installation of the App "claude" has no accountable human`, "@claude[bot] is an App, not a known human"}},
				{subject: "owner:" + inventory.Scoped(acmeOrg.ID, "github-org-secret:NPM_TOKEN"), score: 6.0,
					msg: []string{"The organisation secret NPM_TOKEN of acme has no accountable human", "its owner is unknown"}},
			}},
	})
}

func TestUnownedNHIFromGitLab(t *testing.T) {
	t.Parallel()
	trig := inventory.Scoped(glApp.ID, "pipeline-trigger:8")
	runAPICasesOn(t, UnownedNHI, glSources, []apiCase{
		{name: "a trigger whose owner is blocked", add: func(b *inventory.Builder) {
			b.AddPrincipal(glUserP("bob", inventory.PrincipalHuman, inventory.StateSuspended))
			b.AddCredential(glTriggerCred(glApp, 8, "nightly", "bob"))
		}, notes: []string{"needs a principals: map"}, want: []apiWant{{subject: "owner:" + trig, score: 6.0, msg: []string{
			`pipeline trigger "nightly" of acme/app (owner @bob) has no accountable owner — owner blocked or removed: GitLab lists @bob ` +
				"as blocked, deactivated or gone, yet acme/app still lists the pipeline trigger", "DELETE /projects/acme%2Fapp/triggers/8"}}}},
		{name: "a trigger without an owner", add: func(b *inventory.Builder) {
			b.AddCredential(glTriggerCred(glApp, 8, "nightly", ""))
		}, notes: []string{"needs a principals: map"}, want: []apiWant{{subject: "owner:" + trig, score: 6.0,
			msg: []string{"no recorded owner: GitLab lists no owner for it"}}}},
		{name: "a trigger of an active owner", add: func(b *inventory.Builder) {
			b.AddPrincipal(glUserP("bob", inventory.PrincipalHuman, inventory.StateActive))
			b.AddCredential(glTriggerCred(glApp, 8, "nightly", "bob"))
		}, notes: []string{"needs a principals: map"}},
		{name: "the principals-map part names GitLab credentials as the GitLab rules do", principals: map[string][]string{"OTHER": {"@ops"}},
			add: func(b *inventory.Builder) {
				b.AddCredential(glGroupVar("acme", "NPM_TOKEN", inventory.VariableFacts{}, ""))
			}, want: []apiWant{{subject: "owner:" + inventory.Scoped(glAcme.ID, "gitlab-group-variable:NPM_TOKEN@*"), score: 6.0,
				msg: []string{"The group variable NPM_TOKEN of acme has no accountable human"}}}},
		{name: "a project access token's bot user is not a known human", principals: map[string][]string{"OTHER": {"@ops"}},
			add: func(b *inventory.Builder) {
				c := glProjectToken(glApp, 5, "release", inventory.GitLabDeveloper, "read_api")
				b.AddCredential(c)
				b.AddPrincipal(inventory.Principal{ID: c.Owner, Platform: "gitlab", Login: "user 1005", Kind: inventory.PrincipalBot,
					State: inventory.StateUnknown})
			}, want: []apiWant{{subject: "owner:" + inventory.Scoped(glApp.ID, "project-access-token:5"), score: 6.0,
				msg: []string{`The project access token "release" of acme/app has no accountable human`, "its owner user 1005 is a bot account, not a known human"}}}},
	})
}

// TestUnownedNHIOrgScanReferences: in an organisation scan a workflow's
// reference is not an NHI of its own — what it resolves to is listed and
// checked — nor is a missing secret or a secret-scanning alert.
func TestUnownedNHIOrgScanReferences(t *testing.T) {
	const repo = "github:github.com/acme/app"
	loc := []inventory.Location{{Source: repo, Path: ".github/workflows/ci.yml", Line: 3}}
	inv := &inventory.Inventory{
		Sources: []inventory.Source{{ID: repo, Kind: inventory.SourceGitHubRepo, Repo: &inventory.RepoFacts{FullName: "acme/app"}}},
		Credentials: []inventory.Credential{
			{ID: repo + "|github-actions-secret:ENV_ONLY", Kind: inventory.KindActionsSecret, Name: "ENV_ONLY", Locations: loc},
			{ID: repo + "|github-actions-secret:NOBODY", Kind: inventory.KindActionsSecret, Name: "NOBODY", Missing: true, Locations: loc},
			{ID: repo + "|secret-scanning-alert:1", Kind: inventory.KindLeakedSecret, Name: "npm Access Token", API: &inventory.APIFacts{}, Locations: loc},
			{ID: repo + "|github-actions-secret:STORED", Kind: inventory.KindActionsSecret, Type: "github-repo-actions-secret", Name: "STORED",
				API: &inventory.APIFacts{}, Scope: &inventory.Scope{Kind: "repository", Target: "acme/app"}, Locations: loc},
		},
	}
	got, _ := Evaluate([]*Rule{UnownedNHI}, Input{Inventory: inv, Principals: map[string][]string{"other": {"@x"}}})
	if len(got) != 1 || got[0].Credential != repo+"|github-actions-secret:STORED" {
		var ids []string
		for _, f := range got {
			ids = append(ids, f.Credential)
		}
		t.Fatalf("want only the stored repository secret, got %v", ids)
	}
}
