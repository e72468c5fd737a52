package github

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing/fstest"

	gh "github.com/google/go-github/v93/github"

	"github.com/agentreach/agentreach/inventory"
)

// chunk is how many repositories one GraphQL query fetches files for.
const chunk = 20

// maxFilesPerQuery bounds the blobs one GraphQL query asks for (GitHub
// limits a query's nodes and its response size).
const maxFilesPerQuery = 60

// repoWork is one repository on its way through the scan.
type repoWork struct {
	r      *gh.Repository
	src    inventory.Source
	paths  []string          // wanted files from the tree
	files  map[string][]byte // fetched
	keys   int               // deploy keys (from GraphQL)
	envs   []string          // environment names (from GraphQL)
	failed bool              // the repository itself could not be read
	gqlOK  bool              // GraphQL answered for the repository (its environments are known)

	// secretNames are the Actions secret names its workflows resolve
	// (its own, visible organisation secrets); secretsOK: both lists were
	// read completely (see inventory.SecretNames).
	secretNames []string
	secretsOK   bool
}

// scanRepos reads the repositories in chunks: the tree, secrets and
// workflow settings of each (REST, concurrently), one GraphQL query for the
// chunk's files, deploy-key counts and environments, then deploy keys and
// environment secrets where there are any, then the file analysers.
func (col *collector) scanRepos(ctx context.Context, repos []*gh.Repository) {
	slices.SortFunc(repos, func(a, b *gh.Repository) int { return strings.Compare(a.GetFullName(), b.GetFullName()) })
	for i := 0; i < len(repos) && ctx.Err() == nil; i += chunk {
		batch := repos[i:min(i+chunk, len(repos))]
		work := make([]*repoWork, len(batch))
		for j, r := range batch {
			work[j] = col.newRepoWork(r)
		}
		col.each(work, func(w *repoWork) { col.repoREST(ctx, w) })
		col.fetchGraphQL(ctx, work)
		col.each(work, func(w *repoWork) { col.repoFinish(ctx, w) })
	}
}

// each runs fn over the work concurrently (the transport bounds requests
// in flight).
func (col *collector) each(work []*repoWork, fn func(*repoWork)) {
	var wg sync.WaitGroup
	for _, w := range work {
		wg.Add(1)
		go func() { defer wg.Done(); fn(w) }()
	}
	wg.Wait()
}

func (col *collector) newRepoWork(r *gh.Repository) *repoWork {
	full := r.GetFullName()
	if full == "" {
		full = col.org + "/" + r.GetName()
	}
	vis := r.GetVisibility()
	if vis == "" {
		vis = "public"
		if r.GetPrivate() {
			vis = "private"
		}
	}
	src := inventory.Source{ID: inventory.PlatformSourceID(inventory.PlatformGitHub, col.s.host, full), Kind: inventory.SourceGitHubRepo,
		Path: col.s.host + "/" + full, Host: col.s.host, Remote: col.s.host + "/" + full,
		Repo: &inventory.RepoFacts{FullName: full, Visibility: vis, Archived: r.GetArchived(), Fork: r.GetFork(),
			DefaultBranch: r.GetDefaultBranch()}}
	if col.account == "Organization" {
		src.Repo.Org = col.src.ID
	}
	col.mu.Lock()
	col.repoNames[r.GetName()] = true
	col.mu.Unlock()
	return &repoWork{r: r, src: src, files: map[string][]byte{}}
}

