package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v93/github"

	"github.com/agentreach/agentreach/inventory"
)

// FileScanner runs the file analysers over one repository read through the
// API (its fetched files in src.FS) and returns how many files it read.
type FileScanner func(ctx context.Context, src inventory.Source) (int, error)

// collector gathers one organisation (or one owner's named repositories).
type collector struct {
	s     *Scanner
	c     *ownerClient
	org   string // the account login
	src   inventory.Source
	out   *inventory.Builder
	files FileScanner

	mu           sync.Mutex
	members      map[string]bool   // logins of members and outside collaborators
	membersRead  bool              // every member list was read
	owners       map[string]string // logins of credential owners → user type
	owned        []ownedCredential // credentials whose owner's permissions matter (AR-PB-001)
	orgSecrets   []orgSecret
	orgSecretsOK bool // the organisation's secrets, and the repositories of every selected one, were read completely
	repoNames    map[string]bool
	reposRead    int
	filesRead    int
	tokenRead    bool   // the org's default workflow permissions are known
	tokenWrite   bool   // ... and they are write
	orgApprove   bool   // workflows may approve pull requests (org setting)
	selfChecked  bool   // the scanner's own credential was checked
	account      string // "Organization" or "User"
	orgOIDCKeys  string // the organisation's OIDC subject claim keys ("default" when it has none)
	securitySeen int    // repositories whose secret-scanning settings GitHub returned
}

// orgSecret is an organisation secret and the repositories that see it.
type orgSecret struct {
	id         string
	name       string
	visibility string          // all, private, selected
	repos      map[string]bool // selected repositories (names)
	reposKnown bool
}

// ScanOrg reads an organisation and every repository in it.
func (s *Scanner) ScanOrg(ctx context.Context, org string, files FileScanner, out *inventory.Builder) error {
	c, err := s.clientFor(ctx, org, "")
	if err != nil {
		return err
	}
	col := s.newCollector(c, org, files, out)
	o, resp, err := c.client.Organizations.Get(ctx, org)
	if err != nil {
		if isStatus(err, http.StatusNotFound) {
			return fmt.Errorf("GitHub organisation %q: not found (or not visible to this credential)", org)
		}
		if isStatus(err, http.StatusUnauthorized) {
			return fmt.Errorf("GitHub organisation %q: %w", org, describe(err))
		}
		col.fail(col.src.Path, "/orgs/{org}", err)
	}
	col.selfCheck(resp)
	out.AddSource(col.src)
	// Only an organisation answers /orgs/{org} with anything but 404, so
	// the account is one even when its details could not be read: its
	// repositories belong to it whatever GET /orgs/{org} answered.
	col.account = "Organization"
	if o != nil {
		if p := o.GetDefaultRepoPermission(); p != "" {
			out.AddSetting(inventory.Setting{Source: col.src.ID, Name: inventory.SettingDefaultRepoPermission, Value: p,
				Location: col.loc("settings/default_repository_permission")})
		}
	}
	// Organisation-level inventories are independent of each other.
	var wg sync.WaitGroup
	for _, f := range []func(context.Context){col.members_, col.patGrants, col.patRequests, col.credentialAuthorizations,
		col.installations, col.orgSecretsList, col.orgWorkflowSettings, col.runners, col.secretScanningAlerts, col.dependabotSecrets, col.orgOIDC,
		col.orgVariables, col.orgWebhooks, col.actionsPolicy} {
		wg.Add(1)
		go func() { defer wg.Done(); f(ctx) }()
	}
	wg.Wait()
	repos, err := collect(c.client.Repositories.ListByOrgIter(ctx, org, &gh.RepositoryListByOrgOptions{Type: "all", ListOptions: gh.ListOptions{PerPage: 100}}))
	if err != nil {
		col.fail(col.src.Path, "/orgs/{org}/repos", err)
	}
	repos = uniqueRepos(repos)
	col.scanRepos(ctx, repos)
	var names []string
	for _, r := range repos {
		names = append(names, r.GetName())
	}
	slices.Sort(names)
	col.mu.Lock()
	owned := slices.Clone(col.owned)
	col.mu.Unlock()
	col.bindPrincipals(ctx, owned, names)
	col.offboarded()
	col.securityCoverage(len(repos))
	col.summary(len(repos))
	return ctx.Err()
}

