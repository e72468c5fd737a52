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
	// known are the value fingerprints found as credentials in this scan;
	// pending the places code assigns other values to secret-like names,
	// by value fingerprint, until the value is found as a credential
	// (see Engine.scanCandidates). At most maxPending places wait.
	known   map[string]bool
	pending map[string][]inventory.Location
	waiting int
}

// maxPending bounds the candidate places an analyzer keeps (about 200
// bytes each) while it waits for their values to be found elsewhere.
const maxPending = 1 << 18

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
	var candidates []inventory.Credential
	scanErr := a.Engine.scanCandidates(data, inventory.KindOf(file.Path).Detect, func(m Match) {
		c := a.Engine.Credential(m, file)
		switch m.Format.ID {
		case "aws-access-key-id", "aws-temporary-access-key-id":
			ids = append(ids, len(creds))
		case "aws-secret-access-key":
			secretsAt = append(secretsAt, len(creds))
		}
		creds = append(creds, c)
	}, func(m Match) {
		candidates = append(candidates, a.Engine.Credential(m, file))
	})
	// Candidates whose value is a known credential become places of it; the
	// values found here make the places that waited for them places too.
	creds = append(creds, a.sightings(file, creds, candidates)...)
	if len(creds) == 0 {
		return scanErr
	}
	pairAWS(creds, ids, secretsAt)

	blameErr := a.date(ctx, creds)
	for _, c := range creds {
		if !a.firstSighting(c.Locations[0], c.ValueHMAC) {
			continue
		}
		out.AddCredential(c)
	}
	return errors.Join(scanErr, blameErr)
}

// date gives the locations of credentials in tracked files (one location
// each) the commit that added their line, or the state "uncommitted" when
// the line is a local change: one blame per file.
func (a *Analyzer) date(ctx context.Context, creds []inventory.Credential) error {
	if a.Blame == nil {
		return nil
	}
	type file struct{ root, path string }
	byFile := map[file][]int{}
	var order []file
	for i, c := range creds {
		l := c.Locations[0]
		if l.Git != inventory.GitTracked {
			continue
		}
		f := file{l.Root, l.Path}
		if _, ok := byFile[f]; !ok {
			order = append(order, f)
		}
		byFile[f] = append(byFile[f], i)
	}
	var errs []error
	for _, f := range order {
		at := byFile[f]
		lines := make([]int, 0, len(at))
		for _, i := range at {
			lines = append(lines, creds[i].Locations[0].Line)
		}
		slices.Sort(lines)
		commits, err := a.Blame(ctx, f.root, f.path, slices.Compact(lines))
		if err != nil {
			errs = append(errs, fmt.Errorf("date credentials with git blame: %w", err))
		}
		for _, i := range at {
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
	return errors.Join(errs...)
}

// sightings records the credentials found in file as known and returns the
// places that are now known to hold one: candidates of this file whose
// value is known, and the places that waited for a value found here. Each
// is a credential part with only the id, value fingerprint and location;
// the link stage merges it into the credential found elsewhere.
func (a *Analyzer) sightings(file inventory.Location, creds, candidates []inventory.Credential) []inventory.Credential {
	if len(creds) == 0 && len(candidates) == 0 {
		return nil
	}
	var out []inventory.Credential
	place := func(sum string, l inventory.Location) inventory.Credential {
		return inventory.Credential{ID: inventory.EmbeddedCredentialID(sum), Kind: inventory.KindEmbeddedKey, Storage: "file",
			ValueHMAC: sum, Locations: []inventory.Location{l}}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.known == nil {
		a.known, a.pending = map[string]bool{}, map[string][]inventory.Location{}
	}
	for _, c := range creds {
		a.known[c.ValueHMAC] = true
		for _, l := range a.pending[c.ValueHMAC] {
			out = append(out, place(c.ValueHMAC, l))
		}
		a.waiting -= len(a.pending[c.ValueHMAC])
		delete(a.pending, c.ValueHMAC)
	}
	for _, c := range candidates {
		switch {
		case a.known[c.ValueHMAC]:
			out = append(out, place(c.ValueHMAC, c.Locations[0]))
		case a.waiting < maxPending:
			a.pending[c.ValueHMAC] = append(a.pending[c.ValueHMAC], c.Locations[0])
			a.waiting++
		}
	}
	return out
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
