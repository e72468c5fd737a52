package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/agentreach/agentreach/inventory"
)

// This file holds what the rules over GitLab API facts (AR-GL, and the
// GitLab parts of AR-PB) share: which listed credential is which, how to
// name it, and how projects, groups and their settings relate. The
// agent-reachable escalation and the not-evaluable notes are the GitHub
// rules' (api_facts.go): apiGaps reads the coverage of both scanners.

// The Types the GitLab group scan gives the credentials it lists
// (scanners/gitlab; a test keeps them in step).
const (
	typeGLGroupToken   = "gitlab-group-access-token"
	typeGLProjectToken = "gitlab-project-access-token"
	typeGLDeployToken  = "gitlab-deploy-token"
	typeGLDeployKey    = "gitlab-deploy-key"
	typeGLGroupVar     = "gitlab-group-variable"
	typeGLProjectVar   = "gitlab-project-variable"
	typeGLRunner       = "gitlab-runner"
	typeGLTrigger      = "gitlab-pipeline-trigger"
)

// kindGLTrigger is a pipeline trigger token (scanners/gitlab.KindTriggerToken).
const kindGLTrigger inventory.CredentialKind = "pipeline-trigger-token"

// The settings the GitLab scan records: per project, and the instance's
// token-lifetime policy (on the instance source).
const (
	glSettingJobTokenInbound      = "ci_job_token_inbound_enabled"
	glSettingPipelineVarsRole     = "ci_pipeline_variables_minimum_override_role"
	glSettingRestrictPipelineVars = "restrict_user_defined_variables"
	glSettingPublicJobs           = "public_jobs"
	glSettingForkPipelines        = "ci_allow_fork_pipelines_to_run_in_parent_project"
	glSettingRequirePATExpiry     = "require_personal_access_token_expiry"
	glSettingMaxPATLifetime       = "max_personal_access_token_lifetime"
	glSettingServiceTokenExpiry   = "service_access_tokens_expiration_enforced"
)

// The GitLab endpoints whose coverage says a rule lacked data (the
// templates the scanner's coverage entries name).
const (
	glEndpointProject             = "/projects/:id"
	glEndpointGroupProjects       = "/groups/:id/projects"
	glEndpointGroupTokens         = "/groups/:id/access_tokens"
	glEndpointProjectTokens       = "/projects/:id/access_tokens"
	glEndpointPATs                = "/personal_access_tokens"
	glEndpointManagedPATs         = "/groups/:id/manage/personal_access_tokens"
	glEndpointGroupDeployTokens   = "/groups/:id/deploy_tokens"
	glEndpointProjectDeployTokens = "/projects/:id/deploy_tokens"
	glEndpointDeployKeys          = "/projects/:id/deploy_keys"
	glEndpointGroupVariables      = "/groups/:id/variables"
	glEndpointProjectVariables    = "/projects/:id/variables"
	glEndpointGroupRunners        = "/groups/:id/runners"
	glEndpointRunner              = "/runners/:id"
	glEndpointTriggers            = "/projects/:id/triggers"
	glEndpointJobTokenScope       = "/projects/:id/job_token_scope"
	glEndpointSettings            = "/application/settings"
	glEndpointTree                = "/projects/:id/repository/tree"
)

// glTokenEndpoints are where the access tokens come from.
var glTokenEndpoints = []string{glEndpointGroupTokens, glEndpointProjectTokens, glEndpointPATs, glEndpointManagedPATs}

// gitlabCredentials returns the credentials the GitLab scan lists (they
// carry API facts) that match, in inventory order.
func gitlabCredentials(inv *inventory.Inventory, match func(*inventory.Credential) bool) []*inventory.Credential {
	var out []*inventory.Credential
	for i := range inv.Credentials {
		c := &inv.Credentials[i]
		if c.Platform == inventory.PlatformGitLab && c.API != nil && match(c) {
			out = append(out, c)
		}
	}
	return out
}

