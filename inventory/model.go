// Package inventory holds agentreach's model: the principals, credentials,
// agents and reach edges that scanners find, the coverage of each source,
// the findings that rules derive from them, and the permission lattice that
// makes excess privilege a comparison. It depends on the standard library
// only, and it never holds a secret value.
package inventory

import "time"

// Platform names where an identity or credential lives. Scanners may use
// further issuer names for embedded keys (for example "aws" or "openai").
const (
	PlatformGitHub = "github"
	PlatformGitLab = "gitlab"
	PlatformLocal  = "local"
)

// PrincipalKind says what sort of identity a principal is.
type PrincipalKind string

// Principal kinds.
const (
	PrincipalHuman   PrincipalKind = "human"
	PrincipalBot     PrincipalKind = "bot"
	PrincipalService PrincipalKind = "service"
	PrincipalApp     PrincipalKind = "app"
	PrincipalUnknown PrincipalKind = "unknown"
)

// PrincipalState is the membership state of a principal.
type PrincipalState string

// Principal states.
const (
	StateActive     PrincipalState = "active"
	StateSuspended  PrincipalState = "suspended"
	StateOffboarded PrincipalState = "offboarded"
	StateUnknown    PrincipalState = "unknown"
)

// Principal is an identity that can hold rights: a human, a machine user, a
// service account or an app.
type Principal struct {
	ID       string         `json:"id"`
	Platform string         `json:"platform"`
	Login    string         `json:"login"`
	Kind     PrincipalKind  `json:"kind"`
	Role     string         `json:"role,omitempty"` // org or group role
	State    PrincipalState `json:"state,omitempty"`
	// RepoPermissions maps a repository (owner/name) to the principal's
	// permission on it, normalised onto the lattice.
	RepoPermissions map[string]Permissions `json:"repo_permissions,omitempty"`
	// Accountable lists the human principals accountable for this identity
	// (from the principals map of .agentreach.yml).
	Accountable []string `json:"accountable,omitempty"`
}

// CredentialKind classifies a credential.
type CredentialKind string

// Credential kinds.
const (
	KindClassicPAT          CredentialKind = "classic-pat"
	KindFineGrainedPAT      CredentialKind = "fine-grained-pat"
	KindOAuthAppToken       CredentialKind = "oauth-app-token"
	KindUserToServerToken   CredentialKind = "user-to-server-token"
	KindInstallationToken   CredentialKind = "installation-token"
	KindRefreshToken        CredentialKind = "refresh-token"
	KindAppInstallation     CredentialKind = "app-installation"
	KindDeployKey           CredentialKind = "deploy-key"
	KindActionsSecret       CredentialKind = "actions-secret"
	KindCIVariable          CredentialKind = "ci-variable"
	KindDeployToken         CredentialKind = "deploy-token"
	KindProjectAccessToken  CredentialKind = "project-access-token"
	KindGroupAccessToken    CredentialKind = "group-access-token"
	KindPersonalAccessToken CredentialKind = "personal-access-token"
	KindRunner              CredentialKind = "runner"
	KindWorkflowToken       CredentialKind = "workflow-token" // GITHUB_TOKEN, CI_JOB_TOKEN
	KindOIDC                CredentialKind = "oidc-token"
	KindEmbeddedKey         CredentialKind = "embedded-key"
	// KindUserSSHKey is a user's SSH key as a platform lists it (GitHub's
	// SSO-authorised keys, GitLab's enterprise users' keys): the public
	// half; the private key lives wherever its user keeps it.
	KindUserSSHKey CredentialKind = "user-ssh-key"
	// KindWorkflowCallSecret is a secret a reusable workflow declares under
	// on.workflow_call.secrets when no caller in the scan passes it: a
	// parameter whose value each caller chooses, not one stored secret.
	KindWorkflowCallSecret CredentialKind = "workflow-call-secret"
)

// LifetimeClass says how long a credential of its kind stays valid.
type LifetimeClass string

// Lifetime classes.
const (
	LifetimeStatic     LifetimeClass = "static"      // long-lived until revoked
	LifetimeShortLived LifetimeClass = "short-lived" // minutes to hours
	LifetimeRefresh    LifetimeClass = "refresh"     // mints new access tokens
	LifetimeUnknown    LifetimeClass = "unknown"
)

