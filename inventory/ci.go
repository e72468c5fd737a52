package inventory

import "slices"

// This file holds the CI facts that the workflow scanner records and the
// AR-CI / AR-PB rules read: who can start a job, what gates narrow that, what
// its steps do and which credentials they touch. Scanners store derived facts
// only — never a script body or an input value that could be a secret.

// Further reach paths of CI jobs.
const (
	// ViaSameJob: the credential is handed to another step of the same job.
	// A step that can run commands reaches it anyway: the runner holds every
	// secret of the job in memory and on GitHub-hosted runners the job's user
	// has password-less sudo.
	ViaSameJob ReachVia = "same-job"
	// ViaRunner: the job runs on a self-hosted runner whose host credentials
	// (instance role, docker socket, files left by earlier jobs) it can use.
	ViaRunner ReachVia = "runner"
	// ViaAppToken: the job mints a GitHub App installation token.
	ViaAppToken ReachVia = "app-token"
	// ViaCIVariable: a GitLab CI/CD variable or `variables:` entry.
	ViaCIVariable ReachVia = "ci-variable"
	// ViaCloudLogin: a cloud login action turns an OIDC token or a static key
	// into cloud credentials.
	ViaCloudLogin ReachVia = "cloud-login"
)

// CIJobFacts are what the CI scanner records about the agent of one job
// (Agent.CI); the job itself is Workflow.Jobs[].
type CIJobFacts struct {
	Workflow          string   `json:"workflow,omitempty"`            // path of the workflow or .gitlab-ci.yml that defines the job
	Job               string   `json:"job,omitempty"`                 // the job id
	PermissionsSource string   `json:"permissions_source,omitempty"`  // GitHub: where its GITHUB_TOKEN permissions come from (job, workflow, caller, default)
	Products          []string `json:"products,omitempty"`            // the coding agents it runs, when more than one
	SelfHosted        bool     `json:"self_hosted,omitempty"`         // it runs on a self-hosted runner
	Environment       string   `json:"environment,omitempty"`         // its deployment environment
	CopilotSetupSteps bool     `json:"copilot_setup_steps,omitempty"` // the copilot-setup-steps job whose environment the Copilot coding agent works in
	NeverRuns         bool     `json:"never_runs,omitempty"`          // no trigger reaches the job (Job.NeverRuns)
}

func (f *CIJobFacts) clone() *CIJobFacts {
	if f == nil {
		return nil
	}
	c := *f
	c.Products = slices.Clone(f.Products)
	return &c
}

// Gate kinds: what narrows who can start a job.
const (
	GateAuthorAssociation = "author-association" // if: on author_association ∈ OWNER/MEMBER/COLLABORATOR
	GateActor             = "actor"              // if: github.actor == a named human
	GateSameRepository    = "same-repository"    // if: the pull request comes from the repository itself
	GateLabel             = "label"              // if: a label that only triagers can set
	GatePermissionStep    = "permission-check"   // a step or job that checks the actor's repository permission
	GateEnvironment       = "environment"        // a deployment environment (reviewers not visible to a local scan)
	GateNeeds             = "needs"              // a job it depends on is gated
	GateBuiltin           = "built-in"           // the agent action's own actor check
	GateEventFilter       = "event-filter"       // if: github.event_name excludes the untrusted events
	GateProtectedRef      = "protected-ref"      // GitLab: rules limit the job to protected or default branches / tags
)

// Gate is one condition that narrows who can start a job or drive an agent.
type Gate struct {
	Kind     string   `json:"kind"`
	Detail   string   `json:"detail,omitempty"`
	Location Location `json:"location"`
}

// Starter is who can start a job through one event, after the job's gates.
type Starter struct {
	Event    string   `json:"event"`
	Audience Audience `json:"audience"`
	// Privileged is false when such runs get a read-only token and no
	// secrets (pull requests from forks on `pull_request`).
	Privileged bool     `json:"privileged"`
	Gates      []string `json:"gates,omitempty"` // gate kinds that narrowed the audience
	Location   Location `json:"location"`        // the trigger
}

// SecretRef is one credential a job or step references, and how.
type SecretRef struct {
	Credential string   `json:"credential"` // inventory credential id
	Name       string   `json:"name"`       // secret, variable or input name as written
	Via        ReachVia `json:"via"`
	Step       int      `json:"step"`          // index of the step, -1 at job level
	Env        string   `json:"env,omitempty"` // the env variable it is put in, when it is
	Location   Location `json:"location"`
}

