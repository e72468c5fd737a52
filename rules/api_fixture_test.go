package rules

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agentreach/agentreach/inventory"
)

// The inventory an organisation scan of "acme" on github.com records (see
// scanners/github): the ids, pseudo-locations and Types the rules read.

var (
	acmeOrg = inventory.Source{ID: inventory.PlatformSourceID("github", "github.com", "acme"), Kind: inventory.SourceGitHubOrg,
		Path: "github.com/acme", Host: "github.com"}
	acmeApp   = acmeRepo("app", "public")
	acmeInfra = acmeRepo("infra", "private")
)

func acmeRepo(name, visibility string) inventory.Source {
	full := "acme/" + name
	return inventory.Source{ID: inventory.PlatformSourceID("github", "github.com", full), Kind: inventory.SourceGitHubRepo,
		Path: "github.com/" + full, Host: "github.com", Remote: "github.com/" + full,
		Repo: &inventory.RepoFacts{FullName: full, Visibility: visibility, DefaultBranch: "main", Org: acmeOrg.ID}}
}

func orgLoc(rel string) inventory.Location {
	return inventory.Location{Source: acmeOrg.ID, Root: acmeOrg.Path, Path: "github/acme/" + rel}
}

func repoLocOf(src inventory.Source, rel string) inventory.Location {
	return inventory.Location{Source: src.ID, Root: src.Path, Path: "github/" + src.Repo.FullName + "/" + rel}
}

func daysAgo(n int) *time.Time   { t := testNow.AddDate(0, 0, -n); return &t }
func daysAhead(n int) *time.Time { t := testNow.AddDate(0, 0, n); return &t }

func acmeUser(login string, kind inventory.PrincipalKind, role string, state inventory.PrincipalState) inventory.Principal {
	return inventory.Principal{ID: inventory.Scoped(acmeOrg.ID, "user:"+strings.ToLower(login)), Platform: "github", Login: login,
		Kind: kind, Role: role, State: state}
}

func userID(login string) string { return inventory.Scoped(acmeOrg.ID, "user:"+login) }

func fgGrant(id, name, owner, selection string, perms inventory.Permissions) inventory.Credential {
	scope := &inventory.Scope{Kind: selection, Target: "acme"}
	return inventory.Credential{ID: inventory.Scoped(acmeOrg.ID, "fine-grained-pat:"+id), Kind: inventory.KindFineGrainedPAT,
		Platform: "github", Type: typeFineGrainedGrant, Name: name, Owner: userID(owner), Scope: scope, Permissions: perms,
		Lifetime: inventory.LifetimeStatic, Reach: inventory.ReachSourceControl, CreatedAt: daysAgo(200), LastUsedAt: daysAgo(1),
		Revocation: "POST /orgs/acme/personal-access-tokens/" + id + ` {"action":"revoke"}`,
		Locations:  []inventory.Location{orgLoc("personal-access-tokens/" + id)}, API: &inventory.APIFacts{}}
}

func ssoCred(id, typ, name, owner string, scopes ...string) inventory.Credential {
	kind := map[string]inventory.CredentialKind{typeSSOClassicPAT: inventory.KindClassicPAT, typeSSOOAuthToken: inventory.KindOAuthAppToken,
		typeSSOAppUserToken: inventory.KindUserToServerToken, typeSSOSSHKey: "user-ssh-key"}[typ]
	perms, _ := inventory.FromClassicScopes(scopes)
	return inventory.Credential{ID: inventory.Scoped(acmeOrg.ID, "sso-credential:"+id), Kind: kind, Platform: "github", Type: typ,
		Name: name, Owner: userID(owner), Scope: &inventory.Scope{Kind: "org", Target: "acme"}, Permissions: perms,
		Lifetime: inventory.LifetimeStatic, CreatedAt: daysAgo(300), LastUsedAt: daysAgo(2), ExpiresAt: daysAhead(30),
		Revocation: "DELETE /orgs/acme/credential-authorizations/" + id,
		Locations:  []inventory.Location{orgLoc("credential-authorizations/" + id)}, API: &inventory.APIFacts{Scopes: scopes}}
}

