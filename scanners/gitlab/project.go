package gitlab

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing/fstest"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/scanners/workflows"
)

// maxFiles bounds the files fetched from one project (each is a request).
const maxFiles = 50

// project is a project as GitLab lists it, with the inbound job-token
// setting client-go does not model (nil when the instance does not send it).
type project struct {
	gl.Project
	InboundJobTokenScope *bool `json:"ci_inbound_job_token_scope_enabled"`
	// ForkPipelinesInParent: members may run merge request pipelines of
	// forks in this project (nil when the instance does not send it).
	ForkPipelinesInParent *bool `json:"ci_allow_fork_pipelines_to_run_in_parent_project"`
}

// projWork is one project on its way through the scan.
type projWork struct {
	pr        *project
	src       inventory.Source
	full      string
	fileScan  bool              // its files are wanted (a default branch, not empty)
	tree      map[string]bool   // blob paths of the default branch
	treeDone  bool              // tree listed completely
	treeFail  bool              // the tree could not be listed
	files     map[string][]byte // fetched up front: the file walk reads these
	pre       map[string][]byte // local includes fetched ahead of the analysis
	tooLarge  map[string]bool
	filesDone bool
}

func (w *projWork) wantsFiles() bool { return w.fileScan && !w.treeDone && !w.treeFail }

// scanProjects reads the projects in chunks: for each chunk, one GraphQL
// query for the trees (beside each project's REST reads: variables,
// tokens, keys, triggers), the REST tree of any project it did not list,
// one query for the chunk's CI and agent-configuration files and a few for
// the local includes they name (REST for any file not read so), then the
// analysis of each project.
func (col *collector) scanProjects(ctx context.Context, projects []*project) {
	slices.SortFunc(projects, func(a, b *project) int { return strings.Compare(a.PathWithNamespace, b.PathWithNamespace) })
	for i := 0; i < len(projects) && ctx.Err() == nil; i += gqlChunk {
		batch := projects[i:min(i+gqlChunk, len(projects))]
		work := make([]*projWork, len(batch))
		for j, pr := range batch {
			p := &pr.Project
			work[j] = &projWork{pr: pr, src: col.projectSource(p), full: p.PathWithNamespace,
				fileScan: col.s.opts.Wants != nil && p.DefaultBranch != "" && !p.EmptyRepo,
				files:    map[string][]byte{}, pre: map[string][]byte{}, tooLarge: map[string]bool{}}
		}
		done := make(chan struct{})
		go func() { defer close(done); col.gqlTrees(ctx, work) }()
		col.each(len(work), func(j int) { col.projectREST(ctx, work[j]) })
		<-done
		col.each(len(work), func(j int) { col.restTree(ctx, work[j]) })
		col.fetchWanted(ctx, work)
		col.prefetchIncludes(ctx, work)
		col.each(len(work), func(j int) { col.projectFinish(ctx, work[j]) })
	}
}

func (col *collector) projectSource(p *gl.Project) inventory.Source {
	return inventory.Source{ID: inventory.PlatformSourceID(inventory.PlatformGitLab, col.s.host, p.PathWithNamespace), Kind: inventory.SourceGitLabProject,
		Path: col.s.host + "/" + p.PathWithNamespace, Host: col.s.host, Remote: col.s.host + "/" + p.PathWithNamespace,
		Repo: &inventory.RepoFacts{FullName: p.PathWithNamespace, Visibility: string(p.Visibility), Archived: p.Archived,
			DefaultBranch: p.DefaultBranch, Org: col.src.ID}}
}

func projLoc(src inventory.Source, rel string) inventory.Location {
	return inventory.Location{Source: src.ID, Root: src.Path, Path: "gitlab/" + src.Repo.FullName + "/" + rel}
}