// Checkout is an actions/checkout step (or an equivalent git fetch of a pull
// request head in a run: script).
type Checkout struct {
	Ref                string `json:"ref,omitempty"`        // ref input as written (expressions kept)
	Repository         string `json:"repository,omitempty"` // repository input as written
	UntrustedRef       bool   `json:"untrusted_ref"`        // the ref names the pull request head or a fork
	PersistCredentials bool   `json:"persist_credentials"`  // the token stays in the git config
	TokenSecret        string `json:"token_secret,omitempty"`
	// TokenStep is the id of the step whose minted token the checkout
	// uses (token: ${{ steps.app.outputs.token }}): a GitHub App token
	// is persisted, not the job's GITHUB_TOKEN.
	TokenStep    string `json:"token_step,omitempty"`
	AllowUnsafe  bool   `json:"allow_unsafe,omitempty"`   // allow-unsafe-pr-checkout: true (checkout v7+)
	BlocksForkPR bool   `json:"blocks_fork_pr,omitempty"` // checkout v7+ refuses fork heads on pull_request_target / workflow_run
	ByScript     bool   `json:"by_script,omitempty"`      // git fetch / gh pr checkout in run:
	// HeaderInInclude: this release keeps the persisted credential in a file
	// the repository config includes (v6.0.0, backported to v5.0.1 and
	// v4.3.1), not in .git/config itself; true for floating majors from v4
	// and for commit pins (an unknown release).
	HeaderInInclude bool `json:"header_in_include,omitempty"`
	// Via says how an untrusted ref reaches the input when it is not written
	// there ("env FAILED_HEAD_SHA = github.event.workflow_run.head_sha").
	Via string `json:"via,omitempty"`
}

// AppToken is an actions/create-github-app-token (or equivalent) step.
type AppToken struct {
	Action       string   `json:"action"`
	Owner        string   `json:"owner,omitempty"`
	Repositories string   `json:"repositories,omitempty"`
	Permissions  []string `json:"permissions,omitempty"` // permission-* inputs as name:level
	// Granted is Permissions on the lattice; nil when no permission input
	// narrows the token (it carries every permission of the installation).
	Granted    Permissions `json:"granted,omitempty"`
	SkipRevoke bool        `json:"skip_revoke,omitempty"`
	KeySecret  string      `json:"key_secret,omitempty"`
}

// CloudAuth is a cloud login step.
type CloudAuth struct {
	Provider  string `json:"provider"` // aws, gcp, azure
	Action    string `json:"action"`
	OIDC      bool   `json:"oidc"`                 // role-to-assume / workload identity / client-id without secret
	StaticKey string `json:"static_key,omitempty"` // the input that carries a static key
}

