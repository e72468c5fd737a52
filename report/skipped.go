package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// SkipGroup is one reason files were skipped by policy, with how many and
// the first paths coverage lists.
type SkipGroup struct {
	Source string
	Reason string
	Files  int
	Paths  []string
}

// harmlessSkips are skip reasons (prefixes, as scanners/local writes them)
// for entries that cannot hide a credential from the scan: the target of an
// in-tree symlink is read under its own path, FIFOs and devices have no
// content, agentreach's own reports hold redacted values, a file no analyzer
// reads holds nothing any rule looks at, git's objects are --history's, and
// a broken symlink points at nothing.
var harmlessSkips = []string{
	ownReportPrefix,
	"symlink inside the tree",
	"not a regular file",
	"git internals not read",
	"no analyzer reads",
	"broken or looping symlink",
	"history not scanned: not a git repository",
}

// ownReportPrefix starts the reason of a skipped agentreach report.
const ownReportPrefix = "an agentreach report"

// Skipped groups the skipped coverage entries that may hold credentials —
// over the size cap, binary, excluded by configuration, symlinks out of the
// tree or home, the rest of a tree when single files were named — by source
// and reason, and counts the files. Entries that cannot hide one
// (harmlessSkips) are left out.
func (r *Report) Skipped() ([]SkipGroup, int) {
	var groups []SkipGroup
	index := map[[2]string]int{}
	total := 0
	for _, c := range r.Coverage {
		if c.Status != inventory.CoverageSkipped || harmlessSkip(c.Reason) {
			continue
		}
		reason := strings.TrimSuffix(c.Reason, " (further files not listed)")
		k := [2]string{c.Source, reason}
		i, ok := index[k]
		if !ok {
			i = len(groups)
			index[k] = i
			groups = append(groups, SkipGroup{Source: c.Source, Reason: reason})
		}
		n := max(c.Count, 1)
		groups[i].Files += n
		total += n
		if c.Path != "" {
			groups[i].Paths = append(groups[i].Paths, c.Path)
		}
	}
	slices.SortStableFunc(groups, func(a, b SkipGroup) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Reason, b.Reason))
	})
	return groups, total
}

func harmlessSkip(reason string) bool {
	for _, p := range harmlessSkips {
		if strings.HasPrefix(reason, p) {
			return true
		}
	}
	return false
}

// listPaths names up to n of paths and says how many more there are of
// files.
func listPaths(paths []string, files, n int, quote func(string) string) string {
	shown := paths[:min(len(paths), n)]
	var parts []string
	for _, p := range shown {
		parts = append(parts, quote(p))
	}
	s := strings.Join(parts, ", ")
	if rest := files - len(shown); rest > 0 {
		if s != "" {
			s += " and "
		}
		s += plural(rest, "more file", "more files")
		if len(shown) == 0 {
			s = plural(rest, "file", "files")
		}
	}
	return s
}
