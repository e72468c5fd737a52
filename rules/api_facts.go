package rules

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/agentreach/agentreach/inventory"
)

// This file holds what the rules over GitHub API facts (AR-GH, and the API
// parts of AR-PB) share: which listed credential is which, how to name it,
// the agent-reachable escalation of catalog 1.7 and the "not evaluable"
// notes of catalog 1.9.

// The Types the GitHub organisation scan gives the credentials it lists.
const (
	typeFineGrainedGrant = "github-fine-grained-pat-grant"
	typeSSOClassicPAT    = "github-sso-classic-pat"
	typeSSOOAuthToken    = "github-sso-oauth-app-token"
	typeSSOAppUserToken  = "github-sso-app-user-token"
	typeSSOSSHKey        = "github-sso-ssh-key"
	typeAppInstallation  = "github-app-installation"
	typeDeployKey        = "github-deploy-key"
	typeOrgSecret        = "github-org-actions-secret"
	typeRepoSecret       = "github-repo-actions-secret"
	typeEnvSecret        = "github-environment-secret"
	typeRunner           = "github-self-hosted-runner"
)

// The endpoints whose coverage says a rule lacked data.
const (
	endpointPATGrants      = "/orgs/{org}/personal-access-tokens"
	endpointSSO            = "/orgs/{org}/credential-authorizations"
	endpointInstallations  = "/orgs/{org}/installations"
	endpointOrgSecrets     = "/orgs/{org}/actions/secrets"
	endpointOrgWorkflow    = "/orgs/{org}/actions/permissions/workflow"
	endpointRunners        = "/orgs/{org}/actions/runners"
	endpointRunnerGroups   = "/orgs/{org}/actions/runner-groups"
	endpointMembers        = "/orgs/{org}/members"
	endpointCollaborators  = "/orgs/{org}/outside_collaborators"
	endpointRepoSecrets    = "/repos/{owner}/{repo}/actions/secrets"
	endpointRepoWorkflow   = "/repos/{owner}/{repo}/actions/permissions/workflow"
	endpointDeployKeys     = "/repos/{owner}/{repo}/keys"
	endpointEnvironments   = "/repos/{owner}/{repo}/environments"
	endpointEnvironmentSec = "/repos/{owner}/{repo}/environments/{environment_name}/secrets"
)

// githubCredentials returns the GitHub credentials that match, in
// inventory order.
func githubCredentials(inv *inventory.Inventory, match func(*inventory.Credential) bool) []*inventory.Credential {
	var out []*inventory.Credential
	for i := range inv.Credentials {
		c := &inv.Credentials[i]
		if c.Platform == inventory.PlatformGitHub && match(c) {
			out = append(out, c)
		}
	}
	return out
}

// fineGrainedGrant reports a fine-grained PAT the organisation lists as
// granted to it.
func fineGrainedGrant(c *inventory.Credential) bool {
	return c.Kind == inventory.KindFineGrainedPAT && (c.Type == typeFineGrainedGrant || c.API != nil)
}

// ssoCredential reports a credential SAML SSO authorised for the
// organisation (classic PAT, OAuth app token, App user token, SSH key).
func ssoCredential(c *inventory.Credential) bool { return strings.HasPrefix(c.Type, "github-sso-") }

// appInstallation reports an App installation the organisation lists.
func appInstallation(c *inventory.Credential) bool {
	return c.Kind == inventory.KindAppInstallation && (c.Type == typeAppInstallation || c.API != nil)
}

// apiDeployKey reports a deploy key a repository lists.
func apiDeployKey(c *inventory.Credential) bool {
	return c.Kind == inventory.KindDeployKey && (c.Type == typeDeployKey || c.API != nil)
}

// apiRunner reports a self-hosted runner the organisation lists.
func apiRunner(c *inventory.Credential) bool {
	return c.Kind == inventory.KindRunner && c.Type == typeRunner && c.API != nil
}

// expired reports a token the platform lists as expired, or whose expiry
// has passed.
func expired(c *inventory.Credential, now time.Time) bool {
	return c.API != nil && c.API.Expired || c.ExpiresAt != nil && !c.ExpiresAt.After(now)
}

// apiLocation is the pseudo-location the API scan gave a credential (a
// repository secret or a GitLab project variable a workflow references
// also has the workflow's locations), else its first location.
func apiLocation(c *inventory.Credential) inventory.Location {
	for _, l := range c.Locations {
		if strings.HasPrefix(l.Path, "github/") && c.Platform != inventory.PlatformGitLab ||
			c.Platform == inventory.PlatformGitLab && l.Line == 0 && strings.HasPrefix(l.Path, "gitlab/") {
			return l
		}
	}
	return firstOr(c.Locations, inventory.Location{})
}

