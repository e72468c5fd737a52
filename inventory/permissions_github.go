package inventory

import (
	"fmt"
	"slices"
	"strings"
)

// githubPermissionResources maps the permission names of fine-grained PATs
// and GitHub Apps (REST `permissions` objects, snake_case) onto the lattice.
// Their values are read, write or admin.
var githubPermissionResources = map[string]Resource{
	// repository permissions
	"actions":                      ResActions,
	"actions_variables":            ResVariables,
	"administration":               ResAdministration,
	"attestations":                 ResAttestations,
	"checks":                       ResChecks,
	"codespaces":                   ResCodespaces,
	"codespaces_lifecycle_admin":   ResCodespaces,
	"codespaces_metadata":          ResCodespaces,
	"codespaces_secrets":           ResSecrets,
	"contents":                     ResContents,
	"custom_properties":            ResAdministration,
	"dependabot_secrets":           ResSecrets,
	"deployments":                  ResDeployments,
	"discussions":                  ResDiscussions,
	"environments":                 ResEnvironments,
	"issues":                       ResIssues,
	"merge_queues":                 ResPullRequests,
	"metadata":                     ResMetadata,
	"packages":                     ResPackages,
	"pages":                        ResPages,
	"pull_requests":                ResPullRequests,
	"repository_advisories":        ResSecurityEvents,
	"repository_custom_properties": ResAdministration,
	"repository_hooks":             ResHooks,
	"repository_projects":          ResProjects,
	"secret_scanning_alerts":       ResSecurityEvents,
	"secrets":                      ResSecrets,
	"security_events":              ResSecurityEvents,
	"single_file":                  ResContents,
	"statuses":                     ResStatuses,
	"vulnerability_alerts":         ResSecurityEvents,
	"workflows":                    ResWorkflows,
	// organization permissions
	"members":                                     ResMembers,
	"organization_administration":                 ResOrgAdministration,
	"organization_announcement_banners":           ResOrgAdministration,
	"organization_copilot_seat_management":        ResCopilot,
	"organization_custom_org_roles":               ResMembers,
	"organization_custom_properties":              ResOrgAdministration,
	"organization_custom_roles":                   ResMembers,
	"organization_events":                         ResAuditLog,
	"organization_hooks":                          ResOrgHooks,
	"organization_packages":                       ResPackages,
	"organization_personal_access_token_requests": ResOrgTokens,
	"organization_personal_access_tokens":         ResOrgTokens,
	"organization_plan":                           ResOrgAdministration,
	"organization_projects":                       ResOrgProjects,
	"organization_secrets":                        ResOrgSecrets,
	"organization_self_hosted_runners":            ResOrgRunners,
	"organization_user_blocking":                  ResMembers,
	"team_discussions":                            ResDiscussions,
	// account permissions
	"email_addresses":    ResUser,
	"followers":          ResUser,
	"git_ssh_keys":       ResUserKeys,
	"gpg_keys":           ResUserKeys,
	"interaction_limits": ResUser,
	"profile":            ResUser,
	"starring":           ResUser,
}

// FromGitHubPermissions maps a fine-grained PAT or GitHub App `permissions`
// object ({"contents": "write", …}) onto the lattice. Unknown names are
// returned so that callers can report them instead of dropping them silently;
// they are also kept on the lattice under their own name.
func FromGitHubPermissions(in map[string]string) (Permissions, []string, error) {
	out := Permissions{}
	var unknown []string
	for _, name := range sortedKeys(in) {
		l, err := ParseLevel(in[name])
		if err != nil {
			return nil, nil, fmt.Errorf("github permission %s: %w", name, err)
		}
		r, ok := githubPermissionResources[name]
		if !ok {
			unknown = append(unknown, name)
			r = Resource(name)
		}
		out = out.Raise(r, l)
	}
	return out, unknown, nil
}

