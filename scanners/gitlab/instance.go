package gitlab

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/agentreach/agentreach/internal/apitransport"
	"github.com/agentreach/agentreach/inventory"
)

// KindOAuthApplication is an OAuth application registered on a GitLab
// instance: a client registration, not a token. Whoever holds its client
// secret (GitLab shows it once, at creation) can obtain tokens that act as
// every user who authorises the application, within its scopes.
const KindOAuthApplication inventory.CredentialKind = "oauth-application"

// ErrNotAdmin is the error of ScanInstance for a token whose user is not
// an administrator (GET /user answers is_admin false or leaves it out).
var ErrNotAdmin = errors.New("--gitlab-instance needs an administrator's token")

// ScanInstance reads a whole instance as its administrator: every
// top-level group, each as ScanGroup reads it (subgroups, projects,
// members, tokens, variables, runners, service accounts), then — once —
// what only an administrator sees: the token-lifetime policy, every user's
// personal access tokens and the OAuth applications. A token whose user is
// not an administrator is refused before anything else is read (ErrNotAdmin).
func (s *Scanner) ScanInstance(ctx context.Context, files FileScanner, out *inventory.Builder) error {
	u, _, err := s.client.Users.CurrentUser(gl.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("GitLab instance %s: who the token belongs to (GET /user): %w", s.host, describe(err))
	}
	if !u.IsAdmin {
		return fmt.Errorf("%w: its user @%s is not an administrator of %s (GET /user: is_admin false); scan a group with --gitlab-group instead",
			ErrNotAdmin, u.Username, s.host)
	}
	run := &instanceRun{serviceUsers: map[int64]string{}}
	ctx = context.WithValue(ctx, instanceKey{}, run)
	col := s.newCollector("instance", files, out)
	col.src = s.instanceSource()
	col.self(ctx)
	groups, err := gl.ScanAndCollect(func(p gl.PaginationOptionFunc) ([]*gl.Group, *gl.Response, error) {
		return s.client.Groups.ListGroups(&gl.ListGroupsOptions{ListOptions: gl.ListOptions{PerPage: 100}, TopLevelOnly: gl.Ptr(true),
			AllAvailable: gl.Ptr(true), OrderBy: gl.Ptr("id"), Sort: gl.Ptr("asc")}, p, gl.WithContext(ctx))
	})
	if err != nil {
		col.fail(s.host, "/groups", err)
	}
	slices.SortFunc(groups, func(a, b *gl.Group) int { return strings.Compare(a.FullPath, b.FullPath) })
	groups = slices.CompactFunc(groups, func(a, b *gl.Group) bool { return a.FullPath == b.FullPath })
	scanned := 0
	for _, g := range groups {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := s.ScanGroup(ctx, g.FullPath, files, out); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// Gone between the listing and the read, say: the rest of the
			// instance is still worth reading.
			out.AddCoverage(inventory.Coverage{Source: Source, Target: g.FullPath, Path: "/groups/:id", Status: inventory.CoverageFailed,
				Reason: err.Error()})
			continue
		}
		scanned++
	}
	col.mu.Lock()
	col.serviceUsers = run.snapshot()
	col.mu.Unlock()
	col.instance(ctx)
	if err == nil {
		out.AddCoverage(inventory.Coverage{Source: Source, Target: s.host, Path: "/groups", Status: inventory.CoverageComplete, Count: scanned,
			Reason: fmt.Sprintf("%d of %d top-level groups scanned", scanned, len(groups))})
	}
	return ctx.Err()
}

// instanceKey keys the instanceRun of a ScanInstance in its context.
type instanceKey struct{}

// instanceRun is what the collectors of one ScanInstance share.
type instanceRun struct {
	mu           sync.Mutex
	serviceUsers map[int64]string // user id → username of every group's service accounts
}

// inInstanceScan reports whether ctx is a ScanInstance's: its groups leave
// the instance-level reads to it.
func inInstanceScan(ctx context.Context) bool { return runOf(ctx) != nil }

func runOf(ctx context.Context) *instanceRun {
	r, _ := ctx.Value(instanceKey{}).(*instanceRun)
	return r
}

func (r *instanceRun) add(id int64, username string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.serviceUsers[id] = username
}

func (r *instanceRun) snapshot() map[int64]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[int64]string, len(r.serviceUsers))
	for id, name := range r.serviceUsers {
		out[id] = name
	}
	return out
}