// ReachClass says what a credential reaches.
type ReachClass string

// Reach classes.
const (
	ReachSourceControl   ReachClass = "source-control"
	ReachCloud           ReachClass = "cloud"
	ReachLLMAPI          ReachClass = "llm-api"
	ReachChat            ReachClass = "chat"
	ReachPayments        ReachClass = "payments"
	ReachPackageRegistry ReachClass = "package-registry"
	ReachDatabase        ReachClass = "database"
	ReachObservability   ReachClass = "observability"
	ReachProductivity    ReachClass = "productivity"
	ReachMessaging       ReachClass = "messaging"
	ReachInfrastructure  ReachClass = "infrastructure"
	ReachCrypto          ReachClass = "crypto-key"
	ReachGeneric         ReachClass = "generic"
)

// GitState is the state of the file a credential was found in.
type GitState string

// Git states. A committed file has leaked to everyone with read access to the
// repository; ignored and untracked files are still readable by a local agent.
const (
	GitTracked   GitState = "tracked"
	GitUntracked GitState = "untracked"
	GitIgnored   GitState = "ignored"
	GitHistory   GitState = "history" // only in a past commit
	// GitUncommitted is a line of a tracked file that is a local change, not
	// yet committed: readable by a local agent, not yet leaked through git.
	GitUncommitted GitState = "uncommitted"
	GitNone        GitState = "not-a-repository"
	GitUnknown     GitState = "unknown"
)

// Location is where something was found. Path is relative to the scan target
// and slash-separated; for API findings it is a deterministic pseudo-path that
// names the subject (for example "github/acme/org-secrets/DEPLOY_TOKEN").
type Location struct {
	// Source is the id of the source the location belongs to (see Source):
	// every id and subject derived from the location is scoped by it.
	Source    string   `json:"source,omitempty"`
	Root      string   `json:"root,omitempty"`
	Path      string   `json:"path"`
	Line      int      `json:"line,omitempty"`
	Column    int      `json:"column,omitempty"`
	EndLine   int      `json:"end_line,omitempty"`
	EndColumn int      `json:"end_column,omitempty"`
	Pointer   string   `json:"pointer,omitempty"` // JSON pointer or key path inside the file
	Commit    string   `json:"commit,omitempty"`
	Git       GitState `json:"git,omitempty"`
}

// Scope says which resources a credential covers.
type Scope struct {
	Kind         string   `json:"kind"` // org, group, all-repositories, selected-repositories, repository, environment, instance, file
	Target       string   `json:"target,omitempty"`
	Repositories []string `json:"repositories,omitempty"`
}

// EmbeddedCredentialID is the inventory id of a credential value found in a
// file, derived from the value's fingerprint: the hex HMAC-SHA256 of the
// value under a key the scanning environment holds (Credential.ValueHMAC).
// Every scanner that sees the same value (the detection engine, the
// agent-config and CI parsers) gets it from the same engine, so that the
// value becomes one credential with all its locations and reach edges. The
// id is the first 16 hex digits; without the key nobody can test a guessed
// value against it.
func EmbeddedCredentialID(valueHMAC string) string {
	if len(valueHMAC) > 16 {
		valueHMAC = valueHMAC[:16]
	}
	return "embedded:" + valueHMAC
}