func appInstall(id, slug, selection string, perms inventory.Permissions) inventory.Credential {
	return inventory.Credential{ID: inventory.Scoped(acmeOrg.ID, "app-installation:"+id), Kind: inventory.KindAppInstallation,
		Platform: "github", Type: typeAppInstallation, Name: slug, Owner: inventory.Scoped(acmeOrg.ID, "app:"+slug),
		Scope: &inventory.Scope{Kind: selection, Target: "acme"}, Permissions: perms, Lifetime: inventory.LifetimeRefresh,
		CreatedAt: daysAgo(500), Locations: []inventory.Location{orgLoc("installations/" + id)},
		API: &inventory.APIFacts{AppSlug: slug}}
}

// agentApp is the agent an agent App's installation is (see the scanner's
// installations()), with its edge.
func agentApp(b *inventory.Builder, inst inventory.Credential, product string) string {
	id := inventory.Scoped(acmeOrg.ID, "agent-app:"+inst.Name)
	b.AddAgent(inventory.Agent{ID: id, Kind: inventory.AgentApp, Name: inst.Name, Platform: "github", Product: product,
		Location: inst.Locations[0], StartableBy: inventory.AudienceCommenters})
	l := inst.Locations[0]
	b.AddReach(inventory.Reach{Agent: id, Credential: inst.ID, Via: inventory.ViaOwner, Location: &l})
	return id
}

func deployKeyOf(repo inventory.Source, id, title, addedBy string, write bool) inventory.Credential {
	perms := inventory.Permissions{inventory.ResContents: inventory.Read}
	if write {
		perms = inventory.Permissions{inventory.ResContents: inventory.Write}
	}
	c := inventory.Credential{ID: inventory.Scoped(repo.ID, "deploy-key:"+id), Kind: inventory.KindDeployKey, Platform: "github",
		Type: typeDeployKey, Name: title, Scope: &inventory.Scope{Kind: "repository", Target: repo.Repo.FullName}, Permissions: perms,
		Lifetime: inventory.LifetimeStatic, CreatedAt: daysAgo(400), LastUsedAt: daysAgo(3),
		Revocation: "DELETE /repos/" + repo.Repo.FullName + "/keys/" + id,
		Locations:  []inventory.Location{repoLocOf(repo, "deploy-keys/"+id)}, API: &inventory.APIFacts{AddedBy: addedBy}}
	if addedBy != "" {
		c.Owner = userID(addedBy)
	}
	return c
}

func orgSecretCred(name, visibility string, updated int) inventory.Credential {
	return inventory.Credential{ID: inventory.Scoped(acmeOrg.ID, "github-org-secret:"+name), Kind: inventory.KindActionsSecret,
		Platform: "github", Type: typeOrgSecret, Name: name, Scope: &inventory.Scope{Kind: "all-repositories", Target: "acme"},
		Lifetime: inventory.LifetimeUnknown, CreatedAt: daysAgo(updated + 10), Locations: []inventory.Location{orgLoc("actions-secrets/" + name)},
		API: &inventory.APIFacts{UpdatedAt: daysAgo(updated), Visibility: visibility}}
}

func repoSecretCred(repo inventory.Source, name string, updated int) inventory.Credential {
	return inventory.Credential{ID: inventory.GitHubSecretID(repo.ID, name), Kind: inventory.KindActionsSecret, Platform: "github",
		Type: typeRepoSecret, Name: name, Scope: &inventory.Scope{Kind: "repository", Target: repo.Repo.FullName},
		Lifetime: inventory.LifetimeUnknown, CreatedAt: daysAgo(updated + 10), Locations: []inventory.Location{repoLocOf(repo, "actions-secrets/"+name)},
		API: &inventory.APIFacts{UpdatedAt: daysAgo(updated)}}
}

func envSecretCred(repo inventory.Source, env, name string, facts inventory.APIFacts) inventory.Credential {
	facts.Environment = env
	if facts.UpdatedAt == nil {
		facts.UpdatedAt = daysAgo(10)
	}
	return inventory.Credential{ID: inventory.Scoped(repo.ID, "github-environment-secret:"+env+"/"+name), Kind: inventory.KindActionsSecret,
		Platform: "github", Type: typeEnvSecret, Name: name, Scope: &inventory.Scope{Kind: "environment", Target: repo.Repo.FullName + ":" + env},
		Lifetime: inventory.LifetimeUnknown, Locations: []inventory.Location{repoLocOf(repo, "environments/"+env+"/secrets/"+name)}, API: &facts}
}