// instanceSource is the source of what an instance holds outside groups.
func (s *Scanner) instanceSource() inventory.Source {
	return inventory.Source{ID: inventory.PlatformSourceID(inventory.PlatformGitLab, s.host, "instance"), Kind: inventory.SourceGitLabGroup,
		Path: s.host, Host: s.host}
}

// serviceAccounts reads the service accounts of a top-level group (on
// GitLab.com they live there) and their personal access tokens, before the
// member lists, so that a member who is a service account is one.
func (col *collector) serviceAccounts(ctx context.Context, g *gl.Group) {
	if g.ParentID != 0 {
		return
	}
	full := g.FullPath
	sas, err := gl.ScanAndCollect(func(p gl.PaginationOptionFunc) ([]*gl.GroupServiceAccount, *gl.Response, error) {
		return col.s.client.Groups.ListServiceAccounts(g.ID, &gl.ListServiceAccountsOptions{ListOptions: gl.ListOptions{PerPage: 100}}, p, gl.WithContext(ctx))
	})
	if err != nil {
		if isStatus(err, http.StatusNotFound) {
			// Group service accounts are a GitLab 16.1+ Premium feature: an
			// instance or tier without them has none to list — not a gap.
			col.out.AddCoverage(inventory.Coverage{Source: Source, Target: full, Path: "/groups/:id/service_accounts", Status: inventory.CoverageComplete,
				Reason: "404: this GitLab offers no group service accounts (older version or tier): none listed"})
			return
		}
		col.fail(full, "/groups/:id/service_accounts", err)
		return
	}
	sas = slices.DeleteFunc(sas, func(sa *gl.GroupServiceAccount) bool { return sa == nil || sa.ID == 0 || sa.UserName == "" })
	slices.SortFunc(sas, func(a, b *gl.GroupServiceAccount) int { return cmp.Compare(a.ID, b.ID) })
	run := runOf(ctx)
	col.mu.Lock()
	if col.serviceUsers == nil {
		col.serviceUsers = map[int64]string{}
	}
	for _, sa := range sas {
		col.serviceUsers[sa.ID] = sa.UserName
		col.usernames[sa.ID] = sa.UserName // the owner of its tokens
		if run != nil {
			run.add(sa.ID, sa.UserName)
		}
	}
	col.mu.Unlock()
	col.each(len(sas), func(i int) { col.serviceAccount(ctx, g, sas[i]) })
	col.out.AddCoverage(inventory.Coverage{Source: Source, Target: full, Path: "/groups/:id/service_accounts", Status: inventory.CoverageComplete,
		Count: len(sas), Reason: fmt.Sprintf("%d service accounts", len(sas))})
}

// serviceAccount records one service account, with its state (which the
// service-account list does not carry: GET /users/:id does) and its active
// personal access tokens.
func (col *collector) serviceAccount(ctx context.Context, g *gl.Group, sa *gl.GroupServiceAccount) {
	full := g.FullPath
	state := inventory.StateUnknown
	if u, _, err := col.s.client.Users.GetUser(sa.ID, &gl.GetUserOptions{}, gl.WithContext(ctx)); err != nil {
		col.fail(full, "/users/:id", err)
	} else {
		state = userState(u.State)
	}
	col.out.AddPrincipal(inventory.Principal{ID: col.principalID(sa.UserName), Platform: inventory.PlatformGitLab, Login: sa.UserName,
		Kind: inventory.PrincipalService, State: state})
	toks, err := gl.ScanAndCollect(func(p gl.PaginationOptionFunc) ([]*gl.PersonalAccessToken, *gl.Response, error) {
		return col.s.client.Groups.ListServiceAccountPersonalAccessTokens(g.ID, sa.ID, &gl.ListServiceAccountPersonalAccessTokensOptions{
			ListOptions: gl.ListOptions{PerPage: 100}, State: gl.Ptr("active")}, p, gl.WithContext(ctx))
	})
	if err != nil {
		col.fail(full, "/groups/:id/service_accounts/:user_id/personal_access_tokens", err)
		return
	}
	for _, t := range toks {
		if t == nil || t.Revoked {
			continue
		}
		t.Token = "" // a list never carries it; were one sent, it is not kept
		if t.UserID == 0 {
			t.UserID = sa.ID
		}
		col.addAccessToken(inventory.KindPersonalAccessToken, "gitlab-service-account-token", full,
			col.loc(full, fmt.Sprintf("service-accounts/%d/personal-access-tokens/%d", sa.ID, t.ID)), &inventory.Scope{Kind: "group", Target: full}, *t, 0,
			fmt.Sprintf("DELETE /groups/%s/service_accounts/%d/personal_access_tokens/%d (a group Owner; the scanner never calls it)",
				url.PathEscape(full), sa.ID, t.ID))
	}
}

