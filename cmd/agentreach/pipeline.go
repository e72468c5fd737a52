package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/agentreach/agentreach/internal/apitransport"
	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/report"
	"github.com/agentreach/agentreach/rules"
	"github.com/agentreach/agentreach/scanners/agentconfig"
	ghscan "github.com/agentreach/agentreach/scanners/github"
	glscan "github.com/agentreach/agentreach/scanners/gitlab"
	"github.com/agentreach/agentreach/scanners/local"
	"github.com/agentreach/agentreach/scanners/secrets"
)

// scanOptions are the validated inputs of one scan; the pipeline runs from
// them without cobra.
type scanOptions struct {
	paths        []string // as given
	trees        []tree   // what the paths name
	home         string   // --home: the home directory to scan ("" when not asked)
	outputs      []output
	config       *Config
	failOn       inventory.Severity
	baseline     *report.Report
	baselinePath string
	gateNew      bool // --fail-on counts new findings only (merged reports that each had a baseline)
	allowPartial bool
	history      bool
	maxFileSize  int64
	logLevel     slog.Level
	shuffle      *rand.Rand // test seam: run sources and analyzers in a random order
	color        bool
	width        int                // of the table: the terminal's, COLUMNS, else 120
	compact      bool               // --compact
	minSeverity  inventory.Severity // --min-severity: the table's and Markdown's floor
	now          func() time.Time
	hashKey      *hashKey // the key of embedded-value fingerprints
	ci           bool     // running in CI (the CI variable is set)
	commit       string   // CI_COMMIT_SHA: the commit a GitLab job scans
	github       *githubTargets
	gitlab       *gitlabTargets
}

// gitlabTargets are the --gitlab-* inputs of a scan.
type gitlabTargets struct {
	groups, projects []string
	instance         bool           // --gitlab-instance
	opts             glscan.Options // without Wants, Values, Logger (set by runScan)
}

// githubTargets are the --github-* inputs of a scan.
type githubTargets struct {
	orgs, repos []string
	opts        ghscan.Options // without Wants, Logger (set by runScan)
}

// tree is one local source to scan: a directory named on the command line,
// or the root of the files named (then only those files are read).
type tree struct {
	names []string // the paths as given
	root  string
	files []string // relative to root; nil: the whole tree
}

// output is one -o value.
type output struct {
	format report.Format
	file   string    // "" for stdout
	mode   writeMode // how file is written (checkOutputs)
}

