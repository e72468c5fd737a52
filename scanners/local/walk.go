// Package local walks a checkout (or any directory an agent works in) and
// hands every readable file to the analyzers that want it. It reads ignored
// and untracked files too, because an agent in that checkout can read them,
// and it records in coverage what it skipped and why.
package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/agentreach/agentreach/inventory"
)

// Source is the coverage source name of the walker.
const Source = "local"

// DefaultMaxFileSize is the size above which files are skipped (configurable).
const DefaultMaxFileSize = 10 << 20

// maxListed caps how many individual paths one coverage reason lists; the
// rest are counted.
const maxListed = 200

// Analyzer examines files. Implementations must be safe for concurrent use.
// The interface uses only inventory types, so that scanner packages satisfy it
// without importing this one.
type Analyzer interface {
	// Name is the coverage source name of the analyzer.
	Name() string
	// Wants reports whether the analyzer reads the file at this relative path.
	Wants(path string, size int64) bool
	// Analyze examines one file: file names it (root, relative path, git
	// state) and data is its content, valid only during the call (the walker
	// reuses the buffer). An error means the file could not be fully
	// analysed; the walker records it in coverage and goes on.
	Analyze(ctx context.Context, file inventory.Location, data []byte, out *inventory.Builder) error
}

// Finisher is an analyzer that needs a step after all files of a root are
// analysed (for cross-file facts).
type Finisher interface {
	Finish(ctx context.Context, src inventory.Source, out *inventory.Builder) error
}

// Options tune the walk.
type Options struct {
	MaxFileSize int64    // 0: DefaultMaxFileSize
	Workers     int      // 0: 2 × GOMAXPROCS
	Exclude     []string // path globs (relative to the root) not to read
	Logger      *slog.Logger
	// HoldsCredential reports a format-anchored credential (a token prefix,
	// a PEM header; no key-name heuristics) in data. A file shaped like an
	// agentreach report is skipped only when it holds none: the scan's
	// secrets engine, passed in so that this package needs no detector of
	// its own. Nil: only the token-shape check applies.
	HoldsCredential func(data []byte) bool
	// Files, when not nil, are the only files of the root that are read
	// (slash-separated, relative to it): `agentreach scan deploy.sh`. The
	// root still gives them their git state, their identity and their
	// place (.github/workflows/ci.yml is a workflow), and the rest of the
	// tree is listed in coverage as not scanned.
	Files []string

	openFile func(string) (io.ReadCloser, error) // test seam; os.Open when nil
}

type job struct {
	rel  string
	abs  string
	size int64
	link bool // a symlink read under its own name: the open follows it
}