func runnerCred(id, name string, facts inventory.APIFacts) inventory.Credential {
	return inventory.Credential{ID: inventory.Scoped(acmeOrg.ID, "runner:"+id), Kind: inventory.KindRunner, Platform: "github",
		Type: typeRunner, Name: name, Scope: &inventory.Scope{Kind: "org", Target: "acme"}, Lifetime: inventory.LifetimeStatic,
		Locations: []inventory.Location{orgLoc("runners/" + id)}, API: &facts}
}

// codingAgentIn adds a CI coding agent (claude-code in job `claude` of
// .github/workflows/claude.yml) of a repository that reaches the
// credentials, and returns its id.
func codingAgentIn(b *inventory.Builder, repo inventory.Source, creds ...string) string {
	loc := inventory.Location{Source: repo.ID, Root: repo.Path, Path: ".github/workflows/claude.yml", Line: 20}
	id := inventory.Scoped(repo.ID, "agent:.github/workflows/claude.yml#claude")
	b.AddAgent(inventory.Agent{ID: id, Kind: inventory.AgentCICodingJob, Name: "claude", Platform: "github", Product: "claude-code",
		Location: loc, CI: &inventory.CIJobFacts{Workflow: ".github/workflows/claude.yml", Job: "claude"}})
	for _, c := range creds {
		l := loc
		b.AddReach(inventory.Reach{Agent: id, Credential: c, Via: inventory.ViaJobEnv, Location: &l})
	}
	return id
}

// ciJobIn adds a plain CI job (job `build` of .github/workflows/ci.yml)
// that reaches the credentials.
func ciJobIn(b *inventory.Builder, repo inventory.Source, creds ...string) string {
	loc := inventory.Location{Source: repo.ID, Root: repo.Path, Path: ".github/workflows/ci.yml", Line: 8}
	id := inventory.Scoped(repo.ID, "agent:.github/workflows/ci.yml#build")
	b.AddAgent(inventory.Agent{ID: id, Kind: inventory.AgentCIJob, Name: "build", Platform: "github", Location: loc,
		CI: &inventory.CIJobFacts{Workflow: ".github/workflows/ci.yml", Job: "build"}})
	for _, c := range creds {
		l := loc
		b.AddReach(inventory.Reach{Agent: id, Credential: c, Via: inventory.ViaJobEnv, Location: &l})
	}
	return id
}

// apiCase is one inventory an organisation scan could record, and what a
// rule must report over it.
type apiCase struct {
	name       string
	principals map[string][]string
	thresholds Thresholds
	add        func(b *inventory.Builder)
	coverage   []inventory.Coverage
	want       []apiWant
	notes      []string // substrings of the not-evaluable reasons, in order
}

type apiWant struct {
	subject string
	score   float64
	msg     []string // substrings of the message
	not     []string // substrings the message must not hold
	agent   string   // the finding's agent ("" : none)
}

// runAPICases evaluates the rule over each case's inventory (with the
// acme organisation and its repositories app and infra) and compares the
// findings by subject.
func runAPICases(t *testing.T, r *Rule, cases []apiCase) {
	t.Helper()
	runAPICasesOn(t, r, []inventory.Source{acmeOrg, acmeApp, acmeInfra}, cases)
}

