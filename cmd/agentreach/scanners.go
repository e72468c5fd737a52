package main

import (
	"math/rand/v2"
	"slices"

	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/scanners/agentconfig"
	"github.com/agentreach/agentreach/scanners/local"
	"github.com/agentreach/agentreach/scanners/secrets"
	"github.com/agentreach/agentreach/scanners/workflows"
)

// scannerEntry is one file analyzer and the kinds of source it reads.
type scannerEntry struct {
	analyzer local.Analyzer
	kinds    []inventory.SourceKind
	// fetch: the files this analyser wants are the ones an API source
	// fetches (the detection engine reads every file it is handed, so it
	// does not decide what is fetched).
	fetch bool
}

// scanners is the one registry of file analyzers: the tree scan, --history
// and --home all take theirs from it, so an analyzer a newcomer adds here
// runs on every source kind it names (the tree walk and the home scan are
// two producers over one file-reading policy, in scanners/local).
type scanners struct {
	entries []scannerEntry
}

// newScanners builds one scan's analyzers around its one detection engine.
func newScanners(cfg *Config, engine *secrets.Engine) *scanners {
	sa := &secrets.Analyzer{Engine: engine, Blame: local.Blame}
	ag := agentconfig.NewAnalyzer(engine)
	ci := workflows.NewAnalyzer(workflows.Options{Agents: workflows.AgentOptions(cfg.Agents), Values: engine})
	tree, gh, gl := inventory.SourceTree, inventory.SourceGitHubRepo, inventory.SourceGitLabProject
	return &scanners{entries: []scannerEntry{
		{sa, []inventory.SourceKind{tree, inventory.SourceHistory, inventory.SourceHome, gh, gl}, false},
		{ci, []inventory.SourceKind{tree, gh, gl}, true},
		{ag, []inventory.SourceKind{tree, inventory.SourceHome, gh, gl}, true},
	}}
}

// forKind lists the analyzers that read sources of the kind, in registry
// order (or shuffled, for the order-independence test).
func (s *scanners) forKind(kind inventory.SourceKind, shuffle *rand.Rand) []local.Analyzer {
	var out []local.Analyzer
	for _, e := range s.entries {
		if slices.Contains(e.kinds, kind) {
			out = append(out, e.analyzer)
		}
	}
	if shuffle != nil {
		shuffle.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	}
	return out
}

// fetches reports which files of a source of the kind an API scan fetches:
// those a fetching analyser wants.
func (s *scanners) fetches(kind inventory.SourceKind) func(string) bool {
	var as []local.Analyzer
	for _, e := range s.entries {
		if e.fetch && slices.Contains(e.kinds, kind) {
			as = append(as, e.analyzer)
		}
	}
	return func(p string) bool {
		for _, a := range as {
			if a.Wants(p, 0) {
				return true
			}
		}
		return false
	}
}

// The tree scan calls Finish on analyzers that implement it; a signature
// drift would silently drop their cross-file facts.
var (
	_ local.Finisher = (*workflows.Analyzer)(nil)
	_ local.Finisher = (*agentconfig.Analyzer)(nil)
)