// projectREST reads a project's variables, tokens, keys, triggers,
// job-token scope and CI settings.
func (col *collector) projectREST(ctx context.Context, w *projWork) {
	if ctx.Err() != nil {
		return
	}
	c := col.s.client
	pr := w.pr
	p := &pr.Project
	src := w.src
	full := w.full
	col.settings(src, p)
	if pr.ForkPipelinesInParent != nil {
		col.out.AddSetting(inventory.Setting{Source: src.ID, Name: SettingForkPipelinesInParent, Value: strconv.FormatBool(*pr.ForkPipelinesInParent),
			Location: projLoc(src, "settings/ci_cd/"+SettingForkPipelinesInParent)})
	}

	vars, err := gl.ScanAndCollect(func(po gl.PaginationOptionFunc) ([]*gl.ProjectVariable, *gl.Response, error) {
		return c.ProjectVariables.ListVariables(p.ID, &gl.ListProjectVariablesOptions{ListOptions: gl.ListOptions{PerPage: 100}}, po, gl.WithContext(ctx))
	})
	if err != nil {
		col.fail(full, "/projects/:id/variables", err)
	}
	own := map[string]bool{}
	for _, v := range vars {
		own[v.Key] = true
		col.addVariable(inventory.GitLabVariableID(src.ID, v.Key), "gitlab-project-variable", v.Key, v.Value,
			variableFacts{v.VariableType, v.Protected, v.Masked, v.Hidden, v.Raw, v.EnvironmentScope},
			&inventory.Scope{Kind: "repository", Target: full}, projLoc(src, "variables/"+v.Key))
		v.Value = "" // dropped
	}
	// Group variables the project inherits, nearest group first, where it
	// has none of its own by that name.
	col.mu.Lock()
	for _, g := range ancestors(full, col.groupPaths) {
		for key, id := range col.groupVars[g] {
			if !own[key] {
				own[key] = true
				col.out.AddBinding(inventory.Binding{Credential: inventory.GitLabVariableID(src.ID, key), Backing: []string{id}})
			}
		}
	}
	col.mu.Unlock()

	toks, err := gl.ScanAndCollect(func(po gl.PaginationOptionFunc) ([]*gl.ProjectAccessToken, *gl.Response, error) {
		return c.ProjectAccessTokens.ListProjectAccessTokens(p.ID, &gl.ListProjectAccessTokensOptions{ListOptions: gl.ListOptions{PerPage: 100}}, po, gl.WithContext(ctx))
	})
	if err != nil {
		col.fail(full, "/projects/:id/access_tokens", err)
	}
	for _, t := range toks {
		col.addAccessToken(inventory.KindProjectAccessToken, "gitlab-project-access-token", full, projLoc(src, "access-tokens/"+strconv.FormatInt(t.ID, 10)),
			&inventory.Scope{Kind: "repository", Target: full}, gl.PersonalAccessToken(t.PersonalAccessToken), int(t.AccessLevel),
			fmt.Sprintf("DELETE /projects/%s/access_tokens/%d (a project Maintainer; the scanner never calls it)", url.PathEscape(full), t.ID))
	}
	dts, err := gl.ScanAndCollect(func(po gl.PaginationOptionFunc) ([]*gl.DeployToken, *gl.Response, error) {
		return c.DeployTokens.ListProjectDeployTokens(p.ID, &gl.ListProjectDeployTokensOptions{ListOptions: gl.ListOptions{PerPage: 100}}, po, gl.WithContext(ctx))
	})
	if err != nil {
		col.fail(full, "/projects/:id/deploy_tokens", err)
	}
	for _, d := range dts {
		col.addDeployToken(d, projLoc(src, "deploy-tokens/"+strconv.FormatInt(d.ID, 10)), &inventory.Scope{Kind: "repository", Target: full},
			fmt.Sprintf("DELETE /projects/%s/deploy_tokens/%d", url.PathEscape(full), d.ID))
	}
	keys, err := gl.ScanAndCollect(func(po gl.PaginationOptionFunc) ([]*gl.ProjectDeployKey, *gl.Response, error) {
		return c.DeployKeys.ListProjectDeployKeys(p.ID, &gl.ListProjectDeployKeysOptions{ListOptions: gl.ListOptions{PerPage: 100}}, po, gl.WithContext(ctx))
	})
	if err != nil {
		col.fail(full, "/projects/:id/deploy_keys", err)
	}
	for _, k := range keys {
		perms := inventory.Permissions{inventory.ResContents: inventory.Read}
		if k.CanPush {
			perms = inventory.Permissions{inventory.ResContents: inventory.Write}
		}
		col.out.AddCredential(inventory.Credential{ID: inventory.Scoped(src.ID, fmt.Sprintf("deploy-key:%d", k.ID)), Kind: inventory.KindDeployKey,
			Platform: inventory.PlatformGitLab, Type: "gitlab-deploy-key", Name: k.Title, Storage: "an SSH private key held wherever it was deployed",
			Scope: &inventory.Scope{Kind: "repository", Target: full}, Permissions: perms, Lifetime: inventory.LifetimeStatic,
			Reach: inventory.ReachSourceControl, CreatedAt: utc(k.CreatedAt), ExpiresAt: utc(k.ExpiresAt),
			Revocation: fmt.Sprintf("DELETE /projects/%s/deploy_keys/%d", url.PathEscape(full), k.ID),
			Locations:  []inventory.Location{projLoc(src, "deploy-keys/"+strconv.FormatInt(k.ID, 10))},
			API:        &inventory.APIFacts{}})
	}
	trig, err := gl.ScanAndCollect(func(po gl.PaginationOptionFunc) ([]*gl.PipelineTrigger, *gl.Response, error) {
		return c.PipelineTriggers.ListPipelineTriggers(p.ID, &gl.ListPipelineTriggersOptions{ListOptions: gl.ListOptions{PerPage: 100}}, po, gl.WithContext(ctx))
	})
	if err != nil {
		col.fail(full, "/projects/:id/triggers", err)
	}
	for _, t := range trig {
		owner := ""
		if t.Owner != nil && t.Owner.Username != "" {
			owner = col.principalID(t.Owner.Username)
			st := inventory.StateActive
			if t.Owner.State != "" && t.Owner.State != "active" {
				st = inventory.StateSuspended
			}
			col.out.AddPrincipal(inventory.Principal{ID: owner, Platform: inventory.PlatformGitLab, Login: t.Owner.Username,
				Kind: inventory.PrincipalHuman, State: st})
		}
		t.Token = "" // never kept
		col.out.AddCredential(inventory.Credential{ID: inventory.Scoped(src.ID, fmt.Sprintf("pipeline-trigger:%d", t.ID)), Kind: KindTriggerToken,
			Platform: inventory.PlatformGitLab, Type: "gitlab-pipeline-trigger", Name: cmpOr(t.Description, "trigger "+strconv.FormatInt(t.ID, 10)),
			Owner: owner, Storage: "held by whatever starts the pipelines", Scope: &inventory.Scope{Kind: "repository", Target: full},
			Lifetime: inventory.LifetimeStatic, Reach: inventory.ReachSourceControl, CreatedAt: utc(t.CreatedAt), LastUsedAt: utc(t.LastUsed),
			Revocation: fmt.Sprintf("DELETE /projects/%s/triggers/%d", url.PathEscape(full), t.ID),
			Locations:  []inventory.Location{projLoc(src, "triggers/"+strconv.FormatInt(t.ID, 10))}, API: &inventory.APIFacts{}})
	}
	if !col.projectRunnersRead {
		col.projectRunnersREST(ctx, p.ID, full)
	}
	if pr.InboundJobTokenScope != nil {
		col.out.AddSetting(inventory.Setting{Source: src.ID, Name: SettingJobTokenInbound, Value: strconv.FormatBool(*pr.InboundJobTokenScope),
			Location: projLoc(src, "settings/ci_cd/job_token_scope")})
	} else if js, _, err := c.JobTokenScope.GetProjectJobTokenAccessSettings(p.ID, gl.WithContext(ctx)); err != nil {
		col.fail(full, "/projects/:id/job_token_scope", err)
	} else {
		col.out.AddSetting(inventory.Setting{Source: src.ID, Name: SettingJobTokenInbound, Value: strconv.FormatBool(js.InboundEnabled),
			Location: projLoc(src, "settings/ci_cd/job_token_scope")})
	}

}

