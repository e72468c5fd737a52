package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/report"
	"github.com/agentreach/agentreach/rules"
	"github.com/agentreach/agentreach/scanners/secrets"
)

// Exit codes.
const (
	ExitOK         = 0 // nothing at or above --fail-on
	ExitFindings   = 1 // findings at or above --fail-on
	ExitUsage      = 2 // usage, configuration or fatal error
	ExitIncomplete = 3 // a source could not be read fully and --allow-partial was not given
	// An interrupted run exits 128 + the signal's number: 130 for SIGINT,
	// 143 for SIGTERM, whatever the flags.
	ExitInterrupted = 130
)

// interrupted is the cause of the run's context when a signal stopped it.
type interrupted struct{ sig os.Signal }

func (e *interrupted) Error() string { return "interrupted by " + signalName(e.sig) }

// code is the shell's convention: 128 + the signal number.
func (e *interrupted) code() int {
	if s, ok := e.sig.(syscall.Signal); ok && s > 0 && s < 64 {
		return 128 + int(s)
	}
	return ExitInterrupted
}

func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// interruptCode is the exit code of a run whose context is done: the
// signal's, or 130 when something else cancelled it.
func interruptCode(ctx context.Context) int {
	var in *interrupted
	if errors.As(context.Cause(ctx), &in) {
		return in.code()
	}
	return ExitInterrupted
}

// version and commit are set at build time with -ldflags
// "-X main.version=v1.2.3 -X main.commit=<sha>" (.goreleaser.yaml); without
// them the module version and the revision the Go toolchain embeds
// (vcs.revision, absent under -buildvcs=false) are used.
var version, commit = "", ""

func toolVersion() (string, string) {
	v, rev := version, commit
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && rev == "" {
				rev = s.Value
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	return v, rev
}

// Stdio are the streams the CLI uses.
type Stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// usageError is a bad flag or argument (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// exitError carries a non-zero exit code without an error message.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Main runs the CLI and returns the exit code. It never panics: a panic is
// reported on stderr as an internal error with exit code 2.
func Main(ctx context.Context, args []string, stdio Stdio, getenv func(string) string) (code int) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stdio.Err, "agentreach: internal error: %s\n", sanitizeMessage(fmt.Sprint(p)))
			code = ExitUsage
		}
	}()
	root := newRootCmd(stdio, getenv)
	root.SetArgs(args)
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	err := root.ExecuteContext(ctx)
	if ctx.Err() != nil {
		// Interrupted means interrupted, whatever else happened (and
		// whatever --allow-partial says): a partial report is never a pass.
		why := "interrupted"
		if c := context.Cause(ctx); c != nil && c != context.Canceled {
			why = c.Error()
		}
		fmt.Fprintf(stdio.Err, "agentreach: %s; any report written is partial and marked interrupted\n", why)
		return interruptCode(ctx)
	}
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintf(stdio.Err, "agentreach: %s\n", sanitizeMessage(strings.TrimSpace(err.Error())))
	return ExitUsage
}

// sanitizeMessage redacts credentials in an error message (one that quotes a
// path or an argument, say) before it reaches stderr.
func sanitizeMessage(s string) string { return secrets.NewEngine(nil).Sanitize(s) }