func (f *scanFlags) resolve(ctx context.Context, args []string, stdio Stdio, getenv func(string) string) (*scanOptions, error) {
	opts := &scanOptions{paths: args, allowPartial: f.allowPartial, history: f.history, now: time.Now, logLevel: slog.LevelWarn, width: 120}
	if f.home {
		opts.home = getenv("HOME")
		if opts.home == "" {
			h, err := os.UserHomeDir()
			if err != nil {
				return nil, &usageError{"--home: " + err.Error()}
			}
			opts.home = h
		}
	}
	gt, err := f.githubTargets(getenv)
	if err != nil {
		return nil, err
	}
	opts.github = gt
	lt, err := f.gitlabTargets(getenv)
	if err != nil {
		return nil, err
	}
	opts.gitlab = lt
	if len(opts.paths) == 0 && !f.home && gt == nil && lt == nil {
		opts.paths = []string{"."}
	}
	if f.verbose && f.quiet {
		return nil, &usageError{"--verbose and --quiet: give one of them"}
	}
	if f.verbose {
		opts.logLevel = slog.LevelInfo
	}
	if f.quiet {
		opts.logLevel = slog.LevelError
	}
	min, err := parseMinSeverity(f.minSeverity)
	if err != nil {
		return nil, err
	}
	opts.minSeverity = min
	for _, p := range opts.paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, &usageError{fmt.Sprintf("scan %s: %v", p, unwrapPathErr(err))}
		}
		switch {
		case st.IsDir():
			opts.trees = append(opts.trees, tree{names: []string{p}, root: p})
		case st.Mode().IsRegular():
			// A single file is read from the root that gives it its place
			// (its git work tree); files of one root are one source.
			root, rel := local.FileRoot(ctx, p)
			i := slices.IndexFunc(opts.trees, func(t tree) bool { return t.files != nil && t.root == root })
			if i < 0 {
				opts.trees = append(opts.trees, tree{root: root, files: []string{}})
				i = len(opts.trees) - 1
			}
			opts.trees[i].names = append(opts.trees[i].names, p)
			opts.trees[i].files = append(opts.trees[i].files, rel)
		default:
			return nil, &usageError{fmt.Sprintf("scan %s: not a regular file or a directory", p)}
		}
	}
	// The configuration and the findings about it belong to the first
	// scanned root.
	var roots []string
	for _, t := range opts.trees {
		roots = append(roots, t.root)
	}
	sev, err := inventory.ParseSeverity(f.failOn)
	if err != nil {
		return nil, &usageError{"--fail-on: " + err.Error()}
	}
	opts.failOn = sev

	opts.outputs, err = resolveOutputs(f.outputs, f.quiet, stdio.Out)
	if err != nil {
		return nil, err
	}
	opts.hashKey, err = loadHashKey(getenv)
	if err != nil {
		return nil, &usageError{err.Error()}
	}
	opts.ci = getenv("CI") != ""
	opts.commit = strings.TrimSpace(getenv("CI_COMMIT_SHA"))
	opts.color = useColor(stdio.Out, getenv, f.noColor)
	opts.width = terminalWidth(stdio.Out, getenv)
	opts.compact = f.compact

	path, err := findConfig(f.config, roots)
	if err != nil {
		return nil, err
	}
	cfg, err := loadConfig(path, f.config != "")
	if err != nil {
		return nil, err
	}
	// Findings about the configuration point into the scanned tree when the
	// file lies inside it, like every other finding path.
	if path != "" && len(roots) > 0 {
		if rel, err := filepath.Rel(roots[0], path); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			for i := range cfg.Ignores {
				cfg.Ignores[i].Source.Root = roots[0]
				cfg.Ignores[i].Source.Path = filepath.ToSlash(rel)
			}
		}
	}
	opts.config = cfg
	opts.maxFileSize = cfg.MaxFileSize
	if f.maxFileSize != "" {
		n, err := parseSize(f.maxFileSize)
		if err != nil {
			return nil, &usageError{"--max-file-size: " + err.Error()}
		}
		opts.maxFileSize = n
	}
	if f.baseline != "" {
		fh, err := os.Open(f.baseline) // #nosec G304 -- the baseline the user names (a pipe is theirs to use)
		if err != nil {
			return nil, &usageError{fmt.Sprintf("--baseline %s: %v", f.baseline, unwrapPathErr(err))}
		}
		prev, err := report.ReadBaseline(fh)
		fh.Close()
		if err != nil {
			return nil, &usageError{fmt.Sprintf("--baseline %s: %v", f.baseline, err)}
		}
		opts.baseline, opts.baselinePath = prev, f.baseline
	}
	return opts, nil
}

// githubTargets validates the --github-* flags and reads the credential
// from the environment (never from a flag: it would land in shell history
// and process lists).
func (f *scanFlags) githubTargets(getenv func(string) string) (*githubTargets, error) {
	if len(f.githubOrgs) == 0 && len(f.githubRepos) == 0 {
		if f.githubURL != "" {
			return nil, &usageError{"--github-url: give --github-org or --github-repo as well"}
		}
		return nil, nil
	}
	for _, o := range f.githubOrgs {
		if o == "" || strings.ContainsAny(o, "/ ") {
			return nil, &usageError{fmt.Sprintf("--github-org %q: want an organisation login", o)}
		}
	}
	for _, r := range f.githubRepos {
		if o, n, ok := strings.Cut(r, "/"); !ok || o == "" || n == "" || strings.Contains(n, "/") {
			return nil, &usageError{fmt.Sprintf("--github-repo %q: want OWNER/NAME", r)}
		}
	}
	if f.concurrency < 1 || f.concurrency > 64 {
		return nil, &usageError{fmt.Sprintf("--api-concurrency %d: want 1 to 64 (GitHub allows 100 concurrent requests in all)", f.concurrency)}
	}
	app, err := ghscan.AppFromEnv(getenv)
	if err != nil {
		return nil, &usageError{err.Error()}
	}
	token := cmp.Or(strings.TrimSpace(getenv("GITHUB_TOKEN")), strings.TrimSpace(getenv("GH_TOKEN")))
	if app == nil && token == "" {
		return nil, &usageError{"--github-org/--github-repo: no credential: set GITHUB_TOKEN (or GH_TOKEN) to a read-only token, or a GitHub App " +
			"(AGENTREACH_GITHUB_APP_ID, AGENTREACH_GITHUB_APP_KEY_FILE); docs/github-permissions.md lists what each part needs"}
	}
	cache, err := f.apiCacheDir()
	if err != nil {
		return nil, err
	}
	gt := &githubTargets{orgs: f.githubOrgs, repos: f.githubRepos,
		opts: ghscan.Options{URL: f.githubURL, Host: f.githubHost, Token: token, App: app, CacheDir: cache, Concurrency: f.concurrency}}
	if app != nil {
		gt.opts.Token = ""
	}
	return gt, nil
}