// projectFinish hands a project's fetched files to the analysers.
func (col *collector) projectFinish(ctx context.Context, w *projWork) {
	if ctx.Err() != nil {
		return
	}
	p := &w.pr.Project
	src := w.src
	if !w.treeFail && col.files != nil && w.filesDone {
		ref := p.DefaultBranch
		lfs := &lazyFS{files: fstest.MapFS{}, tree: w.tree, pre: w.pre, budget: maxLazyFetches, failed: map[string]error{},
			fetch: func(path string) ([]byte, error) { return col.rawFile(ctx, p.ID, path, ref) },
			project: func(project, file, ref string) ([]byte, inventory.Location, error) {
				return col.projectFile(ctx, project, file, ref)
			},
			template: func(name string) ([]byte, inventory.Location, error) { return col.templateFile(ctx, name) }}
		for path, data := range w.files {
			lfs.files[path] = &fstest.MapFile{Data: data, Mode: 0o444}
		}
		src.FS = lfs
		n, err := col.files(ctx, src)
		lfs.mu.Lock()
		n += len(lfs.fetched)
		lfs.mu.Unlock()
		if err != nil {
			col.out.AddCoverage(inventory.Coverage{Source: Source, Target: w.full, Status: inventory.CoveragePartial, Reason: "analysing the fetched files: " + err.Error()})
		}
		col.mu.Lock()
		col.filesRead += n
		col.mu.Unlock()
	} else {
		col.out.AddSource(src)
	}
	col.mu.Lock()
	col.reposRead++
	col.mu.Unlock()
}