func newRootCmd(stdio Stdio, getenv func(string) string) *cobra.Command {
	root := &cobra.Command{
		Use:   "agentreach",
		Short: "Which agent can reach which credential, and is that more than it needs?",
		Long: "agentreach inventories the credentials that AI coding agents, CI jobs and MCP servers can reach,\n" +
			"links them to their owners and permissions, and scores them against the OWASP NHI Top 10 and the\n" +
			"OWASP Top 10 for Agentic Applications. A local scan works offline and needs no token.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err.Error()} })
	root.AddCommand(newScanCmd(stdio, getenv), newMergeCmd(stdio, getenv), newRulesCmd(stdio), newRevokePlanCmd(stdio), newVersionCmd(stdio))
	// `agentreach completion bash|zsh|fish|powershell` is cobra's; --version
	// prints what `agentreach version` prints.
	root.CompletionOptions.HiddenDefaultCmd = false
	root.Version = versionLine()
	root.SetVersionTemplate("{{.Version}}\n")
	root.Flags().Bool("version", false, "print the version") // no -v: that is scan's --verbose
	return root
}

// versionLine is "agentreach v1.2.3 (commit)".
func versionLine() string {
	v, commit := toolVersion()
	if commit != "" {
		return fmt.Sprintf("agentreach %s (%s)", v, commit)
	}
	return "agentreach " + v
}

func newVersionCmd(stdio Stdio) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintln(stdio.Out, versionLine())
			return nil
		},
	}
}

func newRulesCmd(stdio Stdio) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "rules [ID]",
		Short: "List the rules, or explain one",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("format") {
				fmt.Fprintln(stdio.Err, "agentreach: rules --format is deprecated; use -o, as for scan")
			}
			all := rules.All()
			if format != "text" && format != "markdown" && format != "json" {
				return &usageError{fmt.Sprintf("unknown rules format %q (want text, markdown or json)", format)}
			}
			if len(args) == 1 {
				r := rules.ByID(all, args[0])
				if r == nil {
					return &usageError{fmt.Sprintf("no rule %q; `agentreach rules` lists them", args[0])}
				}
				all = []*rules.Rule{r}
			}
			if format == "json" {
				return writeRulesJSON(stdio.Out, all, len(args) == 1)
			}
			if len(args) == 1 {
				r := all[0]
				if format == "markdown" {
					fmt.Fprint(stdio.Out, rules.HelpMarkdown(r))
				} else {
					fmt.Fprint(stdio.Out, rules.Explain(r))
				}
				return nil
			}
			if format == "markdown" {
				_, err := stdio.Out.Write(rules.RenderMarkdown(all))
				return err
			}
			for _, r := range all {
				fmt.Fprintf(stdio.Out, "%-10s %-8s %4.1f  %s\n", r.ID, r.Severity, r.Score, r.Title)
			}
			return nil
		},
	}
	// -o, as for scan; --format was this command's own spelling and stays
	// as a deprecated alias.
	cmd.Flags().StringVarP(&format, "output", "o", "text", "text, markdown or json")
	cmd.Flags().StringVar(&format, "format", "text", "text, markdown or json")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "markdown", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.Flags().MarkHidden("format") // cobra's deprecation notice would go to stdout
	return cmd
}

type scanFlags struct {
	outputs      []string
	config       string
	failOn       string
	baseline     string
	allowPartial bool
	history      bool
	maxFileSize  string
	verbose      bool
	home         bool
	compact      bool
	quiet        bool
	noColor      bool
	minSeverity  string
	githubOrgs   []string
	githubRepos  []string
	githubURL    string
	githubHost   string
	cacheDir     string
	gitlabGroups []string
	gitlabProjs  []string
	gitlabInst   bool
	gitlabURL    string
	gitlabHost   string
	noCache      bool
	concurrency  int
}