// securityCoverage says when GitHub returned no repository's secret-scanning
// settings (it returns them to administrators and security managers only).
func (col *collector) securityCoverage(repos int) {
	col.mu.Lock()
	seen := col.securitySeen
	col.mu.Unlock()
	if repos == 0 || seen == repos {
		return
	}
	col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Path: "/orgs/{org}/repos (security_and_analysis)", Status: inventory.CoverageFailed,
		Reason: fmt.Sprintf("GitHub returned the secret-scanning settings of %d of %d repositories: it shows them to repository administrators "+
			"and security managers only (administration: read); without them AR-GH-021 cannot be evaluated for the rest", seen, repos)})
}

// offboarded records the owners of credentials who are neither members nor
// outside collaborators as no longer members — once the member lists were
// read completely.
func (col *collector) offboarded() {
	col.mu.Lock()
	defer col.mu.Unlock()
	if !col.membersRead {
		return
	}
	for login, typ := range col.owners {
		if !col.members[login] {
			col.out.AddPrincipal(inventory.Principal{ID: col.principalID(login), Platform: inventory.PlatformGitHub, Login: login,
				Kind: kindOf(login, typ), Role: "not a member", State: inventory.StateOffboarded})
		}
	}
}

// ScanRepos reads named repositories (owner/name) without the
// organisation-level inventory, for users without organisation access.
func (s *Scanner) ScanRepos(ctx context.Context, names []string, files FileScanner, out *inventory.Builder) error {
	byOwner := map[string][]string{}
	var owners []string
	for _, n := range names {
		owner, repo, ok := strings.Cut(n, "/")
		if !ok || owner == "" || repo == "" || strings.Contains(repo, "/") {
			return fmt.Errorf("--github-repo %q: want OWNER/NAME", n)
		}
		if _, seen := byOwner[owner]; !seen {
			owners = append(owners, owner)
		}
		byOwner[owner] = append(byOwner[owner], repo)
	}
	for _, owner := range owners {
		c, err := s.clientFor(ctx, owner, byOwner[owner][0])
		if err != nil {
			return err
		}
		col := s.newCollector(c, owner, files, out)
		col.account = "User" // no organisation-level data is read
		var repos []*gh.Repository
		for _, name := range byOwner[owner] {
			r, resp, err := c.client.Repositories.Get(ctx, owner, name)
			col.selfCheck(resp)
			if err != nil {
				if isStatus(err, http.StatusUnauthorized) {
					return fmt.Errorf("GitHub repository %s/%s: %w", owner, name, describe(err))
				}
				col.fail(owner+"/"+name, "/repos/{owner}/{repo}", err)
				continue
			}
			repos = append(repos, r)
		}
		col.scanRepos(ctx, repos)
		col.summary(len(repos))
		out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Status: inventory.CoverageSkipped,
			Reason: "--github-repo: organisation-level credentials (PAT grants, SSO authorisations, App installations, organisation secrets and variables, runners, members), " +
				"webhooks and the Actions policy were not read; scan --github-org for them"})
	}
	return ctx.Err()
}

func (s *Scanner) newCollector(c *ownerClient, org string, files FileScanner, out *inventory.Builder) *collector {
	src := inventory.Source{ID: inventory.PlatformSourceID(inventory.PlatformGitHub, s.host, org), Kind: inventory.SourceGitHubOrg,
		Path: s.host + "/" + org, Host: s.host}
	return &collector{s: s, c: c, org: org, src: src, out: out, files: files, members: map[string]bool{}, owners: map[string]string{}, repoNames: map[string]bool{}}
}