// KindTriggerToken is a GitLab pipeline trigger token.
const KindTriggerToken inventory.CredentialKind = "pipeline-trigger-token"

// Project settings (AR-GL-009, AR-GL-012).
const (
	SettingJobTokenInbound          = "ci_job_token_inbound_enabled"
	SettingPipelineVariablesRole    = "ci_pipeline_variables_minimum_override_role"
	SettingRestrictPipelineVariable = "restrict_user_defined_variables"
	SettingPublicJobs               = "public_jobs"
	SettingForkPipelinesInParent    = "ci_allow_fork_pipelines_to_run_in_parent_project"
)

func (col *collector) settings(src inventory.Source, p *gl.Project) {
	add := func(name, value string) {
		col.out.AddSetting(inventory.Setting{Source: src.ID, Name: name, Value: value, Location: projLoc(src, "settings/ci_cd/"+name)})
	}
	if r := string(p.CIPipelineVariablesMinimumOverrideRole); r != "" {
		add(SettingPipelineVariablesRole, r)
	}
	add(SettingRestrictPipelineVariable, strconv.FormatBool(p.RestrictUserDefinedVariables))
	add(SettingPublicJobs, strconv.FormatBool(p.PublicJobs))
}

// ancestors lists the groups above a project, nearest first, among the
// scanned ones.
func ancestors(project string, groups []string) []string {
	var out []string
	for p := project; strings.Contains(p, "/"); {
		p = p[:strings.LastIndex(p, "/")]
		if slices.Contains(groups, p) {
			out = append(out, p)
		}
	}
	return out
}

