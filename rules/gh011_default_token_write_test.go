package rules

import (
	"fmt"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

// setting is a setting as the organisation scan records it.
func setting(src inventory.Source, name, value string, inherited bool) inventory.Setting {
	s := inventory.Setting{Source: src.ID, Name: name, Value: value, Inherited: inherited}
	if src.Repo != nil {
		s.Location = repoLocOf(src, "settings/actions/"+name)
	} else {
		s.Location = orgLoc("settings/actions/" + name)
	}
	return s
}

// workflowJobs adds a workflow of a repository whose jobs take their token
// permissions from the given sources (job id → PermissionsSource); a job
// named "claude" runs a coding agent with pull-requests: write.
func workflowJobs(b *inventory.Builder, repo inventory.Source, path string, jobs ...[2]string) {
	wf := inventory.Workflow{Source: repo.ID, Platform: "github", Path: path, Root: repo.Path}
	for _, j := range jobs {
		job := inventory.Job{ID: j[0], PermissionsSource: j[1], Location: inventory.Location{Source: repo.ID, Root: repo.Path, Path: path, Line: 5}}
		if j[0] == "claude" {
			job.Agent = codingAgentIn(b, repo)
			job.EffectivePermissions = inventory.Permissions{inventory.ResContents: inventory.Write, inventory.ResPullRequests: inventory.Write}
		}
		wf.Jobs = append(wf.Jobs, job)
	}
	b.AddWorkflow(wf)
}

func TestDefaultTokenWrite(t *testing.T) {
	t.Parallel()
	const name = inventory.SettingDefaultWorkflowPermissions
	orgSubject := inventory.Scoped(acmeOrg.ID, "setting:"+name)
	repoSubject := func(s inventory.Source) string { return inventory.Scoped(s.ID, "setting:"+name) }
	old := acmeRepo("old", "private")
	old.Repo.Archived = true
	personal := acmeRepo("tool", "public")
	personal.Repo.Org = ""
	runAPICases(t, DefaultTokenWrite, []apiCase{
		{name: "organisation default write: one result for the repositories that keep it", add: func(b *inventory.Builder) {
			b.AddSource(old)
			b.AddSetting(setting(acmeOrg, name, "write", false))
			b.AddSetting(setting(acmeApp, name, "write", false))
			b.AddSetting(setting(acmeInfra, name, "read", false))
			b.AddSetting(setting(old, name, "write", false))
			workflowJobs(b, acmeApp, ".github/workflows/ci.yml", [2]string{"build", "default (repository setting: write)"},
				[2]string{"lint", "job"})
			workflowJobs(b, acmeApp, "docs/examples/.github/workflows/x.yml", [2]string{"sample", "default (repository setting: write)"})
			workflowJobs(b, acmeInfra, ".github/workflows/plan.yml", [2]string{"plan", "default (repository setting: read)"})
		}, want: []apiWant{{subject: orgSubject, score: 6.5, msg: []string{"The organisation acme gives every workflow job a read-and-write GITHUB_TOKEN",
			"in force in 1 of the 2 repositories read", "1 job without `permissions:` relies on it: job `build` of acme/app/.github/workflows/ci.yml",
			"Set the organisation's default to read"}}}},
		{name: "a thousand repositories keeping the organisation's write: still one result", add: func(b *inventory.Builder) {
			b.AddSetting(setting(acmeOrg, name, "write", false))
			for i := range 1000 {
				r := acmeRepo(fmt.Sprintf("svc-%04d", i), "private")
				b.AddSource(r)
				b.AddSetting(setting(r, name, "write", false))
			}
		}, want: []apiWant{{subject: orgSubject, score: 6.5, msg: []string{"in force in 1000 of the 1000 repositories read",
			"no job of the workflows read relies on it"}}}},
		{name: "a repository that sets write itself", add: func(b *inventory.Builder) {
			b.AddSetting(setting(acmeOrg, name, "read", false))
			b.AddSetting(setting(acmeApp, name, "write", false))
			b.AddSetting(setting(acmeInfra, name, "read", true))
		}, want: []apiWant{{subject: repoSubject(acmeApp), score: 6.5, msg: []string{"The repository acme/app gives its workflow jobs a read-and-write",
			"although its organisation's is read"}}}},
		{name: "the organisation's setting was not read", add: func(b *inventory.Builder) {
			b.AddSetting(setting(acmeApp, name, "write", false))
		}, want: []apiWant{{subject: repoSubject(acmeApp), score: 6.5, msg: []string{"(its organisation's default was not read)"}}},
			coverage: []inventory.Coverage{{Source: "github", Target: "github.com/acme", Path: endpointOrgWorkflow, Status: inventory.CoverageFailed,
				Reason: "403"}},
			notes: []string{"/orgs/{org}/actions/permissions/workflow was not read for github.com/acme"}},
		{name: "a user's repository", add: func(b *inventory.Builder) {
			b.AddSource(personal)
			b.AddSetting(setting(personal, name, "write", false))
		}, want: []apiWant{{subject: repoSubject(personal), score: 6.5, msg: []string{"(`default_workflow_permissions: write`); no job"}}}},
		{name: "read everywhere", add: func(b *inventory.Builder) {
			b.AddSetting(setting(acmeOrg, name, "read", false))
			b.AddSetting(setting(acmeApp, name, "read", true))
		}},
		{name: "archived repositories run no workflows", add: func(b *inventory.Builder) {
			b.AddSource(old)
			b.AddSetting(setting(old, name, "write", false))
		}},
		{name: "a coding agent relies on the default", add: func(b *inventory.Builder) {
			b.AddSetting(setting(acmeOrg, name, "write", false))
			b.AddSetting(setting(acmeApp, name, "write", false))
			workflowJobs(b, acmeApp, ".github/workflows/claude.yml", [2]string{"claude", "default (repository setting: write)"})
		}, want: []apiWant{{subject: orgSubject, score: 7.5, agent: inventory.Scoped(acmeApp.ID, "agent:.github/workflows/claude.yml#claude"),
			msg: []string{"Coding agents run with it: the Claude Code agent in job `claude` of .github/workflows/claude.yml in acme/app"}}}},
	})
}
