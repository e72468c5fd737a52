package inventory

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestWebhookOrigin(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"https://hooks.example.com/services/T000/B000/XXXX":    "https://hooks.example.com",
		"http://user:pass@203.0.113.7:8080/github?token=abc#x": "http://203.0.113.7:8080",
		"HTTPS://Hooks.Example.COM":                            "https://hooks.example.com",
		"  https://ci.example/hook  ":                          "https://ci.example",
		"hooks.example.com/path":                               "",
		"":                                                     "",
		"::":                                                   "",
	} {
		if got := WebhookOrigin(raw); got != want {
			t.Errorf("WebhookOrigin(%q) = %q, want %q", raw, got, want)
		}
	}
}

// TestWebhooksBuildAndMerge: the builder keeps a webhook URL's origin only,
// whatever a scanner passes; the link stage sorts webhooks and drops exact
// repeats; Merge carries them over.
func TestWebhooksBuildAndMerge(t *testing.T) {
	t.Parallel()
	b := NewBuilder()
	hook := func(id, url string) Webhook {
		return Webhook{Source: "github:github.com/acme", ID: "github:github.com/acme|webhook:" + id, URL: url, Active: true, Events: []string{"push"},
			Location: Location{Source: "github:github.com/acme", Path: "github/acme/hooks/" + id}}
	}
	events := []string{"push"}
	h2 := hook("2", "https://chat.example/hook?token=sekrit")
	h2.Events = events
	b.AddWebhook(h2)
	events[0] = "changed" // the builder holds its own copy
	b.AddWebhook(hook("1", "https://ci.example/a/b"))
	b.AddWebhook(hook("1", "https://ci.example/a/b"))
	inv, _ := b.Build()
	if len(inv.Webhooks) != 2 || inv.Webhooks[0].ID != "github:github.com/acme|webhook:1" || inv.Webhooks[1].URL != "https://chat.example" ||
		inv.Webhooks[1].Events[0] != "push" {
		t.Fatalf("webhooks %+v", inv.Webhooks)
	}
	if got := inv.WebhooksOf("github:github.com/acme"); len(got) != 2 || len(inv.WebhooksOf("other")) != 0 {
		t.Errorf("WebhooksOf: %+v", got)
	}
	m := NewBuilder()
	m.Merge(inv, nil)
	m.Merge(inv, nil)
	again, _ := m.Build()
	a, _ := json.Marshal(inv.Webhooks)
	c, _ := json.Marshal(again.Webhooks)
	if string(a) != string(c) {
		t.Errorf("merged webhooks\n got  %s\n want %s", c, a)
	}
}

// TestMissingReferences: the link stage marks a workflow's secret reference
// Missing only in a source whose secret names are completely known, when
// none of them is the reference's name (case-insensitively), and never for
// GITHUB_TOKEN, all-secrets, a backed reference or one that only a
// reusable workflow makes.
func TestMissingReferences(t *testing.T) {
	t.Parallel()
	const app, lib, other = "github:github.com/acme/app", "github:github.com/acme/lib", "github:github.com/acme/other"
	ref := func(src, name, path string) Credential {
		return Credential{ID: GitHubSecretID(src, name), Kind: KindActionsSecret, Platform: PlatformGitHub, Name: name,
			Locations: []Location{{Source: src, Path: path, Line: 3}}}
	}
	wf := func(src, path string, events ...string) Workflow {
		w := Workflow{Source: src, Platform: PlatformGitHub, Path: path}
		for _, e := range events {
			w.Triggers = append(w.Triggers, Trigger{Event: e})
		}
		return w
	}
	b := NewBuilder()
	b.AddWorkflow(wf(app, ".github/workflows/ci.yml", "push", "pull_request"))
	b.AddWorkflow(wf(app, ".github/workflows/reusable.yml", "workflow_call"))
	b.AddWorkflow(wf(app, ".github/workflows/both.yml", "workflow_call", "workflow_dispatch"))
	b.AddWorkflow(wf(other, ".github/workflows/ci.yml", "push"))
	for _, c := range []Credential{
		ref(app, "SLACK_WEBHOOK", ".github/workflows/ci.yml"),     // missing
		ref(app, "npm_token", ".github/workflows/ci.yml"),         // NPM_TOKEN is stored: names are case-insensitive
		ref(app, "DEPLOY_KEY", ".github/workflows/ci.yml"),        // an environment secret
		ref(app, "GITHUB_TOKEN", ".github/workflows/ci.yml"),      // the job's own token
		ref(app, "*", ".github/workflows/ci.yml"),                 // all secrets
		ref(app, "FROM_CALLER", ".github/workflows/reusable.yml"), // a caller beyond the scan may pass it
		ref(app, "BOTH", ".github/workflows/both.yml"),            // dispatched directly too: missing
		ref(app, "BOUND", ".github/workflows/ci.yml"),             // backed by an organisation secret
		ref(other, "SLACK_WEBHOOK", ".github/workflows/ci.yml"),   // names of other not known
	} {
		b.AddCredential(c)
	}
	b.AddCredential(Credential{ID: "github:github.com/acme|github-org-secret:BOUND", Kind: KindActionsSecret, Name: "BOUND"})
	b.AddBinding(Binding{Credential: GitHubSecretID(app, "BOUND"), Backing: []string{"github:github.com/acme|github-org-secret:BOUND"}})
	b.AddSecretNames(SecretNames{Source: app, Names: []string{"NPM_TOKEN"}})
	b.AddSecretNames(SecretNames{Source: app, Names: []string{"DEPLOY_KEY"}})
	b.AddSecretNames(SecretNames{Source: lib, Names: nil}) // known, holds none; no reference
	inv, _ := b.Build()
	var missing []string
	for _, c := range inv.Credentials {
		if c.Missing {
			missing = append(missing, c.ID)
		}
	}
	want := []string{GitHubSecretID(app, "BOTH"), GitHubSecretID(app, "SLACK_WEBHOOK")}
	if !slices.Equal(missing, want) {
		t.Errorf("missing %v, want %v", missing, want)
	}

	// A merged report keeps the fact (the names are not in it).
	m := NewBuilder()
	m.Merge(inv, nil)
	merged, _ := m.Build()
	if c := merged.Credential(GitHubSecretID(app, "SLACK_WEBHOOK")); c == nil || !c.Missing {
		t.Errorf("merged: %+v", c)
	}
}

