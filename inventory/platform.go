package inventory

import (
	"cmp"
	"encoding/json"
	"net/url"
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

// Settings of the organisation's Actions policy (GET
// /orgs/{org}/actions/permissions and …/selected-actions).
const (
	// SettingAllowedActions is which actions and reusable workflows
	// workflows may use: all, local_only (the organisation's own) or
	// selected (GitHub-owned, verified creators' and the patterns below, as
	// the organisation allows).
	SettingAllowedActions = "allowed_actions"
	// SettingSHAPinningRequired says whether actions must be pinned to a
	// full commit SHA (true, false); absent when GitHub does not say.
	SettingSHAPinningRequired = "sha_pinning_required"
	// SettingAllowedActionPatterns are the patterns (owner/name@ref, with
	// wildcards) a "selected" policy allows, comma-separated in GitHub's
	// order; a list longer than the scanner's cap ends with "…" and the
	// number left out.
	SettingAllowedActionPatterns = "allowed_action_patterns"
	// SettingAllowedGitHubOwned and SettingAllowedVerified say whether a
	// "selected" policy allows every GitHub-owned action and every action
	// of a Marketplace verified creator (true, false).
	SettingAllowedGitHubOwned = "allowed_actions_github_owned"
	SettingAllowedVerified    = "allowed_actions_verified"
)

// Webhook is a webhook of an organisation or repository: an outbound
// channel through which the platform posts event payloads to a URL. It is
// not a credential. URL keeps the scheme and host only: a webhook URL can
// carry a token in its path or query string (chat and CI integrations), so
// the rest is never recorded. The webhook's secret (GitHub returns it
// masked) is recorded only as whether one is set.
type Webhook struct {
	Source      string   `json:"source"` // the org or repository source
	ID          string   `json:"id"`     // scoped by Source, e.g. github:github.com/acme|webhook:12345
	URL         string   `json:"url"`    // scheme://host[:port] only (see WebhookOrigin)
	Active      bool     `json:"active"`
	Events      []string `json:"events,omitempty"` // "*": every event
	InsecureSSL bool     `json:"insecure_ssl,omitempty"`
	HasSecret   bool     `json:"has_secret"` // payloads are signed with a shared secret
	Location    Location `json:"location"`
}

// WebhookOrigin reduces a webhook URL to its scheme and host (with the
// port, if any): no user information, path, query or fragment. A URL it
// cannot parse, or one without a scheme and host, gives "".
func WebhookOrigin(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
}

// AddWebhook records a webhook. Its URL is reduced to the origin here,
// whatever the scanner passed.
func (b *Builder) AddWebhook(h Webhook) {
	h.URL = WebhookOrigin(h.URL)
	h.Events = slices.Clone(h.Events)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.webhooks = append(b.webhooks, h)
}

// WebhooksOf returns the webhooks of a source.
func (inv *Inventory) WebhooksOf(source string) []Webhook {
	var out []Webhook
	for _, h := range inv.Webhooks {
		if h.Source == source {
			out = append(out, h)
		}
	}
	return out
}

// buildWebhooks returns the webhooks in a deterministic order, exact
// repeats dropped (as Settings are).
func (b *Builder) buildWebhooks() []Webhook {
	hs := slices.Clone(b.webhooks)
	key := func(h Webhook) string { k, _ := json.Marshal(h); return string(k) }
	slices.SortFunc(hs, func(a, b Webhook) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.ID, b.ID), cmp.Compare(key(a), key(b)))
	})
	return slices.CompactFunc(hs, func(a, b Webhook) bool { return key(a) == key(b) })
}

// SecretNames says that Names are every secret name a workflow of the
// repository source can resolve — its own Actions secrets, the
// organisation secrets visible to it and the secrets of its environments —
// because the scanner read each of those lists completely. A scanner
// records it only then; the link stage marks the workflow references of the
// source whose name is not among them (Credential.Missing). Names compare
// case-insensitively, as GitHub's secret names do.
type SecretNames struct {
	Source string
	Names  []string
}

// AddSecretNames records the complete secret names of a source (see
// SecretNames). Records of one source are joined.
func (b *Builder) AddSecretNames(sn SecretNames) {
	b.mu.Lock()
	defer b.mu.Unlock()
	sn.Names = slices.Clone(sn.Names)
	b.secretNames = append(b.secretNames, sn)
}

