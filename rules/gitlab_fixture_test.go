package rules

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/agentreach/agentreach/inventory"
	glscan "github.com/agentreach/agentreach/scanners/gitlab"
	"github.com/agentreach/agentreach/scanners/secrets"
)

// The inventory a GitLab group scan of "acme" on gitlab.example.com records
// (see scanners/gitlab): the ids, pseudo-locations, Types and settings the
// rules read.

const glHost = "gitlab.example.com"

var (
	glAcme = inventory.Source{ID: inventory.PlatformSourceID("gitlab", glHost, "acme"), Kind: inventory.SourceGitLabGroup,
		Path: glHost + "/acme", Host: glHost}
	glApp      = glProjectSrc("acme/app", "private")
	glWeb      = glProjectSrc("acme/platform/web", "public")
	glInstance = inventory.Source{ID: inventory.PlatformSourceID("gitlab", glHost, "instance"), Kind: inventory.SourceGitLabGroup,
		Path: glHost, Host: glHost}
	glSources = []inventory.Source{glAcme, glApp, glWeb}
)

func glProjectSrc(full, visibility string) inventory.Source {
	return inventory.Source{ID: inventory.PlatformSourceID("gitlab", glHost, full), Kind: inventory.SourceGitLabProject,
		Path: glHost + "/" + full, Host: glHost, Remote: glHost + "/" + full,
		Repo: &inventory.RepoFacts{FullName: full, Visibility: visibility, DefaultBranch: "main", Org: glAcme.ID}}
}

func glGroupSrcID(group string) string { return inventory.PlatformSourceID("gitlab", glHost, group) }

func glGroupLoc(group, rel string) inventory.Location {
	return inventory.Location{Source: glGroupSrcID(group), Root: glHost + "/" + group, Path: "gitlab/" + group + "/" + rel}
}

func glProjLoc(p inventory.Source, rel string) inventory.Location {
	return inventory.Location{Source: p.ID, Root: p.Path, Path: "gitlab/" + p.Repo.FullName + "/" + rel}
}

// glTokenCred is an access token as addAccessToken records it: active,
// created 100 days ago, used yesterday, expiring in 30 days.
func glTokenCred(kind inventory.CredentialKind, typ string, loc inventory.Location, scope *inventory.Scope, id int, name string,
	level int, scopes []string) inventory.Credential {
	perms, _ := inventory.FromGitLabScopes(scopes)
	if level > 0 {
		lp, _ := inventory.FromGitLabAccessLevel(level)
		perms = perms.Meet(lp)
	}
	return inventory.Credential{ID: inventory.Scoped(loc.Source, fmt.Sprintf("%s:%d", kind, id)), Kind: kind, Platform: "gitlab",
		Type: typ, Name: name, Owner: inventory.Scoped(glAcme.ID, fmt.Sprintf("user-id:%d", 1000+id)),
		Storage: "held wherever it was copied (GitLab shows it once, at creation)", Scope: scope, Permissions: perms,
		Lifetime: inventory.LifetimeStatic, Reach: inventory.ReachSourceControl, CreatedAt: daysAgo(100), ExpiresAt: daysAhead(30),
		LastUsedAt: daysAgo(1), Locations: []inventory.Location{loc},
		API: &inventory.APIFacts{Scopes: scopes, AccessLevel: level}}
}

func glGroupToken(group string, id int, name string, level int, scopes ...string) inventory.Credential {
	c := glTokenCred(inventory.KindGroupAccessToken, typeGLGroupToken, glGroupLoc(group, fmt.Sprintf("access-tokens/%d", id)),
		&inventory.Scope{Kind: "group", Target: group}, id, name, level, scopes)
	c.Revocation = fmt.Sprintf("DELETE /groups/%s/access_tokens/%d (a group Owner; the scanner never calls it)", url.PathEscape(group), id)
	return c
}

func glProjectToken(p inventory.Source, id int, name string, level int, scopes ...string) inventory.Credential {
	c := glTokenCred(inventory.KindProjectAccessToken, typeGLProjectToken, glProjLoc(p, fmt.Sprintf("access-tokens/%d", id)),
		&inventory.Scope{Kind: "repository", Target: p.Repo.FullName}, id, name, level, scopes)
	c.Revocation = fmt.Sprintf("DELETE /projects/%s/access_tokens/%d (a project Maintainer; the scanner never calls it)",
		url.PathEscape(p.Repo.FullName), id)
	return c
}