// ownerOf returns the principal that owns a credential, or nil.
func ownerOf(inv *inventory.Inventory, c *inventory.Credential) *inventory.Principal {
	if c.Owner == "" {
		return nil
	}
	return inv.PrincipalByID(c.Owner)
}

// ownerLogin is the login of a credential's owner ("" when none).
func ownerLogin(inv *inventory.Inventory, c *inventory.Credential) string {
	if p := ownerOf(inv, c); p != nil && p.Login != "" {
		return p.Login
	}
	if c.Owner == "" {
		return ""
	}
	_, local := inventory.Unscoped(c.Owner)
	return strings.TrimPrefix(local, "user:")
}

// apiKindLabel names the sort of a listed credential.
func apiKindLabel(c *inventory.Credential) string {
	switch c.Type {
	case typeFineGrainedGrant:
		return "fine-grained PAT"
	case typeSSOClassicPAT:
		return "classic PAT"
	case typeSSOOAuthToken:
		return "OAuth app token"
	case typeSSOAppUserToken:
		return "GitHub App user-to-server token"
	case typeSSOSSHKey:
		return "SSH key"
	case typeAppInstallation:
		return "App installation"
	case typeDeployKey:
		return "deploy key"
	case typeOrgSecret:
		return "organisation secret"
	case typeRepoSecret:
		return "repository secret"
	case typeEnvSecret:
		return "environment secret"
	case typeRunner:
		return "self-hosted runner"
	case "github-org-actions-variable":
		return "organisation Actions variable"
	case "github-dependabot-org-secret":
		return "Dependabot organisation secret"
	case "github-secret-scanning-alert":
		return "secret-scanning alert for"
	}
	switch c.Kind {
	case inventory.KindFineGrainedPAT:
		return "fine-grained PAT"
	case inventory.KindClassicPAT:
		return "classic PAT"
	case inventory.KindOAuthAppToken:
		return "OAuth app token"
	case inventory.KindAppInstallation:
		return "App installation"
	case inventory.KindDeployKey:
		return "deploy key"
	case inventory.KindRunner:
		return "self-hosted runner"
	}
	return strings.ReplaceAll(string(c.Kind), "-", " ")
}

// apiCredLabel names a listed credential for a message — its kind, name
// and owner or place, never a value: `fine-grained PAT "release" of
// @alice`, `organisation secret NPM_TOKEN of acme`, `installation of the App
// "claude"`. A credential without a name is named by its id.
func apiCredLabel(inv *inventory.Inventory, c *inventory.Credential) string {
	if c.Platform == inventory.PlatformGitLab && c.API != nil {
		return glCredLabel(inv, c)
	}
	kind := apiKindLabel(c)
	name := fmt.Sprintf("%q", c.Name)
	if c.Name == "" {
		_, local := inventory.Unscoped(c.ID)
		name = "(id " + local[strings.LastIndex(local, ":")+1:] + ")"
	}
	target := ""
	if c.Scope != nil {
		target = c.Scope.Target
	}
	switch c.Kind {
	case inventory.KindActionsSecret:
		if c.Type == typeEnvSecret && c.API != nil && c.API.Environment != "" {
			repo, _, _ := strings.Cut(target, ":")
			return fmt.Sprintf("%s %s of %s (environment %s)", kind, c.Name, repo, c.API.Environment)
		}
		if c.Type == typeOrgSecret {
			target = strings.TrimSuffix(target, " (private and internal)")
		}
		if target != "" {
			return fmt.Sprintf("%s %s of %s", kind, c.Name, target)
		}
		return kind + " " + c.Name
	case inventory.KindAppInstallation:
		return "installation of the App " + name
	case inventory.KindRunner, inventory.KindDeployKey:
		s := kind + " " + name
		if target != "" {
			s += " of " + target
		}
		if c.Kind == inventory.KindDeployKey && c.API != nil && c.API.AddedBy != "" {
			s += " (added by @" + c.API.AddedBy + ")"
		}
		return s
	}
	s := kind + " " + name
	if login := ownerLogin(inv, c); login != "" {
		s += " of @" + login
	}
	return s
}

