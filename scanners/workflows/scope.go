package workflows

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// maxOutOfScopePerFile bounds the out-of-scope entries listed for one file;
// the rest are counted in one entry.
const maxOutOfScopePerFile = 100

// outOfScope collects references beyond the scan's reach — GitLab includes
// of templates, other projects, remote URLs and components, and reusable
// workflows in other repositories — as one coverage entry per distinct
// reference per file. They are listed so that nobody mistakes them for read;
// they are not missing data, so they never make a scan incomplete.
type outOfScope struct {
	seen    map[[3]string]bool
	perFile map[[2]string]int // (root, path) → entries listed
	more    map[[2]string]int // (root, path) → entries not listed
	files   [][2]string       // in first-seen order, for the "more" entries
	entries []inventory.Coverage
}

// add records that file makes a reference beyond the scan's reach; reason
// names the reference (sanitised by the caller).
func (o *outOfScope) add(file inventory.Location, reason string) {
	if o.seen == nil {
		o.seen, o.perFile, o.more = map[[3]string]bool{}, map[[2]string]int{}, map[[2]string]int{}
	}
	k := [3]string{file.Root, file.Path, reason}
	if o.seen[k] {
		return
	}
	o.seen[k] = true
	f := [2]string{file.Root, file.Path}
	if o.perFile[f] == 0 && o.more[f] == 0 {
		o.files = append(o.files, f)
	}
	if o.perFile[f] >= maxOutOfScopePerFile {
		o.more[f]++
		return
	}
	o.perFile[f]++
	o.entries = append(o.entries, inventory.Coverage{Source: Source, Target: file.Root, Path: file.Path,
		Status: inventory.CoverageOutOfScope, Reason: reason})
}

// flush writes the collected entries.
func (o *outOfScope) flush(out *inventory.Builder) {
	for _, c := range o.entries {
		out.AddCoverage(c)
	}
	for _, f := range o.files {
		if n := o.more[f]; n > 0 {
			out.AddCoverage(inventory.Coverage{Source: Source, Target: f[0], Path: f[1], Status: inventory.CoverageOutOfScope,
				Reason: fmt.Sprintf("further references outside the scan's reach (not listed; over %d in this file)", maxOutOfScopePerFile), Count: n})
		}
	}
	*o = outOfScope{}
}

// sanitizeRef makes a reference safe to report: the userinfo of a URL
// (user:password@), its query (?private_token=…) and its fragment are
// dropped, and the text is kept to one short line.
func sanitizeRef(s string) string {
	s = strings.TrimSpace(s)
	s, _, _ = strings.Cut(s, "?")
	s, _, _ = strings.Cut(s, "#")
	if i := strings.Index(s, "://"); i >= 0 {
		scheme, rest := s[:i+3], s[i+3:]
		authority, path, hasPath := strings.Cut(rest, "/")
		if at := strings.LastIndex(authority, "@"); at >= 0 {
			authority = authority[at+1:]
		}
		s = scheme + authority
		if hasPath {
			s += "/" + path
		}
	}
	return oneLine(s)
}