// loc is the deterministic pseudo-location of an organisation-level item.
func (col *collector) loc(rel string) inventory.Location {
	return inventory.Location{Source: col.src.ID, Root: col.src.Path, Path: "github/" + col.org + "/" + rel}
}

// principalID is the id of a GitHub user in the organisation.
func (col *collector) principalID(login string) string {
	return inventory.Scoped(col.src.ID, "user:"+strings.ToLower(login))
}

// uniqueRepos drops repeats from a repository list: pages of a list that
// changes while it is paged (a repository created or deleted meanwhile)
// shift, so that one repository can be listed twice (and read twice, and
// counted twice).
func uniqueRepos(repos []*gh.Repository) []*gh.Repository {
	seen := map[string]bool{}
	return slices.DeleteFunc(repos, func(r *gh.Repository) bool {
		k := strings.ToLower(r.GetName())
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	})
}

// collect drains a go-github iterator.
func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (col *collector) members_(ctx context.Context) {
	complete := true
	defer func() {
		col.mu.Lock()
		col.membersRead = complete
		col.mu.Unlock()
	}()
	for _, role := range []string{"admin", "member"} {
		users, err := collect(col.c.client.Organizations.ListMembersIter(ctx, col.org, &gh.ListMembersOptions{Role: role, ListOptions: gh.ListOptions{PerPage: 100}}))
		if err != nil {
			col.fail(col.src.Path, "/orgs/{org}/members", err)
			complete = false
			continue
		}
		for _, u := range users {
			col.addPrincipal(u.GetLogin(), u.GetType(), role, inventory.StateActive)
		}
	}
	users, err := collect(col.c.client.Organizations.ListOutsideCollaboratorsIter(ctx, col.org, &gh.ListOutsideCollaboratorsOptions{ListOptions: gh.ListOptions{PerPage: 100}}))
	if err != nil {
		col.fail(col.src.Path, "/orgs/{org}/outside_collaborators", err)
		complete = false
		return
	}
	for _, u := range users {
		col.addPrincipal(u.GetLogin(), u.GetType(), "outside-collaborator", inventory.StateActive)
	}
}

func (col *collector) addPrincipal(login, typ, role string, state inventory.PrincipalState) {
	if login == "" {
		return
	}
	kind := inventory.PrincipalHuman
	if typ == "Bot" || strings.HasSuffix(login, "[bot]") {
		kind = inventory.PrincipalBot
	}
	col.mu.Lock()
	if state == inventory.StateActive {
		col.members[strings.ToLower(login)] = true
	}
	col.mu.Unlock()
	col.out.AddPrincipal(inventory.Principal{ID: col.principalID(login), Platform: inventory.PlatformGitHub, Login: login,
		Kind: kind, Role: role, State: state})
}

// owner records the principal a credential belongs to and returns its id.
// An owner who is neither a member nor an outside collaborator is
// recorded as no longer a member, once the member lists were read.
func (col *collector) owner(login, typ string) string {
	if login == "" {
		return ""
	}
	col.out.AddPrincipal(inventory.Principal{ID: col.principalID(login), Platform: inventory.PlatformGitHub, Login: login,
		Kind: kindOf(login, typ), State: inventory.StateUnknown})
	col.mu.Lock()
	col.owners[strings.ToLower(login)] = typ
	col.mu.Unlock()
	return col.principalID(login)
}

func kindOf(login, typ string) inventory.PrincipalKind {
	if typ == "Bot" || strings.HasSuffix(login, "[bot]") {
		return inventory.PrincipalBot
	}
	return inventory.PrincipalHuman
}