// restTree lists, through REST, the tree of a project GraphQL did not list.
func (col *collector) restTree(ctx context.Context, w *projWork) {
	if !w.wantsFiles() || ctx.Err() != nil {
		return
	}
	p := &w.pr.Project
	ref := p.DefaultBranch
	w.tree = nil
	nodes, err := gl.ScanAndCollect(func(po gl.PaginationOptionFunc) ([]*gl.TreeNode, *gl.Response, error) {
		return col.s.client.Repositories.ListTree(p.ID, &gl.ListTreeOptions{ListOptions: gl.ListOptions{PerPage: 100}, Ref: &ref, Recursive: gl.Ptr(true)}, po, gl.WithContext(ctx))
	})
	if err != nil {
		if isStatus(err, http.StatusNotFound) {
			w.fileScan = false // an empty repository
			return
		}
		col.fail(w.full, "/projects/:id/repository/tree", err)
		w.treeFail = true
		return
	}
	w.tree = map[string]bool{}
	for _, n := range nodes {
		if n.Type == "blob" && n.Mode != "120000" {
			w.tree[n.Path] = true
		}
	}
	w.treeDone = true
}

// fetchWanted fetches the files the analysers read (CI files, agent
// configuration) of every project of the chunk: through GraphQL, several
// projects a query, and through REST what GraphQL did not give.
func (col *collector) fetchWanted(ctx context.Context, work []*projWork) {
	wanted := map[*projWork][]string{}
	for _, w := range work {
		if !w.fileScan || w.treeFail || !w.treeDone {
			w.filesDone = !w.treeFail
			continue
		}
		w.filesDone = true
		var ps []string
		for path := range w.tree {
			if col.s.opts.Wants(path) {
				ps = append(ps, path)
			}
		}
		slices.Sort(ps)
		if len(ps) > maxFiles {
			col.out.AddCoverage(inventory.Coverage{Source: Source, Target: w.full, Status: inventory.CoveragePartial, Count: len(ps) - maxFiles,
				Reason: fmt.Sprintf("more than %d CI and agent-configuration files: the rest were not fetched", maxFiles)})
			ps = ps[:maxFiles]
		}
		wanted[w] = ps
	}
	col.gqlBlobs(ctx, work, wanted, func(w *projWork, path string, data []byte) { w.files[path] = data })
	col.each(len(work), func(j int) {
		w := work[j]
		for _, path := range wanted[w] {
			if _, ok := w.files[path]; ok || ctx.Err() != nil {
				continue
			}
			var err error
			if w.tooLarge[path] {
				err = fmt.Errorf("larger than the size cap (%d bytes)", col.s.opts.MaxFileSize)
			} else {
				var data []byte
				if data, err = col.rawFile(ctx, w.pr.ID, path, w.pr.DefaultBranch); err == nil {
					w.files[path] = data
				}
			}
			if err != nil {
				col.out.AddCoverage(inventory.Coverage{Source: Source, Target: w.full, Path: path, Status: inventory.CoveragePartial, Reason: err.Error()})
			}
		}
	})
}

// projectFile reads a file of another project for an `include: project:`
// when that project is in the scanned group; beyond it, the include is out
// of scope as in a local scan.
func (col *collector) projectFile(ctx context.Context, project, file, ref string) ([]byte, inventory.Location, error) {
	project = strings.Trim(project, "/")
	inScope := slices.ContainsFunc(col.groupPaths, func(g string) bool { return strings.HasPrefix(project, g+"/") })
	if !inScope || strings.Contains(project, "$") || strings.Contains(file, "$") {
		return nil, inventory.Location{}, workflows.ErrOutOfScope
	}
	file = strings.TrimPrefix(file, "/")
	if strings.Contains(ref, "$") {
		ref = ""
	}
	// Many projects include the same file of a shared project: it is
	// fetched once a scan.
	return col.remembered(ctx, project+"\x00"+file+"\x00"+ref, func() ([]byte, inventory.Location, error) {
		return col.fetchProjectFile(ctx, project, file, ref)
	})
}

