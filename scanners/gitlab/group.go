package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/agentreach/agentreach/inventory"
)

// FileScanner runs the file analysers over one project read through the API.
type FileScanner func(ctx context.Context, src inventory.Source) (int, error)

// collector gathers one group with its subgroups (or named projects).
type collector struct {
	s     *Scanner
	root  string // the group's full path
	src   inventory.Source
	out   *inventory.Builder
	files FileScanner

	mu         sync.Mutex
	groupVars  map[string]map[string]string // group full path → variable key → credential id
	groupPaths []string                     // the group and its subgroups, parents first
	reposRead  int
	filesRead  int
	botUsers   map[int64]string // user ids of access-token bot users → token credential id
	owners     map[int64]string // user id → principal id of token owners / trigger owners
	members    map[string]int   // username → highest access level anywhere in the group
	usernames  map[int64]string // user id → username, from the member lists
	selfDone   bool
	admin      bool
	included   map[string]*includedFile // files of other projects read for include: project: (project.go)
	// projectRunnersRead: the project runners of every project below the
	// group came with one GraphQL query (runners.go); else each project's
	// are listed through REST.
	projectRunnersRead bool

	serviceUsers    map[int64]string // the service accounts read (instance.go): user id → username
	instanceService map[string]bool  // lower-case usernames of the instance's service accounts
}

// ScanGroup reads a group, its subgroups and every project in them.
func (s *Scanner) ScanGroup(ctx context.Context, group string, files FileScanner, out *inventory.Builder) error {
	col := s.newCollector(group, files, out)
	g, _, err := s.client.Groups.GetGroup(group, nil, gl.WithContext(ctx))
	if err != nil {
		if isStatus(err, http.StatusNotFound) || isStatus(err, http.StatusUnauthorized) {
			return fmt.Errorf("GitLab group %q: %w", group, describe(err))
		}
		col.fail(group, "/groups/:id", err)
		return nil
	}
	col.self(ctx)
	col.root = g.FullPath
	col.src = s.groupSource(g.FullPath)
	out.AddSource(col.src)
	col.serviceAccounts(ctx, g) // before the members: instance.go
	subs, err := gl.ScanAndCollect(func(p gl.PaginationOptionFunc) ([]*gl.Group, *gl.Response, error) {
		return s.client.Groups.ListDescendantGroups(g.ID, &gl.ListDescendantGroupsOptions{ListOptions: gl.ListOptions{PerPage: 100}}, p, gl.WithContext(ctx))
	})
	if err != nil {
		col.fail(g.FullPath, "/groups/:id/descendant_groups", err)
	}
	groups := []*gl.Group{g}
	slices.SortFunc(subs, func(a, b *gl.Group) int { return strings.Compare(a.FullPath, b.FullPath) })
	groups = append(groups, subs...)
	for _, sg := range groups {
		col.groupPaths = append(col.groupPaths, sg.FullPath)
	}
	col.each(len(groups), func(i int) { col.groupLevel(ctx, groups[i]) })
	col.groupCredentials(ctx, g) // after the members: its tokens' owners are known
	projects, err := gl.ScanAndCollect(func(p gl.PaginationOptionFunc) ([]*project, *gl.Response, error) {
		// The listing as raw projects: client-go's Project lacks the inbound
		// job-token setting GitLab sends with each project, which saves a
		// request per project.
		req, err := s.client.NewRequest(http.MethodGet, fmt.Sprintf("groups/%d/projects", g.ID),
			&gl.ListGroupProjectsOptions{ListOptions: gl.ListOptions{PerPage: 100}, IncludeSubGroups: gl.Ptr(true)},
			[]gl.RequestOptionFunc{p, gl.WithContext(ctx)})
		if err != nil {
			return nil, nil, err
		}
		var out []*project
		resp, err := s.client.Do(req, &out)
		return out, resp, err
	})
	if err != nil {
		col.fail(g.FullPath, "/groups/:id/projects", err)
	}
	// A project created or deleted while the list is paged shifts GitLab's
	// offset pages, so one project may be listed twice: read it once.
	seen := map[int64]bool{}
	projects = slices.DeleteFunc(projects, func(p *project) bool {
		dup := seen[p.ID]
		seen[p.ID] = true
		return dup
	})
	col.projectRunnersRead = col.gqlProjectRunners(ctx, g.FullPath)
	col.scanProjects(ctx, projects)
	if col.admin && !inInstanceScan(ctx) { // ScanInstance reads it once
		col.instance(ctx)
	}
	col.summary(len(projects))
	return ctx.Err()
}