// glPAT is a personal access token of a user (an administrator's scan).
func glPAT(id int, name, login string, scopes ...string) inventory.Credential {
	c := glTokenCred(inventory.KindPersonalAccessToken, "", inventory.Location{Source: glInstance.ID, Root: glInstance.Path,
		Path: fmt.Sprintf("gitlab/instance/personal-access-tokens/%d", id)}, &inventory.Scope{Kind: "instance", Target: glHost}, id,
		name, 0, scopes)
	c.Owner = inventory.Scoped(glAcme.ID, "user:"+login)
	c.Revocation = fmt.Sprintf("DELETE /personal_access_tokens/%d", id)
	return c
}

func glUserP(login string, kind inventory.PrincipalKind, state inventory.PrincipalState) inventory.Principal {
	return inventory.Principal{ID: inventory.Scoped(glAcme.ID, "user:"+login), Platform: "gitlab", Login: login, Kind: kind, State: state}
}

func glDeployKeyCred(p inventory.Source, id int, title string, push bool) inventory.Credential {
	perms := inventory.Permissions{inventory.ResContents: inventory.Read}
	if push {
		perms = inventory.Permissions{inventory.ResContents: inventory.Write}
	}
	return inventory.Credential{ID: inventory.Scoped(p.ID, fmt.Sprintf("deploy-key:%d", id)), Kind: inventory.KindDeployKey,
		Platform: "gitlab", Type: typeGLDeployKey, Name: title, Storage: "an SSH private key held wherever it was deployed",
		Scope: &inventory.Scope{Kind: "repository", Target: p.Repo.FullName}, Permissions: perms, Lifetime: inventory.LifetimeStatic,
		Reach: inventory.ReachSourceControl, CreatedAt: daysAgo(300),
		Revocation: fmt.Sprintf("DELETE /projects/%s/deploy_keys/%d", url.PathEscape(p.Repo.FullName), id),
		Locations:  []inventory.Location{glProjLoc(p, fmt.Sprintf("deploy-keys/%d", id))}, API: &inventory.APIFacts{}}
}

func glDeployTokenCred(p *inventory.Source, group string, id int, name string, scopes ...string) inventory.Credential {
	scope, loc := &inventory.Scope{Kind: "group", Target: group}, glGroupLoc(group, fmt.Sprintf("deploy-tokens/%d", id))
	revoke := fmt.Sprintf("DELETE /groups/%s/deploy_tokens/%d", url.PathEscape(group), id)
	if p != nil {
		scope, loc = &inventory.Scope{Kind: "repository", Target: p.Repo.FullName}, glProjLoc(*p, fmt.Sprintf("deploy-tokens/%d", id))
		revoke = fmt.Sprintf("DELETE /projects/%s/deploy_tokens/%d", url.PathEscape(p.Repo.FullName), id)
	}
	return inventory.Credential{ID: inventory.Scoped(loc.Source, fmt.Sprintf("deploy-token:%d", id)), Kind: inventory.KindDeployToken,
		Platform: "gitlab", Type: typeGLDeployToken, Name: name, Scope: scope, Lifetime: inventory.LifetimeStatic,
		Reach: inventory.ReachPackageRegistry, Revocation: revoke, Locations: []inventory.Location{loc},
		API: &inventory.APIFacts{Scopes: scopes}}
}

// glProjectVar is a project CI/CD variable; valueType and redacted are
// what the detection engine said of its value ("": not recognised).
func glProjectVar(p inventory.Source, key string, f inventory.VariableFacts, redacted string) inventory.Credential {
	return glVar(inventory.GitLabVariableID(p.ID, key), typeGLProjectVar, key, f, redacted,
		&inventory.Scope{Kind: "repository", Target: p.Repo.FullName}, glProjLoc(p, "variables/"+key))
}

func glGroupVar(group, key string, f inventory.VariableFacts, redacted string) inventory.Credential {
	if f.EnvironmentScope == "" {
		f.EnvironmentScope = "*"
	}
	return glVar(inventory.Scoped(glGroupSrcID(group), "gitlab-group-variable:"+key+"@"+f.EnvironmentScope), typeGLGroupVar, key, f,
		redacted, &inventory.Scope{Kind: "group", Target: group}, glGroupLoc(group, "variables/"+key))
}

