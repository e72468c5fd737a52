package inventory

import (
	"fmt"
	"strings"
)

// GitLab access levels (members, project and group access tokens).
const (
	GitLabNoAccess   = 0
	GitLabMinimal    = 5
	GitLabGuest      = 10
	GitLabPlanner    = 15
	GitLabReporter   = 20
	GitLabDeveloper  = 30
	GitLabMaintainer = 40
	GitLabOwner      = 50
	GitLabAdmin      = 60
)

// gitlabScopes maps GitLab token scopes (personal, project, group access
// tokens, deploy tokens) onto the lattice. Like classic GitHub scopes they are
// ceilings: a token acts with at most its user's (or bot's) access level.
var gitlabScopes = map[string]Permissions{
	"api": {ResContents: Write, ResPullRequests: Write, ResIssues: Write, ResActions: Write,
		ResVariables: Admin, ResSecrets: Admin, ResAdministration: Admin, ResMembers: Admin, ResPackages: Write,
		ResRegistry: Write, ResDeployments: Write, ResEnvironments: Write, ResHooks: Admin, ResDeployKeys: Admin,
		ResRunners: Admin, ResWorkflows: Write, ResMetadata: Read, ResUser: Write, ResProjects: Write},
	"read_api": {ResContents: Read, ResPullRequests: Read, ResIssues: Read, ResActions: Read,
		ResVariables: Read, ResAdministration: Read, ResMembers: Read, ResPackages: Read, ResRegistry: Read,
		ResDeployments: Read, ResEnvironments: Read, ResMetadata: Read, ResUser: Read, ResProjects: Read},
	"read_user":              {ResUser: Read},
	"read_repository":        {ResContents: Read, ResMetadata: Read},
	"write_repository":       {ResContents: Write, ResWorkflows: Write, ResMetadata: Read},
	"read_registry":          {ResRegistry: Read},
	"write_registry":         {ResRegistry: Write},
	"read_package_registry":  {ResPackages: Read},
	"write_package_registry": {ResPackages: Write},
	"read_virtual_registry":  {ResPackages: Read},
	"write_virtual_registry": {ResPackages: Write},
	"sudo":                   {ResInstance: Admin, ResUser: Admin},
	"admin_mode":             {ResInstance: Admin},
	"create_runner":          {ResRunners: Write},
	"manage_runner":          {ResRunners: Admin},
	"k8s_proxy":              {ResKubernetes: Write},
	"ai_features":            {ResAI: Read},
	"read_service_ping":      {ResInstance: Read},
	"self_rotate":            {},
	"read_observability":     {ResMetadata: Read},
	"write_observability":    {ResMetadata: Read},
	"openid":                 {ResUser: Read},
	"profile":                {ResUser: Read},
	"email":                  {ResUser: Read},
}

// FromGitLabScopes maps GitLab token scopes onto the lattice and returns the
// scopes it does not know.
func FromGitLabScopes(scopes []string) (Permissions, []string) {
	out := Permissions{}
	var unknown []string
	for _, s := range scopes {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, ok := gitlabScopes[s]
		if !ok {
			unknown = append(unknown, s)
			continue
		}
		out = out.Join(p)
	}
	return out, unknown
}

// FromGitLabAccessLevel maps a GitLab access level (10 guest … 50 owner,
// 60 instance admin) onto the lattice.
func FromGitLabAccessLevel(level int) (Permissions, error) {
	switch level {
	case GitLabNoAccess, GitLabMinimal:
		return Permissions{}, nil
	case GitLabGuest, GitLabPlanner:
		return Permissions{ResIssues: Write, ResMetadata: Read}, nil
	case GitLabReporter:
		return Permissions{ResContents: Read, ResIssues: Write, ResPullRequests: Read, ResMetadata: Read,
			ResActions: Read, ResPackages: Read, ResRegistry: Read}, nil
	case GitLabDeveloper:
		return Permissions{ResContents: Write, ResIssues: Write, ResPullRequests: Write, ResMetadata: Read,
			ResActions: Write, ResWorkflows: Write, ResPackages: Write, ResRegistry: Write,
			ResDeployments: Write, ResEnvironments: Write}, nil
	case GitLabMaintainer:
		p, _ := FromGitLabAccessLevel(GitLabDeveloper)
		for _, r := range []Resource{ResAdministration, ResVariables, ResSecrets, ResMembers, ResHooks, ResDeployKeys, ResRunners} {
			p[r] = Write
		}
		return p, nil
	case GitLabOwner:
		p, _ := FromGitLabAccessLevel(GitLabMaintainer)
		for _, r := range []Resource{ResAdministration, ResVariables, ResSecrets, ResMembers, ResHooks, ResDeployKeys, ResRunners} {
			p[r] = Admin
		}
		return p, nil
	case GitLabAdmin:
		p, _ := FromGitLabAccessLevel(GitLabOwner)
		p[ResInstance] = Admin
		return p, nil
	default:
		return nil, fmt.Errorf("unknown GitLab access level %d", level)
	}
}

// GitLabAccessLevelName names an access level.
func GitLabAccessLevelName(level int) string {
	switch level {
	case GitLabNoAccess:
		return "no access"
	case GitLabMinimal:
		return "minimal access"
	case GitLabGuest:
		return "guest"
	case GitLabPlanner:
		return "planner"
	case GitLabReporter:
		return "reporter"
	case GitLabDeveloper:
		return "developer"
	case GitLabMaintainer:
		return "maintainer"
	case GitLabOwner:
		return "owner"
	case GitLabAdmin:
		return "admin"
	default:
		return fmt.Sprintf("level %d", level)
	}
}