// ScanProjects reads named projects (full paths) without group-level data.
func (s *Scanner) ScanProjects(ctx context.Context, paths []string, files FileScanner, out *inventory.Builder) error {
	for _, p := range paths {
		if !strings.Contains(p, "/") || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
			return fmt.Errorf("--gitlab-project %q: want the project's full path, GROUP/NAME", p)
		}
	}
	byGroup := map[string][]*project{}
	var order []string
	for _, p := range paths {
		ns := p[:strings.LastIndex(p, "/")]
		col := s.newCollector(ns, files, out)
		pr, _, err := s.client.Projects.GetProject(p, nil, gl.WithContext(ctx))
		if err != nil {
			if isStatus(err, http.StatusUnauthorized) {
				return fmt.Errorf("GitLab project %s: %w", p, describe(err))
			}
			col.fail(p, "/projects/:id", err)
			continue
		}
		if _, ok := byGroup[ns]; !ok {
			order = append(order, ns)
		}
		byGroup[ns] = append(byGroup[ns], &project{Project: *pr})
	}
	for _, ns := range order {
		col := s.newCollector(ns, files, out)
		col.self(ctx)
		col.scanProjects(ctx, byGroup[ns])
		col.summary(len(byGroup[ns]))
		out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Status: inventory.CoverageSkipped,
			Reason: "--gitlab-project: group-level credentials (group access tokens, deploy tokens, variables, runners, members) were not read; scan --gitlab-group for them"})
	}
	return ctx.Err()
}

func (s *Scanner) newCollector(group string, files FileScanner, out *inventory.Builder) *collector {
	return &collector{s: s, root: group, src: s.groupSource(group), out: out, files: files, groupVars: map[string]map[string]string{},
		botUsers: map[int64]string{}, owners: map[int64]string{}, members: map[string]int{}, usernames: map[int64]string{}}
}

func (s *Scanner) groupSource(full string) inventory.Source {
	return inventory.Source{ID: inventory.PlatformSourceID(inventory.PlatformGitLab, s.host, full), Kind: inventory.SourceGitLabGroup,
		Path: s.host + "/" + full, Host: s.host}
}

// each runs fn(i) for i < n with at most Concurrency at once.
func (col *collector) each(n int, fn func(int)) {
	sem := make(chan struct{}, col.s.opts.Concurrency)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() { defer func() { <-sem; wg.Done() }(); fn(i) }()
	}
	wg.Wait()
}

// loc is the pseudo-location of a group-level item.
func (col *collector) loc(group, rel string) inventory.Location {
	src := col.s.groupSource(group)
	return inventory.Location{Source: src.ID, Root: src.Path, Path: "gitlab/" + group + "/" + rel}
}

// principalID is a GitLab user's id in the scanned group.
func (col *collector) principalID(username string) string {
	return inventory.Scoped(col.src.ID, "user:"+strings.ToLower(username))
}

// fail records an endpoint that could not be read, with what it needs.
func (col *collector) fail(target, endpoint string, err error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// Interrupted: not a permission the token lacks.
		col.out.AddCoverage(inventory.Coverage{Source: Source, Target: target, Path: endpoint, Status: inventory.CoverageFailed, Reason: "interrupted"})
		return
	}
	reason := describe(err).Error() + "; needs " + needs(endpoint)
	col.out.AddCoverage(inventory.Coverage{Source: Source, Target: target, Path: endpoint, Status: inventory.CoverageFailed, Reason: reason})
}