// userState maps a GitLab user state onto the principal states.
func userState(s string) inventory.PrincipalState {
	switch s {
	case "active":
		return inventory.StateActive
	case "blocked", "banned", "deactivated", "blocked_pending_approval", "ldap_blocked":
		return inventory.StateSuspended
	}
	return inventory.StateUnknown
}

// memberKind is the kind of a member: a service account when the group
// lists it as one, or its username is one GitLab generates for them.
func (col *collector) memberKind(username string, kind inventory.PrincipalKind) inventory.PrincipalKind {
	if strings.HasPrefix(strings.ToLower(username), "service_account_") {
		return inventory.PrincipalService
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	for _, name := range col.serviceUsers {
		if strings.EqualFold(name, username) {
			return inventory.PrincipalService
		}
	}
	if col.instanceService[strings.ToLower(username)] {
		return inventory.PrincipalService
	}
	return kind
}

// isServiceUser reports a user the scan recorded as a service account: its
// tokens are listed with its group, not again with the instance's.
func (col *collector) isServiceUser(id int64) bool {
	col.mu.Lock()
	defer col.mu.Unlock()
	_, ok := col.serviceUsers[id]
	return ok
}

// applications records the instance's OAuth applications (administrators
// only): name, scopes, whether it is confidential and where its callbacks
// go (scheme and host only). GitLab never lists an application's secret;
// one that came back anyway is dropped unread.
func (col *collector) applications(ctx context.Context) {
	apps, err := gl.ScanAndCollect(func(p gl.PaginationOptionFunc) ([]*gl.Application, *gl.Response, error) {
		return col.s.client.Applications.ListApplications(&gl.ListApplicationsOptions{ListOptions: gl.ListOptions{PerPage: 100}}, p, gl.WithContext(ctx))
	})
	for _, a := range apps {
		if a != nil {
			a.Secret = ""
		}
	}
	if err != nil {
		col.fail(col.s.host, "/applications", err)
		return
	}
	isrc := col.s.instanceSource()
	col.out.AddSource(isrc)
	n := 0
	for _, a := range apps {
		if a == nil {
			continue
		}
		n++
		id := strconv.FormatInt(a.ID, 10)
		attrs := map[string]string{"confidential": strconv.FormatBool(a.Confidential)}
		if cb := callbackOrigins(a.CallbackURL); cb != "" {
			attrs["callback_url"] = cb
		}
		col.out.AddCredential(inventory.Credential{ID: inventory.Scoped(isrc.ID, "oauth-application:"+id), Kind: KindOAuthApplication,
			Platform: inventory.PlatformGitLab, Type: "gitlab-oauth-application", Name: cmpOr(a.ApplicationName, "application "+id),
			Storage: "its client secret is held by whoever runs the application (GitLab shows it once, at creation)",
			Scope:   &inventory.Scope{Kind: "instance", Target: col.s.host}, Lifetime: inventory.LifetimeStatic, Reach: inventory.ReachSourceControl,
			Revocation: fmt.Sprintf("DELETE /applications/%s, or POST /applications/%s/renew-secret to replace its secret (an administrator; the scanner never calls either)",
				id, id),
			Locations:  []inventory.Location{{Source: isrc.ID, Root: isrc.Path, Path: "gitlab/instance/applications/" + id}},
			Attributes: attrs, API: &inventory.APIFacts{Scopes: slices.Clone(a.Scopes)}})
	}
	col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.s.host, Path: "/applications", Status: inventory.CoverageComplete,
		Count: n, Reason: fmt.Sprintf("%d OAuth applications on the instance", n)})
}

