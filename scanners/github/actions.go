package github

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v93/github"

	"github.com/agentreach/agentreach/inventory"
)

// Values judges a value under a key name: the detection engine (see
// secrets.Engine.Embedded). The scanner hands it the values of organisation
// Actions variables, which GitHub returns in plaintext, and drops each value
// as soon as it has been judged.
type Values interface {
	Embedded(key string, value []byte) (c inventory.Credential, recognised bool)
}

// orgVariables lists the organisation's Actions variables. Unlike secrets,
// GitHub returns their values in plaintext, to anyone who can read them, and
// workflows that echo one print it unmasked. Each value goes to the value
// classifier and is dropped at once: it is never stored, cached
// (internal/apitransport keeps variable endpoints out of its cache), logged
// or reported. A variable becomes a credential only when the classifier
// recognises a credential in its value; the others are counted in coverage.
func (col *collector) orgVariables(ctx context.Context) {
	const endpoint = "/orgs/{org}/actions/variables"
	values := col.s.opts.Values
	if values == nil {
		col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Path: endpoint, Status: inventory.CoverageSkipped,
			Reason: "organisation Actions variables not read: no value classifier was given (their values come back in plaintext; " +
				"without the detection engine to judge them a credential stored in a variable cannot be recognised)"})
		return
	}
	vars, err := collect(col.c.client.Actions.ListOrgVariablesIter(ctx, col.org, &gh.ListOptions{PerPage: 100}))
	if err != nil {
		dropValues(vars)
		col.fail(col.src.Path, endpoint, err)
		return
	}
	recognised := 0
	for _, v := range vars {
		judged, ok := values.Embedded(v.Name, []byte(v.Value))
		v.Value = "" // dropped: nothing below sees it
		if !ok {
			continue
		}
		recognised++
		col.addVariable(ctx, v, judged)
	}
	col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Path: endpoint, Status: inventory.CoverageComplete, Count: len(vars),
		Reason: fmt.Sprintf("%d organisation Actions variables: a credential was recognised in %d (inventoried), in %d none (not inventoried); every value was dropped once judged",
			len(vars), recognised, len(vars)-recognised)})
}

func dropValues(vars []*gh.ActionsVariable) {
	for _, v := range vars {
		v.Value = ""
	}
}

// addVariable records an organisation variable whose value the classifier
// recognised as a credential: the classifier's type, redacted preview and
// keyed fingerprint, never the value.
func (col *collector) addVariable(ctx context.Context, v *gh.ActionsVariable, judged inventory.Credential) {
	vis := v.GetVisibility()
	c := inventory.Credential{ID: inventory.Scoped(col.src.ID, "github-org-variable:"+v.Name), Kind: inventory.KindCIVariable,
		Platform: inventory.PlatformGitHub, Type: "github-org-actions-variable", Name: v.Name,
		Storage: "GitHub Actions organisation variable: a plaintext value, readable by everyone who can read the variables and unmasked in workflow logs",
		Scope:   &inventory.Scope{Kind: "org", Target: col.org}, Lifetime: inventory.LifetimeUnknown, Reach: judged.Reach,
		CreatedAt: ts(v.CreatedAt), Redacted: judged.Redacted, ValueHMAC: judged.ValueHMAC, Public: judged.Public,
		Revocation: fmt.Sprintf("revoke the credential at its issuer, delete the organisation variable %s and store the replacement as a secret", v.Name),
		Locations:  []inventory.Location{col.loc("actions-variables/" + v.Name)},
		API:        &inventory.APIFacts{UpdatedAt: ts(v.UpdatedAt), Visibility: vis, Variable: &inventory.VariableFacts{ValueType: judged.Type}}}
	if judged.Lifetime != "" {
		c.Lifetime = judged.Lifetime
	}
	switch vis {
	case "all":
		c.Scope = &inventory.Scope{Kind: "all-repositories", Target: col.org}
	case "private":
		c.Scope = &inventory.Scope{Kind: "all-repositories", Target: col.org + " (private and internal)"}
	case "selected":
		c.Scope = &inventory.Scope{Kind: "selected-repositories", Target: col.org}
		repos, err := collect(col.c.client.Actions.ListSelectedReposForOrgVariableIter(ctx, col.org, v.Name, &gh.ListOptions{PerPage: 100}))
		if err != nil {
			col.fail(col.src.Path, "/orgs/{org}/actions/variables/{name}/repositories", err)
		} else {
			for _, r := range repos {
				c.Scope.Repositories = append(c.Scope.Repositories, r.GetFullName())
			}
			slices.Sort(c.Scope.Repositories)
		}
	}
	col.out.AddCredential(c)
}