// classicScopes maps classic OAuth / PAT scopes onto the lattice. A classic
// token acts as its user, so these are ceilings: the effective rights are
// also capped by the user's own role on each repository.
var classicScopes = map[string]Permissions{
	"repo": {ResContents: Write, ResPullRequests: Write, ResIssues: Write, ResStatuses: Write,
		ResDeployments: Write, ResChecks: Write, ResActions: Write, ResSecrets: Write, ResVariables: Write,
		ResEnvironments: Write, ResAdministration: Admin, ResHooks: Read, ResProjects: Write,
		ResDiscussions: Write, ResPages: Write, ResSecurityEvents: Write, ResMetadata: Read, ResDeployKeys: Write},
	"repo:status":               {ResStatuses: Write, ResMetadata: Read},
	"repo_deployment":           {ResDeployments: Write, ResMetadata: Read},
	"public_repo":               {ResContents: Write, ResPullRequests: Write, ResIssues: Write, ResStatuses: Write, ResDeployments: Write, ResMetadata: Read},
	"repo:invite":               {ResMembers: Write},
	"security_events":           {ResSecurityEvents: Write},
	"workflow":                  {ResWorkflows: Write},
	"write:packages":            {ResPackages: Write},
	"read:packages":             {ResPackages: Read},
	"delete:packages":           {ResPackages: Admin},
	"admin:org":                 {ResOrgAdministration: Admin, ResMembers: Admin, ResOrgSecrets: Admin, ResOrgRunners: Admin, ResOrgProjects: Admin},
	"write:org":                 {ResOrgAdministration: Write, ResMembers: Write},
	"read:org":                  {ResOrgAdministration: Read, ResMembers: Read},
	"manage_runners:org":        {ResOrgRunners: Admin},
	"admin:public_key":          {ResUserKeys: Admin},
	"write:public_key":          {ResUserKeys: Write},
	"read:public_key":           {ResUserKeys: Read},
	"admin:repo_hook":           {ResHooks: Admin},
	"write:repo_hook":           {ResHooks: Write},
	"read:repo_hook":            {ResHooks: Read},
	"admin:org_hook":            {ResOrgHooks: Admin},
	"gist":                      {ResGists: Write},
	"notifications":             {ResNotifications: Read},
	"user":                      {ResUser: Write},
	"read:user":                 {ResUser: Read},
	"user:email":                {ResUser: Read},
	"user:follow":               {ResUser: Write},
	"project":                   {ResProjects: Write, ResOrgProjects: Write},
	"read:project":              {ResProjects: Read, ResOrgProjects: Read},
	"delete_repo":               {ResAdministration: Admin},
	"write:discussion":          {ResDiscussions: Write},
	"read:discussion":           {ResDiscussions: Read},
	"admin:gpg_key":             {ResUserKeys: Admin},
	"write:gpg_key":             {ResUserKeys: Write},
	"read:gpg_key":              {ResUserKeys: Read},
	"admin:ssh_signing_key":     {ResUserKeys: Admin},
	"write:ssh_signing_key":     {ResUserKeys: Write},
	"read:ssh_signing_key":      {ResUserKeys: Read},
	"codespace":                 {ResCodespaces: Admin},
	"codespace:secrets":         {ResSecrets: Write},
	"copilot":                   {ResCopilot: Admin},
	"manage_billing:copilot":    {ResCopilot: Write},
	"read:audit_log":            {ResAuditLog: Read},
	"admin:enterprise":          {ResEnterprise: Admin},
	"manage_runners:enterprise": {ResEnterprise: Write},
	"manage_billing:enterprise": {ResEnterprise: Write},
	"read:enterprise":           {ResEnterprise: Read},
	"audit_log":                 {ResAuditLog: Read},
}

// FromClassicScopes maps classic scopes (the X-OAuth-Scopes header or a
// credential authorization's `scopes`) onto the lattice. Unknown scopes are
// returned.
func FromClassicScopes(scopes []string) (Permissions, []string) {
	out := Permissions{}
	var unknown []string
	for _, s := range scopes {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, ok := classicScopes[s]
		if !ok {
			unknown = append(unknown, s)
			continue
		}
		out = out.Join(p)
	}
	return out, unknown
}

// workflowScopes maps GITHUB_TOKEN `permissions:` scope names (kebab-case,
// as written in workflows) onto the lattice.
var workflowScopes = map[string]Resource{
	"actions":             ResActions,
	"attestations":        ResAttestations,
	"checks":              ResChecks,
	"contents":            ResContents,
	"deployments":         ResDeployments,
	"discussions":         ResDiscussions,
	"id-token":            ResIDToken,
	"issues":              ResIssues,
	"models":              ResModels,
	"packages":            ResPackages,
	"pages":               ResPages,
	"pull-requests":       ResPullRequests,
	"repository-projects": ResProjects,
	"security-events":     ResSecurityEvents,
	"statuses":            ResStatuses,
}

// WorkflowScopeNames lists the GITHUB_TOKEN scope names, sorted.
func WorkflowScopeNames() []string { return sortedKeys(workflowScopes) }