// runAPICasesOn is runAPICases over other sources (a GitLab group's).
func runAPICasesOn(t *testing.T, r *Rule, sources []inventory.Source, cases []apiCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := inventory.NewBuilder()
			b.SetAccountable(tc.principals)
			for _, s := range sources {
				b.AddSource(s)
			}
			if tc.add != nil {
				tc.add(b)
			}
			inv, _ := b.Build()
			fs, notes := Evaluate([]*Rule{r}, Input{Inventory: inv, Coverage: tc.coverage, Principals: tc.principals, Now: testNow,
				Thresholds: tc.thresholds})
			var gotNotes []string
			for _, n := range notes {
				gotNotes = append(gotNotes, n.Reason)
			}
			if len(gotNotes) != len(tc.notes) {
				t.Errorf("not evaluable = %q, want %d matching %q", gotNotes, len(tc.notes), tc.notes)
			} else {
				for i, want := range tc.notes {
					if !strings.Contains(gotNotes[i], want) {
						t.Errorf("not evaluable %q lacks %q", gotNotes[i], want)
					}
				}
			}
			var subjects []string
			for _, f := range fs {
				subjects = append(subjects, f.Subject)
			}
			var want []string
			for _, w := range tc.want {
				want = append(want, w.subject)
			}
			slices.Sort(subjects)
			slices.Sort(want)
			if testing.Verbose() {
				for _, f := range fs {
					t.Logf("%s %.1f %s: %s", f.RuleID, f.Score, f.Subject, f.Message)
				}
			}
			if !slices.Equal(subjects, want) {
				for _, f := range fs {
					t.Logf("%s %.1f %s: %s", f.RuleID, f.Score, f.Subject, f.Message)
				}
				t.Fatalf("subjects = %q, want %q", subjects, want)
			}
			for _, w := range tc.want {
				i := slices.IndexFunc(fs, func(f inventory.Finding) bool { return f.Subject == w.subject })
				f := fs[i]
				if f.Score != w.score {
					t.Errorf("%s: score %.1f, want %.1f", w.subject, f.Score, w.score)
				}
				if f.Severity != inventory.SeverityForScore(w.score) {
					t.Errorf("%s: severity %s", w.subject, f.Severity)
				}
				for _, m := range w.msg {
					if !strings.Contains(f.Message, m) {
						t.Errorf("%s: message %q lacks %q", w.subject, f.Message, m)
					}
				}
				for _, m := range w.not {
					if strings.Contains(f.Message, m) {
						t.Errorf("%s: message %q holds %q", w.subject, f.Message, m)
					}
				}
				if f.Agent != w.agent {
					t.Errorf("%s: agent %q, want %q", w.subject, f.Agent, w.agent)
				}
				if !strings.HasPrefix(f.Location.Path, "github/") && !strings.HasPrefix(f.Location.Path, "gitlab/") || f.Location.Source == "" {
					t.Errorf("%s: location %+v is not the API pseudo-location", w.subject, f.Location)
				}
				if f.Properties["live"] == "false" {
					t.Errorf("%s: an API finding was taken for a workflow template", w.subject)
				}
			}
		})
	}
}

func TestThresholds(t *testing.T) {
	t.Parallel()
	d := DefaultThresholds()
	if d.MaxTTL != 90*day || d.Stale != 90*day || d.NeverUsedGrace != 30*day || d.SecretRotation != 365*day {
		t.Errorf("defaults = %+v", d)
	}
	if got := (Thresholds{}).WithDefaults(); got != d {
		t.Errorf("zero value = %+v, want the defaults", got)
	}
	got := Thresholds{Stale: 10 * day, MaxTTL: -1}.WithDefaults()
	if got.Stale != 10*day || got.MaxTTL != d.MaxTTL || got.SecretRotation != d.SecretRotation {
		t.Errorf("partial = %+v", got)
	}
	var seen Thresholds
	probe := &Rule{Metadata: Metadata{ID: "AR-CF-997", Score: 3}, Check: func(c *Context) { seen = c.Thresholds }}
	Evaluate([]*Rule{probe}, Input{Now: testNow, Thresholds: Thresholds{SecretRotation: 30 * day}})
	if seen.SecretRotation != 30*day || seen.Stale != d.Stale {
		t.Errorf("context thresholds = %+v", seen)
	}
}

func TestEscalate(t *testing.T) {
	t.Parallel()
	for in, want := range map[float64]float64{3.5: 4.5, 5.0: 7.0, 5.5: 7.0, 6.0: 7.0, 6.5: 7.5, 7.0: 9.1, 7.5: 9.1, 8.0: 9.1, 8.5: 9.5, 9.2: 9.2} {
		if got := escalate(in); got != want {
			t.Errorf("escalate(%.1f) = %.1f, want %.1f", in, got, want)
		}
		if inventory.SeverityForScore(escalate(in)) == inventory.SeverityForScore(in) && in < 9 {
			t.Errorf("escalate(%.1f) stays in its band", in)
		}
	}
}

func TestCredentialName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{"NPM_TOKEN": true, "ACME_BOT_PAT": true, "AWS_SECRET_ACCESS_KEY": true, "OPENAI_API_KEY": true,
		"DEPLOY_KEY": true, "DB_PASSWORD": true, "SIGNING_KEY": true, "SLACK_CHANNEL": false, "DOCKER_USERNAME": false, "REGION": false} {
		if got := credentialName(name); got != want {
			t.Errorf("credentialName(%s) = %v, want %v", name, got, want)
		}
	}
}