// Credential is something that authenticates. It never holds the value: an
// embedded key keeps only a redacted preview and a keyed fingerprint of the
// value (ValueHMAC).
type Credential struct {
	ID          string         `json:"id"`
	Kind        CredentialKind `json:"kind"`
	Platform    string         `json:"platform"`
	Type        string         `json:"type,omitempty"` // detector or API type, e.g. github-classic-pat
	Name        string         `json:"name,omitempty"`
	Owner       string         `json:"owner,omitempty"` // principal id
	Storage     string         `json:"storage,omitempty"`
	Scope       *Scope         `json:"scope,omitempty"`
	Permissions Permissions    `json:"permissions,omitempty"`
	Lifetime    LifetimeClass  `json:"lifetime,omitempty"`
	Reach       ReachClass     `json:"reach,omitempty"`
	CreatedAt   *time.Time     `json:"created_at,omitempty"`
	ExpiresAt   *time.Time     `json:"expires_at,omitempty"`
	LastUsedAt  *time.Time     `json:"last_used_at,omitempty"`
	Revocation  string         `json:"revocation,omitempty"`
	Locations   []Location     `json:"locations,omitempty"`
	Redacted    string         `json:"redacted,omitempty"`
	ValueHMAC   string         `json:"value_hmac,omitempty"` // hex HMAC-SHA256 of the value under the scan's key; embedded values only
	// Attributes hold free-form, descriptive details that no rule reads:
	// the detection engine's token_kind, and for an AWS key pair
	// paired_secret and access_key_id; an agent-config reference's kind
	// (reference: env, input, command, …); a GITHUB_TOKEN's
	// permissions_source; an App token's permissions note and
	// private_key_secret. A fact a rule reads is a typed field below.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Accountable lists the humans accountable for the credential (the
	// principals map of .agentreach.yml, applied by the link stage).
	Accountable []string `json:"accountable,omitempty"`

	// Facts scanners record and rules read (all optional).
	Store         string   `json:"store,omitempty"`          // the workstation credential store it was read from: gh-cli, aws-cli, kubeconfig, docker, npm, netrc, git-credentials, ssh, shell-history, …
	ConfigKey     string   `json:"config_key,omitempty"`     // the key an agent configuration holds or names it under (env variable, header, setting)
	AgentAPIKey   bool     `json:"agent_api_key,omitempty"`  // a CI coding agent's own model API key
	UnmaskedInput bool     `json:"unmasked_input,omitempty"` // a VS Code input that is prompted without password: true
	Feeds         []string `json:"feeds,omitempty"`          // an OIDC token: the steps that exchange it (cloud logins, vendor App tokens)
	Audience      []string `json:"audience,omitempty"`       // an OIDC token: the audiences of a GitLab id_tokens entry
	// Public says why an embedded value is public by design or published
	// (a storage emulator's documented key, an installed app's OAuth client
	// secret, a published sample token): not a secret to rotate.
	Public string `json:"public,omitempty"`
	// Synthetic says why an embedded value is a made-up test value: its
	// random part is written after several token-type prefixes in one file
	// (ghp_ and ghs_), which no issuer does for real credentials. Unlike
	// Public it is inferred from the file, not a published fact.
	Synthetic string `json:"synthetic,omitempty"`
	// Context is the path context that every place of an embedded value
	// shares (test, example or docs; see PathContext), empty when any place
	// is a product file. Set by the link stage. AR-SC-001 does not report a
	// value written only in test files unless the configuration asks it to
	// (scan.test_credentials: report).
	Context PathContext `json:"context,omitempty"`
	// API holds the facts only a platform API lists (nil for credentials
	// found in files).
	API *APIFacts `json:"api,omitempty"`
	// Backing lists the stored secrets a workflow's secret reference
	// resolves to in its repository (see Binding): the repository's own
	// secret, an organisation secret, environment secrets.
	Backing []string `json:"backing,omitempty"`
	// Missing says that a workflow's secret reference resolves to no
	// stored secret: the platform scan read every secret list the
	// repository's workflows draw from (see SecretNames) and none holds
	// the name, so the reference expands to an empty string. Set by the
	// link stage; the complement of Backing.
	Missing bool `json:"missing,omitempty"`
}

// fillFacts fills the typed facts that c leaves empty from o (the link
// stage merges the parts of one credential in canonical order).
func (c *Credential) fillFacts(o Credential) {
	fill(&c.Store, o.Store)
	fill(&c.ConfigKey, o.ConfigKey)
	fill(&c.Public, o.Public)
	fill(&c.Synthetic, o.Synthetic)
	c.AgentAPIKey = c.AgentAPIKey || o.AgentAPIKey
	c.UnmaskedInput = c.UnmaskedInput || o.UnmaskedInput
	c.Missing = c.Missing || o.Missing
	if len(c.Feeds) == 0 {
		c.Feeds = o.Feeds
	}
	if len(c.Audience) == 0 {
		c.Audience = o.Audience
	}
	if c.API == nil {
		c.API = o.API
	}
}

// AgentKind classifies an agent.
type AgentKind string