// GitHubTokenDefault returns the GITHUB_TOKEN permissions a job gets when no
// `permissions:` block applies: the documented "permissive" default (read and
// write on every scope but id-token) or the "restricted" one (contents and
// packages read). Metadata read is always granted.
func GitHubTokenDefault(restricted bool) Permissions {
	if restricted {
		return Permissions{ResContents: Read, ResPackages: Read, ResMetadata: Read}
	}
	out := Permissions{ResMetadata: Read}
	for name, r := range workflowScopes {
		switch name {
		case "id-token":
			continue
		case "models":
			out[r] = Read
		default:
			out[r] = Write
		}
	}
	return out
}

// FromWorkflowPermissions maps a workflow or job `permissions:` block onto the
// lattice. all is "read-all", "write-all" or "" (a map form, or `{}` when
// scopes is empty). Every scope not listed in a map form is none. `write` on
// id-token is the right to mint an OIDC token.
func FromWorkflowPermissions(all string, scopes map[string]string) (Permissions, error) {
	out := Permissions{ResMetadata: Read}
	switch strings.ToLower(strings.TrimSpace(all)) {
	case "":
	case "read-all":
		for name, r := range workflowScopes {
			if name == "id-token" {
				continue // read-all grants no OIDC token
			}
			out[r] = Read
		}
		return out, nil
	case "write-all":
		for _, r := range workflowScopes {
			out[r] = Write
		}
		return out, nil
	default:
		return nil, fmt.Errorf("unknown permissions value %q (want read-all, write-all or a map)", all)
	}
	for _, name := range sortedKeys(scopes) {
		r, ok := workflowScopes[strings.ToLower(name)]
		if !ok {
			return nil, fmt.Errorf("unknown permission scope %q", name)
		}
		var l Level
		switch v := strings.ToLower(strings.TrimSpace(scopes[name])); v {
		case "none":
			l = None
		case "read":
			l = Read
		case "write":
			l = Write
		default:
			return nil, fmt.Errorf("permission %s: unknown level %q (want read, write or none)", name, scopes[name])
		}
		if l == None {
			delete(out, r)
			continue
		}
		out = out.Raise(r, l)
	}
	return out, nil
}

// RepoRole maps a repository role (read, triage, write, maintain, admin, and
// the REST `permission` values pull, push) onto the lattice.
func RepoRole(role string) (Permissions, error) {
	switch strings.ToLower(strings.TrimSpace(role)) {
	case "none", "":
		return Permissions{}, nil
	case "read", "pull":
		return Permissions{ResContents: Read, ResIssues: Read, ResPullRequests: Read, ResMetadata: Read}, nil
	case "triage":
		return Permissions{ResContents: Read, ResIssues: Write, ResPullRequests: Write, ResMetadata: Read}, nil
	case "write", "push":
		return Permissions{ResContents: Write, ResIssues: Write, ResPullRequests: Write, ResMetadata: Read,
			ResActions: Write, ResChecks: Write, ResStatuses: Write, ResDeployments: Write, ResWorkflows: Write,
			ResPackages: Write, ResPages: Write, ResDiscussions: Write, ResProjects: Write}, nil
	case "maintain":
		p, _ := RepoRole("write")
		p[ResEnvironments] = Write
		p[ResHooks] = Read
		return p, nil
	case "admin":
		p, _ := RepoRole("maintain")
		for _, r := range []Resource{ResAdministration, ResSecrets, ResVariables, ResEnvironments, ResHooks, ResDeployKeys, ResRunners, ResSecurityEvents} {
			p[r] = Admin
		}
		return p, nil
	default:
		return nil, fmt.Errorf("unknown repository role %q", role)
	}
}

// AudienceCap is what a member of the audience may do on the repository
// themselves — the cap an agent they can start must stay within, or it acts
// as their confused deputy: anyone and commenters hold the read role (they
// can comment and open issues, not label, close or push), write-access users
// the write role, maintainers the admin role; everyone who can start a job
// can read what a repository token reads, so reads are never an excess (an
// OIDC token is not a read: id_token stays capped). ok is false for a
// schedule, the platform and the local user, who start agents on their own
// authority.
func AudienceCap(a Audience) (cap Permissions, ok bool) {
	role := "read"
	switch a {
	case AudienceSchedule, AudienceLocalUser:
		return nil, false
	case AudienceWrite:
		role = "write"
	case AudienceMaintainers:
		role = "admin"
	}
	p, _ := RepoRole(role)
	for _, r := range githubPermissionResources {
		if r != ResIDToken {
			p = p.Raise(r, Read)
		}
	}
	return p, true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