// templateFile reads an instance CI/CD template for an `include:
// template:` (GET /templates/gitlab_ci_ymls/:key, the key being the name
// without .gitlab-ci.yml), once a scan; one the instance does not serve is
// out of scope, as in a local scan.
func (col *collector) templateFile(ctx context.Context, name string) ([]byte, inventory.Location, error) {
	name = strings.TrimPrefix(strings.TrimSpace(name), "/")
	key, ok := strings.CutSuffix(name, ".gitlab-ci.yml")
	if !ok || key == "" || strings.Contains(name, "$") || strings.Contains(name, "..") {
		return nil, inventory.Location{}, workflows.ErrOutOfScope
	}
	return col.remembered(ctx, "template\x00"+name, func() ([]byte, inventory.Location, error) {
		t, _, err := col.s.client.CIYMLTemplate.GetTemplate(key, gl.WithContext(ctx))
		switch {
		case isStatus(err, http.StatusNotFound):
			return nil, inventory.Location{}, workflows.ErrOutOfScope
		case err != nil:
			return nil, inventory.Location{}, fmt.Errorf("%s", describe(err))
		case int64(len(t.Content)) > col.s.opts.MaxFileSize:
			return nil, inventory.Location{}, fmt.Errorf("larger than the size cap (%d bytes)", col.s.opts.MaxFileSize)
		}
		isrc := inventory.Source{ID: inventory.PlatformSourceID(inventory.PlatformGitLab, col.s.host, "instance"), Kind: inventory.SourceGitLabGroup,
			Path: col.s.host, Host: col.s.host}
		col.out.AddSource(isrc)
		return []byte(t.Content), inventory.Location{Source: isrc.ID, Root: isrc.Path, Path: "templates/" + name, Git: inventory.GitTracked}, nil
	})
}

// remembered returns what fetch gives for key, fetching once a scan (an
// interrupted fetch is not remembered), within maxIncludedFiles.
func (col *collector) remembered(ctx context.Context, key string, fetch func() ([]byte, inventory.Location, error)) ([]byte, inventory.Location, error) {
	col.mu.Lock()
	if col.included == nil {
		col.included = map[string]*includedFile{}
	}
	e := col.included[key]
	if e == nil && len(col.included) < maxIncludedFiles {
		e = &includedFile{}
		col.included[key] = e
	}
	col.mu.Unlock()
	if e == nil {
		return fetch()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.done {
		e.data, e.loc, e.err = fetch()
		e.done = ctx.Err() == nil
	}
	return e.data, e.loc, e.err
}

// maxIncludedFiles bounds the other projects' files a scan remembers.
const maxIncludedFiles = 1000

type includedFile struct {
	mu   sync.Mutex
	done bool
	data []byte
	loc  inventory.Location
	err  error
}

func (col *collector) fetchProjectFile(ctx context.Context, project, file, ref string) ([]byte, inventory.Location, error) {
	opt := &gl.GetRawFileOptions{}
	if ref != "" {
		opt.Ref = &ref
	}
	data, _, err := col.s.client.RepositoryFiles.GetRawFile(project, file, opt, gl.WithContext(ctx))
	if err != nil {
		return nil, inventory.Location{}, fmt.Errorf("%s", describe(err))
	}
	if int64(len(data)) > col.s.opts.MaxFileSize {
		return nil, inventory.Location{}, fmt.Errorf("larger than the size cap (%d bytes)", col.s.opts.MaxFileSize)
	}
	src := inventory.PlatformSourceID(inventory.PlatformGitLab, col.s.host, project)
	return data, inventory.Location{Source: src, Root: col.s.host + "/" + project, Path: file, Git: inventory.GitTracked}, nil
}

// rawFile fetches one file of a project, within the size cap.
func (col *collector) rawFile(ctx context.Context, pid int64, path, ref string) ([]byte, error) {
	data, _, err := col.s.client.RepositoryFiles.GetRawFile(pid, path, &gl.GetRawFileOptions{Ref: &ref}, gl.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("not fetched: %s", describe(err))
	}
	if int64(len(data)) > col.s.opts.MaxFileSize {
		return nil, fmt.Errorf("larger than the size cap (%d bytes)", col.s.opts.MaxFileSize)
	}
	return data, nil
}