// self checks the scanner's own token once: its scopes (a warning when it
// can write) and whether its user is an administrator.
func (col *collector) self(ctx context.Context) {
	if col.selfDone {
		return
	}
	col.selfDone = true
	reason := ""
	tok, _, err := col.s.client.PersonalAccessTokens.GetSinglePersonalAccessToken(gl.WithContext(ctx))
	if err != nil {
		reason = "the token's own scopes could not be read (" + describe(err).Error() + "; an OAuth token or a job token has none to read)"
	} else {
		reason = "token with scopes: " + strings.Join(tok.Scopes, ", ")
		var writes []string
		for _, sc := range tok.Scopes {
			if slices.Contains(writeScopes, sc) {
				writes = append(writes, sc)
			}
		}
		if len(writes) > 0 {
			reason += "; WARNING: the scanner's token can write (" + strings.Join(writes, ", ") + "): agentreach needs read_api only — see docs/gitlab-permissions.md"
			col.s.logger.Warn("the GitLab token agentreach runs with can write; it needs read_api only (docs/gitlab-permissions.md)", "write", strings.Join(writes, ", "))
		}
	}
	if u, _, err := col.s.client.Users.CurrentUser(gl.WithContext(ctx)); err == nil {
		col.admin = u.IsAdmin
		if u.IsAdmin {
			reason += "; its user is an administrator: instance-wide tokens and settings are read too"
		}
	} else {
		// Without it the scan cannot tell an administrator's token: the
		// instance-wide data would be skipped silently.
		col.fail(col.src.Path, "/user", err)
	}
	col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Path: "scanner credential", Status: inventory.CoverageComplete, Reason: reason})
}

// groupLevel reads one group's members, access tokens, deploy tokens,
// variables and runners.
func (col *collector) groupLevel(ctx context.Context, g *gl.Group) {
	c := col.s.client
	full := g.FullPath
	// A subgroup is a source of its own: its items' ids and pseudo-paths
	// name it.
	col.out.AddSource(col.s.groupSource(full))
	members, err := gl.ScanAndCollect(func(p gl.PaginationOptionFunc) ([]*gl.GroupMember, *gl.Response, error) {
		return c.Groups.ListAllGroupMembers(g.ID, &gl.ListGroupMembersOptions{ListOptions: gl.ListOptions{PerPage: 100}}, p, gl.WithContext(ctx))
	})
	if err != nil {
		col.fail(full, "/groups/:id/members/all", err)
	}
	for _, m := range members {
		col.addMember(m.Username, m.State, int(m.AccessLevel), "group:"+full)
		col.mu.Lock()
		col.usernames[m.ID] = m.Username
		col.mu.Unlock()
	}
	toks, err := gl.ScanAndCollect(func(p gl.PaginationOptionFunc) ([]*gl.GroupAccessToken, *gl.Response, error) {
		return c.GroupAccessTokens.ListGroupAccessTokens(g.ID, &gl.ListGroupAccessTokensOptions{ListOptions: gl.ListOptions{PerPage: 100}}, p, gl.WithContext(ctx))
	})
	if err != nil {
		col.fail(full, "/groups/:id/access_tokens", err)
	}
	for _, t := range toks {
		col.addAccessToken(inventory.KindGroupAccessToken, "gitlab-group-access-token", full, col.loc(full, "access-tokens/"+strconv.FormatInt(t.ID, 10)),
			&inventory.Scope{Kind: "group", Target: full}, gl.PersonalAccessToken(t.PersonalAccessToken), int(t.AccessLevel),
			fmt.Sprintf("DELETE /groups/%s/access_tokens/%d (a group Owner; the scanner never calls it)", url.PathEscape(full), t.ID))
	}
	dts, err := gl.ScanAndCollect(func(p gl.PaginationOptionFunc) ([]*gl.DeployToken, *gl.Response, error) {
		return c.DeployTokens.ListGroupDeployTokens(g.ID, &gl.ListGroupDeployTokensOptions{ListOptions: gl.ListOptions{PerPage: 100}}, p, gl.WithContext(ctx))
	})
	if err != nil {
		col.fail(full, "/groups/:id/deploy_tokens", err)
	}
	for _, d := range dts {
		col.addDeployToken(d, col.loc(full, "deploy-tokens/"+strconv.FormatInt(d.ID, 10)), &inventory.Scope{Kind: "group", Target: full},
			fmt.Sprintf("DELETE /groups/%s/deploy_tokens/%d", url.PathEscape(full), d.ID))
	}
	vars, err := gl.ScanAndCollect(func(p gl.PaginationOptionFunc) ([]*gl.GroupVariable, *gl.Response, error) {
		return c.GroupVariables.ListVariables(g.ID, &gl.ListGroupVariablesOptions{ListOptions: gl.ListOptions{PerPage: 100}}, p, gl.WithContext(ctx))
	})
	if err != nil {
		col.fail(full, "/groups/:id/variables", err)
	}
	gsrc := col.s.groupSource(full)
	keys := map[string]string{}
	for _, v := range vars {
		id := inventory.Scoped(gsrc.ID, "gitlab-group-variable:"+v.Key+"@"+v.EnvironmentScope)
		col.addVariable(id, "gitlab-group-variable", v.Key, v.Value, variableFacts{v.VariableType, v.Protected, v.Masked, v.Hidden, v.Raw, v.EnvironmentScope},
			&inventory.Scope{Kind: "group", Target: full}, col.loc(full, "variables/"+v.Key))
		v.Value = "" // dropped
		if _, ok := keys[v.Key]; !ok || v.EnvironmentScope == "*" {
			keys[v.Key] = id
		}
	}
	col.mu.Lock()
	col.groupVars[full] = keys
	col.mu.Unlock()
	runners, err := gl.ScanAndCollect(func(p gl.PaginationOptionFunc) ([]*gl.Runner, *gl.Response, error) {
		return c.Runners.ListGroupsRunners(g.ID, &gl.ListGroupsRunnersOptions{ListOptions: gl.ListOptions{PerPage: 100}}, p, gl.WithContext(ctx))
	})
	if err != nil {
		col.fail(full, "/groups/:id/runners", err)
	}
	for _, r := range runners {
		if r.RunnerType == "group_type" {
			col.addRunner(ctx, r, full)
		}
	}
}