func newScanCmd(stdio Stdio, getenv func(string) string) *cobra.Command {
	var f scanFlags
	cmd := &cobra.Command{
		Use:   "scan [PATH ...]",
		Short: "Scan local checkouts or files (default \".\")",
		Long: "Scan local checkouts, single files, home directories or CI workspaces for credentials that agents can reach.\n" +
			"A file is read in the place its git work tree gives it (.github/workflows/ci.yml is a workflow).\n\n" +
			"Output formats (-o FORMAT or -o FORMAT=FILE, repeatable; default: table to stdout):\n" + indent(report.FormatHelp()) +
			"\nExit codes: 0 nothing at or above --fail-on; 1 findings at or above it (with --baseline: new findings only);\n2 usage or fatal error; " +
			"3 the scan was incomplete (a source could not be read fully) and --allow-partial was not given;\n" +
			"130/143 interrupted (SIGINT/SIGTERM), whatever the flags; the reports written are marked interrupted;\n" +
			"references beyond the scan's reach (out-of-scope in coverage) do not make it incomplete.",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := f.resolve(cmd.Context(), args, stdio, getenv)
			if err != nil {
				return err
			}
			engine, err := newEngine(opts.hashKey)
			if err != nil {
				return err
			}
			logger := slog.New(sanitizingHandler{h: slog.NewTextHandler(stdio.Err, &slog.HandlerOptions{Level: opts.logLevel}), clean: engine.Sanitize})
			rep, err := runScan(cmd.Context(), opts, engine, logger)
			if err != nil {
				return err
			}
			if err := writeOutputs(cmd.Context(), opts, rep, stdio); err != nil {
				return err
			}
			if cmd.Context().Err() != nil {
				return nil // interrupted: Main says so and exits 130/143
			}
			return gate(rep, opts, stdio, "the scan is incomplete (%s reading it; see coverage)")
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVarP(&f.outputs, "output", "o", nil, outputHelp)
	fl.StringVar(&f.config, "config", "", "configuration file (default: .agentreach.yml at the root of the first scanned path)")
	fl.StringVar(&f.failOn, "fail-on", "none", "exit 1 when a finding is at or above: critical, high, medium, low or none (with --baseline: a new finding)")
	fl.StringVar(&f.baseline, "baseline", "", "a previous JSON report: mark findings new or unchanged, list resolved ones, and make --fail-on count new findings only")
	fl.BoolVar(&f.allowPartial, "allow-partial", false, "exit 0/1 even when a source could not be read fully (an interrupted scan still exits 130/143)")
	fl.BoolVar(&f.history, "history", false, "also scan every commit reachable from any ref (each blob once) for credentials removed from HEAD")
	fl.StringVar(&f.maxFileSize, "max-file-size", "", "skip files larger than this (default 10MiB, or scan.max_file_size)")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "log progress to stderr")
	fl.BoolVar(&f.compact, "compact", false, "table: one line per finding, cut to the terminal's width")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print nothing but errors: no table on stdout unless -o asks for it, no warnings; the exit code tells the result")
	fl.BoolVar(&f.noColor, "no-color", false, "no colour in the table (as NO_COLOR does)")
	fl.StringVar(&f.minSeverity, "min-severity", "low", "show only findings at or above this severity in the table and Markdown (JSON, SARIF, CSV and GitLab keep all; --fail-on is separate)")
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var out []cobra.Completion
		for _, f := range report.Formats() {
			out = append(out, cobra.Completion(f), cobra.Completion(string(f)+"="))
		}
		return out, cobra.ShellCompDirectiveNoSpace
	})
	for _, name := range []string{"fail-on", "min-severity"} {
		_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions([]string{"critical", "high", "medium", "low", "none"}, cobra.ShellCompDirectiveNoFileComp))
	}
	fl.BoolVar(&f.home, "home", false, "also scan the home directory's agent configurations and credential stores (an allow-list; never browser profiles or keychains)")
	fl.StringArrayVar(&f.githubOrgs, "github-org", nil, "scan a GitHub organisation through the API: every repository, credential, member and setting (repeatable; token from GITHUB_TOKEN or GH_TOKEN, or a GitHub App: AGENTREACH_GITHUB_APP_ID and AGENTREACH_GITHUB_APP_KEY_FILE)")
	fl.StringArrayVar(&f.githubRepos, "github-repo", nil, "scan a GitHub repository OWNER/NAME through the API, without the organisation-level inventory (repeatable)")
	fl.StringVar(&f.githubURL, "github-url", "", "GitHub API base URL: https://HOST/api/v3/ for GitHub Enterprise Server, https://api.SUBDOMAIN.ghe.com/ for GHE.com (default https://api.github.com/)")
	fl.StringVar(&f.githubHost, "github-host", "", "the GitHub host that ids and reports name (default: from --github-url; set it when the API is reached through a proxy)")
	fl.StringArrayVar(&f.gitlabGroups, "gitlab-group", nil, "scan a GitLab group and its subgroups through the API: every project, token, key, variable and runner (repeatable; token from GITLAB_TOKEN, read_api)")
	fl.StringArrayVar(&f.gitlabProjs, "gitlab-project", nil, "scan a GitLab project GROUP/NAME through the API, without the group-level inventory (repeatable)")
	fl.BoolVar(&f.gitlabInst, "gitlab-instance", false, "scan a whole GitLab instance through the API: every top-level group as --gitlab-group does, then the instance-wide tokens, settings and OAuth applications (needs an administrator's token in GITLAB_TOKEN)")
	fl.StringVar(&f.gitlabURL, "gitlab-url", "", "GitLab instance URL for a self-managed instance (default https://gitlab.com)")
	fl.StringVar(&f.gitlabHost, "gitlab-host", "", "the GitLab host that ids and reports name (default: from --gitlab-url)")
	fl.StringVar(&f.cacheDir, "cache-dir", "", "ETag cache of API answers, so that a re-scan costs little (default: agentreach/http in the user cache directory; owner-only; holds no secret)")
	fl.BoolVar(&f.noCache, "no-cache", false, "do not use or write the API cache")
	fl.IntVar(&f.concurrency, "api-concurrency", 8, "API requests in flight at most")
	return cmd
}

