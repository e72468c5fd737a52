package main

import (
	"cmp"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/report"
	"github.com/agentreach/agentreach/rules"
	"github.com/agentreach/agentreach/scanners/secrets"
)

type mergeFlags struct {
	outputs      []string
	failOn       string
	allowPartial bool
	quiet        bool
	noColor      bool
	compact      bool
	minSeverity  string
}

func newMergeCmd(stdio Stdio, getenv func(string) string) *cobra.Command {
	var f mergeFlags
	cmd := &cobra.Command{
		Use:   "merge REPORT.json ...",
		Short: "Combine the JSON reports of sharded runs into one report",
		Long: "Combine the JSON reports of sharded runs (one per org, repository slice or tree) into one report, and write\n" +
			"any format from it. Inventories are merged by id through the same link stage a scan uses (a value found by\n" +
			"two shards is one credential with the locations of both), findings are de-duplicated by fingerprint (the\n" +
			"highest score wins; a finding suppressed in any shard stays suppressed), coverage and not-evaluable notes\n" +
			"are kept, and every scanned target is listed. Reports of another schema version are refused.\n\n" +
			"Output formats (-o FORMAT or -o FORMAT=FILE, repeatable; default: table to stdout):\n" + indent(report.FormatHelp()) +
			"\nExit codes: as for scan: 0 nothing at or above --fail-on; 1 findings at or above it (new findings only when\n" +
			"every shard had a --baseline); 2 usage error or a file that is not a report of this version; 3 a shard was\n" +
			"incomplete and --allow-partial was not given.",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &usageError{"merge: name at least one JSON report (agentreach merge REPORT.json ...)"}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := f.resolve(stdio, getenv)
			if err != nil {
				return err
			}
			shards := make([]*report.Report, 0, len(args))
			for _, p := range args {
				r, err := readShard(p)
				if err != nil {
					return err
				}
				shards = append(shards, r)
			}
			rep := mergeReports(shards, opts)
			// The shards hold redacted values only; the merged report still
			// passes the scan's report boundary.
			rep.Sanitize(secrets.NewEngine(nil).Sanitize)
			if err := writeOutputs(cmd.Context(), opts, rep, stdio); err != nil {
				return err
			}
			return gate(rep, opts, stdio, "the merged report is incomplete (%s reading its sources; see coverage)")
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVarP(&f.outputs, "output", "o", nil, outputHelp)
	fl.StringVar(&f.failOn, "fail-on", "none", "exit 1 when a finding is at or above: critical, high, medium, low or none")
	fl.BoolVar(&f.allowPartial, "allow-partial", false, "exit 0/1 even when a shard could not read a source fully")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print nothing but errors: no table on stdout unless -o asks for it")
	fl.BoolVar(&f.noColor, "no-color", false, "no colour in the table (as NO_COLOR does)")
	fl.BoolVar(&f.compact, "compact", false, "table: one line per finding, cut to the terminal's width")
	fl.StringVar(&f.minSeverity, "min-severity", "low", "show only findings at or above this severity in the table and Markdown")
	return cmd
}

// resolve validates the merge flags into the options the scan's output and
// exit-code code reads.
func (f *mergeFlags) resolve(stdio Stdio, getenv func(string) string) (*scanOptions, error) {
	opts := &scanOptions{allowPartial: f.allowPartial, now: time.Now, compact: f.compact, logLevel: slog.LevelWarn}
	if f.quiet {
		opts.logLevel = slog.LevelError // warnings too, as scan --quiet
	}
	var err error
	if opts.failOn, err = inventory.ParseSeverity(f.failOn); err != nil {
		return nil, &usageError{"--fail-on: " + err.Error()}
	}
	if opts.minSeverity, err = parseMinSeverity(f.minSeverity); err != nil {
		return nil, err
	}
	if opts.outputs, err = resolveOutputs(f.outputs, f.quiet, stdio.Out); err != nil {
		return nil, err
	}
	opts.color = useColor(stdio.Out, getenv, f.noColor)
	opts.width = terminalWidth(stdio.Out, getenv)
	opts.commit = strings.TrimSpace(getenv("CI_COMMIT_SHA"))
	return opts, nil
}

// readShard reads one report to merge; anything else is a usage error.
func readShard(path string) (*report.Report, error) {
	fh, err := os.Open(path) // #nosec G304 -- a shard the user names (a pipe or process substitution is theirs to use)
	if err != nil {
		return nil, &usageError{fmt.Sprintf("merge %s: %v", path, unwrapPathErr(err))}
	}
	defer fh.Close()
	r, err := report.ReadReport(fh)
	if err != nil {
		return nil, &usageError{fmt.Sprintf("merge %s: %v", path, unwrapPathErr(err))}
	}
	return r, nil
}

// mergeReports combines shard reports into one: the inventories through the
// link stage, findings by fingerprint, everything else kept and listed.
func mergeReports(shards []*report.Report, opts *scanOptions) *report.Report {
	version, commit := toolVersion()
	b := inventory.NewBuilder()
	var (
		targets     []report.Target
		notes       []rules.NotEvaluable
		resolved    []inventory.Finding
		baselines   []string
		started     time.Time
		finished    time.Time
		interrupted bool
		partial     bool
	)
	allBaselined := len(shards) > 0
	var drifts []*report.Drift
	for _, r := range shards {
		b.Merge(r.Inventory, r.Coverage)
		for _, t := range r.Scan.Targets {
			if !slices.Contains(targets, t) {
				targets = append(targets, t)
			}
		}
		for _, n := range r.NotEvaluable {
			if !slices.Contains(notes, n) {
				notes = append(notes, n)
			}
		}
		if s := r.Scan.StartedAt; !s.IsZero() && (started.IsZero() || s.Before(started)) {
			started = s
		}
		if f := r.Scan.FinishedAt; f.After(finished) {
			finished = f
		}
		interrupted = interrupted || r.Scan.Interrupted
		partial = partial || r.Scan.Status == report.StatusPartial
		if r.Scan.Baseline == "" {
			allBaselined = false
		} else if !slices.Contains(baselines, r.Scan.Baseline) {
			baselines = append(baselines, r.Scan.Baseline)
		}
		resolved = append(resolved, r.Resolved...)
		drifts = append(drifts, r.Drift)
	}
	inv, cov := b.Build()
	open, suppressed := mergeFindings(shards)
	slices.SortFunc(notes, func(a, b rules.NotEvaluable) int {
		return cmp.Or(cmp.Compare(a.RuleID, b.RuleID), cmp.Compare(a.Reason, b.Reason))
	})
	rep := &report.Report{
		Tool: report.Tool{Name: "agentreach", Version: version, Commit: commit,
			InformationURI: "https://github.com/agentreach/agentreach"},
		Scan: report.Scan{
			Targets:     targets,
			StartedAt:   started,
			FinishedAt:  finished,
			Interrupted: interrupted,
			Category:    category(targets),
		},
		Coverage:     cov,
		NotEvaluable: notes,
		Findings:     open,
		Suppressed:   suppressed,
		Resolved:     stillResolved(resolved, open, suppressed),
		Drift:        report.MergeDrift(drifts...),
		Inventory:    inv,
		Rules:        rules.All(),
	}
	if allBaselined {
		// --fail-on then gates on what is new, as each shard's scan did.
		rep.Scan.Baseline = strings.Join(baselines, ", ")
		opts.gateNew = true
	}
	rep.Finalize()
	if partial {
		rep.Scan.Status = report.StatusPartial
	}
	return rep
}

// mergeFindings de-duplicates the shards' findings by fingerprint. The one
// with the highest score is kept (ties: the lowest location, then message,
// so that the result never depends on the order of the shards), with the
// other places of the same subject as related locations. A finding
// suppressed in any shard stays suppressed, with its suppression.
func mergeFindings(shards []*report.Report) (open, suppressed []inventory.Finding) {
	type group struct {
		best, bestSuppressed *inventory.Finding
		locs                 []inventory.Location
	}
	better := func(a, b *inventory.Finding) bool {
		if b == nil {
			return true
		}
		return cmp.Or(cmp.Compare(b.Score, a.Score), inventory.CompareLocations(a.Location, b.Location),
			cmp.Compare(a.Message, b.Message)) < 0
	}
	groups := map[string]*group{}
	var order []string
	add := func(f inventory.Finding, isSuppressed bool) {
		g := groups[f.Fingerprint]
		if g == nil {
			g = &group{}
			groups[f.Fingerprint] = g
			order = append(order, f.Fingerprint)
		}
		if better(&f, g.best) {
			g.best = &f
		}
		if isSuppressed && better(&f, g.bestSuppressed) {
			g.bestSuppressed = &f
		}
		g.locs = append(g.locs, f.Location)
		g.locs = append(g.locs, f.Related...)
	}
	for _, r := range shards {
		for _, f := range r.Findings {
			add(f, false)
		}
		for _, f := range r.Suppressed {
			add(f, true)
		}
	}
	for _, fp := range order {
		g := groups[fp]
		f := *g.best
		var related []inventory.Location
		for _, l := range g.locs {
			if l != f.Location && !slices.Contains(related, l) {
				related = append(related, l)
			}
		}
		slices.SortFunc(related, inventory.CompareLocations)
		f.Related = related
		if g.bestSuppressed != nil {
			if f.Suppression == nil {
				f.Suppression = g.bestSuppressed.Suppression
			}
			suppressed = append(suppressed, f)
			continue
		}
		f.Suppression = nil
		open = append(open, f)
	}
	rules.SortFindings(open)
	rules.SortFindings(suppressed)
	return open, suppressed
}

// stillResolved lists the shards' resolved findings once each, without
// those another shard still reports.
func stillResolved(resolved, open, suppressed []inventory.Finding) []inventory.Finding {
	present := map[string]bool{}
	for _, f := range slices.Concat(open, suppressed) {
		present[f.Fingerprint] = true
	}
	var out []inventory.Finding
	for _, f := range resolved {
		if !present[f.Fingerprint] {
			present[f.Fingerprint] = true
			out = append(out, f)
		}
	}
	rules.SortFindings(out)
	return out
}