func (col *collector) addMember(username, state string, level int, where string) {
	if username == "" {
		return
	}
	perms, _ := inventory.FromGitLabAccessLevel(level)
	st := inventory.StateActive
	switch state {
	case "blocked", "banned", "deactivated", "blocked_pending_approval":
		st = inventory.StateSuspended
	}
	kind := inventory.PrincipalHuman
	if isBotName(username) {
		kind = inventory.PrincipalBot
	}
	kind = col.memberKind(username, kind)
	col.mu.Lock()
	if level > col.members[strings.ToLower(username)] {
		col.members[strings.ToLower(username)] = level
	}
	col.mu.Unlock()
	role := ""
	if where == "group:"+col.root {
		role = inventory.GitLabAccessLevelName(level)
	}
	col.out.AddPrincipal(inventory.Principal{ID: col.principalID(username), Platform: inventory.PlatformGitLab, Login: username, Kind: kind,
		Role: role, State: st, RepoPermissions: map[string]inventory.Permissions{where: perms}})
}

// isBotName recognises the users GitLab creates for access tokens and
// service accounts (project_123_bot_…, group_45_bot_…, service_account_…).
func isBotName(u string) bool {
	return (strings.HasPrefix(u, "project_") || strings.HasPrefix(u, "group_")) && strings.Contains(u, "_bot") ||
		strings.HasPrefix(u, "service_account") || strings.HasSuffix(u, "[bot]")
}

