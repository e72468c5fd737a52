package workflows

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/agentreach/agentreach/inventory"
)

// GitLab resolution limits (GitLab's own: 150 includes, 11 extends levels).
const (
	maxIncludes     = 100
	maxIncludeDepth = 10
	maxExtendsDepth = 11
	maxGitLabJobs   = 2000
	glBudget        = 2_000_000 // node visits per root
)

// glFile is a parsed GitLab CI file.
type glFile struct {
	file inventory.Location
	doc  *yaml.Node
}

func parseGitLabFile(file inventory.Location, data []byte) (*glFile, error) {
	if err := checkYAMLSize(data); err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("invalid GitLab CI YAML: %s", oneLine(err.Error()))
	}
	return &glFile{file: file, doc: &doc}, nil
}

// glKeywords are the top-level keys that are not jobs.
var glKeywords = map[string]bool{
	"stages": true, "variables": true, "default": true, "include": true, "workflow": true, "image": true, "services": true,
	"before_script": true, "after_script": true, "cache": true, "types": true, "spec": true, "pages:deploy": false,
}

// glDef is one job or template definition with the file it came from.
type glDef struct {
	name string
	node ynode
	file inventory.Location
}

// glPipeline is one root .gitlab-ci.yml with everything it includes.
type glPipeline struct {
	main      *glFile
	files     []inventory.Location
	defs      map[string]glDef // jobs and hidden templates
	order     []string
	variables []glVar
	deflt     ynode
	defFile   inventory.Location
	notes     []string    // data the scan should have read and did not (partial)
	outside   []glOutside // references beyond the scan's reach (out of scope)
	beyond    bool        // some include is beyond the scan's reach
	gap       bool        // some local include was not read
	budget    *int
	project   string // the project directory (relative to the scan root) that local includes are relative to
}

// projectDir is the directory of the project a GitLab CI file belongs to:
// the directory of a .gitlab-ci.yml, or the parent of a .gitlab/ci folder.
func projectDir(p string) string {
	dir := path.Dir(p)
	if i := strings.Index("/"+dir+"/", "/.gitlab/"); i >= 0 && path.Base(p) != ".gitlab-ci.yml" && path.Base(p) != ".gitlab-ci.yaml" {
		dir = strings.TrimSuffix(dir[:max(i-1, 0)], "/")
		if i == 0 {
			dir = "."
		}
	}
	return dir
}

// glOutside is a reference beyond the scan's reach and the file that makes
// it.
type glOutside struct {
	file   inventory.Location
	reason string
}

type glVar struct {
	name  string
	value string
	loc   inventory.Location
}

// gitlab resolves the root's GitLab CI files: each .gitlab-ci.yml becomes a
// pipeline with its local includes; files under .gitlab/ci that no root
// includes are still read as pipelines of their own.
func (r *resolver) gitlab(ctx context.Context, rootFS fs.FS) error {
	if len(r.st.gitlab) == 0 {
		return nil
	}
	byPath := map[string]*glFile{}
	for _, f := range r.st.gitlab {
		byPath[f.file.Path] = f
	}
	included := map[string]bool{}
	var mains []*glFile
	for _, f := range r.st.gitlab {
		if b := path.Base(f.file.Path); b == ".gitlab-ci.yml" || b == ".gitlab-ci.yaml" {
			mains = append(mains, f)
		}
	}
	slices.SortFunc(mains, func(a, b *glFile) int { return cmp.Compare(a.file.Path, b.file.Path) })
	var pipelines []*glPipeline
	for _, m := range mains {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		budget := glBudget
		p := &glPipeline{main: m, defs: map[string]glDef{}, budget: &budget, project: projectDir(m.file.Path)}
		seen := map[string]bool{}
		p.load(m, byPath, rootFS, seen, 0)
		for k := range seen {
			included[k] = true
		}
		pipelines = append(pipelines, p)
	}
	var rest []*glFile
	for _, f := range r.st.gitlab {
		if !included[f.file.Path] {
			rest = append(rest, f)
		}
	}
	slices.SortFunc(rest, func(a, b *glFile) int { return cmp.Compare(a.file.Path, b.file.Path) })
	for _, f := range rest {
		budget := glBudget
		p := &glPipeline{main: f, defs: map[string]glDef{}, budget: &budget, project: projectDir(f.file.Path)}
		p.load(f, byPath, rootFS, map[string]bool{}, 0)
		pipelines = append(pipelines, p)
	}
	var errs []error
	for _, p := range pipelines {
		r.emitGitLab(p)
		if *p.budget <= 0 {
			p.notes = append(p.notes, "YAML node budget exhausted: the pipeline was read only in part")
		}
		for _, n := range p.notes {
			r.out.AddCoverage(inventory.Coverage{Source: Source, Target: p.main.file.Root, Path: p.main.file.Path, Status: inventory.CoveragePartial, Reason: n})
		}
		// A file included by several pipelines names its references once.
		for _, o := range p.outside {
			r.scope.add(o.file, o.reason)
		}
	}
	return errors.Join(errs...)
}