// gitlabTargets validates the --gitlab-* flags and reads GITLAB_TOKEN.
func (f *scanFlags) gitlabTargets(getenv func(string) string) (*gitlabTargets, error) {
	if len(f.gitlabGroups) == 0 && len(f.gitlabProjs) == 0 && !f.gitlabInst {
		if f.gitlabURL != "" {
			return nil, &usageError{"--gitlab-url: give --gitlab-group, --gitlab-project or --gitlab-instance as well"}
		}
		return nil, nil
	}
	if f.gitlabInst && len(f.gitlabGroups) > 0 {
		return nil, &usageError{"--gitlab-instance scans every top-level group already: drop --gitlab-group"}
	}
	for _, g := range f.gitlabGroups {
		if g == "" || strings.HasPrefix(g, "/") || strings.HasSuffix(g, "/") || strings.Contains(g, " ") {
			return nil, &usageError{fmt.Sprintf("--gitlab-group %q: want the group's full path (acme or acme/platform)", g)}
		}
	}
	for _, p := range f.gitlabProjs {
		if !strings.Contains(p, "/") || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
			return nil, &usageError{fmt.Sprintf("--gitlab-project %q: want the project's full path, GROUP/NAME", p)}
		}
	}
	token := strings.TrimSpace(getenv("GITLAB_TOKEN"))
	if token == "" {
		return nil, &usageError{"--gitlab-group/--gitlab-project/--gitlab-instance: no credential: set GITLAB_TOKEN to a read_api token; docs/gitlab-permissions.md lists what each part needs"}
	}
	cache, err := f.apiCacheDir()
	if err != nil {
		return nil, err
	}
	return &gitlabTargets{groups: f.gitlabGroups, projects: f.gitlabProjs, instance: f.gitlabInst,
		opts: glscan.Options{URL: f.gitlabURL, Host: f.gitlabHost, Token: token, CacheDir: cache, Concurrency: f.concurrency}}, nil
}

// apiCacheDir is the ETag cache of the API scans: --cache-dir, else
// agentreach/http in the user cache directory; "" with --no-cache.
func (f *scanFlags) apiCacheDir() (string, error) {
	if f.noCache {
		if f.cacheDir != "" {
			return "", &usageError{"--cache-dir and --no-cache: give one of them"}
		}
		return "", nil
	}
	if f.cacheDir != "" {
		return f.cacheDir, nil
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "agentreach", "http"), nil
	}
	return "", nil
}