// Agent kinds.
const (
	AgentCIJob       AgentKind = "ci-job"
	AgentCICodingJob AgentKind = "ci-coding-agent"
	AgentMCPServer   AgentKind = "mcp-server"
	AgentProfile     AgentKind = "agent-profile"
	AgentApp         AgentKind = "agent-app"
	AgentWorkstation AgentKind = "workstation"
	AgentUnknownKind AgentKind = "unknown"
)

// Audience is who can start an agent, ordered from widest to narrowest.
type Audience string

// Audiences.
const (
	AudienceAnyone      Audience = "anyone"      // fork pull requests, any GitHub user
	AudienceCommenters  Audience = "commenters"  // anyone who can comment or open issues
	AudienceWrite       Audience = "write"       // users with write access
	AudienceMaintainers Audience = "maintainers" // maintainers, admins
	AudienceSchedule    Audience = "schedule"    // only a schedule or the platform
	AudienceLocalUser   Audience = "local-user"  // the developer running the agent
	AudienceUnknown     Audience = "unknown"
)

// AudienceRank orders audiences from the widest (0) to the narrowest.
func AudienceRank(a Audience) int {
	switch a {
	case AudienceAnyone:
		return 0
	case AudienceCommenters:
		return 1
	case AudienceWrite:
		return 2
	case AudienceMaintainers:
		return 3
	case AudienceLocalUser:
		return 4
	case AudienceSchedule:
		return 5
	default:
		return 2
	}
}

// Trigger is an event that starts an agent.
type Trigger struct {
	Event    string   `json:"event"`
	Location Location `json:"location"`
}

// Guardrails describe what stands between a prompt and an action.
type Guardrails struct {
	ApprovalMode         string   `json:"approval_mode,omitempty"`
	Sandbox              string   `json:"sandbox,omitempty"`
	AllowedTools         []string `json:"allowed_tools,omitempty"`
	DeniedTools          []string `json:"denied_tools,omitempty"`
	Bypass               []string `json:"bypass,omitempty"` // bypass flags and modes in effect
	Gates                []string `json:"gates,omitempty"`  // if: conditions or built-in actor checks that narrow who can start it
	EnvironmentReviewers bool     `json:"environment_reviewers,omitempty"`
	EgressControl        bool     `json:"egress_control,omitempty"`
}

// Agent is something that acts automatically with credentials.
type Agent struct {
	ID          string      `json:"id"`
	Kind        AgentKind   `json:"kind"`
	Name        string      `json:"name"`
	Platform    string      `json:"platform,omitempty"`
	Product     string      `json:"product,omitempty"` // claude-code, codex, gemini-cli, …
	Location    Location    `json:"location"`
	Triggers    []Trigger   `json:"triggers,omitempty"`
	StartableBy Audience    `json:"startable_by,omitempty"`
	Guardrails  Guardrails  `json:"guardrails,omitempty"`
	Permissions Permissions `json:"permissions,omitempty"` // e.g. effective GITHUB_TOKEN permissions
	// Attributes hold free-form, descriptive details that no rule reads (a
	// Codex profile's shell_env policy). Facts rules read are typed fields
	// below.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Accountable lists the humans accountable for the agent (the principals
	// map of .agentreach.yml, applied by the link stage).
	Accountable []string `json:"accountable,omitempty"`

	// Facts of one kind of agent that rules read; nil for other kinds.
	MCP     *MCPServerFacts `json:"mcp,omitempty"`     // an mcp-server
	Profile *ProfileFacts   `json:"profile,omitempty"` // an agent-profile
	CI      *CIJobFacts     `json:"ci,omitempty"`      // a ci-job or ci-coding-agent
}

// ReachVia says how an agent reaches a credential.
type ReachVia string

// Reach paths.
const (
	ViaJobEnv            ReachVia = "job-env"
	ViaStepEnv           ReachVia = "step-env"
	ViaWith              ReachVia = "with-input"
	ViaRunScript         ReachVia = "run-script"
	ViaSecretsInherit    ReachVia = "secrets-inherit"
	ViaAllSecrets        ReachVia = "all-secrets"
	ViaPersistedCheckout ReachVia = "persisted-checkout"
	ViaOIDC              ReachVia = "oidc"
	ViaWorkflowToken     ReachVia = "workflow-token"
	ViaMCPEnv            ReachVia = "mcp-env"
	ViaMCPHeader         ReachVia = "mcp-header"
	ViaMCPArgs           ReachVia = "mcp-args"
	ViaFileRead          ReachVia = "file-read" // the agent can read the file that holds the key
	ViaOwner             ReachVia = "owner"
)