// load reads a file's includes (depth first, so that the including file's
// keys override) and then its own definitions.
func (p *glPipeline) load(f *glFile, byPath map[string]*glFile, rootFS fs.FS, seen map[string]bool, depth int) {
	if seen[f.file.Path] {
		return
	}
	seen[f.file.Path] = true
	p.files = append(p.files, f.file)
	top := newRoot(f.doc, p.budget)
	if !top.isMap() {
		return
	}
	for _, inc := range includes(top.get("include")) {
		if pf, ok := rootFS.(ProjectFiles); ok && inc.project != "" && len(inc.files) > 0 {
			if p.loadProject(f, inc, pf, byPath, rootFS, seen, depth) {
				continue
			}
		}
		if tf, ok := rootFS.(TemplateFiles); ok && inc.template != "" {
			if p.loadTemplate(inc, tf, seen, depth) {
				continue
			}
		}
		if inc.remote != "" {
			// Another project, a template, a remote URL or a component:
			// beyond a scan of this tree, not missing from it.
			p.outside = append(p.outside, glOutside{file: f.file,
				reason: fmt.Sprintf("include %s is outside the scanned tree and was not read", inc.remote)})
			p.beyond = true
			continue
		}
		if depth+1 > maxIncludeDepth || len(seen) >= maxIncludes {
			p.notes = append(p.notes, fmt.Sprintf("include %s not read: include limit reached", inc.local))
			p.gap = true
			continue
		}
		for _, target := range p.resolveLocal(inc.local, byPath, rootFS) {
			if seen[target.file.Path] {
				continue
			}
			p.load(target, byPath, rootFS, seen, depth+1)
		}
	}
	p.defsOf(f, top)
}

type glInclude struct {
	local  string
	remote string // project:, remote:, template:, component: — named (sanitised) for coverage
	// project, files and ref of a project: include, as written (for a
	// source that can read other projects, see ProjectFiles).
	project string
	files   []string
	ref     string
	// template names a CI/CD template of the instance
	// ("Jobs/Build.gitlab-ci.yml"), for a source that can read them (see
	// TemplateFiles).
	template string
}

// ProjectFiles is implemented by the file system of a source read through a
// platform API that can read other projects in the scan's scope: a GitLab
// group scan resolves `include: project:` through it. ProjectFile returns the
// file and its location (in the other project's source), or
// ErrOutOfScope when the project is beyond the scan.
type ProjectFiles interface {
	ProjectFile(project, file, ref string) ([]byte, inventory.Location, error)
}

// TemplateFiles is implemented by the file system of a source read through
// a platform API that can read the instance's CI/CD templates: a GitLab
// group scan resolves `include: template:` through it. TemplateFile returns
// the template and its location, or ErrOutOfScope when the instance does
// not serve it.
type TemplateFiles interface {
	TemplateFile(name string) ([]byte, inventory.Location, error)
}

// ErrOutOfScope says a referenced project is beyond the scan's reach.
var ErrOutOfScope = errors.New("outside the scanned scope")

func includes(y ynode) []glInclude {
	var out []glInclude
	add := func(it ynode) {
		switch {
		case it.isScalar():
			s := it.str()
			if isURL(s) {
				out = append(out, glInclude{remote: "remote: " + sanitizeRef(s)})
			} else {
				out = append(out, glInclude{local: s})
			}
		case it.isMap():
			if l := it.get("local").str(); l != "" {
				out = append(out, glInclude{local: l})
				return
			}
			for _, k := range []string{"project", "remote", "template", "component"} {
				if v := it.get(k).str(); v != "" {
					name := k + ": " + sanitizeRef(v)
					inc := glInclude{}
					if k == "template" {
						inc.template = v
					}
					if k == "project" {
						inc.project, inc.files, inc.ref = v, it.get("file").strs(), it.get("ref").str()
						if files := it.get("file").strs(); len(files) > 0 {
							for i := range files {
								files[i] = sanitizeRef(files[i])
							}
							name += ", file: " + oneLine(strings.Join(files, ", "))
						}
						if ref := it.get("ref").str(); ref != "" {
							name += ", ref: " + sanitizeRef(ref)
						}
					}
					inc.remote = name
					out = append(out, inc)
					return
				}
			}
		}
	}
	if y.isSeq() {
		for _, it := range y.items() {
			add(it)
		}
	} else {
		add(y)
	}
	return out
}