// resolveOutputs parses the -o values (table to stdout when none is given,
// unless quiet) and checks every file target before anything is read.
func resolveOutputs(specs []string, quiet bool, stdout io.Writer) ([]output, error) {
	if len(specs) == 0 && !quiet {
		specs = []string{"table"}
	}
	var outs []output
	stdoutUsed := ""
	for _, o := range specs {
		name, file, _ := strings.Cut(o, "=")
		format, err := report.ParseFormat(name)
		if err != nil {
			return nil, &usageError{"--output: " + err.Error()}
		}
		if strings.Contains(o, "=") && file == "" {
			return nil, &usageError{fmt.Sprintf("--output %s: empty file name", o)}
		}
		if file == "" || file == "-" {
			if stdoutUsed != "" {
				return nil, &usageError{fmt.Sprintf("--output: both %s and %s would go to stdout; give one of them a file (FORMAT=FILE)", stdoutUsed, format)}
			}
			stdoutUsed = string(format)
			file = ""
		}
		outs = append(outs, output{format: format, file: file})
	}
	if err := checkOutputs(outs, stdout); err != nil {
		return nil, err
	}
	return outs, nil
}

// parseMinSeverity parses --min-severity ("" is low).
func parseMinSeverity(s string) (inventory.Severity, error) {
	min, err := inventory.ParseSeverity(cmp.Or(s, "low"))
	if err != nil || min == inventory.SeverityNone {
		return "", &usageError{fmt.Sprintf("--min-severity: unknown severity %q (want critical, high, medium or low)", s)}
	}
	return min, nil
}

// useColor says whether the table on stdout is coloured.
func useColor(stdout io.Writer, getenv func(string) string, noColor bool) bool {
	return isTerminal(stdout) && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb" && !noColor
}

// newEngine returns the one detection engine of a scan: it detects,
// fingerprints (with the scan's key) and redacts values for every scanner,
// so that a value is one credential whichever scanner sees it, and it
// sanitizes every report string and log line.
func newEngine(key *hashKey) (*secrets.Engine, error) {
	hasher, err := secrets.NewHasher(key.key)
	if err != nil {
		return nil, &usageError{err.Error()}
	}
	return secrets.NewEngine(nil, secrets.WithHasher(hasher)), nil
}