// patGrants lists the fine-grained PATs granted access to the organisation
// (GitHub Apps only).
func (col *collector) patGrants(ctx context.Context) {
	pats, err := collect(col.c.client.Organizations.ListFineGrainedPersonalAccessTokensIter(ctx, col.org, &gh.ListFineGrainedPATOptions{ListOptions: gh.ListOptions{PerPage: 100}}))
	if err != nil {
		col.fail(col.src.Path, "/orgs/{org}/personal-access-tokens", err)
		return
	}
	for _, p := range pats {
		id := strconv.FormatInt(p.GetID(), 10)
		perms := map[string]string{}
		if pp := p.GetPermissions(); pp != nil {
			for _, m := range []map[string]string{pp.Org, pp.Repo, pp.Other} {
				for k, v := range m {
					perms[k] = v
				}
			}
		}
		lattice, unknown, _ := inventory.FromGitHubPermissions(perms)
		c := inventory.Credential{ID: inventory.Scoped(col.src.ID, "fine-grained-pat:"+id), Kind: inventory.KindFineGrainedPAT,
			Platform: inventory.PlatformGitHub, Type: "github-fine-grained-pat-grant", Name: p.GetTokenName(),
			Owner: col.owner(p.GetOwner().GetLogin(), p.GetOwner().GetType()), Storage: "held by its owner (fine-grained PAT granted to the organisation)",
			Scope: col.selection(p.GetRepositorySelection()), Permissions: lattice, Lifetime: inventory.LifetimeStatic,
			Reach: inventory.ReachSourceControl, CreatedAt: ts(p.AccessGrantedAt), ExpiresAt: ts(p.TokenExpiresAt), LastUsedAt: ts(p.TokenLastUsedAt),
			Revocation: fmt.Sprintf("POST /orgs/%s/personal-access-tokens/%s {\"action\":\"revoke\"} (an organisation owner; the scanner never calls it)", col.org, id),
			Locations:  []inventory.Location{col.loc("personal-access-tokens/" + id)},
			API:        &inventory.APIFacts{Expired: p.GetTokenExpired()}}
		if len(unknown) > 0 {
			c.Attributes = map[string]string{"unmapped_permissions": strings.Join(unknown, ", ")}
		}
		oc := ownedCredential{owner: p.GetOwner().GetLogin(), all: p.GetRepositorySelection() == "all"}
		if p.GetRepositorySelection() == "subset" {
			repos, err := col.patRepositories(ctx, p.GetID())
			if err != nil {
				col.fail(col.src.Path, "/orgs/{org}/personal-access-tokens/{pat_id}/repositories", err)
			}
			c.Scope.Repositories = repos
			for _, r := range repos {
				if o, n, ok := strings.Cut(r, "/"); ok && strings.EqualFold(o, col.org) {
					oc.repos = append(oc.repos, n)
				}
			}
		}
		col.addOwned(oc)
		col.out.AddCredential(c)
	}
}

// patRepositories follows a subset grant's repository list (not wrapped
// by go-github v93).
func (col *collector) patRepositories(ctx context.Context, patID int64) ([]string, error) {
	var names []string
	u := fmt.Sprintf("orgs/%s/personal-access-tokens/%d/repositories?per_page=100", col.org, patID)
	for u != "" {
		req, err := col.c.client.NewRequest(ctx, "GET", u, nil)
		if err != nil {
			return names, err
		}
		var repos []*gh.Repository
		resp, err := col.c.client.Do(req, &repos)
		if err != nil {
			return names, err
		}
		for _, r := range repos {
			names = append(names, r.GetFullName())
		}
		u = ""
		if resp.NextPage != 0 {
			u = fmt.Sprintf("orgs/%s/personal-access-tokens/%d/repositories?per_page=100&page=%d", col.org, patID, resp.NextPage)
		}
	}
	slices.Sort(names)
	return names, nil
}

// patRequests counts pending fine-grained PAT requests: not credentials
// yet, but access an owner is asked to grant.
func (col *collector) patRequests(ctx context.Context) {
	reqs, err := collect(col.c.client.Organizations.ListFineGrainedPersonalAccessTokenRequestsIter(ctx, col.org, &gh.ListFineGrainedPATOptions{ListOptions: gh.ListOptions{PerPage: 100}}))
	if err != nil {
		col.fail(col.src.Path, "/orgs/{org}/personal-access-token-requests", err)
		return
	}
	col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Path: "/orgs/{org}/personal-access-token-requests",
		Status: inventory.CoverageComplete, Count: len(reqs), Reason: fmt.Sprintf("%d pending fine-grained PAT requests (not granted, not inventoried)", len(reqs))})
}

