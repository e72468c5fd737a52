package gitlab

import (
	"io/fs"
	"sync"
	"testing/fstest"

	"github.com/agentreach/agentreach/inventory"
)

// maxLazyFetches bounds the files one project's analysis may fetch on
// demand (local includes, files an analyser resolves).
const maxLazyFetches = 50

// lazyFS is a project's files as read through the API: the fetched files
// are listed (so the file walk hands exactly those to the analysers), and
// any other file of the project's tree is fetched when an analyser opens it
// — a GitLab local include, wherever it lives — within a budget. A file
// outside the tree does not exist.
type lazyFS struct {
	mu      sync.Mutex
	files   fstest.MapFS
	tree    map[string]bool
	pre     map[string][]byte // fetched ahead of the analysis (prefetchIncludes)
	fetch   func(path string) ([]byte, error)
	budget  int
	fetched []string // paths fetched on demand
	failed  map[string]error
	// project reads a file of another project in the scan's scope (a
	// GitLab include: project:), or returns workflows.ErrOutOfScope.
	project func(project, file, ref string) ([]byte, inventory.Location, error)
	// template reads an instance CI/CD template (a GitLab include:
	// template:), or returns workflows.ErrOutOfScope.
	template func(name string) ([]byte, inventory.Location, error)
}

// TemplateFile implements workflows.TemplateFiles.
func (l *lazyFS) TemplateFile(name string) ([]byte, inventory.Location, error) {
	if !l.spend() {
		return nil, inventory.Location{}, errBudget
	}
	return l.template(name)
}

// ProjectFile implements workflows.ProjectFiles.
func (l *lazyFS) ProjectFile(project, file, ref string) ([]byte, inventory.Location, error) {
	if !l.spend() {
		return nil, inventory.Location{}, errBudget
	}
	return l.project(project, file, ref)
}

// spend takes one fetch from the budget (false when it is spent).
func (l *lazyFS) spend() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.budget <= 0 {
		return false
	}
	l.budget--
	return true
}

func (l *lazyFS) Open(name string) (fs.File, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.files[name]; ok || !l.tree[name] {
		return l.files.Open(name)
	}
	if err, ok := l.failed[name]; ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if l.budget <= 0 {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errBudget}
	}
	l.budget--
	data, ok := l.pre[name]
	var err error
	if !ok {
		data, err = l.fetch(name)
	}
	if err != nil {
		l.failed[name] = err
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	l.files[name] = &fstest.MapFile{Data: data, Mode: 0o444}
	l.fetched = append(l.fetched, name)
	return l.files.Open(name)
}

// ReadDir lists the fetched files only: the walk reads what was fetched
// up front; on-demand files are read by whoever opens them.
func (l *lazyFS) ReadDir(name string) ([]fs.DirEntry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.files.ReadDir(name)
}

type budgetError struct{}

func (budgetError) Error() string {
	return "not fetched: the project's on-demand file budget is spent"
}

var errBudget error = budgetError{}