// orgWebhooks lists the organisation's webhooks: where GitHub posts event
// payloads. Only the URL's scheme and host are kept (a webhook URL can carry
// a token), and of the secret GitHub masks only whether it is set; the
// answer is never cached (internal/apitransport keeps hooks out).
func (col *collector) orgWebhooks(ctx context.Context) {
	const endpoint = "/orgs/{org}/hooks"
	hooks, err := collect(col.c.client.Organizations.ListHooksIter(ctx, col.org, &gh.ListOptions{PerPage: 100}))
	if err != nil {
		col.fail(col.src.Path, endpoint, err)
		return
	}
	for _, h := range hooks {
		id := strconv.FormatInt(h.GetID(), 10)
		cfg := h.GetConfig()
		events := slices.Clone(h.Events)
		slices.Sort(events)
		col.out.AddWebhook(inventory.Webhook{Source: col.src.ID, ID: inventory.Scoped(col.src.ID, "webhook:"+id), URL: inventory.WebhookOrigin(cfg.GetURL()),
			Active: h.GetActive(), Events: events, InsecureSSL: cfg.GetInsecureSSL() == "1", HasSecret: cfg.GetSecret() != "",
			Location: col.loc("hooks/" + id)})
		h.Config = nil // the full URL and the masked secret go no further
	}
	col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Path: endpoint, Status: inventory.CoverageComplete, Count: len(hooks),
		Reason: fmt.Sprintf("%d organisation webhooks (URL scheme and host only)", len(hooks))})
}

// maxActionPatterns caps the patterns recorded of a "selected" actions
// policy; the rest are counted in the setting and in coverage.
const maxActionPatterns = 100

// actionsPolicy reads which actions and reusable workflows the
// organisation's workflows may use and, for a "selected" policy, which.
func (col *collector) actionsPolicy(ctx context.Context) {
	p, _, err := col.c.client.Actions.GetActionsPermissions(ctx, col.org)
	if err != nil {
		col.fail(col.src.Path, "/orgs/{org}/actions/permissions", err)
		return
	}
	set := func(name, value string) {
		col.out.AddSetting(inventory.Setting{Source: col.src.ID, Name: name, Value: value, Location: col.loc("settings/actions/" + name)})
	}
	allowed := p.GetAllowedActions()
	if allowed != "" {
		set(inventory.SettingAllowedActions, allowed)
	}
	if p.SHAPinningRequired != nil {
		set(inventory.SettingSHAPinningRequired, strconv.FormatBool(*p.SHAPinningRequired))
	}
	if allowed != "selected" {
		return
	}
	const endpoint = "/orgs/{org}/actions/permissions/selected-actions"
	sel, _, err := col.c.client.Actions.GetActionsAllowed(ctx, col.org)
	if err != nil {
		col.fail(col.src.Path, endpoint, err)
		return
	}
	set(inventory.SettingAllowedGitHubOwned, strconv.FormatBool(sel.GetGithubOwnedAllowed()))
	set(inventory.SettingAllowedVerified, strconv.FormatBool(sel.GetVerifiedAllowed()))
	patterns := sel.PatternsAllowed
	value := strings.Join(patterns[:min(len(patterns), maxActionPatterns)], ",")
	if n := len(patterns) - maxActionPatterns; n > 0 {
		value += fmt.Sprintf(",… (%d more)", n)
		col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Path: endpoint, Status: inventory.CoverageSkipped, Count: len(patterns),
			Reason: fmt.Sprintf("the allowed-actions policy lists %d patterns: the first %d are recorded", len(patterns), maxActionPatterns)})
	}
	set(inventory.SettingAllowedActionPatterns, value)
}