// credentialAuthorizations lists the credentials SAML SSO authorised for
// the organisation (Enterprise Cloud with SSO only): classic PATs, OAuth app
// tokens, App user tokens and SSH keys.
func (col *collector) credentialAuthorizations(ctx context.Context) {
	var all []*gh.CredentialAuthorization
	opts := &gh.CredentialAuthorizationsListOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		page, resp, err := col.c.client.Organizations.ListCredentialAuthorizations(ctx, col.org, opts)
		if err != nil {
			if isStatus(err, http.StatusNotFound) {
				col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Path: "/orgs/{org}/credential-authorizations",
					Status: inventory.CoverageComplete, Reason: "no SAML SSO credential authorisations (the organisation does not use SAML SSO, or is not on Enterprise Cloud): " +
						"classic PATs and OAuth app tokens of members cannot be listed, nor revoked by the organisation"})
				return
			}
			col.fail(col.src.Path, "/orgs/{org}/credential-authorizations", err)
			return
		}
		all = append(all, page...)
		// The endpoint declares no Link header: page until a short page.
		if resp.NextPage != 0 {
			opts.Page = resp.NextPage
			continue
		}
		if len(page) < opts.PerPage || len(page) == 0 {
			break
		}
		opts.Page = max(opts.Page, 1) + 1
	}
	for _, a := range all {
		id := strconv.FormatInt(a.GetCredentialID(), 10)
		kind, typ := inventory.KindClassicPAT, "github-sso-classic-pat"
		switch a.GetCredentialType() {
		case "OAuth app token":
			kind, typ = inventory.KindOAuthAppToken, "github-sso-oauth-app-token"
		case "GitHub app token":
			kind, typ = inventory.KindUserToServerToken, "github-sso-app-user-token"
		case "SSH key":
			kind, typ = KindUserSSHKey, "github-sso-ssh-key"
		}
		perms, _ := inventory.FromClassicScopes(a.Scopes)
		if kind == KindUserSSHKey {
			perms = inventory.Permissions{inventory.ResContents: inventory.Write}
		}
		name := a.GetAuthorizedCredentialNote()
		if kind == KindUserSSHKey {
			name = a.GetAuthorizedCredentialTitle()
		}
		c := inventory.Credential{ID: inventory.Scoped(col.src.ID, "sso-credential:"+id), Kind: kind, Platform: inventory.PlatformGitHub,
			Type: typ, Name: name, Owner: col.owner(a.GetLogin(), ""), Storage: "held by its owner (authorised for the organisation through SAML SSO)",
			Scope: &inventory.Scope{Kind: "org", Target: col.org}, Permissions: perms, Lifetime: inventory.LifetimeStatic,
			Reach: inventory.ReachSourceControl, CreatedAt: ts(a.CredentialAuthorizedAt), LastUsedAt: ts(a.CredentialAccessedAt),
			ExpiresAt:  ts(a.AuthorizedCredentialExpiresAt),
			Revocation: fmt.Sprintf("DELETE /orgs/%s/credential-authorizations/%s (an organisation owner; the scanner never calls it)", col.org, id),
			Locations:  []inventory.Location{col.loc("credential-authorizations/" + id)},
			API:        &inventory.APIFacts{Scopes: slices.Clone(a.Scopes)}}
		if kind == inventory.KindClassicPAT || kind == inventory.KindOAuthAppToken {
			col.addOwned(ownedCredential{owner: a.GetLogin(), all: true})
		}
		col.out.AddCredential(c)
	}
	col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Path: "/orgs/{org}/credential-authorizations",
		Status: inventory.CoverageComplete, Count: len(all), Reason: fmt.Sprintf("%d SAML SSO credential authorisations", len(all))})
}