// addAccessToken records a group or project access token (or a PAT) with
// its bot user as owner.
func (col *collector) addAccessToken(kind inventory.CredentialKind, typ, where string, loc inventory.Location, scope *inventory.Scope,
	t gl.PersonalAccessToken, level int, revoke string) {
	id := inventory.Scoped(loc.Source, fmt.Sprintf("%s:%d", kind, t.ID))
	perms, _ := inventory.FromGitLabScopes(t.Scopes)
	if level > 0 {
		lp, _ := inventory.FromGitLabAccessLevel(level)
		perms = perms.Meet(lp)
	}
	var exp *time.Time
	if t.ExpiresAt != nil {
		e := time.Time(*t.ExpiresAt).UTC()
		exp = &e
	}
	owner := ""
	if t.UserID != 0 {
		owner = inventory.Scoped(col.src.ID, fmt.Sprintf("user-id:%d", t.UserID))
		col.mu.Lock()
		col.botUsers[t.UserID] = id
		name, known := col.usernames[t.UserID]
		col.mu.Unlock()
		if known {
			// The member lists name the token's user: one principal, with
			// its membership state and role.
			owner = col.principalID(name)
		}
		kindP := inventory.PrincipalBot
		if kind == inventory.KindPersonalAccessToken {
			kindP = inventory.PrincipalUnknown
		}
		login := fmt.Sprintf("user %d", t.UserID)
		if known {
			login = name
		}
		role := ""
		if level > 0 { // a personal access token has no role of its own
			role = inventory.GitLabAccessLevelName(level)
		}
		col.out.AddPrincipal(inventory.Principal{ID: owner, Platform: inventory.PlatformGitLab, Login: login, Kind: kindP,
			Role: role, State: inventory.StateUnknown})
	}
	c := inventory.Credential{ID: id, Kind: kind, Platform: inventory.PlatformGitLab, Type: typ, Name: t.Name, Owner: owner,
		Storage: "held wherever it was copied (GitLab shows it once, at creation)", Scope: scope, Permissions: perms,
		Lifetime: inventory.LifetimeStatic, Reach: inventory.ReachSourceControl, CreatedAt: utc(t.CreatedAt), ExpiresAt: exp,
		LastUsedAt: utc(t.LastUsedAt), Revocation: revoke, Locations: []inventory.Location{loc},
		API: &inventory.APIFacts{Scopes: slices.Clone(t.Scopes), Expired: !t.Active && !t.Revoked, AccessLevel: level, Revoked: t.Revoked}}
	if !t.Active {
		c.Lifetime = inventory.LifetimeUnknown
	}
	col.out.AddCredential(c)
}

func (col *collector) addDeployToken(d *gl.DeployToken, loc inventory.Location, scope *inventory.Scope, revoke string) {
	perms := inventory.Permissions{}
	for _, sc := range d.Scopes {
		switch sc {
		case "read_repository":
			perms = perms.Raise(inventory.ResContents, inventory.Read)
		case "read_registry", "read_package_registry", "read_virtual_registry":
			perms = perms.Raise(inventory.ResPackages, inventory.Read)
		case "write_registry", "write_package_registry", "write_virtual_registry":
			perms = perms.Raise(inventory.ResPackages, inventory.Write)
		}
	}
	col.out.AddCredential(inventory.Credential{ID: inventory.Scoped(loc.Source, fmt.Sprintf("deploy-token:%d", d.ID)), Kind: inventory.KindDeployToken,
		Platform: inventory.PlatformGitLab, Type: "gitlab-deploy-token", Name: d.Name, Storage: "held wherever it was deployed (username " + d.Username + ")",
		Scope: scope, Permissions: perms, Lifetime: inventory.LifetimeStatic, Reach: inventory.ReachPackageRegistry, ExpiresAt: utc(d.ExpiresAt),
		Revocation: revoke, Locations: []inventory.Location{loc},
		API: &inventory.APIFacts{Scopes: slices.Clone(d.Scopes), Expired: d.Expired, Revoked: d.Revoked}})
}

// variableFacts are a CI/CD variable's settings.
type variableFacts struct {
	typ                            gl.VariableTypeValue
	protected, masked, hidden, raw bool
	env                            string
}