// runScan runs the pipeline: sources → scanners → link → inventory → rules →
// findings → report.
func runScan(ctx context.Context, opts *scanOptions, engine *secrets.Engine, logger *slog.Logger) (*report.Report, error) {
	started := opts.now().UTC()
	version, commit := toolVersion()
	b := inventory.NewBuilder()
	b.SetAccountable(opts.config.Principals)
	switch k := opts.hashKey; {
	case k.noFile != nil:
		logger.Warn("this run fingerprints embedded credentials with a random key: their ids and fingerprints will not match those of other runs; "+
			"set "+hashKeyEnv+" to keep them stable", "reason", k.noFile.Error())
	case k.created && opts.ci:
		logger.Warn("created a new fingerprint key: ids and fingerprints of embedded credentials will not match those of other runs; "+
			"set "+hashKeyEnv+" from a CI secret to keep them stable", "file", k.source)
	default:
		logger.Info("fingerprint key", "source", k.source)
	}
	reg := newScanners(opts.config, engine)
	lopts := local.Options{MaxFileSize: opts.maxFileSize, Exclude: opts.config.Exclude, Logger: logger,
		HoldsCredential: anchoredCredential(engine)}

	// Sources are read one after another; the link stage in Build makes the
	// result independent of their order (and of the analyzers' order, which
	// the shuffle test seam permutes).
	type sourceRun struct {
		name string
		run  func() error
	}
	var targets []report.Target
	var runs []sourceRun
	for _, t := range opts.trees {
		for _, n := range t.names {
			targets = append(targets, report.Target{Kind: "local", Name: n})
		}
		runs = append(runs, sourceRun{strings.Join(t.names, ", "), func() error {
			src := local.TreeSource(ctx, t.root)
			lopts := lopts
			lopts.Files = t.files
			if err := local.Scan(ctx, src, reg.forKind(inventory.SourceTree, opts.shuffle), lopts, b); err != nil {
				return &usageError{err.Error()}
			}
			if opts.history {
				return local.ScanHistory(ctx, src, reg.forKind(inventory.SourceHistory, opts.shuffle), lopts, b)
			}
			return nil
		}})
	}
	if opts.home != "" {
		targets = append(targets, report.Target{Kind: "home", Name: inventory.HomeRoot})
		runs = append(runs, sourceRun{inventory.HomeRoot, func() error {
			err := local.ScanHome(ctx, opts.home, agentconfig.HomePaths, reg.forKind(inventory.SourceHome, opts.shuffle), lopts, b)
			if err != nil {
				return &usageError{err.Error()}
			}
			return nil
		}})
	}
	// apiFiles runs the analysers of a source kind over the files an API
	// scan fetched for one repository or project.
	apiFiles := func(kind inventory.SourceKind) func(context.Context, inventory.Source) (int, error) {
		return func(ctx context.Context, src inventory.Source) (int, error) {
			return local.ScanFS(ctx, src, reg.forKind(kind, opts.shuffle), lopts, b)
		}
	}
	if gt := opts.github; gt != nil {
		gopts := gt.opts
		gopts.Logger = logger
		gopts.Now = opts.now
		gopts.Wants = reg.fetches(inventory.SourceGitHubRepo)
		gopts.Principals = opts.config.Principals
		gopts.Values = engine
		gs, err := ghscan.New(gopts)
		if err != nil {
			return nil, &usageError{err.Error()}
		}
		files := apiFiles(inventory.SourceGitHubRepo)
		for _, org := range gt.orgs {
			targets = append(targets, report.Target{Kind: "github-org", Name: org})
			runs = append(runs, sourceRun{"github organisation " + org, func() error { return gs.ScanOrg(ctx, org, files, b) }})
		}
		if len(gt.repos) > 0 {
			for _, r := range gt.repos {
				targets = append(targets, report.Target{Kind: "github-repo", Name: r})
			}
			runs = append(runs, sourceRun{"github repositories", func() error { return gs.ScanRepos(ctx, gt.repos, files, b) }})
		}
		defer logAPIStats(logger, "github API", gs.Stats)
	}
	if lt := opts.gitlab; lt != nil {
		lopts2 := lt.opts
		lopts2.Logger = logger
		lopts2.Now = opts.now
		lopts2.Wants = reg.fetches(inventory.SourceGitLabProject)
		lopts2.Principals = opts.config.Principals
		lopts2.Values = engine
		ls, err := glscan.New(lopts2)
		if err != nil {
			return nil, &usageError{err.Error()}
		}
		files := apiFiles(inventory.SourceGitLabProject)
		if lt.instance {
			// The report's target kinds have no instance: the instance is
			// the group "instance", as its source is gitlab:HOST/instance.
			targets = append(targets, report.Target{Kind: "gitlab-group", Name: "instance"})
			runs = append(runs, sourceRun{"gitlab instance", func() error {
				err := ls.ScanInstance(ctx, files, b)
				if errors.Is(err, glscan.ErrNotAdmin) {
					return &usageError{err.Error()}
				}
				return err
			}})
		}
		for _, g := range lt.groups {
			targets = append(targets, report.Target{Kind: "gitlab-group", Name: g})
			runs = append(runs, sourceRun{"gitlab group " + g, func() error { return ls.ScanGroup(ctx, g, files, b) }})
		}
		if len(lt.projects) > 0 {
			for _, p := range lt.projects {
				targets = append(targets, report.Target{Kind: "gitlab-project", Name: p})
			}
			runs = append(runs, sourceRun{"gitlab projects", func() error { return ls.ScanProjects(ctx, lt.projects, files, b) }})
		}
		defer logAPIStats(logger, "gitlab API", ls.Stats)
	}
	if opts.shuffle != nil {
		opts.shuffle.Shuffle(len(runs), func(i, j int) { runs[i], runs[j] = runs[j], runs[i] })
	}
	for _, r := range runs {
		logger.Info("scanning", "target", r.name)
		if err := r.run(); err != nil {
			return nil, err
		}
	}
	inv, cov := b.Build()

	now := opts.now()
	findings, notes := rules.Evaluate(rules.All(), rules.Input{
		Inventory:  inv,
		Coverage:   cov,
		Ignores:    opts.config.Ignores,
		Principals: opts.config.Principals,
		Thresholds: opts.config.Thresholds,
		Now:        now,

		ReportTestCredentials: opts.config.ReportTestCredentials,
	})
	open, suppressed := rules.ApplyIgnores(findings, opts.config.Ignores, now)

	rep := &report.Report{
		Tool: report.Tool{Name: "agentreach", Version: version, Commit: commit,
			InformationURI: "https://github.com/agentreach/agentreach"},
		Scan: report.Scan{
			Targets:    targets,
			StartedAt:  started,
			FinishedAt: opts.now().UTC(),
			Category:   category(targets),
			Baseline:   opts.baselinePath,
		},
		Coverage:     cov,
		NotEvaluable: notes,
		Findings:     open,
		Suppressed:   suppressed,
		Inventory:    inv,
		Rules:        rules.All(),
	}
	rep.Scan.Interrupted = ctx.Err() != nil
	if opts.baseline != nil {
		rep.ApplyBaseline(opts.baseline)
	}
	rep.Finalize()
	// The report boundary: every string any format writes — ids,
	// subjects, names, paths, messages, reasons — is sanitized here, once.
	// A token used as a job id, an MCP server name or a file name is then
	// redacted everywhere alike, and references still resolve.
	rep.Sanitize(engine.Sanitize)
	return rep, nil
}