// scopePhrase says which repositories a credential covers.
func scopePhrase(s *inventory.Scope) string {
	if s == nil {
		return "an unknown scope"
	}
	switch s.Kind {
	case "all-repositories":
		return "every repository of " + s.Target
	case "selected-repositories":
		if n := len(s.Repositories); n > 0 {
			return fmt.Sprintf("%d selected %s of %s", n, plural(n, "repository", "repositories"), s.Target)
		}
		return "selected repositories of " + s.Target
	case "org":
		return "the organisation " + s.Target
	case "repository":
		return "the repository " + s.Target
	case "environment":
		return "the environment " + s.Target
	}
	return cmpStr(s.Target, s.Kind)
}

// ageDays is how many whole days lie between t and now.
func ageDays(now, t time.Time) int { return int(now.Sub(t) / day) }

// agoPhrase renders "400 days ago (2025-10-21)".
func agoPhrase(now, t time.Time) string {
	return fmt.Sprintf("%s ago (%s)", days(now.Sub(t)), t.UTC().Format(time.DateOnly))
}

// agentIndex maps each credential to the agents that reach it, built once
// per check.
type agentIndex struct {
	inv *inventory.Inventory
	by  map[string][]string
}

func newAgentIndex(inv *inventory.Inventory) agentIndex {
	by := map[string][]string{}
	for _, r := range inv.Reaches {
		if r.Agent != "" && !slices.Contains(by[r.Credential], r.Agent) {
			by[r.Credential] = append(by[r.Credential], r.Agent)
		}
	}
	for k := range by {
		slices.Sort(by[k])
	}
	return agentIndex{inv: inv, by: by}
}

// all returns every agent (CI jobs included) that reaches one of the
// credentials, in id order.
func (ix agentIndex) all(ids ...string) []*inventory.Agent {
	var seen []string
	for _, id := range ids {
		for _, a := range ix.by[id] {
			if !slices.Contains(seen, a) {
				seen = append(seen, a)
			}
		}
	}
	slices.Sort(seen)
	var out []*inventory.Agent
	for _, id := range seen {
		if a := ix.inv.Agent(id); a != nil {
			out = append(out, a)
		}
	}
	return out
}

// coding returns the coding agents that reach one of the credentials.
func (ix agentIndex) coding(ids ...string) []*inventory.Agent {
	return slices.DeleteFunc(ix.all(ids...), func(a *inventory.Agent) bool { return !codingAgent(a) })
}

// codingAgent reports an agent that acts on instructions — a coding agent
// in CI, an MCP server, an agent's settings, an agent App — as opposed to
// a plain CI job or the workstation, which run what was written (catalog
// 1.7: the agent-reachable predicate).
func codingAgent(a *inventory.Agent) bool {
	switch a.Kind {
	case inventory.AgentCICodingJob, inventory.AgentMCPServer, inventory.AgentProfile, inventory.AgentApp:
		return true
	}
	return false
}

// escalate raises a score one band (catalog 1.7): by 1.0 and at least to
// the next band's floor (medium 4.0, high 7.0, critical 9.1), at most 9.5.
// A critical score stays.
func escalate(score float64) float64 {
	var s float64
	switch {
	case score >= 9.0:
		return score
	case score >= 7.0:
		s = max(score+1, 9.1)
	case score >= 4.0:
		s = max(score+1, 7.0)
	default:
		s = max(score+1, 4.0)
	}
	return math.Round(min(s, 9.5)*10) / 10
}

// agentReachable applies the agent-reachable predicate to the credentials:
// when coding agents reach one of them it returns the score raised one
// band, a sentence naming up to three of them, and the first one's id;
// otherwise the score unchanged.
func agentReachable(ix agentIndex, score float64, ids ...string) (float64, string, string) {
	agents := ix.coding(ids...)
	if len(agents) == 0 {
		return score, "", ""
	}
	return escalate(score), " " + agentsSentence(ix.inv, agents), agents[0].ID
}

// agentsSentence says which coding agents reach a credential.
func agentsSentence(inv *inventory.Inventory, agents []*inventory.Agent) string {
	names := make([]string, 0, len(agents))
	for _, a := range agents {
		if l := codingAgentLabel(inv, a); !slices.Contains(names, l) {
			names = append(names, l)
		}
	}
	verb := "reaches"
	if len(names) > 1 {
		verb = "reach"
	}
	return fmt.Sprintf("It is agent-reachable: %s %s it, so whoever can steer %s (an issue, a comment, a pull request, a prompt injection) can use it too.",
		joinQuoted(names, 3), verb, plural(len(agents), "that agent", "those agents"))
}

