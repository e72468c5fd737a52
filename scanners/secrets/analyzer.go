package secrets

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/agentreach/agentreach/inventory"
)

// BlameFunc returns, for each of the given 1-based lines of a tracked file,
// the commit that last changed it ("" when the line is not committed yet).
// scanners/local provides one that runs git safely; the analyzer never
// passes a value to it.
type BlameFunc func(ctx context.Context, root, path string, lines []int) (map[int]string, error)

// Analyzer feeds files from the walker (and blobs from git history) to the
// engine and adds what it finds to the inventory.
type Analyzer struct {
	Engine *Engine
	// Blame, when set, dates hits in tracked files: the location gets the
	// commit that added the line, or the state "uncommitted" when the line
	// is a local change.
	Blame BlameFunc

	mu   sync.Mutex
	seen map[string]bool // root, path and value fingerprint of hits already reported
}

// NewAnalyzer returns an analyzer over the built-in formats, with an engine
// of its own (fingerprints under a random key; see NewEngine).
func NewAnalyzer() *Analyzer { return &Analyzer{Engine: NewEngine(nil)} }

// Name implements the walker's Analyzer.
func (a *Analyzer) Name() string { return Source }

// Wants implements the walker's Analyzer: every file an agent can read.
func (a *Analyzer) Wants(string, int64) bool { return true }

// AnalyzesHistory tells the walker to hand this analyzer the blobs of git
// history too (--history).
func (a *Analyzer) AnalyzesHistory() bool { return true }

// Analyze implements the walker's Analyzer.
func (a *Analyzer) Analyze(ctx context.Context, file inventory.Location, data []byte, out *inventory.Builder) error {
	var creds []inventory.Credential
	var ids, secretsAt []int // indices of AWS key ids and secret keys
	scanErr := a.Engine.scan(data, inventory.KindOf(file.Path).Detect, func(m Match) {
		c := a.Engine.Credential(m, file)
		switch m.Format.ID {
		case "aws-access-key-id", "aws-temporary-access-key-id":
			ids = append(ids, len(creds))
		case "aws-secret-access-key":
			secretsAt = append(secretsAt, len(creds))
		}
		creds = append(creds, c)
	})
	if len(creds) == 0 {
		return scanErr
	}
	pairAWS(creds, ids, secretsAt)

	var blameErr error
	if file.Git == inventory.GitTracked && a.Blame != nil {
		lines := make([]int, 0, len(creds))
		for _, c := range creds {
			lines = append(lines, c.Locations[0].Line)
		}
		slices.Sort(lines)
		commits, err := a.Blame(ctx, file.Root, file.Path, slices.Compact(lines))
		if err != nil {
			blameErr = fmt.Errorf("date credentials with git blame: %w", err)
		}
		for i := range creds {
			l := &creds[i].Locations[0]
			commit, ok := commits[l.Line]
			switch {
			case !ok:
			case commit == "":
				l.Git = inventory.GitUncommitted
			default:
				l.Commit = commit
			}
		}
	}
	for _, c := range creds {
		if !a.firstSighting(file, c.ValueHMAC) {
			continue
		}
		out.AddCredential(c)
	}
	return errors.Join(scanErr, blameErr)
}

// firstSighting records a value at a path and reports whether history should
// report it there: a value already found at the same path in the work tree
// (or in an earlier commit) is not reported again from history.
func (a *Analyzer) firstSighting(file inventory.Location, sum string) bool {
	key := file.Root + "\x00" + file.Path + "\x00" + sum
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.seen == nil {
		a.seen = map[string]bool{}
	}
	seen := a.seen[key]
	a.seen[key] = true
	return !seen || file.Git != inventory.GitHistory
}

// pairAWS links AWS access key ids with the secret keys found in the same
// file: the pair is the usable credential, and a secret paired with a
// temporary (ASIA) key id is short-lived.
func pairAWS(creds []inventory.Credential, ids, secretKeys []int) {
	if len(ids) == 0 || len(secretKeys) == 0 {
		return
	}
	for _, s := range secretKeys {
		// the nearest key id by line
		best, dist := -1, 0
		for _, i := range ids {
			d := creds[i].Locations[0].Line - creds[s].Locations[0].Line
			if d < 0 {
				d = -d
			}
			if best < 0 || d < dist {
				best, dist = i, d
			}
		}
		id, sec := &creds[best], &creds[s]
		id.Attributes["paired_secret"] = sec.ID
		sec.Attributes["access_key_id"] = id.Redacted
		if id.Lifetime == inventory.LifetimeShortLived {
			sec.Lifetime = inventory.LifetimeShortLived
		}
	}
}
