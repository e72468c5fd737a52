package inventory

import (
	"io/fs"
	"path"
	"strings"
)

// SourceKind says what sort of unit a scan read.
type SourceKind string

// Source kinds.
const (
	SourceTree          SourceKind = "tree"           // a local checkout or directory
	SourceHome          SourceKind = "home"           // a developer's home directory (--home)
	SourceHistory       SourceKind = "history"        // the git history of a tree (--history)
	SourceGitHubRepo    SourceKind = "github-repo"    // a repository read through the GitHub API
	SourceGitHubOrg     SourceKind = "github-org"     // an organisation's settings read through the GitHub API
	SourceGitLabProject SourceKind = "gitlab-project" // a project read through the GitLab API
	SourceGitLabGroup   SourceKind = "gitlab-group"   // a group's or instance's settings read through the GitLab API
)

// HomeSourceID is the id of the scanned home directory.
const HomeSourceID = "home"

// Source is one unit a scan reads, with a stable identity. Every id, subject
// and fingerprint derived from what a source holds is scoped by its ID (see
// Scoped), so that two trees with the same relative paths, or a thousand
// repositories of an organisation, never collapse into one.
//
// IDs are built to stay the same across re-scans of the same thing:
//   - a tree whose git remote is known: "repo:" + host/owner/name of the remote
//     (credentials stripped), plus ":" + the sub-directory when the scan root is
//     below the work tree's top level — the same on every clone and CI runner;
//   - any other tree: "dir:" + the path as given, cleaned and slash-separated;
//   - a tree's history: the tree's id + "@history";
//   - the home directory: "home";
//   - platform sources: "github:" / "gitlab:" + host/owner/name (next issues).
type Source struct {
	ID   string     `json:"id"`
	Kind SourceKind `json:"kind"`
	// Path is the path as given on the command line (local sources).
	Path string `json:"path,omitempty"`
	// Remote is the git remote (host/owner/name, no credentials) when known.
	Remote string `json:"remote,omitempty"`
	// Subdir is the scan root relative to the git top level, when below it.
	Subdir string `json:"subdir,omitempty"`
	// Of is the id of the source this one belongs to (a history's tree).
	Of string `json:"of,omitempty"`
	// Repo holds a repository's platform facts (API sources).
	Repo *RepoFacts `json:"repo,omitempty"`
	// Host is the platform host of an API source (github.com, a GHES host).
	Host string `json:"host,omitempty"`
	// FS reads the source's files (read-only, confined to the source): the
	// one way analyzers resolve cross-file references. Nil when the source
	// has no file system (settings read through an API).
	FS fs.FS `json:"-"`
}

// TreeSourceID is the id of a local tree: by its remote when known (remote is
// host/owner/name, subdir the root relative to the git top level), else by
// the path as given.
func TreeSourceID(given, remote, subdir string) string {
	if remote != "" {
		id := "repo:" + remote
		if subdir = cleanSlash(subdir); subdir != "." && subdir != "" {
			id += ":" + subdir
		}
		return id
	}
	return "dir:" + cleanSlash(given)
}

// HistorySourceID is the id of a tree's git history.
func HistorySourceID(tree string) string { return tree + "@history" }

// scopeSep separates a source id from the id it scopes. Source ids never
// hold it (they are built from cleaned paths and host names).
const scopeSep = "|"

// Scoped scopes a local identity (a path-derived id, a subject) by its
// source. An empty source leaves the id as it is (ids that are global by
// construction, such as an embedded value's keyed hash, are never scoped).
func Scoped(source, id string) string {
	if source == "" {
		return id
	}
	return source + scopeSep + id
}

// Unscoped splits a scoped id into its source and the local part.
func Unscoped(id string) (source, local string) {
	if s, l, ok := strings.Cut(id, scopeSep); ok {
		return s, l
	}
	return "", id
}

func cleanSlash(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	if p == "" {
		return "."
	}
	c := path.Clean(p)
	// "|" would break Unscoped; it is rare in paths and harmless to replace.
	return strings.ReplaceAll(c, scopeSep, "%7C")
}