// Scan walks the tree of src (its Path, as given) and runs the analyzers over
// its files, recording coverage. Every location it hands on carries the
// source's id. It returns an error only when the root itself cannot be
// scanned; problems with single files are coverage entries.
func Scan(ctx context.Context, src inventory.Source, analyzers []Analyzer, opts Options, out *inventory.Builder) error {
	root := src.Path
	opts = opts.withDefaults()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return fmt.Errorf("scan %s: %w", root, err)
	}
	// The root the user named is followed even when it is a symlink
	// (WalkDir would not); locations keep the path as given. Symlinks
	// inside the tree are not followed.
	if real, err := filepath.EvalSymlinks(absRoot); err == nil {
		absRoot = real
	}
	st, err := os.Stat(absRoot)
	if err != nil {
		return fmt.Errorf("scan %s: %w", root, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("scan %s: not a directory", root)
	}
	for _, g := range opts.Exclude {
		if !doublestar.ValidatePattern(g) {
			return fmt.Errorf("bad exclude glob %q", g)
		}
	}

	if src.FS == nil {
		// Analyzers resolve cross-file references through this, confined to
		// the tree (os.Root refuses paths and symlinks that leave it).
		if rt, err := os.OpenRoot(absRoot); err == nil {
			defer rt.Close()
			src.FS = rootFS{root: rt}
		}
	}
	out.AddSource(src)

	rec := newRecorder(root)
	git := gitStates(ctx, absRoot)
	if git.err != "" {
		rec.add(inventory.CoveragePartial, "git state unknown: "+git.err, "")
	}

	jobs := make(chan job, 256)
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			for j := range jobs {
				buf = analyzeFile(ctx, src, j, buf, git, analyzers, opts, out, rec)
			}
		}()
	}

	realRoot, err := filepath.EvalSymlinks(absRoot)
	if err != nil {
		realRoot = absRoot
	}
	enqueue := func(j job) error {
		wanted := false
		for _, a := range analyzers {
			if a.Wants(j.rel, j.size) {
				wanted = true
				break
			}
		}
		if !wanted {
			rec.add(inventory.CoverageSkipped, "no analyzer reads this kind of file", "")
			return nil
		}
		if j.size > opts.MaxFileSize {
			rec.add(inventory.CoverageSkipped, fmt.Sprintf("larger than the size cap (%d bytes)", opts.MaxFileSize), j.rel)
			return nil
		}
		select {
		case jobs <- j:
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	}
	onDisk := map[string]bool{} // every path the walk met, to tell tracked files that are not there
	visit := func(p string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		rel := relPath(absRoot, p)
		if git.repo {
			onDisk[rel] = true
		}
		if err != nil {
			if p == absRoot {
				return err
			}
			rec.add(inventory.CoveragePartial, "unreadable: "+describeErr(err), rel)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if rel != "." && excluded(opts.Exclude, rel) {
			rec.add(inventory.CoverageSkipped, "excluded by configuration", rel)
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Name() == ".git" && p != absRoot {
			return gitDir(p, rel, d, rec, enqueue)
		}
		typ := d.Type()
		switch {
		case d.IsDir():
			return nil
		case typ&fs.ModeSymlink != 0:
			target, err := filepath.EvalSymlinks(p)
			switch {
			case err != nil:
				rec.add(inventory.CoverageSkipped, "broken or looping symlink not followed", rel)
			case !within(absRoot, target):
				rec.add(inventory.CoverageSkipped, "symlink to outside the scanned tree not followed", rel)
			default:
				// The target is scanned under its own path — unless the link's
				// name is what gives the file its meaning (.mcp.json pointing
				// at .claude/mcp.json): then it is read under the link's path.
				if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() &&
					inventory.ClassifyPath(rel) != inventory.ClassifyPath(relPath(realRoot, target)) {
					return enqueue(job{rel: rel, abs: p, size: info.Size(), link: true})
				}
				rec.add(inventory.CoverageSkipped, "symlink inside the tree (its target is scanned)", "")
			}
			return nil
		case !typ.IsRegular():
			rec.add(inventory.CoverageSkipped, ErrNotRegular.Error(), rel)
			return nil
		}
		info, err := d.Info()
		if err != nil {
			rec.add(inventory.CoveragePartial, "unreadable: "+describeErr(err), rel)
			return nil
		}
		return enqueue(job{rel: rel, abs: p, size: info.Size()})
	}
	var walkErr error
	if opts.Files == nil {
		walkErr = filepath.WalkDir(absRoot, visit)
	} else {
		walkErr = visitFiles(ctx, absRoot, opts.Files, visit, rec)
	}
	close(jobs)
	wg.Wait()
	// Only a walk of the whole tree can tell a tracked file that is not there
	// (single named files leave the rest unvisited on purpose).
	if git.repo && git.err == "" && walkErr == nil && opts.Files == nil {
		for p := range git.tracked {
			if !onDisk[p] && !excluded(opts.Exclude, p) {
				rec.add(inventory.CoverageSkipped, "tracked in git but not in the work tree (deleted, or left out of a sparse checkout): "+
					"its committed version is read with --history", p)
			}
		}
	}

	if walkErr != nil {
		if errors.Is(walkErr, context.Canceled) || errors.Is(walkErr, context.DeadlineExceeded) {
			rec.add(inventory.CoverageFailed, "scan interrupted: "+walkErr.Error(), "")
		} else {
			return fmt.Errorf("scan %s: %w", root, walkErr)
		}
	}
	for _, a := range analyzers {
		if f, ok := a.(Finisher); ok {
			if err := f.Finish(ctx, src, out); err != nil {
				rec.addFor(a.Name(), inventory.CoveragePartial, err.Error(), "")
			}
		}
	}
	rec.flush(out)
	return nil
}

// visitFiles hands the named files of root to visit as the walk would,
// under the same policy (exclusion, symlinks, regular files only).
func visitFiles(ctx context.Context, absRoot string, files []string, visit fs.WalkDirFunc, rec *recorder) error {
	rec.add(inventory.CoverageSkipped, "the rest of the tree not scanned: only the files named on the command line were read", "")
	for _, rel := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := filepath.Join(absRoot, filepath.FromSlash(rel))
		info, err := os.Lstat(p)
		var d fs.DirEntry
		if err == nil {
			d = fs.FileInfoToDirEntry(info)
		}
		if err := visit(p, d, err); err != nil && !errors.Is(err, fs.SkipDir) {
			return err
		}
	}
	return nil
}

// gitDir handles a .git entry of the tree. Of git's internals only
// .git/config is read, through the same policy as every file: an agent in the
// checkout can read it, and it can hold a token in a remote URL
// (https://user:token@host/…) or a persisted http.<url>.extraheader
// (actions/checkout's AUTHORIZATION header). Objects, refs and the index are
// not read (--history reads the commits). A .git file (a worktree's or a
// submodule's pointer to its git directory elsewhere) is not followed.
func gitDir(p, rel string, d fs.DirEntry, rec *recorder, enqueue func(job) error) error {
	if !d.IsDir() {
		rec.add(inventory.CoverageSkipped, "a .git file (worktree or submodule): the git directory it points to is not read", rel)
		return nil
	}
	rec.add(inventory.CoverageSkipped, "git internals not read (.git: objects, refs, index; .git/config is read; --history reads the commits)", rel)
	cfg := filepath.Join(p, "config")
	cfgRel := path.Join(rel, "config")
	switch info, err := os.Lstat(cfg); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		rec.add(inventory.CoveragePartial, "unreadable: "+describeErr(err), cfgRel)
	case !info.Mode().IsRegular():
		rec.add(inventory.CoverageSkipped, "not a regular file (symlink, FIFO, socket or device): not followed", cfgRel)
	default:
		if err := enqueue(job{rel: cfgRel, abs: cfg, size: info.Size()}); err != nil {
			return err
		}
	}
	return fs.SkipDir
}