// loadProject reads a project: include through a source that can read
// other projects in the scan's scope; it reports false when the project is
// beyond it (then the include is out of scope, as for a local scan).
func (p *glPipeline) loadProject(f *glFile, inc glInclude, pf ProjectFiles, byPath map[string]*glFile, rootFS fs.FS, seen map[string]bool, depth int) bool {
	for _, file := range inc.files {
		if depth+1 > maxIncludeDepth || len(seen) >= maxIncludes {
			p.notes = append(p.notes, fmt.Sprintf("include %s not read: include limit reached", inc.remote))
			p.gap = true
			return true
		}
		data, loc, err := pf.ProjectFile(inc.project, file, inc.ref)
		switch {
		case errors.Is(err, ErrOutOfScope):
			return false
		case err != nil:
			p.notes = append(p.notes, fmt.Sprintf("include %s could not be read: %v", inc.remote, err))
			p.gap = true
			continue
		}
		gf, err := parseGitLabFile(loc, data)
		if err != nil {
			p.notes = append(p.notes, fmt.Sprintf("include %s could not be parsed: %v", inc.remote, err))
			p.gap = true
			continue
		}
		key := loc.Source + "|" + loc.Path
		if seen[key] {
			continue
		}
		seen[key] = true
		// Its own local includes are the other project's files, which this
		// source's file system does not hold: they are named, not read.
		p.loadForeign(gf)
	}
	return true
}

// loadTemplate reads an instance CI/CD template through a source that can
// read them, with the templates it includes in turn (to the include depth);
// it reports false when the instance does not serve the template (then the
// include is out of scope, as for a local scan).
func (p *glPipeline) loadTemplate(inc glInclude, tf TemplateFiles, seen map[string]bool, depth int) bool {
	if depth+1 > maxIncludeDepth || len(seen) >= maxIncludes {
		p.notes = append(p.notes, fmt.Sprintf("include %s not read: include limit reached", inc.remote))
		p.gap = true
		return true
	}
	data, loc, err := tf.TemplateFile(inc.template)
	switch {
	case errors.Is(err, ErrOutOfScope):
		return false
	case err != nil:
		p.notes = append(p.notes, fmt.Sprintf("include %s could not be read: %v", inc.remote, err))
		p.gap = true
		return true
	}
	key := loc.Source + "|" + loc.Path
	if seen[key] {
		return true
	}
	seen[key] = true
	gf, err := parseGitLabFile(loc, data)
	if err != nil {
		p.notes = append(p.notes, fmt.Sprintf("include %s could not be parsed: %v", inc.remote, err))
		p.gap = true
		return true
	}
	p.files = append(p.files, gf.file)
	top := newRoot(gf.doc, p.budget)
	if !top.isMap() {
		return true
	}
	for _, sub := range includes(top.get("include")) {
		if sub.template != "" && p.loadTemplate(sub, tf, seen, depth+1) {
			continue
		}
		name := sub.remote
		if name == "" {
			name = "local: " + sanitizeRef(sub.local)
		}
		p.outside = append(p.outside, glOutside{file: gf.file, reason: fmt.Sprintf("include %s (of the template %s) was not read", name, sanitizeRef(inc.template))})
		p.beyond = true
	}
	p.defsOf(gf, top)
	return true
}

// loadForeign reads the definitions of a file of another project (its own
// includes are listed as beyond the scan).
func (p *glPipeline) loadForeign(f *glFile) {
	p.files = append(p.files, f.file)
	top := newRoot(f.doc, p.budget)
	if !top.isMap() {
		return
	}
	for _, inc := range includes(top.get("include")) {
		name := inc.remote
		if name == "" {
			name = "local: " + sanitizeRef(inc.local)
		}
		p.outside = append(p.outside, glOutside{file: f.file, reason: fmt.Sprintf("include %s (of an included file of another project) was not read", name)})
		p.beyond = true
	}
	p.defsOf(f, top)
}

// defsOf reads a file's own definitions (variables, default, jobs and
// hidden templates): later files override earlier ones.
func (p *glPipeline) defsOf(f *glFile, top ynode) {
	for _, e := range top.entries() {
		switch {
		case e.key == "variables":
			p.variables = mergeVars(p.variables, readVars(f.file, e.v))
		case e.key == "default":
			p.deflt, p.defFile = e.v, f.file
		case glKeywords[e.key]:
		default:
			if !e.v.isMap() {
				continue
			}
			if _, ok := p.defs[e.key]; !ok {
				p.order = append(p.order, e.key)
			}
			p.defs[e.key] = glDef{name: e.key, node: e.v, file: f.file}
		}
	}
}

