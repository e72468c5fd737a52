package gitlab_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/fakegitlab"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/scanners/agentconfig"
	glscan "github.com/agentreach/agentreach/scanners/gitlab"
	"github.com/agentreach/agentreach/scanners/local"
	"github.com/agentreach/agentreach/scanners/secrets"
	"github.com/agentreach/agentreach/scanners/workflows"
)

// scanAcme scans the fixture group as the given user.
func scanAcme(t *testing.T, srv *fakegitlab.Server, user string) (*inventory.Inventory, []inventory.Coverage, *secrets.Engine) {
	t.Helper()
	tok := srv.NewToken(fakegitlab.Token{User: user})
	engine := secrets.NewEngine(nil)
	ci := workflows.NewAnalyzer(workflows.Options{Values: engine})
	ag := agentconfig.NewAnalyzer(engine)
	as := []local.Analyzer{&secrets.Analyzer{Engine: engine}, ci, ag}
	sc, err := glscan.New(glscan.Options{URL: srv.URL(), Host: "gitlab.example.com", Token: tok, Values: engine, Retry: apiNoRetry(),
		Wants: func(p string) bool { return ci.Wants(p, 0) || ag.Wants(p, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	b := inventory.NewBuilder()
	files := func(ctx context.Context, src inventory.Source) (int, error) {
		return local.ScanFS(ctx, src, as, local.Options{}, b)
	}
	if err := sc.ScanGroup(context.Background(), "acme", files, b); err != nil {
		t.Fatal(err)
	}
	inv, cov := b.Build()
	return inv, cov, engine
}

const acmeSrc = "gitlab:gitlab.example.com/acme"

// TestScanGroupAsOwner: the group's Owner sees everything; the group
// variable a project's agent job names is one credential backed by the
// group's, the job reaches it, a project: include inside the group is read,
// and no variable value is kept.
func TestScanGroupAsOwner(t *testing.T) {
	srv := fakegitlab.New(fakegitlab.Acme())
	defer srv.Close()
	inv, cov, _ := scanAcme(t, srv, "acme-owner")
	for _, c := range cov {
		if c.Incomplete() {
			t.Errorf("incomplete: %+v", c)
		}
		if c.OutOfScope() && strings.Contains(c.Reason, "ci-templates") {
			t.Errorf("the project: include of a project in the group must be read: %+v", c)
		}
	}
	groupVar := inv.Credential(acmeSrc + "|gitlab-group-variable:GITLAB_BOT_TOKEN@*")
	if groupVar == nil || !strings.HasPrefix(groupVar.Redacted, "glpat-") || groupVar.API == nil || groupVar.API.Variable == nil || groupVar.API.Variable.ValueType == "" {
		t.Fatalf("group variable GITLAB_BOT_TOKEN: want a recognised GitLab token, got %+v", groupVar)
	}
	reached := inv.AgentsReaching(groupVar.ID)
	if len(reached) == 0 || !strings.Contains(reached[0].Agent, "acme/apps/agent-bot|gitlab-ci:.gitlab-ci.yml#claude") {
		t.Errorf("the claude job must reach the group variable: %+v", reached)
	}
	if inv.Agent(acmeSrc+"/apps/web-app|gitlab-ci:.gitlab-ci.yml#deploy-production") == nil {
		t.Error("the job defined in acme/platform/ci-templates (include: project:) is missing")
	}
	gat := inv.Credential(acmeSrc + "|group-access-token:5001")
	if gat == nil || gat.API.AccessLevel != 50 || gat.ExpiresAt != nil || gat.Permissions.Get(inventory.ResAdministration) < inventory.Admin {
		t.Errorf("group access token 5001 (Owner, api, no expiry): %+v", gat)
	}
	erin := inv.PrincipalByID(acmeSrc + "|user:erin")
	if erin == nil || erin.State != inventory.StateSuspended {
		t.Errorf("erin is blocked: %+v", erin)
	}
	trig := inv.Credential(acmeSrc + "/apps/agent-bot|pipeline-trigger:8001")
	if trig == nil || trig.Owner != erin.ID {
		t.Errorf("trigger 8001 belongs to erin: %+v", trig)
	}
	js := ""
	for _, st := range inv.SettingsOf(acmeSrc + "/apps/web-app") {
		if st.Name == glscan.SettingJobTokenInbound {
			js = st.Value
		}
	}
	if js != "false" {
		t.Errorf("web-app job token inbound allowlist: %q, want false", js)
	}
}

// TestScanGroupAsDeveloper: a Developer may not read variables, tokens or
// runners; each gap is in coverage with the role it needs.
func TestScanGroupAsDeveloper(t *testing.T) {
	srv := fakegitlab.New(fakegitlab.Acme())
	defer srv.Close()
	_, cov, _ := scanAcme(t, srv, "carol")
	need := map[string]bool{}
	for _, c := range cov {
		if c.Status == inventory.CoverageFailed && strings.Contains(c.Reason, "403") && strings.Contains(c.Reason, "needs read_api and role") {
			need[c.Path] = true
		}
	}
	for _, ep := range []string{"/projects/:id/variables", "/groups/:id/variables", "/groups/:id/access_tokens"} {
		if !need[ep] {
			t.Errorf("no failed coverage entry with the role for %s: %v", ep, need)
		}
	}
}

// TestNoVariableValueAnywhere: a token-shaped variable value appears in no
// part of the inventory and coverage (only its redacted preview), and the
// cache directory holds none of it.
func TestNoVariableValueAnywhere(t *testing.T) {
	inst := fakegitlab.Acme()
	srv := fakegitlab.New(inst)
	defer srv.Close()
	inv, cov, _ := scanAcme(t, srv, "acme-owner")
	out, err := json.Marshal(struct {
		I *inventory.Inventory
		C []inventory.Coverage
	}{inv, cov})
	if err != nil {
		t.Fatal(err)
	}
	var values []string
	for _, g := range inst.AllGroups() {
		for _, v := range g.Variables {
			values = append(values, v.Value)
		}
	}
	for _, p := range inst.AllProjects() {
		for _, v := range p.Variables {
			values = append(values, v.Value)
		}
	}
	checked := 0
	for _, v := range values {
		if len(v) < 16 {
			continue // region names and the like
		}
		checked++
		for i := 0; i+8 <= len(v); i++ {
			if strings.Contains(string(out), v[i:i+8]) {
				t.Fatalf("an 8-character run of a variable's value is in the scan's output")
			}
		}
	}
	if checked == 0 {
		t.Fatal("the fixture has no token-shaped variable value to check")
	}
}

// TestScanGroupAsAdmin: an administrator's token also reads the instance's
// token-lifetime policy and every user's active personal access tokens.
func TestScanGroupAsAdmin(t *testing.T) {
	srv := fakegitlab.New(fakegitlab.Acme())
	defer srv.Close()
	inv, cov, _ := scanAcme(t, srv, "root")
	for _, c := range cov {
		if c.Incomplete() {
			t.Errorf("incomplete: %+v", c)
		}
	}
	pats := 0
	for _, c := range inv.Credentials {
		if c.Kind == inventory.KindPersonalAccessToken && c.Type == "gitlab-personal-access-token" {
			pats++
			if c.Owner == "" || c.Revocation == "" {
				t.Errorf("PAT without owner or revocation: %+v", c)
			}
		}
	}
	if pats == 0 {
		t.Error("no instance personal access tokens")
	}
	var policy string
	for _, s := range inv.SettingsOf("gitlab:gitlab.example.com/instance") {
		if s.Name == glscan.SettingRequirePATExpiry {
			policy = s.Value
		}
	}
	if policy != "false" {
		t.Errorf("require_personal_access_token_expiry: %q", policy)
	}
}

// TestInterruptedIsNotAPermissionGap: a scan whose context ends says
// "interrupted", not that the token lacks a role.
func TestInterruptedIsNotAPermissionGap(t *testing.T) {
	srv := fakegitlab.New(fakegitlab.Acme())
	defer srv.Close()
	tok := srv.NewToken(fakegitlab.Token{User: "acme-owner"})
	engine := secrets.NewEngine(nil)
	sc, err := glscan.New(glscan.Options{URL: srv.URL(), Host: "gitlab.example.com", Token: tok, Values: engine, Retry: apiNoRetry()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b := inventory.NewBuilder()
	_ = sc.ScanGroup(ctx, "acme", nil, b)
	_, cov := b.Build()
	if len(cov) == 0 {
		t.Fatal("no coverage entry for an interrupted scan")
	}
	for _, c := range cov {
		if strings.Contains(c.Reason, "needs read_api") {
			t.Errorf("an interrupted request reads as a permission gap: %+v", c)
		}
		if c.Status == inventory.CoverageFailed && c.Reason != "interrupted" {
			t.Errorf("want \"interrupted\", got %+v", c)
		}
	}
}

// TestScanGroupResolvesTemplates: `include: template:` is read from the
// instance (GET /templates/gitlab_ci_ymls/:key), with the templates it
// includes in turn, once a scan: its jobs are the project's, at the
// template's location; one the instance does not serve stays out of scope,
// as in a local scan.
func TestScanGroupResolvesTemplates(t *testing.T) {
	env := newFaultEnv()
	srv := env.server()
	defer srv.Close()
	srv.Update(func(in *fakegitlab.Instance) {
		in.CITemplates = map[string]string{
			"Jobs/AI-Review": "include:\n  - template: Jobs/Base.gitlab-ci.yml\nai-review:\n  extends: .base\n  script:\n" +
				"    - claude -p \"Review the merge request\" --dangerously-skip-permissions\n",
			"Jobs/Base": ".base:\n  image: node:22\n  variables:\n    GIT_DEPTH: \"0\"\n",
		}
		from := in.Project("acme/apps/mcp-tools")
		for i, name := range []string{"tpl-one", "tpl-two"} {
			in.Group("acme/apps").Projects = append(in.Group("acme/apps").Projects, &fakegitlab.Project{ID: int64(1090 + i), Path: name, Name: name,
				Visibility: from.Visibility, DefaultBranch: from.DefaultBranch, CreatedAt: in.Now, LastActivityAt: in.Now, CI: fakegitlab.DefaultCI(),
				Files: map[string][]byte{".gitlab-ci.yml": []byte("include:\n  - template: Jobs/AI-Review.gitlab-ci.yml\n  - template: Missing.gitlab-ci.yml\n" +
					"build:\n  script: [make]\n")}})
		}
	})
	res := env.scanGroup(t, srv, glscan.Options{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	for _, name := range []string{"tpl-one", "tpl-two"} {
		src := "gitlab:gitlab.example.com/acme/apps/" + name
		a := res.inv.Agent(src + "|gitlab-ci:.gitlab-ci.yml#ai-review")
		if a == nil || a.Kind != inventory.AgentCICodingJob || a.Location.Path != "templates/Jobs/AI-Review.gitlab-ci.yml" {
			t.Errorf("%s: the template's agent job: %+v", name, a)
		}
	}
	missing, aiReview := false, false
	for _, c := range res.cov {
		if strings.Contains(c.Reason, "Missing.gitlab-ci.yml") && c.OutOfScope() {
			missing = true
		}
		if strings.Contains(c.Reason, "AI-Review") || strings.Contains(c.Reason, "Jobs/Base") {
			aiReview = true
			t.Errorf("a served template still named in coverage: %+v", c)
		}
	}
	if !missing || aiReview {
		t.Errorf("the template the instance does not serve must be out of scope:%s", covLines(res.cov))
	}
	st := srv.Requests()
	if n := st.ByTemplate["GET /templates/gitlab_ci_ymls/:key"]; n != 3 {
		t.Errorf("%d template requests for two projects including the same two templates (and a missing one): want 3, each once", n)
	}
}
