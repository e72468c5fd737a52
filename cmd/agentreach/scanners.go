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
	tree := inventory.SourceTree
	return &scanners{entries: []scannerEntry{
		{sa, []inventory.SourceKind{tree, inventory.SourceHistory, inventory.SourceHome}},
		{ci, []inventory.SourceKind{tree}},
		{ag, []inventory.SourceKind{tree, inventory.SourceHome}},
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

// The tree scan calls Finish on analyzers that implement it; a signature
// drift would silently drop their cross-file facts.
var (
	_ local.Finisher = (*workflows.Analyzer)(nil)
	_ local.Finisher = (*agentconfig.Analyzer)(nil)
)