// isURL reports a bare include string that GitLab reads as a remote URL.
func isURL(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// resolveLocal finds a local include among the walked files or reads it
// from the scan root (never outside it).
func (p *glPipeline) resolveLocal(ref string, byPath map[string]*glFile, rootFS fs.FS) []*glFile {
	// Local includes are relative to the project root (where .gitlab-ci.yml
	// is), which is not the scan root when a tree holds several projects.
	rel := strings.TrimPrefix(path.Clean("/"+strings.TrimSpace(ref)), "/")
	if p.project != "" && p.project != "." {
		rel = path.Join(p.project, rel)
	}
	if strings.Contains(rel, "$") {
		p.notes = append(p.notes, fmt.Sprintf("include %s uses a variable and was not read", ref))
		p.gap = true
		return nil
	}
	if strings.ContainsAny(rel, "*?[") {
		var out []*glFile
		for k, f := range byPath {
			if ok, _ := path.Match(rel, k); ok {
				out = append(out, f)
			}
		}
		if rootFS != nil && len(out) == 0 {
			matches, _ := fs.Glob(rootFS, rel)
			for _, m := range matches {
				if f := p.readLocal(m, rootFS); f != nil {
					out = append(out, f)
				}
			}
		}
		slices.SortFunc(out, func(a, b *glFile) int { return cmp.Compare(a.file.Path, b.file.Path) })
		return out
	}
	if f, ok := byPath[rel]; ok {
		return []*glFile{f}
	}
	if rootFS == nil {
		p.notes = append(p.notes, fmt.Sprintf("include %s not found", ref))
		p.gap = true
		return nil
	}
	if f := p.readLocal(rel, rootFS); f != nil {
		byPath[rel] = f
		return []*glFile{f}
	}
	return nil
}

func (p *glPipeline) readLocal(rel string, rootFS fs.FS) *glFile {
	fh, err := rootFS.Open(rel)
	if err != nil {
		p.notes = append(p.notes, fmt.Sprintf("include %s could not be read: %v", rel, describeFSErr(err)))
		p.gap = true
		return nil
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxCIFileBytes+1))
	if err != nil {
		p.notes = append(p.notes, fmt.Sprintf("include %s could not be read: %v", rel, describeFSErr(err)))
		p.gap = true
		return nil
	}
	f, err := parseGitLabFile(inventory.Location{Source: p.main.file.Source, Root: p.main.file.Root, Path: rel, Git: inventory.GitUnknown}, data)
	if err != nil {
		p.notes = append(p.notes, fmt.Sprintf("include %s: %v", rel, err))
		p.gap = true
		return nil
	}
	return f
}

func describeFSErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func readVars(file inventory.Location, y ynode) []glVar {
	var out []glVar
	for _, e := range y.entries() {
		v := glVar{name: e.key, loc: inventory.Location{Source: file.Source, Root: file.Root, Path: file.Path, Git: file.Git, Line: e.k.line(), Column: e.k.col()}}
		switch {
		case e.v.isScalar():
			v.value = e.v.str()
		case e.v.isMap():
			v.value = e.v.get("value").str()
		}
		out = append(out, v)
	}
	return out
}

func mergeVars(base, over []glVar) []glVar {
	out := slices.Clone(base)
	for _, v := range over {
		if i := slices.IndexFunc(out, func(o glVar) bool { return o.name == v.name }); i >= 0 {
			out[i] = v
		} else {
			out = append(out, v)
		}
	}
	return out
}

// glJob is a resolved job: its own keys merged over its extends chain.
type glJob struct {
	name string
	file inventory.Location
	keys map[string]entry // resolved keyword → value (with the defining node for positions)
	loc  inventory.Location
}

// resolveJob merges extends: templates under the job (hash keys deep-merged
// one level, as GitLab does for variables and the like; other keys replaced).
func (p *glPipeline) resolveJob(d glDef, depth int, seen map[string]bool) map[string]entry {
	out := map[string]entry{}
	if depth > maxExtendsDepth || seen[d.name] {
		p.notes = appendUnique(p.notes, fmt.Sprintf("job %s: extends chain too deep or cyclic", d.name))
		return out
	}
	seen[d.name] = true
	defer delete(seen, d.name)
	for _, parent := range d.node.get("extends").strs() {
		pd, ok := p.defs[parent]
		if !ok {
			if p.beyond && !p.gap {
				// The pipeline includes files beyond the scan's reach and
				// read every local one; an undefined parent is most likely
				// theirs (a template's hidden job), not missing from this
				// tree. With a local include unread, it may be in that file.
				p.outside = append(p.outside, glOutside{file: d.file,
					reason: fmt.Sprintf("job %s extends %s, which is not defined in the files read (presumably in an include outside the scanned tree)", d.name, parent)})
			} else {
				p.notes = appendUnique(p.notes, fmt.Sprintf("job %s extends %s, which is not defined in the files read", d.name, parent))
			}
			continue
		}
		for k, v := range p.resolveJob(pd, depth+1, seen) {
			if old, ok := out[k]; ok && k == "variables" && old.v.isMap() {
				v.merged = append(append(slices.Clone(old.merged), old), v.merged...)
			}
			out[k] = v
		}
	}
	for _, e := range d.node.entries() {
		e.file = d.file
		if e.key == "variables" {
			if old, ok := out["variables"]; ok && old.v.isMap() {
				out["variables"] = entry{key: "variables", k: e.k, v: e.v, merged: append(old.merged, old)}
				continue
			}
		}
		out[e.key] = e
	}
	return out
}