// TestJobVariables: an agent with a shell in a GitLab job reaches every
// stored variable its job receives — the project's own and the group's it
// inherits — and no variable whose protection, environment scope or
// contents keep it out, nor one the project overrides.
func TestJobVariables(t *testing.T) {
	const proj, grp = "gitlab:h/acme/app", "gitlab:h/acme"
	v := func(id, name string, f VariableFacts) Credential {
		return Credential{ID: id, Kind: KindCIVariable, Platform: PlatformGitLab, Name: name, API: &APIFacts{Variable: &f}}
	}
	tok := VariableFacts{ValueType: "gitlab-pat"}
	build := func(j JobVariables) map[string]bool {
		b := NewBuilder()
		b.AddCredential(v(GitLabVariableID(proj, "DEPLOY_TOKEN"), "DEPLOY_TOKEN", tok))
		b.AddCredential(v(GitLabVariableID(proj, "PROD_KEY"), "PROD_KEY", VariableFacts{ValueType: "aws-access-key", Protected: true}))
		b.AddCredential(v(GitLabVariableID(proj, "STAGING_KEY"), "STAGING_KEY", VariableFacts{ValueType: "aws-access-key", EnvironmentScope: "review/*"}))
		b.AddCredential(v(GitLabVariableID(proj, "LOG_LEVEL"), "LOG_LEVEL", VariableFacts{}))
		b.AddCredential(v(GitLabVariableID(proj, "NPM_TOKEN"), "NPM_TOKEN", tok)) // overrides the group's
		b.AddCredential(v(Scoped(grp, "gitlab-group-variable:BOT_TOKEN@*"), "BOT_TOKEN", tok))
		b.AddCredential(v(Scoped(grp, "gitlab-group-variable:NPM_TOKEN@*"), "NPM_TOKEN", tok))
		b.AddCredential(v(Scoped("gitlab:h/other", "gitlab-ci-variable:OTHER"), "OTHER", tok))
		b.AddBinding(Binding{Credential: GitLabVariableID(proj, "BOT_TOKEN"), Backing: []string{Scoped(grp, "gitlab-group-variable:BOT_TOKEN@*")}})
		b.AddJobVariables(j)
		inv, _ := b.Build()
		got := map[string]bool{}
		for _, r := range inv.ReachesOf(j.Agent) {
			if r.Via == ViaJobVariables {
				got[inv.Credential(r.Credential).Name] = true
				if r.Credential == Scoped(grp, "gitlab-group-variable:NPM_TOKEN@*") {
					t.Errorf("the group's NPM_TOKEN, which the project overrides, is reached")
				}
			}
		}
		return got
	}
	agent := proj + "|gitlab-ci:.gitlab-ci.yml#agent"
	for _, tc := range []struct {
		name string
		j    JobVariables
		want string
	}{
		{"merge request pipeline, no environment", JobVariables{Agent: agent, Source: proj}, "BOT_TOKEN,DEPLOY_TOKEN,NPM_TOKEN"},
		{"protected ref", JobVariables{Agent: agent, Source: proj, Protected: true}, "BOT_TOKEN,DEPLOY_TOKEN,NPM_TOKEN,PROD_KEY"},
		{"review environment", JobVariables{Agent: agent, Source: proj, Environment: "review/feature-1"}, "BOT_TOKEN,DEPLOY_TOKEN,NPM_TOKEN,STAGING_KEY"},
	} {
		got := build(tc.j)
		names := slices.Sorted(maps.Keys(got))
		if strings.Join(names, ",") != tc.want {
			t.Errorf("%s: reached %v, want %s", tc.name, names, tc.want)
		}
	}
}