// repoREST reads a repository's tree, secrets and workflow settings.
func (col *collector) repoREST(ctx context.Context, w *repoWork) {
	owner, name := col.org, w.r.GetName()
	target := w.src.Repo.FullName
	if br := w.r.GetDefaultBranch(); br != "" && col.s.opts.Wants != nil {
		tree, _, err := col.c.client.Git.GetTree(ctx, owner, name, br, true)
		switch {
		case isStatus(err, http.StatusConflict), isStatus(err, http.StatusNotFound) && w.r.GetSize() == 0:
			// An empty repository has no tree.
		case err != nil:
			col.fail(target, "/repos/{owner}/{repo}/git/trees/{branch}", err)
			w.failed = true
		default:
			if tree.GetTruncated() {
				col.out.AddCoverage(inventory.Coverage{Source: Source, Target: target, Path: "/repos/{owner}/{repo}/git/trees/{branch}",
					Status: inventory.CoveragePartial, Reason: "the repository's tree is larger than GitHub lists in one response (truncated): files beyond it were not read"})
			}
			for _, e := range tree.Entries {
				p := e.GetPath()
				if e.GetType() != "blob" || !col.s.opts.Wants(p) {
					continue
				}
				if e.GetMode() == "120000" || e.GetMode() == "160000" {
					continue // symlinks and submodules are not files
				}
				if int64(e.GetSize()) > col.s.opts.MaxFileSize {
					col.out.AddCoverage(inventory.Coverage{Source: Source, Target: target, Path: p, Status: inventory.CoverageSkipped,
						Reason: fmt.Sprintf("larger than the size cap (%d bytes)", col.s.opts.MaxFileSize)})
					continue
				}
				w.paths = append(w.paths, p)
			}
			slices.Sort(w.paths)
		}
	}
	secrets, err := collect(col.c.client.Actions.ListRepoSecretsIter(ctx, owner, name, &gh.ListOptions{PerPage: 100}))
	if err != nil {
		col.fail(target, "/repos/{owner}/{repo}/actions/secrets", err)
	}
	w.secretsOK = err == nil
	repoSecret := map[string]bool{}
	for _, sec := range secrets {
		repoSecret[sec.Name] = true
		w.secretNames = append(w.secretNames, sec.Name)
		col.out.AddCredential(inventory.Credential{ID: inventory.GitHubSecretID(w.src.ID, sec.Name), Kind: inventory.KindActionsSecret,
			Platform: inventory.PlatformGitHub, Type: "github-repo-actions-secret", Name: sec.Name, Storage: "GitHub Actions repository secret",
			Scope: &inventory.Scope{Kind: "repository", Target: w.src.Repo.FullName}, Lifetime: inventory.LifetimeUnknown, CreatedAt: ts(&sec.CreatedAt),
			Revocation: fmt.Sprintf("rotate the value at its issuer, then update or delete the secret %s of %s", sec.Name, w.src.Repo.FullName),
			Locations:  []inventory.Location{repoLoc(w.src, "actions-secrets/"+sec.Name)},
			API:        &inventory.APIFacts{UpdatedAt: ts(&sec.UpdatedAt)}})
	}
	// Organisation secrets the repository sees: every one is a name its
	// workflows resolve, and each it has none of its own by that name
	// backs its workflows' references.
	col.mu.Lock()
	orgSecrets, orgSecretsOK := col.orgSecrets, col.orgSecretsOK && col.account == "Organization"
	tokenRead, tokenWrite, orgApprove := col.tokenRead, col.tokenWrite, col.orgApprove
	col.mu.Unlock()
	w.secretsOK = w.secretsOK && orgSecretsOK
	for _, os := range orgSecrets {
		if !os.visibleTo(name, w.src.Repo.Visibility) {
			continue
		}
		w.secretNames = append(w.secretNames, os.name)
		if repoSecret[os.name] {
			continue
		}
		col.out.AddBinding(inventory.Binding{Credential: inventory.GitHubSecretID(w.src.ID, os.name), Backing: []string{os.id}})
	}
	col.repoWorkflowSettings(ctx, w, tokenRead, tokenWrite, orgApprove)
	col.repoOIDC(ctx, w)
	if col.securitySettings(w) {
		col.mu.Lock()
		col.securitySeen++
		col.mu.Unlock()
	}
}