var (
	glVarRe      = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)
	glSourceRe   = regexp.MustCompile(`\$CI_PIPELINE_SOURCE\s*==\s*"([a-z_]+)"`)
	glJWTRe      = regexp.MustCompile(`\$\{?(CI_JOB_JWT(?:_V1|_V2)?)\b`)
	glPrivTokRe  = regexp.MustCompile(`(?i)PRIVATE-TOKEN:\s*\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)
	glOwnAPIRe   = regexp.MustCompile(`\$\{?CI_API_V4_URL\}?/projects/\$\{?CI_PROJECT_ID\}?`)
	glCloudVarRe = regexp.MustCompile(`^(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|ARM_CLIENT_SECRET|AZURE_CLIENT_SECRET|GOOGLE_APPLICATION_CREDENTIALS|GCP_SA_KEY|GOOGLE_CREDENTIALS|[A-Z_]*SERVICE_ACCOUNT_KEY)$`)
)

// glCredentialVar reports a variable name that holds a credential.
func glCredentialVar(name string) bool {
	if strings.HasPrefix(name, "CI_") {
		switch name {
		case "CI_JOB_TOKEN", "CI_JOB_JWT", "CI_JOB_JWT_V1", "CI_JOB_JWT_V2", "CI_REGISTRY_PASSWORD", "CI_DEPLOY_PASSWORD", "CI_DEPENDENCY_PROXY_PASSWORD":
			return true
		}
		return false
	}
	return looksSecretName(name) || glCloudVarRe.MatchString(name) || isLLMKeyName(name)
}

// emitGitLab writes one pipeline's jobs, agents, credentials and reach.
func (r *resolver) emitGitLab(p *glPipeline) {
	wf := inventory.Workflow{Source: p.main.file.Source, Platform: inventory.PlatformGitLab, Path: p.main.file.Path, Root: p.main.file.Root}
	wf.Name = path.Base(p.main.file.Path)
	count := 0
	for _, name := range p.order {
		if strings.HasPrefix(name, ".") {
			continue // hidden template
		}
		if count >= maxGitLabJobs {
			p.notes = append(p.notes, fmt.Sprintf("more than %d jobs: the rest were not read", maxGitLabJobs))
			break
		}
		count++
		d := p.defs[name]
		keys := p.resolveJob(d, 0, map[string]bool{})
		job := r.gitlabJob(p, d, keys)
		wf.Jobs = append(wf.Jobs, job)
	}
	slices.SortStableFunc(wf.Jobs, func(a, b inventory.Job) int {
		return cmp.Or(cmp.Compare(a.Location.Path, b.Location.Path), cmp.Compare(a.Location.Line, b.Location.Line))
	})
	r.out.AddWorkflow(wf)
}

func locOf(file inventory.Location, y ynode) inventory.Location {
	return inventory.Location{Source: file.Source, Root: file.Root, Path: file.Path, Git: file.Git, Line: y.line(), Column: y.col()}
}

func (r *resolver) gitlabJob(p *glPipeline, d glDef, keys map[string]entry) inventory.Job {
	file := d.file
	job := inventory.Job{ID: d.name, Location: inventory.Location{Source: file.Source, Root: file.Root, Path: file.Path, Git: file.Git, Line: d.node.line(), Column: 1}}
	job.Agent = inventory.Scoped(p.main.file.Source, "gitlab-ci:"+p.main.file.Path+"#"+d.name)
	get := func(k string) (entry, bool) {
		e, ok := keys[k]
		if !ok && p.deflt.isMap() && !inheritOff(keys, "default", k) {
			if v := p.deflt.get(k); v.ok() {
				return entry{key: k, v: v, file: p.defFile}, true
			}
		}
		if ok && e.file.Path == "" {
			e.file = file
		}
		return e, ok
	}
	// Variables in scope: global (unless inherit: variables: false) and the job's.
	vars := []glVar{}
	if !inheritOff(keys, "variables", "") {
		vars = slices.Clone(p.variables)
	}
	if e, ok := keys["variables"]; ok {
		for _, m := range e.merged {
			vars = mergeVars(vars, readVars(fileOf(m, file), m.v))
		}
		vars = mergeVars(vars, readVars(fileOf(e, file), e.v))
	}
	// Scripts become steps.
	mrOnly, sources := glMROnly(keys), glPipelineSources(keys)
	var scriptLines []glScriptLine
	for _, section := range []string{"before_script", "script"} {
		if e, ok := get(section); ok && e.v.isSeq() {
			for _, it := range e.v.items() {
				for k, l := range strings.Split(it.str(), "\n") {
					scriptLines = append(scriptLines, glScriptLine{text: l, line: it.line() + k})
				}
			}
		}
	}
	taint := glTaints(scriptLines, mrOnly, sources, func(name string) bool {
		return slices.ContainsFunc(vars, func(v glVar) bool { return v.name == name })
	})
	var refs []ref
	addRef := func(name string, via inventory.ReachVia, step int, loc inventory.Location) {
		if !slices.ContainsFunc(refs, func(x ref) bool { return x.name == name && x.step == step && x.via == via }) {
			refs = append(refs, ref{name: name, via: via, step: step, loc: loc})
		}
	}
	for _, v := range vars {
		if glCredentialVar(v.name) {
			addRef(v.name, inventory.ViaCIVariable, -1, v.loc)
		}
		for _, m := range glVarRe.FindAllStringSubmatch(v.value, 64) {
			if glCredentialVar(m[1]) {
				addRef(m[1], inventory.ViaCIVariable, -1, v.loc)
			}
		}
	}
	for _, section := range []string{"before_script", "script", "after_script"} {
		e, ok := get(section)
		if !ok {
			continue
		}
		f := fileOf(e, file)
		lines := e.v.strs()
		script := strings.Join(lines, "\n")
		st := inventory.Step{Index: len(job.Steps), Name: section, Location: locOf(f, e.v), Run: true, OtherS3Endpoint: otherS3Re.MatchString(script)}
		for _, c := range scriptCommands(script) {
			ag := r.agents.commandAgent(c)
			if ag == nil {
				continue
			}
			if st.Agent == nil {
				st.Agent = ag
			}
			glPromptInjections(c, &st, scriptLineLoc(f, e.v, c.line), taint)
		}
		for _, m := range glVarRe.FindAllStringSubmatch(script, 4096) {
			if glCredentialVar(m[1]) {
				// Named in this section; GitLab exports every CI/CD variable
				// to the whole job's environment, so every section holds it
				// (the rules read GitLab refs as job-wide).
				addRef(m[1], inventory.ViaRunScript, st.Index, st.Location)
			}
		}
		if m := glJWTRe.FindAllStringSubmatch(script, -1); m != nil {
			for _, x := range m {
				st.Commands = appendUnique(st.Commands, "$"+x[1])
			}
		}
		if glOwnAPIRe.MatchString(script) {
			for _, m := range glPrivTokRe.FindAllStringSubmatch(script, -1) {
				if m[1] != "CI_JOB_TOKEN" {
					st.SameRepoAPI = true
					st.Commands = appendUnique(st.Commands, "PRIVATE-TOKEN: $"+m[1])
				}
			}
		}
		job.Steps = append(job.Steps, st)
	}
	for _, s := range job.Steps {
		if s.Agent != nil {
			for _, rf := range refs {
				if isLLMKeyName(rf.name) {
					s.Agent.OwnKeys = appendUnique(s.Agent.OwnKeys, inventory.GitLabVariableID(job.Location.Source, rf.name))
				}
			}
		}
	}
	if e, ok := get("id_tokens"); ok {
		for _, t := range e.v.entries() {
			it := inventory.IDToken{Name: t.key, Location: locOf(fileOf(e, file), t.k)}
			it.Audience = t.v.get("aud").strs()
			job.IDTokens = append(job.IDTokens, it)
		}
	}
	if e, ok := get("secrets"); ok {
		for _, s := range e.v.entries() {
			addRef(s.key, inventory.ViaCIVariable, -1, locOf(fileOf(e, file), s.k))
		}
	}
	if e, ok := get("tags"); ok {
		job.RunsOn = e.v.strs()
	}
	if e, ok := get("environment"); ok {
		name := e.v.str()
		if e.v.isMap() {
			name = e.v.get("name").str()
		}
		if name != "" {
			job.Environment = &inventory.JobEnvironment{Name: name, Location: locOf(fileOf(e, file), e.v), Protected: "unknown"}
		}
	}
	// Who can start it.
	aud, gate := glAudience(keys)
	job.StartableBy = aud
	job.Starters = []inventory.Starter{{Event: "pipeline", Audience: aud, Privileged: true, Location: job.Location}}
	if gate != "" {
		job.Starters[0].Gates = []string{inventory.GateProtectedRef}
		job.Gates = append(job.Gates, inventory.Gate{Kind: inventory.GateProtectedRef, Detail: gate, Location: job.Location})
	}
	// The job token.
	job.EffectivePermissions = inventory.Permissions{inventory.ResContents: inventory.Read, inventory.ResPackages: inventory.Write,
		inventory.ResRegistry: inventory.Write, inventory.ResMetadata: inventory.Read}
	job.PermissionsSource = "CI_JOB_TOKEN (project settings decide its reach)"
	for i := range job.Steps {
		if ag := job.Steps[i].Agent; ag != nil {
			ag.Starters = job.Starters
			ag.StartableBy = aud
		}
	}
	r.gitlabReach(p, &job, refs, vars, mrOnly)
	return job
}

func fileOf(e entry, def inventory.Location) inventory.Location {
	if e.file.Path != "" {
		return e.file
	}
	return def
}

// inheritOff reports `inherit: default: false` (or a list without key) and
// `inherit: variables: false`.
func inheritOff(keys map[string]entry, what, key string) bool {
	e, ok := keys["inherit"]
	if !ok {
		return false
	}
	v := e.v.get(what)
	switch {
	case v.isScalar():
		return !v.truthy()
	case v.isSeq():
		return key != "" && !slices.Contains(v.strs(), key)
	}
	return false
}

// scriptLineLoc locates line n (1-based) of a script section's joined lines:
// the item of the sequence it falls in (an item may span lines).
func scriptLineLoc(file inventory.Location, seq ynode, n int) inventory.Location {
	loc := locOf(file, seq)
	if !seq.isSeq() {
		return loc
	}
	at := 1
	for _, it := range seq.items() {
		lines := strings.Count(it.str(), "\n") + 1
		if n < at+lines {
			return locOf(file, it)
		}
		at += lines
	}
	return loc
}

// glMROnly reports a job whose rules run it in merge request pipelines
// only: those run on refs/merge-requests/…, which are not protected, so the
// job never receives protected variables.
func glMROnly(keys map[string]entry) bool {
	e, ok := keys["rules"]
	if !ok || !e.v.isSeq() {
		return false
	}
	all := 0
	for _, rule := range e.v.items() {
		if strings.EqualFold(rule.get("when").str(), "never") {
			continue
		}
		all++
		cond := strings.ReplaceAll(rule.get("if").str(), "'", `"`)
		if strings.Contains(cond, "||") || !strings.Contains(cond, `$CI_PIPELINE_SOURCE == "merge_request_event"`) {
			return false
		}
	}
	return all > 0
}

