package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/agentreach/agentreach/inventory"
)

// Ignore suppresses findings. Rule is a rule id (or empty for every rule);
// Path is a glob over finding paths ("**" crosses directories); Subject is a
// pattern over finding subjects where `*` matches any characters, slashes
// included. At least one of Path and Subject, or Rule, must
// be set. An ignore past its Expires date stops suppressing and is reported.
type Ignore struct {
	Rule    string
	Path    string
	Subject string
	Reason  string
	Owner   string
	Expires time.Time          // zero: no expiry
	Source  inventory.Location // where the ignore is written
}

// Validate checks that an ignore is well formed.
func (ig Ignore) Validate() error {
	if ig.Rule == "" && ig.Path == "" && ig.Subject == "" {
		return fmt.Errorf("an ignore needs a rule, a path or a subject")
	}
	if strings.TrimSpace(ig.Reason) == "" {
		return fmt.Errorf("an ignore needs a reason")
	}
	if ig.Path != "" && !doublestar.ValidatePattern(ig.Path) {
		return fmt.Errorf("bad path glob %q", ig.Path)
	}
	if ig.Rule != "" && !strings.HasPrefix(strings.ToUpper(ig.Rule), "AR-") {
		return fmt.Errorf("bad rule id %q", ig.Rule)
	}
	return nil
}

// Expired reports whether the ignore no longer applies at now. An ignore is
// valid through the whole of its expiry day (UTC).
func (ig Ignore) Expired(now time.Time) bool {
	return !ig.Expires.IsZero() && !now.Before(ig.Expires.Add(24*time.Hour))
}

// Matches reports whether the ignore covers f (expiry not considered).
func (ig Ignore) Matches(f inventory.Finding) bool {
	if ig.Rule != "" && !strings.EqualFold(ig.Rule, f.RuleID) {
		return false
	}
	// Paths are matched as findings report them: relative to the scan root.
	if ig.Path != "" && !globMatch(ig.Path, f.Location.Path) {
		return false
	}
	// Subjects are scoped by their source ("repo:host/owner/name|file:…");
	// a pattern may name the whole subject or only the part after the scope.
	if ig.Subject != "" {
		_, local := inventory.Unscoped(f.Subject)
		if !inventory.MatchPattern(ig.Subject, f.Subject) && !inventory.MatchPattern(ig.Subject, local) {
			return false
		}
	}
	return true
}

// describe names what the ignore matches on.
func (ig Ignore) describe() string {
	var parts []string
	if ig.Rule != "" {
		parts = append(parts, "rule "+ig.Rule)
	}
	if ig.Path != "" {
		parts = append(parts, "path "+ig.Path)
	}
	if ig.Subject != "" {
		parts = append(parts, "subject "+ig.Subject)
	}
	return strings.Join(parts, ", ")
}

func globMatch(pattern, name string) bool {
	ok, err := doublestar.Match(pattern, name)
	return err == nil && ok
}

// ApplyIgnores splits findings into the ones still open and the suppressed
// ones (with their suppression recorded). Expired ignores suppress nothing.
func ApplyIgnores(findings []inventory.Finding, ignores []Ignore, now time.Time) (open, suppressed []inventory.Finding) {
	for _, f := range findings {
		if strings.HasPrefix(f.RuleID, "AR-CF-") {
			open = append(open, f) // findings about the ignores themselves cannot be ignored
			continue
		}
		var hit *Ignore
		for i := range ignores {
			if ignores[i].Expired(now) || !ignores[i].Matches(f) {
				continue
			}
			hit = &ignores[i]
			break
		}
		if hit == nil {
			open = append(open, f)
			continue
		}
		f.Suppression = &inventory.Suppression{Reason: hit.Reason, Owner: hit.Owner, Expires: hit.Expires, Match: hit.describe()}
		suppressed = append(suppressed, f)
	}
	return open, suppressed
}