// StepAgent is a coding agent run by a step (an action or a CLI in run:).
type StepAgent struct {
	Product string `json:"product"`
	Via     string `json:"via"` // action reference or command
	Ref     string `json:"ref,omitempty"`
	// Gate is the action's own actor check ("write-access"), "" when the
	// agent relies on the workflow's if: alone.
	Gate string `json:"gate,omitempty"`
	// GateWidened says how the built-in gate was opened, e.g.
	// "allowed_non_write_users: *".
	GateWidened  string   `json:"gate_widened,omitempty"`
	GateOpen     bool     `json:"gate_open,omitempty"` // the widening admits anyone
	GateBots     string   `json:"gate_bots,omitempty"` // bots admitted past the gate
	AllowedTools []string `json:"allowed_tools,omitempty"`
	Unrestricted []string `json:"unrestricted,omitempty"` // allowed tools that grant any command (bare Bash, run_shell_command, …)
	Bypass       []string `json:"bypass,omitempty"`       // bypass flags and modes in effect
	Sandbox      string   `json:"sandbox,omitempty"`
	Approval     string   `json:"approval,omitempty"`      // permission or approval mode as configured
	Egress       bool     `json:"egress,omitempty"`        // an egress allow-list is configured
	OwnKeys      []string `json:"own_keys,omitempty"`      // credential ids of the agent's own model API keys
	UsesOIDCApp  bool     `json:"uses_oidc_app,omitempty"` // mints the vendor's GitHub App token through OIDC
	ModelOIDC    bool     `json:"model_oidc,omitempty"`    // uses the job's OIDC token to log in to its model provider
	// HoldsRepoToken: the agent is given a repository token of its own —
	// the job's GITHUB_TOKEN in its inputs or env, or the token an agent
	// action sets up for itself — so a persisted copy of the job token adds
	// nothing it lacks.
	HoldsRepoToken bool `json:"holds_repo_token,omitempty"`
	// StepTokens are the ids of the steps whose minted tokens
	// (steps.<id>.outputs.token) the agent is given: in its inputs or env,
	// the job's env, or exported to GITHUB_ENV by an earlier script.
	StepTokens []string `json:"step_tokens,omitempty"`
	// ReplacesCheckout says whether the action removes the credential
	// actions/checkout persisted before the agent runs: "any" (whatever
	// checkout's config layout), "local" (only from the repository-local
	// config: a no-op with checkout v6, v5.0.1 and v4.3.1 or newer, which
	// keep it in an included file), "" (not at all).
	ReplacesCheckout string `json:"replaces_checkout,omitempty"`
	// Starters is who can drive this agent per event, after the job's and
	// the step's if: gates and the action's built-in gate.
	Starters    []Starter `json:"starters,omitempty"`
	StartableBy Audience  `json:"startable_by,omitempty"`
	// Unparsed says what the scan could not read about the agent's
	// guardrails — an expression it cannot evaluate in its settings or
	// arguments, a command line that is not valid shell — so that rules
	// list it as not evaluable instead of passing it.
	Unparsed []string `json:"unparsed,omitempty"`
	// Supply lists what the agent itself is pulled from without a pin: the
	// action or workflow at a branch, an npx package without a version, an
	// extension or plugin source at its default branch.
	Supply []AgentSupply `json:"supply,omitempty"`
	// Remote says where a remote coding agent runs and what acts for it on
	// the repository, "" for an agent that runs in the job: a step that
	// starts a Jules, Devin or Cursor background-agent session hands the
	// prompt to an agent in its vendor's cloud, which works through the
	// vendor's GitHub App (branches, pull requests), not with the job's
	// token or secrets.
	Remote string `json:"remote,omitempty"`
	// InputsFrom is the workflow step that calls the local composite action
	// this agent step is in: where the inputs that configure it are written.
	InputsFrom *Location `json:"inputs_from,omitempty"`
}

// AgentSupply is one part of an agent fetched at run time without a pin.
type AgentSupply struct {
	What     string `json:"what"`     // e.g. "action openai/codex/.github/actions/codex@main"
	Unpinned string `json:"unpinned"` // why it is not pinned
}

// Injection is an untrusted expression expanded into a script or prompt.
type Injection struct {
	Expression string   `json:"expression"` // e.g. github.event.issue.title, env.TITLE, steps.meta.outputs.body
	Into       string   `json:"into"`       // run, script, prompt, …
	Location   Location `json:"location"`
	// Origins are the attacker-controlled sources of a value that reaches
	// the sink indirectly (through env, a step's or job's outputs, an
	// input): event context paths (github.event.issue.title), OriginFetched
	// or OriginAgentOutput. Empty when Expression is itself the source.
	Origins []string `json:"origins,omitempty"`
	// Via says where the value comes from, for people ("env ISSUE_TITLE,
	// set from github.event.issue.title at line 56").
	Via string `json:"via,omitempty"`
	// Agent is the product of the agent whose prompt the value reaches when
	// the step that expands it is not the agent step itself (a local
	// composite action that passes its input on to the agent).
	Agent string `json:"agent,omitempty"`
}

// Injection origins that are not event context paths.
const (
	// OriginFetched: issue, pull request or comment text that a step fetched
	// through gh or the API (or read from the event payload file).
	OriginFetched = "fetched-text"
	// OriginAgentOutput: the output of a model or coding agent that read
	// text from outsiders.
	OriginAgentOutput = "agent-output"
	// OriginGitLabEventText: GitLab event text — the comment that mentions
	// an agent and its thread ($AI_FLOW_INPUT, $AI_FLOW_CONTEXT) or a
	// webhook trigger's payload ($TRIGGER_PAYLOAD).
	OriginGitLabEventText = "gitlab-event-text"
	// OriginGitLabCommitText: a GitLab commit's message, title,
	// description or author, in a job that can run on protected refs.
	OriginGitLabCommitText = "gitlab-commit-text"
	// OriginPipelineVariable: a GitLab pipeline variable the CI file does not
	// define, in a job that runs for trigger or downstream pipelines
	// (whoever holds a trigger token, or runs the upstream job, sets it).
	OriginPipelineVariable = "pipeline-variable"
)