// glAudience reads rules:/only: to tell schedule-only and protected-ref
// jobs from jobs any developer's push starts.
func glAudience(keys map[string]entry) (inventory.Audience, string) {
	if e, ok := keys["rules"]; ok && e.v.isSeq() {
		schedule, protected, all := true, true, 0
		for _, rule := range e.v.items() {
			if strings.EqualFold(rule.get("when").str(), "never") {
				continue
			}
			all++
			cond := rule.get("if").str()
			if !strings.Contains(cond, `CI_PIPELINE_SOURCE == "schedule"`) && !strings.Contains(cond, `CI_PIPELINE_SOURCE == 'schedule'`) {
				schedule = false
			}
			if cond == "" || strings.Contains(cond, "||") || !(strings.Contains(cond, "CI_DEFAULT_BRANCH") || strings.Contains(cond, "CI_COMMIT_TAG") ||
				strings.Contains(cond, "CI_COMMIT_REF_PROTECTED")) || strings.Contains(cond, "!=") {
				protected = false
			}
		}
		switch {
		case all > 0 && schedule:
			return inventory.AudienceSchedule, ""
		case all > 0 && protected:
			return inventory.AudienceMaintainers, "rules limit the job to the default branch, tags or protected refs"
		}
	}
	if e, ok := keys["only"]; ok {
		refs := e.v.strs()
		if e.v.isMap() {
			refs = e.v.get("refs").strs()
		}
		if len(refs) > 0 && !slices.ContainsFunc(refs, func(s string) bool { return s != "schedules" }) {
			return inventory.AudienceSchedule, ""
		}
		if len(refs) > 0 && !slices.ContainsFunc(refs, func(s string) bool { return s != "main" && s != "master" && s != "tags" && s != "schedules" }) {
			return inventory.AudienceMaintainers, "only: limits the job to the default branch, tags or schedules"
		}
	}
	return inventory.AudienceWrite, ""
}