func glVar(id, typ, key string, f inventory.VariableFacts, redacted string, scope *inventory.Scope, loc inventory.Location) inventory.Credential {
	if f.EnvironmentScope == "" {
		f.EnvironmentScope = "*"
	}
	c := inventory.Credential{ID: id, Kind: inventory.KindCIVariable, Platform: "gitlab", Type: typ, Name: key,
		Storage: "GitLab CI/CD variable", Scope: scope, Lifetime: inventory.LifetimeUnknown, Locations: []inventory.Location{loc},
		API: &inventory.APIFacts{Variable: &f}}
	if f.ValueType != "" {
		c.Redacted, c.ValueHMAC, c.Lifetime = redacted, "0123456789abcdef0123456789abcdef", inventory.LifetimeStatic
	}
	return c
}

func glRunnerCred(id int, name, group string, r inventory.RunnerFacts) inventory.Credential {
	r.Type = "group_type"
	return inventory.Credential{ID: inventory.Scoped(glAcme.ID, fmt.Sprintf("runner:%d", id)), Kind: inventory.KindRunner, Platform: "gitlab",
		Type: typeGLRunner, Name: name, Scope: &inventory.Scope{Kind: "group", Target: group}, Lifetime: inventory.LifetimeStatic,
		Reach: inventory.ReachInfrastructure, Revocation: fmt.Sprintf("DELETE /runners/%d, then re-image the machine", id),
		Locations: []inventory.Location{glGroupLoc(group, fmt.Sprintf("runners/%d", id))}, API: &inventory.APIFacts{Runner: &r}}
}

// glTriggerCred is a pipeline trigger of a project owned by a user ("":
// none), created 200 days ago and used yesterday.
func glTriggerCred(p inventory.Source, id int, desc, owner string) inventory.Credential {
	c := inventory.Credential{ID: inventory.Scoped(p.ID, fmt.Sprintf("pipeline-trigger:%d", id)), Kind: kindGLTrigger, Platform: "gitlab",
		Type: typeGLTrigger, Name: desc, Storage: "held by whatever starts the pipelines",
		Scope: &inventory.Scope{Kind: "repository", Target: p.Repo.FullName}, Lifetime: inventory.LifetimeStatic,
		Reach: inventory.ReachSourceControl, CreatedAt: daysAgo(200), LastUsedAt: daysAgo(1),
		Revocation: fmt.Sprintf("DELETE /projects/%s/triggers/%d", url.PathEscape(p.Repo.FullName), id),
		Locations:  []inventory.Location{glProjLoc(p, fmt.Sprintf("triggers/%d", id))}, API: &inventory.APIFacts{}}
	if owner != "" {
		c.Owner = inventory.Scoped(glAcme.ID, "user:"+owner)
	}
	return c
}

// glSetting is a setting as the GitLab scan records it: a project's CI
// setting, or the instance's.
func glSetting(src inventory.Source, name, value string) inventory.Setting {
	s := inventory.Setting{Source: src.ID, Name: name, Value: value}
	switch {
	case src.Repo != nil && name == glSettingJobTokenInbound:
		s.Location = glProjLoc(src, "settings/ci_cd/job_token_scope")
	case src.Repo != nil:
		s.Location = glProjLoc(src, "settings/ci_cd/"+name)
	default:
		s.Location = inventory.Location{Source: src.ID, Root: src.Path, Path: "gitlab/instance/settings/" + name}
	}
	return s
}