// repoWorkflowSettings reads a repository's GITHUB_TOKEN default. When the
// organisation's default is read and it forbids workflows to approve pull
// requests, repositories cannot choose otherwise (GitHub docs, "Managing
// GitHub Actions settings for a repository": the permissive option is
// disabled in repositories when the organisation restricts it), so the
// organisation's setting is in effect and no request is made.
func (col *collector) repoWorkflowSettings(ctx context.Context, w *repoWork, orgRead, orgWrite, orgApprove bool) {
	target := w.src.Repo.FullName
	if orgRead && !orgWrite && !orgApprove {
		w.src.Repo.DefaultWorkflowPermissions = "read"
		col.out.AddSetting(inventory.Setting{Source: w.src.ID, Name: inventory.SettingDefaultWorkflowPermissions, Value: "read",
			Location: repoLoc(w.src, "settings/actions/default_workflow_permissions"), Inherited: true})
		col.out.AddSetting(inventory.Setting{Source: w.src.ID, Name: inventory.SettingCanApprovePullRequests, Value: "false",
			Location: repoLoc(w.src, "settings/actions/can_approve_pull_request_reviews"), Inherited: true})
		return
	}
	p, _, err := col.c.client.Repositories.GetDefaultWorkflowPermissions(ctx, col.org, w.r.GetName())
	if err != nil {
		col.fail(target, "/repos/{owner}/{repo}/actions/permissions/workflow", err)
		return
	}
	w.src.Repo.DefaultWorkflowPermissions = p.GetDefaultWorkflowPermissions()
	col.out.AddSetting(inventory.Setting{Source: w.src.ID, Name: inventory.SettingDefaultWorkflowPermissions, Value: p.GetDefaultWorkflowPermissions(),
		Location: repoLoc(w.src, "settings/actions/default_workflow_permissions")})
	col.out.AddSetting(inventory.Setting{Source: w.src.ID, Name: inventory.SettingCanApprovePullRequests, Value: strconv.FormatBool(p.GetCanApprovePullRequestReviews()),
		Location: repoLoc(w.src, "settings/actions/can_approve_pull_request_reviews")})
}

// repoFinish reads deploy keys and environments where GraphQL counted
// any, then runs the file analysers over the fetched files.
func (col *collector) repoFinish(ctx context.Context, w *repoWork) {
	owner, name, target := col.org, w.r.GetName(), w.src.Repo.FullName
	if w.keys != 0 {
		keys, err := collect(col.c.client.Repositories.ListKeysIter(ctx, owner, name, &gh.ListOptions{PerPage: 100}))
		if err != nil {
			col.fail(target, "/repos/{owner}/{repo}/keys", err)
		}
		for _, k := range keys {
			col.addDeployKey(w, k)
		}
	}
	var envSecrets []string
	envsOK := true
	if len(w.envs) != 0 {
		envSecrets, envsOK = col.environments(ctx, w)
	}
	// Every secret a workflow of the repository can name is known: the
	// link stage marks the references none of them holds (Missing).
	if w.secretsOK && w.gqlOK && envsOK {
		col.out.AddSecretNames(inventory.SecretNames{Source: w.src.ID, Names: append(slices.Clone(w.secretNames), envSecrets...)})
	}
	if w.failed {
		return
	}
	if col.files != nil && ctx.Err() == nil {
		fsys := fstest.MapFS{}
		for p, data := range w.files {
			fsys[p] = &fstest.MapFile{Data: data, Mode: 0o444}
		}
		w.src.FS = fsys
		n, err := col.files(ctx, w.src)
		if err != nil {
			col.out.AddCoverage(inventory.Coverage{Source: Source, Target: target, Status: inventory.CoveragePartial, Reason: "analysing the fetched files: " + err.Error()})
		}
		col.mu.Lock()
		col.filesRead += n
		col.mu.Unlock()
		w.files = nil
	} else {
		col.out.AddSource(w.src)
	}
	col.mu.Lock()
	col.reposRead++
	col.mu.Unlock()
}