// gitlabReach adds the job's agent, credentials and reach edges.
func (r *resolver) gitlabReach(p *glPipeline, job *inventory.Job, refs []ref, vars []glVar, mrOnly bool) {
	a := inventory.Agent{ID: job.Agent, Kind: inventory.AgentCIJob, Name: job.ID, Platform: inventory.PlatformGitLab, Location: job.Location,
		StartableBy: job.StartableBy, Permissions: job.EffectivePermissions,
		CI: &inventory.CIJobFacts{Workflow: p.main.file.Path, Job: job.ID}}
	a.Triggers = []inventory.Trigger{{Event: "pipeline", Location: job.Location}}
	for _, s := range job.Steps {
		if s.Agent != nil {
			if a.Kind != inventory.AgentCICodingJob {
				a.Kind, a.Product, a.Location = inventory.AgentCICodingJob, s.Agent.Product, s.Location
			}
			a.Guardrails.Bypass = append(a.Guardrails.Bypass, s.Agent.Bypass...)
			a.Guardrails.AllowedTools = append(a.Guardrails.AllowedTools, s.Agent.AllowedTools...)
		}
	}
	for _, g := range job.Gates {
		a.Guardrails.Gates = append(a.Guardrails.Gates, g.Kind+": "+g.Detail)
	}
	reach := func(cred string, via inventory.ReachVia, loc inventory.Location, perms inventory.Permissions) {
		l := loc
		r.out.AddReach(inventory.Reach{Agent: a.ID, Credential: cred, Via: via, Location: &l, Permissions: perms})
	}
	for _, rf := range refs {
		id := inventory.GitLabVariableID(p.main.file.Source, rf.name)
		kind := inventory.KindCIVariable
		if rf.name == "CI_JOB_TOKEN" {
			continue
		}
		c := inventory.Credential{ID: id, Kind: kind, Platform: inventory.PlatformGitLab, Name: rf.name, Storage: "GitLab CI/CD variables",
			Lifetime: inventory.LifetimeUnknown, Reach: reachClass(rf.name), Locations: []inventory.Location{rf.loc}}
		if strings.HasPrefix(rf.name, "CI_JOB_JWT") {
			c.Kind, c.Lifetime, c.Reach = inventory.KindOIDC, inventory.LifetimeShortLived, inventory.ReachCloud
		}
		r.out.AddCredential(c)
		reach(id, rf.via, rf.loc, nil)
		job.Secrets = append(job.Secrets, inventory.SecretRef{Credential: id, Name: rf.name, Via: rf.via, Step: rf.step, Location: rf.loc})
	}
	tokID := inventory.Scoped(p.main.file.Source, "gitlab-job-token:"+p.main.file.Path+"#"+job.ID)
	r.out.AddCredential(inventory.Credential{ID: tokID, Kind: inventory.KindWorkflowToken, Platform: inventory.PlatformGitLab,
		Name: "CI_JOB_TOKEN of " + p.main.file.Path + "#" + job.ID, Permissions: job.EffectivePermissions, Lifetime: inventory.LifetimeShortLived,
		Reach: inventory.ReachSourceControl, Revocation: "expires when the job ends", Locations: []inventory.Location{job.Location}})
	reach(tokID, inventory.ViaWorkflowToken, job.Location, job.EffectivePermissions)
	for _, t := range job.IDTokens {
		id := inventory.Scoped(p.main.file.Source, "gitlab-id-token:"+p.main.file.Path+"#"+job.ID+":"+t.Name)
		r.out.AddCredential(inventory.Credential{ID: id, Kind: inventory.KindOIDC, Platform: inventory.PlatformGitLab, Name: t.Name,
			Lifetime: inventory.LifetimeShortLived, Reach: inventory.ReachCloud, Locations: []inventory.Location{t.Location},
			Audience: t.Audience})
		reach(id, inventory.ViaOIDC, t.Location, nil)
	}
	for _, v := range vars {
		if l, ok := literalValue(v.value); ok && glCredentialVar(v.name) {
			if id, ok := r.literalID(v.name, l); ok {
				loc := v.loc
				r.out.AddRef(inventory.Reach{Agent: a.ID, Credential: id, Via: inventory.ViaCIVariable, Location: &loc})
			}
		}
	}
	// CI/CD variables reach every job as environment variables, named or
	// not: an agent with a shell reads them all (a platform scan knows
	// which are stored; the link stage adds the edges).
	if slices.ContainsFunc(job.Steps, func(s inventory.Step) bool { return s.Agent.HasShell() }) {
		env := ""
		if job.Environment != nil {
			env = job.Environment.Name
		}
		r.out.AddJobVariables(inventory.JobVariables{Agent: a.ID, Source: p.main.file.Source, Protected: !mrOnly, Environment: env, Location: job.Location})
	}
	r.out.AddAgent(a)
}

// GitLabLocalIncludes lists the `include: local:` paths a GitLab CI file
// names (as written), for a reader that fetches files ahead of the
// analysis (the GitLab group scan batches them). What it cannot parse, it
// does not list: the analysis reads includes itself in any case.
func GitLabLocalIncludes(data []byte) []string {
	f, err := parseGitLabFile(inventory.Location{}, data)
	if err != nil {
		return nil
	}
	budget := glBudget
	top := newRoot(f.doc, &budget)
	if !top.isMap() {
		return nil
	}
	var out []string
	for _, inc := range includes(top.get("include")) {
		if inc.local != "" {
			out = append(out, inc.local)
		}
	}
	return out
}