// analyzeFile reads one file into buf (grown as needed) and runs the
// analyzers that want it. It returns the buffer for reuse.
func analyzeFile(ctx context.Context, src inventory.Source, j job, buf []byte, git gitInfo, analyzers []Analyzer, opts Options,
	out *inventory.Builder, rec *recorder) []byte {
	if ctx.Err() != nil {
		return buf
	}
	open := func() (fs.File, error) { return OpenRegular(j.abs, j.link) }
	if opts.openFile != nil {
		open = func() (fs.File, error) {
			rc, err := opts.openFile(j.abs)
			if err != nil {
				return nil, err
			}
			return readerFile{rc}, nil
		}
	}
	data, buf, ok := readFile(open, j.rel, j.size, buf, opts, rec, Source)
	if !ok {
		return buf
	}
	file := inventory.Location{Source: src.ID, Root: src.Path, Path: j.rel, Git: git.state(j.rel)}
	rec.read()
	for _, a := range analyzers {
		if !a.Wants(j.rel, int64(len(data))) {
			continue
		}
		runAnalyzer(ctx, a, file, data, opts, out, rec)
	}
	return buf
}

// readFile reads one file of a source under the policy every producer
// shares: at most the size cap (plus one byte, to see a file that grew since
// stat), binary files and agentreach's own reports skipped; problems become
// coverage entries of source.
// It returns the data (valid until buf is reused), the buffer for reuse, and
// whether the file is to be analysed.
func readFile(open func() (fs.File, error), rel string, size int64, buf []byte, opts Options, rec *recorder, source string) ([]byte, []byte, bool) {
	f, err := open()
	if errors.Is(err, ErrNotRegular) {
		// Swapped in after the walk saw a regular file.
		rec.addFor(source, inventory.CoverageSkipped, ErrNotRegular.Error(), rel)
		return nil, buf, false
	}
	if err != nil {
		rec.addFor(source, inventory.CoveragePartial, "unreadable: "+describeErr(err), rel)
		return nil, buf, false
	}
	defer f.Close()
	limit := opts.MaxFileSize + 1
	if cap(buf) < int(min(size+1, limit)) {
		buf = make([]byte, 0, min(size+1, limit))
	}
	data, err := readAll(f, buf[:0], limit)
	buf = data[:0]
	if err != nil {
		rec.addFor(source, inventory.CoveragePartial, "unreadable: "+describeErr(err), rel)
		return nil, buf, false
	}
	if int64(len(data)) > opts.MaxFileSize {
		rec.addFor(source, inventory.CoverageSkipped, fmt.Sprintf("larger than the size cap (%d bytes)", opts.MaxFileSize), rel)
		return nil, buf, false
	}
	if isBinary(data) {
		rec.addFor(source, inventory.CoverageSkipped, "binary file", "")
		return nil, buf, false
	}
	if opts.ownReport(data) {
		rec.addFor(source, inventory.CoverageSkipped, ownReportReason, rel)
		return nil, buf, false
	}
	return data, buf, true
}