func (col *collector) addOwned(oc ownedCredential) {
	if oc.owner == "" {
		return
	}
	col.mu.Lock()
	col.owned = append(col.owned, oc)
	col.mu.Unlock()
}

// KindUserSSHKey is a user's SSH key authorised for an organisation.
const KindUserSSHKey = inventory.KindUserSSHKey

// selection maps a repository selection onto a scope.
func (col *collector) selection(sel string) *inventory.Scope {
	switch sel {
	case "all":
		return &inventory.Scope{Kind: "all-repositories", Target: col.org}
	case "subset", "selected":
		return &inventory.Scope{Kind: "selected-repositories", Target: col.org}
	default: // none: organisation resources only
		return &inventory.Scope{Kind: "org", Target: col.org}
	}
}

// installations lists the Apps installed on the organisation. An App that
// is a coding agent is also an agent that reaches its installation.
func (col *collector) installations(ctx context.Context) {
	insts, err := collect(col.c.client.Organizations.ListInstallationsIter(ctx, col.org, &gh.ListOptions{PerPage: 100}))
	if err != nil {
		col.fail(col.src.Path, "/orgs/{org}/installations", err)
		return
	}
	for _, in := range insts {
		id := strconv.FormatInt(in.GetID(), 10)
		perms := installationPermissions(in.GetPermissions())
		lattice, unknown, _ := inventory.FromGitHubPermissions(perms)
		slug := in.GetAppSlug()
		appID := inventory.Scoped(col.src.ID, "app:"+slug)
		col.out.AddPrincipal(inventory.Principal{ID: appID, Platform: inventory.PlatformGitHub, Login: slug + "[bot]", Kind: inventory.PrincipalApp, State: inventory.StateActive})
		c := inventory.Credential{ID: inventory.Scoped(col.src.ID, "app-installation:"+id), Kind: inventory.KindAppInstallation,
			Platform: inventory.PlatformGitHub, Type: "github-app-installation", Name: slug, Owner: appID,
			Storage: "the App's private key mints installation tokens", Scope: col.selection(in.GetRepositorySelection()),
			Permissions: lattice, Lifetime: inventory.LifetimeRefresh, Reach: inventory.ReachSourceControl,
			CreatedAt: ts(in.CreatedAt), Revocation: fmt.Sprintf("uninstall or suspend the App: organisation settings → GitHub Apps → %s (installation %s)", slug, id),
			Locations: []inventory.Location{col.loc("installations/" + id)},
			API:       &inventory.APIFacts{AppSlug: slug, SuspendedAt: ts(in.SuspendedAt)}}
		if len(unknown) > 0 {
			c.Attributes = map[string]string{"unmapped_permissions": strings.Join(unknown, ", ")}
		}
		col.out.AddCredential(c)
		if product, ok := agentApps[slug]; ok {
			aid := inventory.Scoped(col.src.ID, "agent-app:"+slug)
			col.out.AddAgent(inventory.Agent{ID: aid, Kind: inventory.AgentApp, Name: slug, Platform: inventory.PlatformGitHub, Product: product,
				Location: c.Locations[0], StartableBy: inventory.AudienceCommenters, Permissions: lattice})
			l := c.Locations[0]
			col.out.AddReach(inventory.Reach{Agent: aid, Credential: c.ID, Via: inventory.ViaOwner, Location: &l, Permissions: lattice})
		}
	}
}

// agentApps are GitHub Apps that are coding agents, by slug, with the
// product they run. An agent App acts on comments and assignments of anyone
// who can open issues, so its audience is commenters until a rule narrows it.
var agentApps = map[string]string{
	"claude":                  "claude-code",
	"copilot-swe-agent":       "copilot-coding-agent",
	"chatgpt-codex-connector": "codex",
	"devin-ai-integration":    "devin",
	"cursor":                  "cursor",
	"gemini-code-assist":      "gemini-code-assist",
}

