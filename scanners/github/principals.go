package github

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// maxBindingRepos bounds the repositories on which one identity's and its
// humans' permissions are looked up (two requests per person and
// repository); beyond it the comparison is partial and says so.
const maxBindingRepos = 100

// bindPrincipals reads, for every credential owned by an identity the
// principals map names (an agent identity with accountable humans), the
// repository permissions of that identity and of its humans on the
// credential's repositories — the facts AR-PB-001 compares (does the
// credential hold more than the human it acts for?).
func (col *collector) bindPrincipals(ctx context.Context, creds []ownedCredential, allRepos []string) {
	if len(col.s.opts.Principals) == 0 {
		return
	}
	type pair struct{ login, repo string }
	want := map[pair]bool{}
	capped := map[string]int{}
	for _, c := range creds {
		humans := col.humansOf(c.owner)
		if len(humans) == 0 {
			continue
		}
		repos := c.repos
		if c.all {
			repos = allRepos
		}
		if len(repos) > maxBindingRepos {
			capped[c.owner] = len(repos)
			repos = repos[:maxBindingRepos]
		}
		for _, r := range repos {
			want[pair{c.owner, r}] = true
			for _, h := range humans {
				want[pair{h, r}] = true
			}
		}
	}
	pairs := make([]pair, 0, len(want))
	for p := range want {
		pairs = append(pairs, p)
	}
	slices.SortFunc(pairs, func(a, b pair) int { return strings.Compare(a.login+"\x00"+a.repo, b.login+"\x00"+b.repo) })
	sem := make(chan struct{}, col.s.opts.Concurrency)
	done := make(chan struct{})
	for _, p := range pairs {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; done <- struct{}{} }()
			lvl, _, err := col.c.client.Repositories.GetPermissionLevel(ctx, col.org, p.repo, p.login)
			if err != nil {
				col.fail(col.org+"/"+p.repo, "/repos/{owner}/{repo}/collaborators/{username}/permission", err)
				return
			}
			role := lvl.GetRoleName()
			perms, err := inventory.RepoRole(role)
			if err != nil { // a custom role: its base permission
				perms, _ = inventory.RepoRole(lvl.GetPermission())
			}
			col.out.AddPrincipal(inventory.Principal{ID: col.principalID(p.login), Platform: inventory.PlatformGitHub, Login: p.login,
				Kind: inventory.PrincipalUnknown, State: inventory.StateUnknown,
				RepoPermissions: map[string]inventory.Permissions{col.org + "/" + p.repo: perms}})
		}()
	}
	for range pairs {
		<-done
	}
	for owner, n := range capped {
		col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Path: "/repos/{owner}/{repo}/collaborators/{username}/permission",
			Status: inventory.CoverageComplete, Reason: fmt.Sprintf("permissions of %s and its accountable humans compared on the first %d of %d repositories its credentials reach", owner, maxBindingRepos, n)})
	}
}

// ownedCredential is a credential whose owner's permissions matter.
type ownedCredential struct {
	owner string   // login
	repos []string // repository names in scope (selected)
	all   bool     // every repository of the organisation
}

// humansOf lists the GitHub logins the principals map makes accountable for
// an identity (patterns matched against the login, "user:LOGIN" and the
// principal id; teams left out).
func (col *collector) humansOf(login string) []string {
	var out []string
	for _, h := range inventory.HumansFor(col.s.opts.Principals, login, "user:"+strings.ToLower(login), col.principalID(login)) {
		if h = inventory.GitHubLogin(h); h != "" && !strings.EqualFold(h, login) && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return out
}