func indent(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("  " + line + "\n")
	}
	return b.String()
}

// outputHelp is the -o help of scan and merge, from the one list of formats.
var outputHelp = func() string {
	var names []string
	for _, f := range report.Formats() {
		names = append(names, string(f))
	}
	return "FORMAT[=FILE]: " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1] + "; repeatable"
}()

// gate ends a scan or merge by the exit-code contract; an incomplete result
// is said on stderr (incomplete: a format with one %s for the problem count).
func gate(rep *report.Report, opts *scanOptions, stdio Stdio, incomplete string) error {
	code := exitCode(rep, opts)
	if code == ExitOK {
		return nil
	}
	if code == ExitIncomplete {
		_, n := rep.Problems()
		what := fmt.Sprintf("%d problems", n)
		if n == 1 {
			what = "1 problem"
		}
		fmt.Fprintf(stdio.Err, "agentreach: "+incomplete+"; pass --allow-partial to accept it\n", what)
	}
	return &exitError{code}
}

// exitCode applies the exit-code contract (an interrupted run's code is
// Main's). An incomplete scan (exit 3) wins
// over findings (exit 1): its results cannot be trusted to be whole.
func exitCode(rep *report.Report, opts *scanOptions) int {
	if rep.Scan.Status == report.StatusPartial && !opts.allowPartial {
		return ExitIncomplete
	}
	highest := rep.Highest()
	if opts.baseline != nil || opts.gateNew {
		// With a baseline, --fail-on gates on what is new since it: the
		// baseline is the accepted state (see the README).
		highest = rep.HighestNew()
	}
	if opts.failOn != inventory.SeverityNone && highest.Rank() >= opts.failOn.Rank() {
		return ExitFindings
	}
	return ExitOK
}

// terminalWidth is the table's width: COLUMNS when it is exported (the
// user's say), else the terminal's real width when stdout is one, else 120
// (files, pipes and CI logs).
func terminalWidth(out io.Writer, getenv func(string) string) int {
	if c, err := strconv.Atoi(getenv("COLUMNS")); err == nil && c >= 20 {
		return c
	}
	if f, ok := out.(*os.File); ok && isTerminal(f) {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w >= 20 {
			return w
		}
	}
	return 120
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