// Reach is an edge: an agent reaches a credential, or a credential is owned by
// a principal (Agent empty, Principal set).
type Reach struct {
	Agent       string      `json:"agent,omitempty"`
	Credential  string      `json:"credential"`
	Principal   string      `json:"principal,omitempty"`
	Via         ReachVia    `json:"via"`
	Location    *Location   `json:"location,omitempty"`
	Permissions Permissions `json:"permissions,omitempty"`
}

// Workflow is a parsed CI definition (a GitHub Actions workflow or a GitLab
// CI file) with the facts rules read.
type Workflow struct {
	Source      string           `json:"source,omitempty"` // the id of the source that holds it
	Platform    string           `json:"platform"`
	Path        string           `json:"path"`
	Root        string           `json:"root,omitempty"`
	Name        string           `json:"name,omitempty"`
	Triggers    []Trigger        `json:"triggers,omitempty"`
	Permissions *PermissionBlock `json:"permissions,omitempty"` // nil when undeclared
	Jobs        []Job            `json:"jobs,omitempty"`
	// Refused says why GitHub refuses to run the file (a key defined twice
	// in one mapping), "" when it does not: a refused workflow runs
	// nothing, and the rules treat it as they treat a template.
	Refused string `json:"refused,omitempty"`
}

// PermissionBlock is a declared `permissions:` block as written.
type PermissionBlock struct {
	All       string            `json:"all,omitempty"`    // read-all, write-all
	Scopes    map[string]string `json:"scopes,omitempty"` // as written, e.g. pull-requests: write
	Effective Permissions       `json:"effective"`        // on the lattice
	Location  Location          `json:"location"`
}

// Job is one job of a workflow.
type Job struct {
	ID          string           `json:"id"`
	Name        string           `json:"name,omitempty"`
	Location    Location         `json:"location"`
	Permissions *PermissionBlock `json:"permissions,omitempty"` // nil when undeclared
	Uses        string           `json:"uses,omitempty"`        // reusable workflow call
	Agent       string           `json:"agent,omitempty"`       // id of the agent for this job

	// Facts the CI rules read (all optional; see ci.go).
	If         string   `json:"if,omitempty"`
	Needs      []string `json:"needs,omitempty"`
	RunsOn     []string `json:"runs_on,omitempty"`
	SelfHosted bool     `json:"self_hosted,omitempty"`
	// RunnerLabels are the label sets an expression in runs-on evaluates to
	// (one per matrix value), when it could be evaluated.
	RunnerLabels [][]string `json:"runner_labels,omitempty"`
	// RunnerHosting is self-hosted, github-hosted, third-party or unknown
	// (custom labels, which may name a self-hosted runner or a larger
	// GitHub-hosted one); empty when runs-on could not be evaluated.
	RunnerHosting      string          `json:"runner_hosting,omitempty"`
	RunnerCustomLabels []string        `json:"runner_custom_labels,omitempty"` // the custom labels, when hosting is unknown
	Environment        *JobEnvironment `json:"environment,omitempty"`
	Steps              []Step          `json:"steps,omitempty"`
	Secrets            []SecretRef     `json:"secrets,omitempty"`
	InheritSecrets     bool            `json:"inherit_secrets,omitempty"` // a reusable-workflow call with `secrets: inherit`
	AllSecrets         bool            `json:"all_secrets,omitempty"`     // toJSON(secrets) or secrets[...]
	Starters           []Starter       `json:"starters,omitempty"`
	// NeverRuns says that no trigger of the workflow reaches the job: its
	// if: is false on every event (`if: false`), a job it needs never
	// runs, or every caller of its reusable workflow never runs. The CI
	// rules do not report such a job; the inventory keeps it.
	NeverRuns bool `json:"never_runs,omitempty"`
	// TokenUnused says that nothing in the job can use its GITHUB_TOKEN:
	// only run: scripts of inert commands (echo, test, jq, …; no build
	// tool, interpreter or agent), none of which (nor any env) names
	// github.token, secrets.GITHUB_TOKEN or the whole secrets or github
	// context. AR-CI-001 does not report such a job.
	TokenUnused          bool           `json:"token_unused,omitempty"`
	StartableBy          Audience       `json:"startable_by,omitempty"`
	Gates                []Gate         `json:"gates,omitempty"`
	BotConditions        []BotCondition `json:"bot_conditions,omitempty"`        // if: checks on a bot's login, job's and steps'
	EffectivePermissions Permissions    `json:"effective_permissions,omitempty"` // GITHUB_TOKEN after job, workflow, default and caller
	PermissionsSource    string         `json:"permissions_source,omitempty"`    // job, workflow, caller, default
	IDTokens             []IDToken      `json:"id_tokens,omitempty"`             // GitLab id_tokens
	CalledBy             []string       `json:"called_by,omitempty"`             // caller workflow#job of a reusable workflow
}