// logAPIStats logs an API scanner's request counts when the scan ends.
func logAPIStats(logger *slog.Logger, name string, stats func() apitransport.Stats) {
	st := stats()
	logger.Info(name, "requests", st.Requests, "not_modified", st.NotModified, "retries", st.Retries)
}

// anchoredName is a file name the secrets engine reads with its
// format-anchored detectors only (a source file: no key-name detection).
const anchoredName = "report.go"

// anchoredCredential reports whether data holds a credential the engine
// recognises by its format (prefix, checksum, PEM header) rather than by a
// key name: agentreach's own reports hold key names such as "credential"
// next to redacted previews and fingerprints, never such a value.
func anchoredCredential(engine *secrets.Engine) func([]byte) bool {
	return func(data []byte) bool {
		found := false
		engine.ScanFile(anchoredName, data, func(secrets.Match) { found = true })
		return found
	}
}

// category is the stable SARIF automationDetails.id of the scanned scope's
// files, so that a scheduled upload replaces the previous results of the
// same scope. The home directory and git history are runs with categories
// of their own (report/sarif.go), never part of this one.
func category(targets []report.Target) string {
	var parts []string
	for _, t := range targets {
		p := "files"
		if t.Kind == "home" {
			continue
		}
		if t.Kind != "local" {
			p = t.Kind + "/" + t.Name
		}
		if !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	slices.Sort(parts)
	if len(parts) == 0 && len(targets) > 0 {
		return "agentreach/home/" // --home alone
	}
	return "agentreach/" + cmp.Or(strings.Join(parts, "+"), "files") + "/"
}

// writeOutputs writes every requested format (files as checkOutputs
// decided: see output.go).
func writeOutputs(ctx context.Context, opts *scanOptions, rep *report.Report, stdio Stdio) error {
	for _, o := range opts.outputs {
		rp, err := report.New(o.format, report.Options{Color: opts.color && o.file == "", Width: opts.width, Compact: opts.compact, MinSeverity: opts.minSeverity, Commit: opts.commit})
		if err != nil {
			return &usageError{err.Error()}
		}
		if o.format == report.FormatSARIF && opts.logLevel <= slog.LevelWarn {
			over := report.SARIFOverflow(rep)
			for _, cat := range slices.Sorted(maps.Keys(over)) {
				fmt.Fprintf(stdio.Err, "agentreach: warning: SARIF run %s: %d lower-severity results left out (GitHub accepts %d a run); the JSON report holds them all\n",
					cat, over[cat], report.MaxSARIFResults)
			}
		}
		if o.file == "" {
			if err := rp.Write(ctx, stdio.Out, rep); err != nil {
				return fmt.Errorf("write %s: %w", o.format, err)
			}
			continue
		}
		if err := writeOutputFile(o, func(w io.Writer) error { return rp.Write(ctx, w, rep) }); err != nil {
			return fmt.Errorf("write %s to %s: %w", o.format, o.file, err)
		}
	}
	return nil
}

// unwrapPathErr drops the path of a *fs.PathError when the caller already
// names it.
func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