func (col *collector) addDeployKey(w *repoWork, k *gh.Key) {
	id := strconv.FormatInt(k.GetID(), 10)
	perms := inventory.Permissions{inventory.ResContents: inventory.Write}
	if k.GetReadOnly() {
		perms = inventory.Permissions{inventory.ResContents: inventory.Read}
	}
	c := inventory.Credential{ID: inventory.Scoped(w.src.ID, "deploy-key:"+id), Kind: inventory.KindDeployKey, Platform: inventory.PlatformGitHub,
		Type: "github-deploy-key", Name: k.GetTitle(), Storage: "an SSH private key held wherever it was deployed",
		Scope: &inventory.Scope{Kind: "repository", Target: w.src.Repo.FullName}, Permissions: perms, Lifetime: inventory.LifetimeStatic,
		Reach: inventory.ReachSourceControl, CreatedAt: ts(k.CreatedAt), LastUsedAt: ts(k.LastUsed),
		Revocation: fmt.Sprintf("DELETE /repos/%s/keys/%s (a repository administrator; the scanner never calls it)", w.src.Repo.FullName, id),
		Locations:  []inventory.Location{repoLoc(w.src, "deploy-keys/"+id)},
		API:        &inventory.APIFacts{AddedBy: k.GetAddedBy()}}
	if k.GetAddedBy() != "" {
		c.Owner = col.owner(k.GetAddedBy(), "")
		col.addOwned(ownedCredential{owner: k.GetAddedBy(), repos: []string{w.r.GetName()}})
	}
	col.out.AddCredential(c)
}

// environments reads a repository's environments (protection rules) and
// their secrets. It returns the secrets' names, and whether every list was
// read completely.
func (col *collector) environments(ctx context.Context, w *repoWork) (names []string, complete bool) {
	owner, name, target := col.org, w.r.GetName(), w.src.Repo.FullName
	envs, err := collect(col.c.client.Repositories.ListEnvironmentsIter(ctx, owner, name, &gh.EnvironmentListOptions{ListOptions: gh.ListOptions{PerPage: 100}}))
	if err != nil {
		col.fail(target, "/repos/{owner}/{repo}/environments", err)
		return nil, false
	}
	complete = true
	for _, e := range envs {
		env := e.GetName()
		facts := inventory.APIFacts{Environment: env, EnvAdminsBypass: e.GetCanAdminsBypass(), EnvBranchPolicy: e.DeploymentBranchPolicy != nil}
		for _, r := range e.ProtectionRules {
			if r.GetType() == "required_reviewers" && len(r.Reviewers) > 0 {
				facts.EnvReviewers = true
			}
		}
		secrets, err := collect(col.c.client.Actions.ListEnvSecretsIter(ctx, owner, name, env, &gh.ListOptions{PerPage: 100}))
		if err != nil {
			col.fail(target, "/repos/{owner}/{repo}/environments/{environment_name}/secrets", err)
			complete = false
			continue
		}
		for _, sec := range secrets {
			names = append(names, sec.Name)
			f := facts
			f.UpdatedAt = ts(&sec.UpdatedAt)
			id := inventory.Scoped(w.src.ID, "github-environment-secret:"+env+"/"+sec.Name)
			col.out.AddCredential(inventory.Credential{ID: id, Kind: inventory.KindActionsSecret, Platform: inventory.PlatformGitHub,
				Type: "github-environment-secret", Name: sec.Name, Storage: "GitHub Actions environment secret (" + env + ")",
				Scope: &inventory.Scope{Kind: "environment", Target: w.src.Repo.FullName + ":" + env}, Lifetime: inventory.LifetimeUnknown,
				CreatedAt:  ts(&sec.CreatedAt),
				Revocation: fmt.Sprintf("rotate the value at its issuer, then update or delete the secret %s of environment %s in %s", sec.Name, env, w.src.Repo.FullName),
				Locations:  []inventory.Location{repoLoc(w.src, "environments/"+env+"/secrets/"+sec.Name)}, API: &f})
			// Not bound to the workflows' references: only a job that
			// names the environment sees it (left to a job-level binding).
		}
	}
	return names, complete
}

// repoLoc is the deterministic pseudo-location of a repository-level item.
func repoLoc(src inventory.Source, rel string) inventory.Location {
	return inventory.Location{Source: src.ID, Root: src.Path, Path: "github/" + src.Repo.FullName + "/" + rel}
}