// addVariable records a CI/CD variable: its settings and what the detection
// engine says its value is — never the value.
func (col *collector) addVariable(id, typ, key, value string, f variableFacts, scope *inventory.Scope, loc inventory.Location) {
	facts := &inventory.APIFacts{Variable: &inventory.VariableFacts{Protected: f.protected, Masked: f.masked, Hidden: f.hidden, Raw: f.raw,
		EnvironmentScope: f.env, File: f.typ == gl.FileVariableType}}
	c := inventory.Credential{ID: id, Kind: inventory.KindCIVariable, Platform: inventory.PlatformGitLab, Type: typ, Name: key,
		Storage: "GitLab CI/CD variable", Scope: scope, Lifetime: inventory.LifetimeUnknown, Locations: []inventory.Location{loc}, API: facts}
	if value != "" {
		if v, ok := col.s.opts.Values.Embedded(key, []byte(value)); ok {
			facts.Variable.ValueType = v.Type
			c.Redacted, c.ValueHMAC, c.Reach = v.Redacted, v.ValueHMAC, v.Reach
			if v.Lifetime != "" {
				c.Lifetime = v.Lifetime
			}
		}
	}
	col.out.AddCredential(c)
}

// addRunner records a group or project runner with its details.
func (col *collector) addRunner(ctx context.Context, r *gl.Runner, where string) {
	facts := &inventory.RunnerFacts{Type: r.RunnerType, Paused: r.Paused}
	d, _, err := col.s.client.Runners.GetRunnerDetails(r.ID, gl.WithContext(ctx))
	if err != nil {
		col.fail(where, "/runners/:id", err)
	} else {
		facts.Locked, facts.RunUntagged, facts.AccessLevel, facts.Tags = d.Locked, d.RunUntagged, d.AccessLevel, d.TagList
		facts.Details = true
	}
	col.recordRunner(r.ID, cmpOr(r.Description, r.Name, strconv.FormatInt(r.ID, 10)), where, facts)
}

// recordRunner records a runner of the scope where (a group's or a
// project's full path, or the instance's host).
func (col *collector) recordRunner(id int64, name, where string, facts *inventory.RunnerFacts) {
	cid, loc := inventory.Scoped(col.src.ID, fmt.Sprintf("runner:%d", id)), col.loc(where, "runners/"+strconv.FormatInt(id, 10))
	if facts.Type == "instance_type" {
		isrc := inventory.PlatformSourceID(inventory.PlatformGitLab, col.s.host, "instance")
		cid, loc = inventory.Scoped(isrc, fmt.Sprintf("runner:%d", id)), inventory.Location{Source: isrc, Root: col.s.host, Path: fmt.Sprintf("gitlab/instance/runners/%d", id)}
	}
	col.out.AddCredential(inventory.Credential{ID: cid, Kind: inventory.KindRunner,
		Platform: inventory.PlatformGitLab, Type: "gitlab-runner",
		Name: name, Storage: "a runner machine: every job it runs can read what earlier jobs left on it",
		Scope: &inventory.Scope{Kind: strings.TrimSuffix(facts.Type, "_type"), Target: where}, Lifetime: inventory.LifetimeStatic,
		Reach: inventory.ReachInfrastructure, Revocation: fmt.Sprintf("DELETE /runners/%d, then re-image the machine", id),
		Locations: []inventory.Location{loc}, API: &inventory.APIFacts{Runner: facts}})
}