// callbackOrigins reduces an application's redirect URIs (one or more,
// whitespace-separated) to their schemes and hosts: a path or query may
// carry a tenant or a token, userinfo a password.
func callbackOrigins(s string) string {
	var out []string
	for _, f := range strings.Fields(s) {
		u, err := url.Parse(f)
		if err != nil || u.Scheme == "" {
			continue
		}
		o := strings.ToLower(u.Scheme) + ":"
		if h := u.Hostname(); h != "" {
			if strings.Contains(h, ":") {
				h = "[" + h + "]"
			}
			o += "//" + strings.ToLower(h)
		}
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return strings.Join(out, " ")
}

// noStore keeps out of the API cache what DefaultNoStore does, and the
// OAuth application list: GitLab sends no secret in it, but an answer that
// did would otherwise be written to disk.
func noStore(r *http.Request) bool {
	if apitransport.DefaultNoStore(r) {
		return true
	}
	segs := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	return slices.ContainsFunc(segs, func(s string) bool { return strings.EqualFold(s, "applications") })
}

// groupCredentials reads the credentials inventory of a top-level group's
// enterprise users (GitLab.com: their personal access tokens and SSH keys,
// for the group's Owners). A 404 — a subgroup, or an instance without the
// feature (self-managed) — is not a gap.
func (col *collector) groupCredentials(ctx context.Context, g *gl.Group) {
	if g.ParentID != 0 {
		return
	}
	full := g.FullPath
	absent := func(endpoint string) {
		col.out.AddCoverage(inventory.Coverage{Source: Source, Target: full, Path: endpoint, Status: inventory.CoverageComplete,
			Reason: "404: this GitLab offers no credentials inventory for the group (GitLab.com only, for enterprise users): none listed"})
	}
	pats, err := gl.ScanAndCollect(func(p gl.PaginationOptionFunc) ([]*gl.GroupPersonalAccessToken, *gl.Response, error) {
		return col.s.client.GroupCredentials.ListGroupPersonalAccessTokens(g.ID, &gl.ListGroupPersonalAccessTokensOptions{
			ListOptions: gl.ListOptions{PerPage: 100}, State: gl.Ptr("active")}, p, gl.WithContext(ctx))
	})
	switch {
	case isStatus(err, http.StatusNotFound):
		absent("/groups/:id/manage/personal_access_tokens")
		return // the SSH keys share the feature
	case err != nil:
		col.fail(full, "/groups/:id/manage/personal_access_tokens", err)
	}
	keys, kerr := gl.ScanAndCollect(func(p gl.PaginationOptionFunc) ([]*gl.GroupSSHKey, *gl.Response, error) {
		return col.s.client.GroupCredentials.ListGroupSSHKeys(g.ID, &gl.ListGroupSSHKeysOptions{ListOptions: gl.ListOptions{PerPage: 100}}, p, gl.WithContext(ctx))
	})
	// Enterprise users need not be members of the group: their names and
	// states (a blocked user's tokens still listed) come from /users/:id.
	var owners []int64
	for _, t := range pats {
		if t != nil && !t.Revoked {
			owners = append(owners, t.UserID)
		}
	}
	for _, k := range keys {
		if k != nil {
			owners = append(owners, k.UserID)
		}
	}
	col.resolveUsers(ctx, full, owners)
	for _, t := range pats {
		if t == nil || t.Revoked {
			continue
		}
		col.s.managedPATs.Store(t.ID, true) // the instance listing then skips it
		col.addAccessToken(inventory.KindPersonalAccessToken, "gitlab-enterprise-user-pat", full,
			col.loc(full, fmt.Sprintf("credentials/personal-access-tokens/%d", t.ID)), &inventory.Scope{Kind: "group", Target: full},
			gl.PersonalAccessToken{ID: t.ID, Name: t.Name, Revoked: t.Revoked, CreatedAt: t.CreatedAt, Description: t.Description, Scopes: t.Scopes,
				UserID: t.UserID, LastUsedAt: t.LastUsedAt, Active: t.Active, ExpiresAt: t.ExpiresAt}, 0,
			fmt.Sprintf("DELETE /groups/%s/manage/personal_access_tokens/%d (a group Owner; the scanner never calls it)", url.PathEscape(full), t.ID))
	}
	switch {
	case isStatus(kerr, http.StatusNotFound):
		absent("/groups/:id/manage/ssh_keys")
		return
	case kerr != nil:
		col.fail(full, "/groups/:id/manage/ssh_keys", kerr)
		return
	}
	for _, k := range keys {
		if k == nil {
			continue
		}
		owner := ""
		if k.UserID != 0 {
			col.mu.Lock()
			name, known := col.usernames[k.UserID]
			col.mu.Unlock()
			if known {
				owner = col.principalID(name)
			} else {
				owner = inventory.Scoped(col.src.ID, fmt.Sprintf("user-id:%d", k.UserID))
				col.out.AddPrincipal(inventory.Principal{ID: owner, Platform: inventory.PlatformGitLab, Login: fmt.Sprintf("user %d", k.UserID),
					Kind: inventory.PrincipalUnknown, State: inventory.StateUnknown})
			}
		}
		col.out.AddCredential(inventory.Credential{ID: inventory.Scoped(col.src.ID, fmt.Sprintf("ssh-key:%d", k.ID)), Kind: inventory.KindUserSSHKey,
			Platform: inventory.PlatformGitLab, Type: "gitlab-enterprise-user-ssh-key", Name: k.Title, Owner: owner,
			Storage: "the private key, wherever its user keeps it", Scope: &inventory.Scope{Kind: "group", Target: full},
			// It pushes and pulls wherever its user may.
			Permissions: inventory.Permissions{inventory.ResContents: inventory.Write}, Lifetime: inventory.LifetimeStatic,
			Reach: inventory.ReachSourceControl, CreatedAt: utc(k.CreatedAt), ExpiresAt: utc(k.ExpiresAt), LastUsedAt: utc(k.LastUsedAt),
			Revocation: fmt.Sprintf("DELETE /groups/%s/manage/ssh_keys/%d (a group Owner; the scanner never calls it)", url.PathEscape(full), k.ID),
			Locations:  []inventory.Location{col.loc(full, fmt.Sprintf("credentials/ssh-keys/%d", k.ID))}, API: &inventory.APIFacts{}})
	}
}

// maxResolvedUsers bounds the /users/:id lookups of one group's credential
// owners.
const maxResolvedUsers = 200

// resolveUsers looks up, once each, the users (by id) that no member list
// named, and records them as principals with their state, so that their
// credentials name them.
func (col *collector) resolveUsers(ctx context.Context, where string, ids []int64) {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var todo []int64
	col.mu.Lock()
	for _, id := range ids {
		if _, known := col.usernames[id]; !known && id > 0 {
			todo = append(todo, id)
		}
	}
	col.mu.Unlock()
	if len(todo) > maxResolvedUsers {
		col.out.AddCoverage(inventory.Coverage{Source: Source, Target: where, Path: "/users/:id", Status: inventory.CoveragePartial, Count: len(todo) - maxResolvedUsers,
			Reason: fmt.Sprintf("more than %d credential owners outside the member lists: the rest are named by id, without their state", maxResolvedUsers)})
		todo = todo[:maxResolvedUsers]
	}
	col.each(len(todo), func(i int) {
		u, _, err := col.s.client.Users.GetUser(todo[i], &gl.GetUserOptions{}, gl.WithContext(ctx))
		if err != nil {
			col.fail(where, "/users/:id", err)
			return
		}
		if u.Username == "" {
			return
		}
		col.mu.Lock()
		col.usernames[u.ID] = u.Username
		col.mu.Unlock()
		kind := inventory.PrincipalHuman
		if u.Bot || isBotName(u.Username) {
			kind = inventory.PrincipalBot
		}
		col.out.AddPrincipal(inventory.Principal{ID: col.principalID(u.Username), Platform: inventory.PlatformGitLab, Login: u.Username,
			Kind: col.memberKind(u.Username, kind), State: userState(u.State)})
	})
}

// instanceServiceAccounts reads an administrator's view of the instance's
// service accounts (self-managed; GitLab 16.1+ Premium): principals of kind
// service, whose personal access tokens the instance listing holds. A 404 —
// no such feature on this GitLab — is not a gap.
func (col *collector) instanceServiceAccounts(ctx context.Context) {
	sas, err := gl.ScanAndCollect(func(p gl.PaginationOptionFunc) ([]*gl.ServiceAccount, *gl.Response, error) {
		return col.s.client.Users.ListServiceAccounts(&gl.ListServiceAccountsOptions{ListOptions: gl.ListOptions{PerPage: 100}}, p, gl.WithContext(ctx))
	})
	switch {
	case isStatus(err, http.StatusNotFound):
		col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.s.host, Path: "/service_accounts", Status: inventory.CoverageComplete,
			Reason: "404: this GitLab offers no instance service accounts (older version or tier): none listed"})
		return
	case err != nil:
		col.fail(col.s.host, "/service_accounts", err)
		return
	}
	var ids []int64
	for _, sa := range sas {
		if sa == nil || sa.ID == 0 || sa.Username == "" {
			continue
		}
		ids = append(ids, sa.ID)
		col.mu.Lock()
		if col.instanceService == nil {
			col.instanceService = map[string]bool{}
		}
		col.instanceService[strings.ToLower(sa.Username)] = true
		col.mu.Unlock()
	}
	// Their state (the list does not carry it), and principals of kind
	// service.
	col.resolveUsers(ctx, col.s.host, ids)
	col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.s.host, Path: "/service_accounts", Status: inventory.CoverageComplete,
		Count: len(ids), Reason: fmt.Sprintf("%d instance service accounts", len(ids))})
}