// glAccessToken reports a group or project access token or a personal
// access token.
func glAccessToken(c *inventory.Credential) bool {
	switch c.Kind {
	case inventory.KindGroupAccessToken, inventory.KindProjectAccessToken, inventory.KindPersonalAccessToken:
		return true
	}
	return false
}

// glInactive reports a token GitLab lists as revoked or expired, or whose
// expiry has passed.
func glInactive(c *inventory.Credential, now time.Time) bool {
	return c.API != nil && c.API.Revoked || expired(c, now)
}

// glVariable reports a group or project CI/CD variable the scan listed.
func glVariable(c *inventory.Credential) bool {
	return (c.Type == typeGLGroupVar || c.Type == typeGLProjectVar) && c.API.Variable != nil
}

// glTarget is the group or project a credential belongs to ("" when none).
func glTarget(c *inventory.Credential) string {
	if c.Scope == nil {
		return ""
	}
	return c.Scope.Target
}

// glKindLabel names the sort of a listed GitLab credential.
func glKindLabel(c *inventory.Credential) string {
	switch c.Type {
	case typeGLGroupToken:
		return "group access token"
	case typeGLProjectToken:
		return "project access token"
	case typeGLDeployToken:
		return "deploy token"
	case typeGLDeployKey:
		return "deploy key"
	case typeGLGroupVar:
		return "group variable"
	case typeGLProjectVar:
		return "project variable"
	case typeGLTrigger:
		return "pipeline trigger"
	case typeGLRunner:
		if c.Scope != nil && c.Scope.Kind != "" {
			return c.Scope.Kind + " runner"
		}
		return "runner"
	}
	switch c.Kind {
	case inventory.KindGroupAccessToken:
		return "group access token"
	case inventory.KindProjectAccessToken:
		return "project access token"
	case inventory.KindPersonalAccessToken:
		return "personal access token"
	case inventory.KindDeployToken:
		return "deploy token"
	case inventory.KindDeployKey:
		return "deploy key"
	case inventory.KindCIVariable:
		return "CI/CD variable"
	case kindGLTrigger:
		return "pipeline trigger"
	case inventory.KindRunner:
		return "runner"
	}
	return strings.ReplaceAll(string(c.Kind), "-", " ")
}

// glCredLabel names a listed GitLab credential for a message — its kind,
// name and group or project (a personal access token: its user; a
// trigger: its owner), never a value: `project access token "release" of
// acme/app`, `group variable AWS_SECRET_ACCESS_KEY of acme (environment
// production)`, `pipeline trigger "nightly" of acme/app (owner @bob)`.
func glCredLabel(inv *inventory.Inventory, c *inventory.Credential) string {
	kind := glKindLabel(c)
	if c.Kind == inventory.KindCIVariable {
		s := kind + " " + c.Name
		if t := glTarget(c); t != "" {
			s += " of " + t
		}
		if v := c.API.Variable; v != nil && v.EnvironmentScope != "" && v.EnvironmentScope != "*" {
			s += " (environment " + v.EnvironmentScope + ")"
		}
		return s
	}
	name := fmt.Sprintf("%q", c.Name)
	if c.Name == "" {
		_, local := inventory.Unscoped(c.ID)
		name = "(id " + local[strings.LastIndex(local, ":")+1:] + ")"
	}
	s := kind + " " + name
	if c.Kind == inventory.KindPersonalAccessToken {
		if u := glUser(inv, c.Owner); u != "" {
			s += " of " + u
		}
		return s
	}
	if t := glTarget(c); t != "" {
		s += " of " + t
	}
	if c.Kind == kindGLTrigger {
		if u := glUser(inv, c.Owner); u != "" {
			s += " (owner " + u + ")"
		}
	}
	return s
}