func cmpOr(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func utc(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	v := t.UTC()
	return &v
}

// instance reads what only an administrator sees: the OAuth applications
// (instance.go), the token-lifetime policy and every user's personal
// access tokens.
func (col *collector) instance(ctx context.Context) {
	col.applications(ctx)
	st, _, err := col.s.client.Settings.GetSettings(gl.WithContext(ctx))
	if err != nil {
		col.fail(col.s.host, "/application/settings", err)
	} else {
		isrc := inventory.Source{ID: inventory.PlatformSourceID(inventory.PlatformGitLab, col.s.host, "instance"), Kind: inventory.SourceGitLabGroup,
			Path: col.s.host, Host: col.s.host}
		col.out.AddSource(isrc)
		loc := func(n string) inventory.Location {
			return inventory.Location{Source: isrc.ID, Root: isrc.Path, Path: "gitlab/instance/settings/" + n}
		}
		col.out.AddSetting(inventory.Setting{Source: isrc.ID, Name: SettingRequirePATExpiry, Value: strconv.FormatBool(st.RequirePersonalAccessTokenExpiry), Location: loc(SettingRequirePATExpiry)})
		col.out.AddSetting(inventory.Setting{Source: isrc.ID, Name: SettingMaxPATLifetime, Value: strconv.FormatInt(st.MaxPersonalAccessTokenLifetime, 10), Location: loc(SettingMaxPATLifetime)})
		col.out.AddSetting(inventory.Setting{Source: isrc.ID, Name: SettingServiceTokenExpiry, Value: strconv.FormatBool(st.ServiceAccessTokensExpirationEnforced), Location: loc(SettingServiceTokenExpiry)})
	}
	// Every user's active personal access tokens (an administrator sees
	// the whole instance): the standing tokens agents are handed most.
	pats, err := gl.ScanAndCollect(func(p gl.PaginationOptionFunc) ([]*gl.PersonalAccessToken, *gl.Response, error) {
		return col.s.client.PersonalAccessTokens.ListPersonalAccessTokens(&gl.ListPersonalAccessTokensOptions{ListOptions: gl.ListOptions{PerPage: 100},
			State: gl.Ptr("active")}, p, gl.WithContext(ctx))
	})
	if err != nil {
		col.fail(col.s.host, "/personal_access_tokens", err)
		return
	}
	isrc := inventory.PlatformSourceID(inventory.PlatformGitLab, col.s.host, "instance")
	col.instanceServiceAccounts(ctx)
	// The tokens' users, where no member list named them.
	var owners []int64
	for _, t := range pats {
		owners = append(owners, t.UserID)
	}
	col.resolveUsers(ctx, col.s.host, owners)
	for _, t := range pats {
		if _, managed := col.s.managedPATs.Load(t.ID); t.Revoked || col.isServiceUser(t.UserID) || managed { // recorded with its group
			continue
		}
		loc := inventory.Location{Source: isrc, Root: col.s.host, Path: fmt.Sprintf("gitlab/instance/personal-access-tokens/%d", t.ID)}
		col.addAccessToken(inventory.KindPersonalAccessToken, "gitlab-personal-access-token", col.s.host, loc, &inventory.Scope{Kind: "instance", Target: col.s.host},
			*t, 0, fmt.Sprintf("DELETE /personal_access_tokens/%d (an administrator or the token's user; the scanner never calls it)", t.ID))
	}
	col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.s.host, Path: "/personal_access_tokens", Status: inventory.CoverageComplete,
		Count: len(pats), Reason: fmt.Sprintf("%d active personal access tokens on the instance", len(pats))})
	// The instance runners every project may use (shared runners), with
	// their details.
	runners, err := gl.ScanAndCollect(func(p gl.PaginationOptionFunc) ([]*gl.Runner, *gl.Response, error) {
		return col.s.client.Runners.ListAllRunners(&gl.ListRunnersOptions{ListOptions: gl.ListOptions{PerPage: 100}, Type: gl.Ptr("instance_type")}, p, gl.WithContext(ctx))
	})
	if err != nil {
		col.fail(col.s.host, "/runners/all", err)
		return
	}
	for _, r := range runners {
		if r.RunnerType == "instance_type" {
			col.addRunner(ctx, r, col.s.host)
		}
	}
}

// Instance settings (AR-GL-004).
const (
	SettingRequirePATExpiry   = "require_personal_access_token_expiry"
	SettingMaxPATLifetime     = "max_personal_access_token_lifetime" // days; 0: no limit
	SettingServiceTokenExpiry = "service_access_tokens_expiration_enforced"
)

func (col *collector) summary(projects int) {
	col.mu.Lock()
	defer col.mu.Unlock()
	col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Status: inventory.CoverageComplete, Count: col.reposRead,
		Reason: fmt.Sprintf("%d of %d projects read through the API (%d CI and agent-configuration files)", col.reposRead, projects, col.filesRead)})
}