// readerFile adapts the test seam's io.ReadCloser to fs.File.
type readerFile struct{ io.ReadCloser }

func (readerFile) Stat() (fs.FileInfo, error) { return nil, errors.ErrUnsupported }

// runAnalyzer runs one analyzer on one file, turning an error or a panic
// into a coverage entry.
func runAnalyzer(ctx context.Context, a Analyzer, file inventory.Location, data []byte, opts Options, out *inventory.Builder, rec *recorder) {
	defer func() {
		if p := recover(); p != nil {
			if opts.Logger != nil {
				opts.Logger.Error("analyzer panic", "scanner", a.Name(), "path", file.Path, "panic", fmt.Sprint(p))
			}
			rec.addFor(a.Name(), inventory.CoverageFailed, fmt.Sprintf("internal error: %v", p), file.Path)
		}
	}()
	if err := a.Analyze(ctx, file, data, out); err != nil {
		rec.addFor(a.Name(), inventory.CoveragePartial, err.Error(), file.Path)
	}
}

// readAll reads r into buf up to limit bytes.
func readAll(r io.Reader, buf []byte, limit int64) ([]byte, error) {
	lr := io.LimitReader(r, limit)
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, max(512, cap(buf)))
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// isBinary reports a NUL byte in the first 8000 bytes (git's heuristic).
func isBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0
}

func relPath(root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}

func within(root, p string) bool {
	r, err := filepath.EvalSymlinks(root)
	if err != nil {
		r = root
	}
	rel, err := filepath.Rel(r, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func excluded(globs []string, rel string) bool {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, rel); ok {
			return true
		}
		if ok, _ := doublestar.Match(strings.TrimSuffix(g, "/**"), rel); ok && strings.HasSuffix(g, "/**") {
			return true
		}
	}
	return false
}

// describeErr renders a file error without the absolute path.
func describeErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// recorder aggregates coverage: individual paths up to maxListed per reason,
// counts beyond that.
type recorder struct {
	root   string
	mu     sync.Mutex
	listed map[key][]string
	counts map[key]int
	files  int
}

type key struct {
	source string
	status inventory.CoverageStatus
	reason string
}

func newRecorder(root string) *recorder {
	return &recorder{root: root, listed: map[key][]string{}, counts: map[key]int{}}
}

func (r *recorder) read() {
	r.mu.Lock()
	r.files++
	r.mu.Unlock()
}

func (r *recorder) add(status inventory.CoverageStatus, reason, rel string) {
	r.addFor(Source, status, reason, rel)
}

func (r *recorder) addFor(source string, status inventory.CoverageStatus, reason, rel string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := key{source, status, reason}
	r.counts[k]++
	if rel != "" && len(r.listed[k]) < maxListed {
		r.listed[k] = append(r.listed[k], rel)
	}
}

func (r *recorder) flush(out *inventory.Builder) {
	r.mu.Lock()
	files := r.files
	r.mu.Unlock()
	r.flushAs(out, Source, fmt.Sprintf("%d files read", files), files)
}

// flushEntries writes the recorded entries (no summary) and returns how
// many of them mean missing data.
func (r *recorder) flushEntries(out *inventory.Builder) (incomplete int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, n := range r.counts {
		if k.status == inventory.CoveragePartial || k.status == inventory.CoverageFailed {
			incomplete += n
		}
		paths := r.listed[k]
		for _, p := range paths {
			out.AddCoverage(inventory.Coverage{Source: k.source, Target: r.root, Path: p, Status: k.status, Reason: k.reason})
		}
		if rest := n - len(paths); rest > 0 {
			reason := k.reason
			if len(paths) > 0 {
				reason += " (further files not listed)"
			}
			out.AddCoverage(inventory.Coverage{Source: k.source, Target: r.root, Status: k.status, Reason: reason, Count: rest})
		}
	}
	return incomplete
}

// flushAs writes the recorded entries and a summary entry for source.
func (r *recorder) flushAs(out *inventory.Builder, source, summary string, count int) {
	incomplete := r.flushEntries(out)
	status := inventory.CoverageComplete
	reason := summary
	if incomplete > 0 {
		status = inventory.CoveragePartial
		// report.sourceSummary recognises this entry by its last words.
		problems := "problems"
		if incomplete == 1 {
			problems = "problem"
		}
		reason += fmt.Sprintf("; %d %s (see the other entries)", incomplete, problems)
	}
	out.AddCoverage(inventory.Coverage{Source: source, Target: r.root, Status: status, Reason: reason, Count: count})
}