// glUser names a GitLab user principal: "@alice", or "user 12" for a user
// the scan knows by id only.
func glUser(inv *inventory.Inventory, id string) string {
	if id == "" {
		return ""
	}
	login := ""
	if p := inv.PrincipalByID(id); p != nil {
		login = p.Login
	}
	if login == "" {
		_, local := inventory.Unscoped(id)
		login = strings.TrimPrefix(local, "user:")
		if n, ok := strings.CutPrefix(local, "user-id:"); ok {
			login = "user " + n
		}
	}
	if strings.Contains(login, " ") {
		return login
	}
	return "@" + login
}

// glRole names a GitLab access level as GitLab's UI does: "Maintainer".
func glRole(level int) string { return capitalize(inventory.GitLabAccessLevelName(level)) }

// glTokenFacts says what a token can do: "Maintainer role; scopes `api`,
// `read_repository`".
func glTokenFacts(c *inventory.Credential) string {
	var parts []string
	if c.API.AccessLevel > 0 {
		parts = append(parts, glRole(c.API.AccessLevel)+" role")
	}
	if len(c.API.Scopes) > 0 {
		parts = append(parts, plural(len(c.API.Scopes), "scope ", "scopes ")+scopeList(c.API.Scopes))
	}
	if len(parts) == 0 {
		return "no scopes listed"
	}
	return strings.Join(parts, "; ")
}

// glGroupPath is the full path of a GitLab group source
// ("gitlab:gitlab.example.com/acme/platform" → "acme/platform").
func glGroupPath(id string) string {
	rest, ok := strings.CutPrefix(id, inventory.PlatformGitLab+":")
	if !ok {
		return id
	}
	_, p, _ := strings.Cut(rest, "/")
	return p
}

// glProject is a project the GitLab scan read.
func glProject(src *inventory.Source) bool {
	return src.Repo != nil && strings.HasPrefix(src.ID, inventory.PlatformGitLab+":")
}

// glProjectsUnder returns the projects the scan read that a group's (or,
// for a project path, that project's) settings and credentials reach —
// the group's projects and those of its subgroups — archived ones left
// out, in inventory order.
func glProjectsUnder(inv *inventory.Inventory, path string) []*inventory.Source {
	var out []*inventory.Source
	for i := range inv.Sources {
		src := &inv.Sources[i]
		if !glProject(src) || src.Repo.Archived {
			continue
		}
		if full := src.Repo.FullName; full == path || strings.HasPrefix(full, path+"/") {
			out = append(out, src)
		}
	}
	return out
}

// glSettings indexes the GitLab settings by source and name.
func glSettings(inv *inventory.Inventory) map[string]map[string]inventory.Setting {
	out := map[string]map[string]inventory.Setting{}
	for _, s := range inv.Settings {
		if !strings.HasPrefix(s.Source, inventory.PlatformGitLab+":") {
			continue
		}
		if out[s.Source] == nil {
			out[s.Source] = map[string]inventory.Setting{}
		}
		out[s.Source][s.Name] = s
	}
	return out
}

// glProjectNames are the projects' paths.
func glProjectNames(srcs []*inventory.Source) []string {
	out := make([]string, len(srcs))
	for i, s := range srcs {
		out[i] = s.Repo.FullName
	}
	return out
}

// glCodingJobs returns the coding agents the GitLab pipelines of the
// sources run, and their labels, in id order.
func glCodingJobs(inv *inventory.Inventory, sources func(id string) bool) ([]*inventory.Agent, []string) {
	var agents []*inventory.Agent
	ciJobs(inv, inventory.PlatformGitLab, func(j jobRef) {
		if !sources(j.wf.Source) {
			return
		}
		if a := codingJob(inv, j); a != nil && !slices.Contains(agents, a) {
			agents = append(agents, a)
		}
	})
	slices.SortFunc(agents, func(a, b *inventory.Agent) int { return strings.Compare(a.ID, b.ID) })
	labels := make([]string, len(agents))
	for i, a := range agents {
		labels[i] = codingAgentLabel(inv, a)
	}
	return agents, labels
}

// productionNameRe matches variable names that say they are production's.
var productionNameRe = regexp.MustCompile(`(?i)(^|[_-])(PROD|PRODUCTION|PRD|LIVE)([_-]|$)`)