// markMissing sets Missing on the workflow secret references (the
// credentials GitHubSecretID names) of sources whose secret names are
// completely known and hold none of that name. GITHUB_TOKEN (the job's own
// token), the all-secrets reference ("*") and a reference backed by a
// stored secret are never missing. Nor is one that only reusable workflows
// (triggered by workflow_call alone) make: a caller beyond the scan may
// pass or inherit its value.
func (b *Builder) markMissing(inv *Inventory) {
	if len(b.secretNames) == 0 {
		return
	}
	known := map[string]map[string]bool{}
	for _, sn := range b.secretNames {
		if known[sn.Source] == nil {
			known[sn.Source] = map[string]bool{}
		}
		for _, n := range sn.Names {
			known[sn.Source][strings.ToUpper(n)] = true
		}
	}
	direct := map[string]bool{} // source + "\x00" + workflow path, for workflows that run on an event of their own
	for _, w := range inv.Workflows {
		if w.Platform != PlatformGitHub || known[w.Source] == nil {
			continue
		}
		if slices.ContainsFunc(w.Triggers, func(t Trigger) bool { return t.Event != "workflow_call" }) {
			direct[w.Source+"\x00"+w.Path] = true
		}
	}
	for i := range inv.Credentials {
		c := &inv.Credentials[i]
		src, local := Unscoped(c.ID)
		name, ok := strings.CutPrefix(local, "github-actions-secret:")
		names := known[src]
		if !ok || names == nil || c.Kind != KindActionsSecret || name == "" || name == "*" || strings.EqualFold(name, "GITHUB_TOKEN") ||
			names[strings.ToUpper(name)] || len(c.Backing) > 0 {
			continue
		}
		if slices.ContainsFunc(c.Locations, func(l Location) bool { return l.Source == src && direct[src+"\x00"+l.Path] }) {
			c.Missing = true
		}
	}
}

// ViaJobVariables: a GitLab CI/CD variable that the job receives as an
// environment variable — every project and inherited group variable whose
// protection and environment scope admit the job, whether or not the CI file
// names it — read by an agent in the job that can run commands (`env`).
const ViaJobVariables ReachVia = "job-variables"

// JobVariables says that an agent runs in a GitLab job with a shell: it
// reaches every stored CI/CD variable of its project (Source) and of the
// groups above it that the job receives. Protected: the job can run on a
// protected ref (it then receives protected variables too). Environment:
// the job's environment name ("" none: only variables scoped `*`).
type JobVariables struct {
	Agent       string
	Source      string
	Protected   bool
	Environment string
	Location    Location
}

// AddJobVariables records a JobVariables; the link stage turns it into
// reach edges to the stored variables a platform scan listed (none in a
// local scan, which sees no stored variable).
func (b *Builder) AddJobVariables(j JobVariables) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.jobVariables = append(b.jobVariables, j)
}

// linkJobVariables adds an edge from each JobVariables agent to every
// stored variable its job receives that holds a credential (a value the
// detection engine recognised, or one masked or hidden): the project's own,
// and the inherited group variables its bindings name (GitLab gives a
// project's variable precedence over a group's of the same key, and the
// bindings exist only where the project has none).
func (b *Builder) linkJobVariables(inv *Inventory, add func(Reach)) {
	if len(b.jobVariables) == 0 {
		return
	}
	idx := make(map[string]*Credential, len(inv.Credentials))
	for i := range inv.Credentials {
		idx[inv.Credentials[i].ID] = &inv.Credentials[i]
	}
	backing := map[string][]string{}
	for _, bd := range b.bindings {
		backing[bd.Credential] = mergeStrings(backing[bd.Credential], bd.Backing)
	}
	receives := func(c *Credential, j JobVariables) bool {
		if c == nil || c.API == nil || c.API.Variable == nil {
			return false
		}
		v := c.API.Variable
		if v.ValueType == "" && !v.Masked && !v.Hidden {
			return false // not a credential
		}
		if v.Protected && !j.Protected {
			return false
		}
		scope := v.EnvironmentScope
		return scope == "" || scope == "*" || (j.Environment != "" && MatchPattern(scope, j.Environment))
	}
	for _, j := range b.jobVariables {
		prefix := GitLabVariableID(j.Source, "")
		loc := j.Location
		reach := func(id string) {
			l := loc
			add(Reach{Agent: j.Agent, Credential: id, Via: ViaJobVariables, Location: &l})
		}
		for i := range inv.Credentials {
			if c := &inv.Credentials[i]; strings.HasPrefix(c.ID, prefix) && receives(c, j) {
				reach(c.ID)
			}
		}
		for id, bs := range backing {
			if !strings.HasPrefix(id, prefix) {
				continue
			}
			for _, g := range bs {
				if receives(idx[g], j) {
					reach(g)
				}
			}
		}
	}
}
