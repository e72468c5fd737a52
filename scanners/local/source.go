package local

import (
	"bytes"
	"context"
	"net/url"
	"os/exec"
	"path"
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