// Coverage records how completely a source was read.
type Coverage struct {
	Source string         `json:"source"`
	Target string         `json:"target,omitempty"`
	Path   string         `json:"path,omitempty"`
	Status CoverageStatus `json:"status"`
	Reason string         `json:"reason,omitempty"`
	Count  int            `json:"count,omitempty"`
}

// CoverageStatus is the state of one coverage entry.
type CoverageStatus string

// Coverage states. Skipped is a policy decision (a binary file, a file over
// the size cap); Partial and Failed mean data is missing and the scan is
// incomplete. OutOfScope names a reference beyond the scan's reach (a GitLab
// template or another project's include, a reusable workflow in another
// repository): it is listed so that nobody mistakes it for read, but it is
// not missing data — the scan read everything it was asked to — so it never
// makes a scan incomplete.
const (
	CoverageComplete   CoverageStatus = "complete"
	CoverageSkipped    CoverageStatus = "skipped"
	CoveragePartial    CoverageStatus = "partial"
	CoverageFailed     CoverageStatus = "failed"
	CoverageOutOfScope CoverageStatus = "out-of-scope"
)

// OutOfScope reports whether the entry names a reference beyond the scan's
// reach.
func (c Coverage) OutOfScope() bool { return c.Status == CoverageOutOfScope }

// Incomplete reports whether the entry means that data is missing. An
// out-of-scope entry is not incomplete.
func (c Coverage) Incomplete() bool {
	return c.Status == CoveragePartial || c.Status == CoverageFailed
}

// Inventory is the merged model of one scan.
type Inventory struct {
	Sources     []Source     `json:"sources"`
	Principals  []Principal  `json:"principals"`
	Credentials []Credential `json:"credentials"`
	Agents      []Agent      `json:"agents"`
	Reaches     []Reach      `json:"reaches"`
	Workflows   []Workflow   `json:"workflows"`
	Settings    []Setting    `json:"settings,omitempty"`
	Webhooks    []Webhook    `json:"webhooks,omitempty"`
}

// Credential returns the credential with the given id, or nil.
func (inv *Inventory) Credential(id string) *Credential {
	for i := range inv.Credentials {
		if inv.Credentials[i].ID == id {
			return &inv.Credentials[i]
		}
	}
	return nil
}

// Agent returns the agent with the given id, or nil.
func (inv *Inventory) Agent(id string) *Agent {
	for i := range inv.Agents {
		if inv.Agents[i].ID == id {
			return &inv.Agents[i]
		}
	}
	return nil
}

// ReachesOf returns the edges from the given agent.
func (inv *Inventory) ReachesOf(agentID string) []Reach {
	var out []Reach
	for _, r := range inv.Reaches {
		if r.Agent == agentID {
			out = append(out, r)
		}
	}
	return out
}

// AgentsReaching returns the edges that reach the given credential from an agent.
func (inv *Inventory) AgentsReaching(credentialID string) []Reach {
	var out []Reach
	for _, r := range inv.Reaches {
		if r.Credential == credentialID && r.Agent != "" {
			out = append(out, r)
		}
	}
	return out
}