// installationPermissions turns go-github's typed permissions into the
// name → level map the lattice reads.
func installationPermissions(p *gh.InstallationPermissions) map[string]string {
	out := map[string]string{}
	if p == nil {
		return out
	}
	b, err := json.Marshal(p)
	if err != nil {
		return out
	}
	_ = json.Unmarshal(b, &out)
	return out
}

// orgSecretsList lists the organisation's Actions secrets and, for those
// visible to selected repositories, which ones.
func (col *collector) orgSecretsList(ctx context.Context) {
	secrets, err := collect(col.c.client.Actions.ListOrgSecretsIter(ctx, col.org, &gh.ListOptions{PerPage: 100}))
	if err != nil {
		col.fail(col.src.Path, "/orgs/{org}/actions/secrets", err)
		return
	}
	var list []orgSecret
	complete := true
	for _, sec := range secrets {
		os := orgSecret{id: inventory.Scoped(col.src.ID, "github-org-secret:"+sec.Name), name: sec.Name, visibility: sec.Visibility}
		c := inventory.Credential{ID: os.id, Kind: inventory.KindActionsSecret, Platform: inventory.PlatformGitHub, Type: "github-org-actions-secret",
			Name: sec.Name, Storage: "GitHub Actions organisation secret", Scope: &inventory.Scope{Kind: "org", Target: col.org},
			Lifetime: inventory.LifetimeUnknown, CreatedAt: ts(&sec.CreatedAt),
			Revocation: fmt.Sprintf("rotate the value at its issuer, then update or delete the organisation secret %s", sec.Name),
			Locations:  []inventory.Location{col.loc("actions-secrets/" + sec.Name)},
			API:        &inventory.APIFacts{UpdatedAt: ts(&sec.UpdatedAt), Visibility: sec.Visibility}}
		switch sec.Visibility {
		case "all":
			c.Scope = &inventory.Scope{Kind: "all-repositories", Target: col.org}
		case "private":
			c.Scope = &inventory.Scope{Kind: "all-repositories", Target: col.org + " (private and internal)"}
		case "selected":
			c.Scope = &inventory.Scope{Kind: "selected-repositories", Target: col.org}
			repos, err := collect(col.c.client.Actions.ListSelectedReposForOrgSecretIter(ctx, col.org, sec.Name, &gh.ListOptions{PerPage: 100}))
			if err != nil {
				col.fail(col.src.Path, "/orgs/{org}/actions/secrets/{secret_name}/repositories", err)
				complete = false
			} else {
				os.reposKnown = true
				os.repos = map[string]bool{}
				for _, r := range repos {
					os.repos[r.GetName()] = true
					c.Scope.Repositories = append(c.Scope.Repositories, r.GetFullName())
				}
				slices.Sort(c.Scope.Repositories)
			}
		}
		list = append(list, os)
		col.out.AddCredential(c)
	}
	col.mu.Lock()
	col.orgSecrets = list
	col.orgSecretsOK = complete
	col.mu.Unlock()
}

// visibleTo reports whether an organisation secret is visible to a
// repository (by name and visibility).
func (o orgSecret) visibleTo(name, visibility string) bool {
	switch o.visibility {
	case "all":
		return true
	case "private":
		return visibility == "private" || visibility == "internal"
	case "selected":
		return o.repos[name]
	}
	return false
}

// orgWorkflowSettings reads the organisation's GITHUB_TOKEN default and
// whether workflows may approve pull requests.
func (col *collector) orgWorkflowSettings(ctx context.Context) {
	p, _, err := col.c.client.Actions.GetDefaultWorkflowPermissionsInOrganization(ctx, col.org)
	if err != nil {
		col.fail(col.src.Path, "/orgs/{org}/actions/permissions/workflow", err)
		return
	}
	col.mu.Lock()
	col.tokenRead = true
	col.tokenWrite = p.GetDefaultWorkflowPermissions() == "write"
	col.orgApprove = p.GetCanApprovePullRequestReviews()
	col.mu.Unlock()
	col.out.AddSetting(inventory.Setting{Source: col.src.ID, Name: inventory.SettingDefaultWorkflowPermissions, Value: p.GetDefaultWorkflowPermissions(),
		Location: col.loc("settings/actions/default_workflow_permissions")})
	col.out.AddSetting(inventory.Setting{Source: col.src.ID, Name: inventory.SettingCanApprovePullRequests, Value: strconv.FormatBool(p.GetCanApprovePullRequestReviews()),
		Location: col.loc("settings/actions/can_approve_pull_request_reviews")})
}