// glPipeline adds a project's .gitlab-ci.yml with the jobs; a job named
// "claude" runs the Claude Code agent, and reaches the credentials; with
// idTokens the first job declares an ID token.
func glPipeline(b *inventory.Builder, p inventory.Source, idTokens bool, creds []string, jobs ...string) {
	wf := inventory.Workflow{Source: p.ID, Platform: "gitlab", Path: ".gitlab-ci.yml", Root: p.Path}
	for i, name := range jobs {
		loc := inventory.Location{Source: p.ID, Root: p.Path, Path: ".gitlab-ci.yml", Line: 1 + 5*i}
		j := inventory.Job{ID: name, Location: loc}
		id := inventory.Scoped(p.ID, "gitlab-ci:.gitlab-ci.yml#"+name)
		kind := inventory.AgentCIJob
		if name == "claude" {
			kind = inventory.AgentCICodingJob
			j.Steps = []inventory.Step{{Index: 0, Location: loc, Agent: &inventory.StepAgent{Product: "claude-code"}}}
		}
		b.AddAgent(inventory.Agent{ID: id, Kind: kind, Name: name, Platform: "gitlab", Product: map[bool]string{true: "claude-code"}[name == "claude"],
			Location: loc, CI: &inventory.CIJobFacts{Workflow: ".gitlab-ci.yml", Job: name}})
		j.Agent = id
		if idTokens && i == 0 {
			j.IDTokens = []inventory.IDToken{{Name: "AWS_ID_TOKEN", Audience: []string{"https://sts.amazonaws.com"}, Location: loc}}
		}
		for _, c := range creds {
			l := loc
			b.AddReach(inventory.Reach{Agent: id, Credential: c, Via: inventory.ViaJobEnv, Location: &l})
		}
		wf.Jobs = append(wf.Jobs, j)
	}
	b.AddWorkflow(wf)
}

// glAgentID is the id of the agent of a job glPipeline adds.
func glAgentID(p inventory.Source, job string) string {
	return inventory.Scoped(p.ID, "gitlab-ci:.gitlab-ci.yml#"+job)
}

func glFailed(target, endpoint string) inventory.Coverage {
	return inventory.Coverage{Source: "gitlab", Target: target, Path: endpoint, Status: inventory.CoverageFailed,
		Reason: "403 Forbidden; needs read_api and role project Maintainer"}
}

// TestGitLabNamesMatchScanner keeps the rules' GitLab names in step with
// what scanners/gitlab records: endpoint templates, setting names, the
// trigger's kind.
func TestGitLabNamesMatchScanner(t *testing.T) {
	t.Parallel()
	var endpoints []string
	for _, p := range glscan.Permissions {
		endpoints = append(endpoints, p.Endpoint)
	}
	for _, ep := range []string{glEndpointGroupTokens, glEndpointProjectTokens, glEndpointPATs, glEndpointGroupDeployTokens,
		glEndpointProjectDeployTokens, glEndpointDeployKeys, glEndpointGroupVariables, glEndpointProjectVariables, glEndpointGroupRunners,
		glEndpointRunner, glEndpointTriggers, glEndpointJobTokenScope, glEndpointSettings, glEndpointTree, glEndpointGroupProjects} {
		if !slices.Contains(endpoints, ep) {
			t.Errorf("endpoint %s is not one the GitLab scanner reads", ep)
		}
	}
	for got, want := range map[string]string{glSettingJobTokenInbound: glscan.SettingJobTokenInbound,
		glSettingPipelineVarsRole: glscan.SettingPipelineVariablesRole, glSettingRestrictPipelineVars: glscan.SettingRestrictPipelineVariable,
		glSettingPublicJobs: glscan.SettingPublicJobs, glSettingRequirePATExpiry: glscan.SettingRequirePATExpiry,
		glSettingMaxPATLifetime: glscan.SettingMaxPATLifetime, glSettingServiceTokenExpiry: glscan.SettingServiceTokenExpiry,
		string(kindGLTrigger): string(glscan.KindTriggerToken), glscan.Source: inventory.PlatformGitLab} {
		if got != want {
			t.Errorf("rules name %q, the scanner %q", got, want)
		}
	}
}

// TestStaticCloudValueTypes keeps AR-GL-008's value types those of the
// detection engine's static cloud key formats.
func TestStaticCloudValueTypes(t *testing.T) {
	t.Parallel()
	for _, id := range staticCloudValueTypes {
		f := secrets.FormatByID(id)
		if f == nil {
			t.Errorf("%s is not a format of the detection engine", id)
			continue
		}
		if f.Reach != inventory.ReachCloud || f.Lifetime != inventory.LifetimeStatic {
			t.Errorf("%s: reach %s, lifetime %s: not a static cloud key", id, f.Reach, f.Lifetime)
		}
	}
}
