package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/fakegitlab"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/report"
)

// TestGitLabInstanceScan: `scan --gitlab-instance` as the administrator
// reads every top-level group and the instance's OAuth applications (with
// no secret in the report); a token whose user is not an administrator is
// a usage error that says why, and so is --gitlab-instance with
// --gitlab-group.
func TestGitLabInstanceScan(t *testing.T) {
	t.Parallel()
	inst := fakegitlab.AddBeta(fakegitlab.Acme())
	for _, a := range inst.Applications {
		a.ListSecret = true // a misbehaving API: the report must still hold no secret
	}
	srv := fakegitlab.New(inst)
	defer srv.Close()
	args := func(extra ...string) []string {
		return append([]string{"scan", "--gitlab-instance", "--gitlab-url", srv.URL(), "--gitlab-host", "gitlab.example.com", "--no-cache", "-q"}, extra...)
	}

	t.Run("administrator", func(t *testing.T) {
		env := map[string]string{"GITLAB_TOKEN": srv.NewToken(fakegitlab.Token{User: "root"})}
		out := filepath.Join(t.TempDir(), "r.json")
		res := run(t, env, args("-o", "json="+out)...)
		if res.code != ExitOK {
			t.Fatalf("exit %d; stderr: %s", res.code, res.err)
		}
		rep := readReport(t, out)
		if !slices.Equal(rep.Scan.Targets, []report.Target{{Kind: "gitlab-group", Name: "instance"}}) {
			t.Errorf("targets %+v", rep.Scan.Targets)
		}
		inv := rep.Inventory
		for _, id := range []string{"gitlab:gitlab.example.com/acme", "gitlab:gitlab.example.com/beta", "gitlab:gitlab.example.com/instance"} {
			if inv.SourceByID(id) == nil {
				t.Errorf("no source %s", id)
			}
		}
		if !slices.ContainsFunc(inv.Credentials, func(c inventory.Credential) bool { return c.Kind == "oauth-application" }) {
			t.Error("no OAuth application in the report")
		}
		if !slices.ContainsFunc(inv.Principals, func(p inventory.Principal) bool {
			return p.Kind == inventory.PrincipalService && strings.HasPrefix(p.ID, "gitlab:gitlab.example.com/beta|")
		}) {
			t.Error("no service account of beta in the report")
		}
		data := mustRead(t, out)
		for _, a := range inst.Applications {
			if strings.Contains(data, a.Secret[6:]) || strings.Contains(data, a.ApplicationID) {
				t.Fatalf("the report holds application %d's secret or client id", a.ID)
			}
		}
	})

	t.Run("not an administrator", func(t *testing.T) {
		env := map[string]string{"GITLAB_TOKEN": srv.NewToken(fakegitlab.Token{User: "acme-owner"})}
		res := run(t, env, args()...)
		if res.code != ExitUsage || !strings.Contains(res.err, "needs an administrator's token") || !strings.Contains(res.err, "acme-owner") {
			t.Fatalf("exit %d, stderr %q", res.code, res.err)
		}
	})

	t.Run("with --gitlab-group", func(t *testing.T) {
		res := run(t, map[string]string{"GITLAB_TOKEN": "x"}, args("--gitlab-group", "acme")...)
		if res.code != ExitUsage || !strings.Contains(res.err, "drop --gitlab-group") {
			t.Fatalf("exit %d, stderr %q", res.code, res.err)
		}
	})
}
