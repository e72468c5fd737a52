package inventory

import (
	"slices"
	"strings"
	"time"
)

// This file holds the facts that platform API scanners (the GitHub
// organisation scan, the GitLab group scan) record and rules read: what a
// checkout cannot show — credentials listed by the platform, settings, the
// repositories an organisation holds — and how the secrets a workflow names
// resolve to the secrets that are stored.

// KindLeakedSecret is a credential the platform's secret scanning found
// committed (an open alert); its value is never read.
const KindLeakedSecret CredentialKind = "leaked-secret"

// AlertFacts describe a secret-scanning alert.
type AlertFacts struct {
	Number                 int    `json:"number"`
	State                  string `json:"state"`
	SecretType             string `json:"secret_type,omitempty"`
	Validity               string `json:"validity,omitempty"` // active, inactive, unknown
	PubliclyLeaked         bool   `json:"publicly_leaked,omitempty"`
	MultiRepo              bool   `json:"multi_repo,omitempty"`
	PushProtectionBypassed bool   `json:"push_protection_bypassed,omitempty"`
	BypassedBy             string `json:"bypassed_by,omitempty"`
	URL                    string `json:"url,omitempty"`
}

// VariableFacts are a CI/CD variable's settings and what its value is (the
// detection engine's type; never the value).
type VariableFacts struct {
	Protected        bool   `json:"protected"`
	Masked           bool   `json:"masked"`
	Hidden           bool   `json:"hidden,omitempty"`
	Raw              bool   `json:"raw,omitempty"`
	File             bool   `json:"file,omitempty"`
	EnvironmentScope string `json:"environment_scope,omitempty"`
	ValueType        string `json:"value_type,omitempty"` // e.g. gitlab-pat, aws-access-key; empty: not a recognised credential
}

// RunnerFacts are a GitLab runner's settings.
type RunnerFacts struct {
	Type        string   `json:"type"` // instance_type, group_type, project_type
	Paused      bool     `json:"paused,omitempty"`
	Details     bool     `json:"details,omitempty"` // the details below were read
	Locked      bool     `json:"locked,omitempty"`
	RunUntagged bool     `json:"run_untagged,omitempty"`
	AccessLevel string   `json:"access_level,omitempty"` // not_protected, ref_protected
	Tags        []string `json:"tags,omitempty"`
}

// PlatformSourceID is the id of a source read through a platform API:
// "github:" or "gitlab:" + host + "/" + path (an organisation login, or
// owner/name of a repository). Like a tree's id from its remote, it is the
// same on every run and machine.
func PlatformSourceID(platform, host, path string) string {
	return platform + ":" + host + "/" + path
}

// RepoFacts are the platform facts of a repository source.
type RepoFacts struct {
	FullName      string `json:"full_name"`
	Visibility    string `json:"visibility,omitempty"` // public, private, internal
	Archived      bool   `json:"archived,omitempty"`
	Fork          bool   `json:"fork,omitempty"`
	DefaultBranch string `json:"default_branch,omitempty"`
	// Org is the id of the organisation source the repository belongs to.
	Org string `json:"org,omitempty"`
	// DefaultWorkflowPermissions is the GITHUB_TOKEN default of the
	// repository (read or write; empty when it could not be read).
	DefaultWorkflowPermissions string `json:"default_workflow_permissions,omitempty"`
}

// Public reports whether anyone can read the repository.
func (r *RepoFacts) Public() bool { return r != nil && r.Visibility == "public" }

// APIFacts are facts about a credential that only a platform API lists.
type APIFacts struct {
	// UpdatedAt is when a stored secret's value was last set (rotation).
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
	// Visibility of an organisation secret or variable: all, private
	// (all private and internal repositories), selected.
	Visibility string `json:"visibility,omitempty"`
	// Scopes are the classic OAuth scopes of a classic PAT or OAuth token as
	// the platform lists them (before mapping onto the lattice).
	Scopes []string `json:"scopes,omitempty"`
	// Environment names the deployment environment an environment secret
	// belongs to.
	Environment string `json:"environment,omitempty"`
	// SuspendedAt is when an App installation was suspended.
	SuspendedAt *time.Time `json:"suspended_at,omitempty"`
	// Expired says the platform reports the token as expired.
	Expired bool `json:"expired,omitempty"`
	// Ephemeral, for a self-hosted runner: it takes one job, then is
	// removed. False for a persistent runner.
	Ephemeral bool `json:"ephemeral,omitempty"`
	// RunnerGroup facts of a self-hosted runner: the group's name, its
	// visibility (all, selected, private) and whether public repositories
	// may use it.
	RunnerGroup        string `json:"runner_group,omitempty"`
	GroupVisibility    string `json:"group_visibility,omitempty"`
	PublicRepositories bool   `json:"public_repositories,omitempty"`
	// Environment protection of an environment secret: required reviewers,
	// a deployment branch policy, and whether administrators may bypass them.
	EnvReviewers    bool `json:"env_reviewers,omitempty"`
	EnvBranchPolicy bool `json:"env_branch_policy,omitempty"`
	EnvAdminsBypass bool `json:"env_admins_bypass,omitempty"`
	// AccessLevel is a GitLab access token's role (10 guest … 50 owner).
	AccessLevel int `json:"access_level,omitempty"`
	// Revoked says the platform lists the token as revoked.
	Revoked bool `json:"revoked,omitempty"`
	// Variable holds a GitLab CI/CD variable's settings.
	Variable *VariableFacts `json:"variable,omitempty"`
	// Runner holds a GitLab runner's settings.
	Runner *RunnerFacts `json:"runner,omitempty"`
	// Alert is a secret-scanning alert's facts (KindLeakedSecret).
	Alert *AlertFacts `json:"alert,omitempty"`
	// AppSlug is the App an installation belongs to.
	AppSlug string `json:"app_slug,omitempty"`
	// AddedBy is the login that added a deploy key (empty when GitHub
	// does not say: a key added before it recorded it, or by an App).
	AddedBy string `json:"added_by,omitempty"`
}