// Step is one step of a job (or of a local composite action it uses).
type Step struct {
	Index    int      `json:"index"`
	ID       string   `json:"id,omitempty"`
	Name     string   `json:"name,omitempty"`
	Location Location `json:"location"`
	Uses     string   `json:"uses,omitempty"`
	Run      bool     `json:"run,omitempty"` // the step runs a script (not stored)
	// RunsWorkspace: the script may run code from the workspace (anything
	// OtherS3Endpoint: the script sends AWS-style keys to another
	// S3-compatible endpoint (aws --endpoint-url, s3cmd host_base,
	// AWS_ENDPOINT_URL): no AWS OIDC federation can replace them.
	OtherS3Endpoint bool `json:"other_s3_endpoint,omitempty"`
	// but a short list of commands that only read, print or talk to git and
	// the GitHub API).
	RunsWorkspace bool        `json:"runs_workspace,omitempty"`
	If            string      `json:"if,omitempty"`
	Inputs        []string    `json:"inputs,omitempty"` // with: input names (values are not stored)
	Commands      []string    `json:"commands,omitempty"`
	Agent         *StepAgent  `json:"agent,omitempty"`
	Checkout      *Checkout   `json:"checkout,omitempty"`
	AppToken      *AppToken   `json:"app_token,omitempty"`
	CloudAuth     *CloudAuth  `json:"cloud_auth,omitempty"`
	Injections    []Injection `json:"injections,omitempty"`
	// UploadsWorkspace: actions/upload-artifact of a path that includes the
	// checkout (and so a persisted git credential).
	UploadsWorkspace bool `json:"uploads_workspace,omitempty"`
	// PermissionCheck: the step checks the actor's repository permission.
	PermissionCheck bool `json:"permission_check,omitempty"`
	// SameRepoAPI: the step calls the API, git or gh on this repository only
	// (work the job's own token could do).
	SameRepoAPI bool   `json:"same_repo_api,omitempty"`
	FromAction  string `json:"from_action,omitempty"` // the local composite action it was expanded from
	// Automation lists what the step does to pull requests or branches with
	// the job's credentials: approve, merge, auto-merge, push.
	Automation []string `json:"automation,omitempty"`
}

// Pull request automation a step performs (Step.Automation).
const (
	AutomationApprove   = "approve"
	AutomationMerge     = "merge"
	AutomationAutoMerge = "auto-merge"
	AutomationPush      = "push"
)

// BotCondition is an if: that admits a job or step by a bot's login
// (`github.actor == 'dependabot[bot]'`). A name check is not a gate: the
// actor of an event and the author of what the job processes can differ.
type BotCondition struct {
	Context  string   `json:"context"` // github.actor, github.event.pull_request.user.login, …
	Login    string   `json:"login"`
	Step     int      `json:"step"` // index of the step whose if: it is, -1 for the job's
	Location Location `json:"location"`
}

// JobEnvironment is a job's deployment environment.
type JobEnvironment struct {
	Name     string   `json:"name"`
	Location Location `json:"location"`
	// Protected is "unknown" in a local scan; an org scan fills in "yes" or "no".
	Protected string `json:"protected"`
}

// IDToken is a GitLab `id_tokens:` entry.
type IDToken struct {
	Name     string   `json:"name"`
	Audience []string `json:"audience,omitempty"`
	Location Location `json:"location"`
}

// GitHubSecretID is the credential id of an Actions secret referenced by
// name from a workflow; "*" stands for every secret of the repository.
func GitHubSecretID(source, name string) string { return Scoped(source, "github-actions-secret:"+name) }

// GitHubCallSecretID is the credential id of a secret that the reusable
// workflow at workflowPath declares and that its callers pass.
func GitHubCallSecretID(source, workflowPath, name string) string {
	return Scoped(source, "github-workflow-call-secret:"+workflowPath+"#"+name)
}

// GitHubTokenID is the credential id of a job's GITHUB_TOKEN.
func GitHubTokenID(source, workflowPath, job string) string {
	return Scoped(source, "github-token:"+workflowPath+"#"+job)
}

// GitLabVariableID is the credential id of a GitLab CI/CD variable.
func GitLabVariableID(source, name string) string { return Scoped(source, "gitlab-ci-variable:"+name) }

// HasShell reports an agent that can run arbitrary commands on the runner
// outside a sandbox: an unrestricted tool or a bypass in effect, unless the
// Codex sandbox confines it to the workspace.
func (a *StepAgent) HasShell() bool {
	if a == nil || a.Remote != "" {
		return false // a remote agent's shell is in its vendor's VM, not the job
	}
	if a.Product == "codex" && a.Sandbox != "" && a.Sandbox != "danger-full-access" {
		return false
	}
	return len(a.Unrestricted) > 0 || len(a.Bypass) > 0
}
