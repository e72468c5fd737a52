package local

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/agentreach/agentreach/inventory"
)

// TreeSource identifies the local tree at root (as given): by its git remote
// and its place below the work tree's top level when git knows them, else by
// the path as given. It reads git metadata only (rev-parse, config), through
// GitCommand, and never fails: a tree git cannot read is identified by path.
func TreeSource(ctx context.Context, root string) inventory.Source {
	src := inventory.Source{Kind: inventory.SourceTree, Path: root}
	if _, err := exec.LookPath("git"); err == nil {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if out, err := GitCommand(ctx, root, "rev-parse", "--show-prefix").Output(); err == nil {
			src.Subdir = strings.TrimSuffix(strings.TrimSpace(string(out)), "/")
			src.Remote = normaliseRemote(gitRemote(ctx, root))
		}
	}
	src.ID = inventory.TreeSourceID(root, src.Remote, src.Subdir)
	return src
}

// HistorySource is the source of a tree's git history.
func HistorySource(tree inventory.Source) inventory.Source {
	return inventory.Source{ID: inventory.HistorySourceID(tree.ID), Kind: inventory.SourceHistory, Path: tree.Path,
		Remote: tree.Remote, Subdir: tree.Subdir, Of: tree.ID}
}

// gitRemote returns the URL of the "origin" remote, else of the first remote
// in name order, else "".
func gitRemote(ctx context.Context, root string) string {
	out, err := GitCommand(ctx, root, "config", "--null", "--get-regexp", `^remote\..*\.url$`).Output()
	if err != nil {
		return ""
	}
	best, bestName := "", ""
	for _, rec := range bytes.Split(out, []byte{0}) {
		k, v, ok := bytes.Cut(rec, []byte{'\n'})
		if !ok {
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(string(k), "remote."), ".url")
		switch {
		case name == "origin":
			return string(v)
		case best == "" || name < bestName:
			best, bestName = string(v), name
		}
	}
	return best
}

// normaliseRemote turns a remote URL into host/owner/name: scheme, userinfo
// (which may hold a token), port, query and a ".git" suffix are dropped. A
// remote that names no host (a local path, file://) gives "": it says
// nothing stable about the repository.
func normaliseRemote(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || strings.ContainsAny(raw, " \t\n") {
		return ""
	}
	var host, p string
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" && u.Host != "" {
		if u.Scheme == "file" {
			return ""
		}
		host, p = u.Hostname(), u.Path
	} else if at := strings.LastIndex(raw, "@"); !strings.Contains(raw, "://") && strings.Contains(raw, ":") {
		// scp-like: [user@]host:owner/name.git
		rest := raw[at+1:]
		h, pp, _ := strings.Cut(rest, ":")
		if strings.Contains(h, "/") || len(h) < 2 {
			return ""
		}
		host, p = h, pp
	} else {
		return ""
	}
	p = strings.TrimSuffix(strings.Trim(path.Clean("/"+p), "/"), ".git")
	host = strings.ToLower(host)
	if host == "" || p == "" || p == "." {
		return ""
	}
	return host + "/" + p
}

// FileRoot chooses the root to scan a single named file from, and the
// file's slash-separated path below it: the top level of the git work tree
// that holds it (so that the file keeps its identity, git state and place —
// .github/workflows/ci.yml stays a workflow), else the working directory
// when the file lies below it, else the file's directory. The root is
// relative to the working directory when it is that directory, below it or
// above it, and absolute otherwise. git is asked through GitCommand only.
func FileRoot(ctx context.Context, file string) (root, rel string) {
	dir, base := filepath.Split(file)
	if dir == "" {
		dir = "."
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		realDir = dir
	}
	realDir, _ = filepath.Abs(realDir)
	real := filepath.Join(realDir, base) // the named file itself may be a symlink: keep its name
	cwd, _ := os.Getwd()
	if c, err := filepath.EvalSymlinks(cwd); err == nil {
		cwd = c
	}
	below := func(top string) (string, bool) {
		r, err := filepath.Rel(top, real)
		if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			return "", false
		}
		return filepath.ToSlash(r), true
	}
	display := func(top string) string {
		r, err := filepath.Rel(cwd, top)
		if err != nil || cwd == "" {
			return top
		}
		if r == "." || !strings.HasPrefix(r, "..") || strings.Trim(filepath.ToSlash(r), "./") == "" {
			return r
		}
		return top
	}
	if _, err := exec.LookPath("git"); err == nil {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if out, err := GitCommand(ctx, realDir, "rev-parse", "--show-toplevel").Output(); err == nil {
			top := filepath.Clean(strings.TrimSpace(string(out)))
			if r, ok := below(top); ok {
				return display(top), r
			}
		}
	}
	if cwd != "" {
		if r, ok := below(cwd); ok {
			return ".", r
		}
	}
	return filepath.Clean(dir), base
}