// runners lists the organisation's self-hosted runners with their groups.
func (col *collector) runners(ctx context.Context) {
	groups, gerr := collect(col.c.client.Actions.ListOrganizationRunnerGroupsIter(ctx, col.org, &gh.ListOrgRunnerGroupOptions{ListOptions: gh.ListOptions{PerPage: 100}}))
	if gerr != nil {
		col.fail(col.src.Path, "/orgs/{org}/actions/runner-groups", gerr)
	}
	byID := map[int64]*gh.RunnerGroup{}
	for _, g := range groups {
		byID[g.GetID()] = g
	}
	runners, err := collect(col.c.client.Actions.ListOrganizationRunnersIter(ctx, col.org, &gh.ListRunnersOptions{ListOptions: gh.ListOptions{PerPage: 100}}))
	if err != nil {
		col.fail(col.src.Path, "/orgs/{org}/actions/runners", err)
		return
	}
	for _, r := range runners {
		id := strconv.FormatInt(r.GetID(), 10)
		var labels []string
		for _, l := range r.Labels {
			labels = append(labels, l.GetName())
		}
		facts := &inventory.APIFacts{Ephemeral: r.GetEphemeral()}
		if g := byID[r.GetRunnerGroupID()]; g != nil {
			facts.RunnerGroup, facts.GroupVisibility, facts.PublicRepositories = g.GetName(), g.GetVisibility(), g.GetAllowsPublicRepositories()
		}
		c := inventory.Credential{ID: inventory.Scoped(col.src.ID, "runner:"+id), Kind: inventory.KindRunner, Platform: inventory.PlatformGitHub,
			Type: "github-self-hosted-runner", Name: r.GetName(), Storage: "a self-hosted runner machine: every job it runs can read what earlier jobs left on it",
			Scope: &inventory.Scope{Kind: "org", Target: col.org}, Lifetime: inventory.LifetimeStatic, Reach: inventory.ReachInfrastructure,
			Revocation: fmt.Sprintf("DELETE /orgs/%s/actions/runners/%s, then re-image the machine", col.org, id),
			Locations:  []inventory.Location{col.loc("runners/" + id)}, API: facts,
			Attributes: map[string]string{"labels": strings.Join(labels, ", "), "os": r.GetOS(), "status": r.GetStatus()}}
		if gerr != nil {
			c.Attributes["runner_group"] = "unknown (the runner groups could not be read)"
		}
		col.out.AddCredential(c)
	}
}

// fail records an endpoint that could not be read, with the permission it
// needs.
func (col *collector) fail(target, endpoint string, err error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		col.out.AddCoverage(inventory.Coverage{Source: Source, Target: target, Path: endpoint, Status: inventory.CoverageFailed, Reason: "interrupted"})
		return
	}
	reason := describe(err).Error()
	if need := needs(endpoint); need != "" {
		reason += "; needs " + need
	}
	col.out.AddCoverage(inventory.Coverage{Source: Source, Target: target, Path: endpoint, Status: inventory.CoverageFailed, Reason: reason})
}

// summary records the organisation's summary entry.
func (col *collector) summary(repos int) {
	col.mu.Lock()
	defer col.mu.Unlock()
	col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Status: inventory.CoverageComplete, Count: col.reposRead,
		Reason: fmt.Sprintf("%d of %d repositories read through the API (%d workflow and agent-configuration files)", col.reposRead, repos, col.filesRead)})
}

// ts converts a go-github timestamp.
func ts(t *gh.Timestamp) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	v := t.UTC()
	return &v
}
