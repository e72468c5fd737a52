package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// PersistedCheckout is AR-CI-005.
var PersistedCheckout = &Rule{
	Metadata: Metadata{
		ID:       "AR-CI-005",
		Name:     "persisted-checkout-credential",
		Title:    "Persisted checkout credential in jobs running agents or uploading artifacts",
		Severity: inventory.SeverityMedium,
		Score:    5.5,
		Escalation: "high 7.0 when a coding agent runs after the checkout and the persisted token gives it something it lacks: a personal " +
			"token it is not given otherwise, a token an earlier step minted (`token: ${{ steps.app.outputs.token }}`, a GitHub App token " +
			"that can write) that the agent is not given in its inputs, its env, the job's env or GITHUB_ENV, or a job GITHUB_TOKEN that " +
			"can write (id-token: write is not a write) when the agent holds no repository token of its own, for runs that get such a " +
			"token (not fork pull requests). Quiet when the agent action removes the " +
			"credential first (anthropics/claude-code-action v1; before v1.0.197 only when actions/checkout keeps it in .git/config itself). " +
			"medium 5.5 when the workspace with its .git directory is uploaded as an artifact (actions/upload-artifact before v4.4, or " +
			"`include-hidden-files: true`).",
		Description: "`actions/checkout` keeps the token it used in the repository's git configuration unless `persist-credentials: false`. " +
			"A coding agent that runs later in the job can read it and push, comment or approve with it; an uploaded workspace hands it " +
			"to everyone who can download the artifact.",
		Frameworks:  []Mapping{NHI(2), ASI(2), ASI(3), Maestro("L4/T3")},
		Source:      "GitHub Actions workflows",
		Remediation: "Set `persist-credentials: false` on the checkout and give a scoped token only to the step that pushes.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		ciJobs(c.Inventory, inventory.PlatformGitHub, func(j jobRef) {
			for i, s := range j.job.Steps {
				co := s.Checkout
				if co == nil || co.ByScript || !co.PersistCredentials {
					continue
				}
				later := j.job.Steps[i+1:]
				if ag := slices.IndexFunc(later, func(x inventory.Step) bool { return x.Agent != nil && x.Agent.Remote == "" }); ag >= 0 {
					if msg, ok := persistedForAgent(j, co, later[ag]); ok {
						c.Report(Result{
							Subject:  j.stepSubject(s) + ":persisted",
							Location: s.Location,
							Score:    7.0,
							Agent:    j.job.Agent,
							Message:  msg,
						})
						continue
					}
				}
				if up := slices.IndexFunc(later, func(x inventory.Step) bool { return x.UploadsWorkspace }); up >= 0 {
					c.Report(Result{
						Subject:  j.stepSubject(s) + ":artifact",
						Location: later[up].Location,
						Score:    5.5,
						Agent:    j.job.Agent,
						Message: fmt.Sprintf("%s uploads its workspace, including the .git configuration where actions/checkout persisted %s, as an artifact anyone who can download artifacts gets.",
							capitalize(j.name()), persistedDesc(co)),
					})
				}
			}
		})
	},
}

// persistedDesc names the token a checkout persisted.
func persistedDesc(co *inventory.Checkout) string {
	switch {
	case co.TokenStep != "":
		return "the token that step `" + co.TokenStep + "` minted"
	case co.TokenSecret != "" && co.TokenSecret != "GITHUB_TOKEN":
		return "the secret " + co.TokenSecret
	}
	return "the job's GITHUB_TOKEN"
}

// mintedBy returns the job's step with the id, when it mints a GitHub App
// token.
func mintedBy(job *inventory.Job, id string) *inventory.AppToken {
	for _, s := range job.Steps {
		if s.ID == id && s.AppToken != nil {
			return s.AppToken
		}
	}
	return nil
}

// persistedForAgent says whether the credential a checkout persisted gives
// the agent step that runs after it more than it already has, and how. It is
// quiet when the agent action removes the credential before the agent runs,
// when the persisted token is the job's GITHUB_TOKEN and the agent holds a
// repository token of its own anyway, when that token cannot write, and
// when only runs that get a read-only token (fork pull requests) can start
// the job.
func persistedForAgent(j jobRef, co *inventory.Checkout, agent inventory.Step) (string, bool) {
	ag := agent.Agent
	if ag.Product == "codex" && !agentShell(ag) && ag.Egress {
		// Codex's sandbox (read-only, or workspace-write without network
		// access) gives its commands no network: a token read from
		// .git/config cannot be used from inside it.
		return "", false
	}
	switch ag.ReplacesCheckout {
	case "any":
		return "", false
	case "local":
		if !co.HeaderInInclude {
			return "", false
		}
	}
	var starters []inventory.Starter
	for _, s := range firstNonEmpty(ag.Starters, j.job.Starters) {
		if s.Privileged {
			starters = append(starters, s)
		}
	}
	if len(starters) == 0 {
		return "", false
	}
	pat := co.TokenSecret != "" && co.TokenSecret != "GITHUB_TOKEN"
	what := ""
	switch {
	case co.TokenStep != "":
		// A token another step minted (a GitHub App token): the agent
		// gains it only when it is not given that token anyway.
		if slices.Contains(ag.StepTokens, co.TokenStep) {
			return "", false
		}
		what = "whatever that token can do"
		if t := mintedBy(j.job, co.TokenStep); t != nil {
			what = "a GitHub App installation token with every permission of the installation"
			if t.Granted != nil {
				if what = writeScopes(t.Granted); what == "" {
					return "", false
				}
			}
		}
	case pat:
		if slices.ContainsFunc(j.job.Secrets, func(r inventory.SecretRef) bool {
			return r.Name == co.TokenSecret && (r.Step == -1 || r.Step == agent.Index)
		}) {
			return "", false // the agent is given that secret anyway
		}
		what = "whatever that personal token can do"
	case ag.HoldsRepoToken:
		return "", false
	default:
		what = writeScopes(jobToken(j.job))
		if what == "" {
			return "", false
		}
	}
	why := ""
	if ag.ReplacesCheckout == "local" {
		why = fmt.Sprintf(" (%s removes it from .git/config only, and this actions/checkout release keeps it in an included file)", agentVia(ag))
	}
	return fmt.Sprintf("The %s agent in %s can read %s from the git configuration that actions/checkout left behind (%s)%s; %s can start the job.",
		ag.Product, j.name(), persistedDesc(co), what, why, startersPhrase(starters)), true
}

// agentVia names the agent action without its ref.
func agentVia(ag *inventory.StepAgent) string {
	name, _, _ := strings.Cut(ag.Via, "@")
	return name
}