// codingAgentLabel names an agent for a message about an API credential
// (a plain CI job too).
func codingAgentLabel(inv *inventory.Inventory, a *inventory.Agent) string {
	switch a.Kind {
	case inventory.AgentCICodingJob:
		where := a.Location.Path
		if a.CI != nil && a.CI.Job != "" {
			where = fmt.Sprintf("job `%s` of %s", a.CI.Job, a.CI.Workflow)
		}
		if repo := sourceName(inv, a.Location.Source); repo != "" {
			where += " in " + repo
		}
		return fmt.Sprintf("the %s agent in %s", productTitle(a.Product), where)
	case inventory.AgentCIJob:
		where := fmt.Sprintf("the CI job `%s`", a.Name)
		if a.CI != nil && a.CI.Job != "" {
			where = fmt.Sprintf("the CI job `%s` of %s", a.CI.Job, a.CI.Workflow)
		}
		if repo := sourceName(inv, a.Location.Source); repo != "" {
			where += " in " + repo
		}
		return where
	case inventory.AgentApp:
		if a.Product != "" {
			return fmt.Sprintf("the %s App (%s)", a.Name, productTitle(a.Product))
		}
		return fmt.Sprintf("the %s App", a.Name)
	}
	return agentLabel(a)
}

// sourceName names a source for a message: a repository's owner/name, an
// organisation's host/login, a tree's remote or path.
func sourceName(inv *inventory.Inventory, id string) string {
	src := inv.SourceByID(id)
	switch {
	case src == nil:
		return ""
	case src.Repo != nil && src.Repo.FullName != "":
		return src.Repo.FullName
	case src.Remote != "":
		return src.Remote
	}
	return src.Path
}

// apiGaps records, once per endpoint, that the running rule lacked data an
// organisation or group scan could not read (catalog 1.9), naming up to
// three of the organisations, groups, projects or repositories and the
// first reason. It reads the coverage of the GitHub and the GitLab scan:
// their endpoint templates differ ("/repos/{owner}/{repo}/keys",
// "/projects/:id/deploy_keys"), so each rule names the ones it reads. An
// organisation without SAML SSO has no credential authorisations to list:
// that, too, is a gap for the rules that read them.
func apiGaps(c *Context, endpoints ...string) {
	type gap struct {
		targets []string
		reason  string
	}
	gaps := map[string]*gap{}
	for _, cov := range c.Coverage {
		if cov.Source != inventory.PlatformGitHub && cov.Source != inventory.PlatformGitLab || !slices.Contains(endpoints, cov.Path) {
			continue
		}
		noSSO := cov.Path == endpointSSO && strings.HasPrefix(cov.Reason, "no SAML SSO")
		if !cov.Incomplete() && !noSSO {
			continue
		}
		g := gaps[cov.Path]
		if g == nil {
			g = &gap{reason: cov.Reason}
			gaps[cov.Path] = g
		}
		if !slices.Contains(g.targets, cov.Target) {
			g.targets = append(g.targets, cov.Target)
		}
	}
	for _, ep := range endpoints {
		g := gaps[ep]
		if g == nil {
			continue
		}
		slices.Sort(g.targets)
		c.NotEvaluable(fmt.Sprintf("%s was not read for %s: %s", ep, joinQuoted(g.targets, 3), g.reason))
	}
}

// genericCredentialRe matches secret names that say they hold a credential.
var genericCredentialRe = regexp.MustCompile(`(?i)(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|SSH_?KEY|SIGNING_?KEY|_KEY$|^KEY_|_PAT$|^PAT_|AUTH)`)

// credentialName reports a secret name that looks like a credential: a
// personal or bot token (isPATName), a static cloud key, a model API key, or
// a name that says token, secret, password, key or credential.
func credentialName(name string) bool {
	return isPATName(name) || staticCloudSecretRe.MatchString(name) || llmKeyName.MatchString(name) || genericCredentialRe.MatchString(name)
}

// expiryFact says whether a token lives too long — never expiring (high
// 7.5) or expiring beyond maxTTL (medium 5.5) — and states it.
func expiryFact(cred *inventory.Credential, now time.Time, maxTTL time.Duration) (score float64, fact string, long bool) {
	switch {
	case cred.ExpiresAt == nil:
		return 7.5, "never expires: it stays valid until someone revokes it", true
	case cred.ExpiresAt.Sub(now) > maxTTL:
		return 5.5, fmt.Sprintf("expires on %s, %s from now — beyond the %s maximum", cred.ExpiresAt.UTC().Format(time.DateOnly),
			days(cred.ExpiresAt.Sub(now)), dayLimit(maxTTL)), true
	}
	return 0, "", false
}