// Binding says which stored secrets a name resolves to in a repository: the
// credential a workflow reference makes (Credential, e.g. GitHubSecretID of
// the repository source) stands for the secrets listed in Backing — the
// repository's own secret, else an organisation secret visible to it, plus
// environment secrets of that name. The link stage applies a binding only
// to a credential that exists (a workflow references the name); every agent
// that reaches the reference then reaches what backs it.
type Binding struct {
	Credential string
	Backing    []string
}

// Setting is an organisation or repository setting that widens or narrows
// what credentials can do (the default GITHUB_TOKEN permissions, whether
// workflows may approve pull requests, secret scanning).
type Setting struct {
	Source   string   `json:"source"` // the org or repository source
	Name     string   `json:"name"`
	Value    string   `json:"value"`
	Location Location `json:"location"`
	// Inherited says the value is the organisation's, in effect for the
	// repository because the repository sets none of its own.
	Inherited bool `json:"inherited,omitempty"`
}

// Setting names.
const (
	SettingDefaultWorkflowPermissions = "default_workflow_permissions"     // read, write
	SettingCanApprovePullRequests     = "can_approve_pull_request_reviews" // true, false
	SettingSecretScanning             = "secret_scanning"                  // enabled, disabled
	SettingPushProtection             = "secret_scanning_push_protection"  // enabled, disabled
	SettingDefaultRepoPermission      = "default_repository_permission"    // none, read, write, admin
	// SettingOIDCSubjectClaims is the OIDC subject template: the claim keys
	// (comma-separated) of a custom template, or "default" (GitHub's
	// repo:OWNER/NAME:… subject).
	SettingOIDCSubjectClaims = "oidc_subject_claim_keys"
)

// AddBinding records a binding (see Binding).
func (b *Builder) AddBinding(bd Binding) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bindings = append(b.bindings, bd)
}

// AddSetting records a setting.
func (b *Builder) AddSetting(s Setting) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.settings = append(b.settings, s)
}

// Settings returns the settings of a source.
func (inv *Inventory) SettingsOf(source string) []Setting {
	var out []Setting
	for _, s := range inv.Settings {
		if s.Source == source {
			out = append(out, s)
		}
	}
	return out
}

// SourceByID returns the source with the given id, or nil.
func (inv *Inventory) SourceByID(id string) *Source {
	for i := range inv.Sources {
		if inv.Sources[i].ID == id {
			return &inv.Sources[i]
		}
	}
	return nil
}

// PrincipalByID returns the principal with the given id, or nil.
func (inv *Inventory) PrincipalByID(id string) *Principal { return inv.principal(id) }

// applyBindings sets Backing on the credentials bindings name and adds, for
// every agent that reaches such a credential, an edge to each backing
// secret (through the same path, at the same place).
func (b *Builder) applyBindings(inv *Inventory, edges map[string]Reach, add func(Reach)) {
	if len(b.bindings) == 0 {
		return
	}
	backing := map[string][]string{}
	for _, bd := range b.bindings {
		backing[bd.Credential] = mergeStrings(backing[bd.Credential], bd.Backing)
	}
	idx := make(map[string]*Credential, len(inv.Credentials))
	for i := range inv.Credentials {
		idx[inv.Credentials[i].ID] = &inv.Credentials[i]
	}
	for id, bs := range backing {
		c := idx[id]
		if c == nil {
			continue
		}
		c.Backing = slices.DeleteFunc(mergeStrings(c.Backing, bs), func(s string) bool { return s == c.ID || idx[s] == nil })
		slices.Sort(c.Backing)
	}
	var through []Reach
	for _, r := range edges {
		if r.Agent == "" {
			continue
		}
		if c := idx[r.Credential]; c != nil && len(c.Backing) > 0 {
			through = append(through, r)
		}
	}
	for _, r := range through {
		for _, bid := range idx[r.Credential].Backing {
			e := r
			e.Credential = bid
			add(e)
		}
	}
}

// HumansFor lists the humans the principals map makes accountable for an
// identity known under any of the names (an id, a local id, a login), in
// map order of patterns, without duplicates.
func HumansFor(principals map[string][]string, names ...string) []string {
	patterns := make([]string, 0, len(principals))
	for p := range principals {
		patterns = append(patterns, p)
	}
	slices.Sort(patterns)
	var out []string
	for _, p := range patterns {
		if slices.ContainsFunc(names, func(n string) bool { return n != "" && MatchPattern(p, n) }) {
			out = mergeStrings(out, principals[p])
		}
	}
	return out
}

// GitHubLogin turns a principals-map entry ("@alice") into a GitHub login;
// it returns "" for a team ("@acme/platform") or an empty entry.
func GitHubLogin(human string) string {
	h := strings.TrimPrefix(strings.TrimSpace(human), "@")
	if h == "" || strings.Contains(h, "/") {
		return ""
	}
	return h
}
