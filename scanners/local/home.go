package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/agentreach/agentreach/inventory"
)

// HomeSource is the coverage source name of the home producer.
const HomeSource = "home"

// HomeList names the files of a home directory a scan reads, relative to the
// home and slash-separated: an allow-list, never the whole home (see
// agentconfig.HomePaths). It may list directories' entries through fsys.
type HomeList func(fsys fs.FS) []string

// ScanHome reads the allow-listed files of a home directory, as an agent
// running as that user sees them, and hands each to the analyzers that want
// it — the second producer beside the tree walk, under the same policy:
// regular files only, symlinks followed only to files inside the home, the
// size cap, binary files skipped, every problem in coverage. Locations carry
// the home source's id, Root "~" and paths relative to the home; Finishers
// run once with the home source.
func ScanHome(ctx context.Context, home string, list HomeList, analyzers []Analyzer, opts Options, out *inventory.Builder) error {
	opts = opts.withDefaults()
	abs, err := filepath.Abs(home)
	if err != nil {
		return fmt.Errorf("scan home %s: %w", home, err)
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return fmt.Errorf("scan home %s: not a readable directory", home)
	}
	rt, err := os.OpenRoot(abs)
	if err != nil {
		return fmt.Errorf("scan home %s: %w", home, err)
	}
	defer rt.Close()
	src := inventory.Source{ID: inventory.HomeSourceID, Kind: inventory.SourceHome, Path: inventory.HomeRoot, FS: rootFS{root: rt}}
	out.AddSource(src)

	paths := slices.Clone(list(rt.FS()))
	slices.Sort(paths)
	paths = slices.Compact(paths)
	rec := newRecorder(inventory.HomeRoot)
	present := 0
	var buf []byte
	for _, rel := range paths {
		if ctx.Err() != nil {
			rec.addFor(HomeSource, inventory.CoverageFailed, "home scan interrupted: "+ctx.Err().Error(), "")
			break
		}
		fi, err := rt.Lstat(rel)
		if errors.Is(err, fs.ErrNotExist) {
			continue // not on this machine
		}
		present++
		if err != nil {
			rec.addFor(HomeSource, inventory.CoveragePartial, "unreadable: "+describeErr(err), rel)
			continue
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			// os.Root follows a link only while it stays inside the home.
			if fi, err = rt.Stat(rel); err != nil {
				rec.addFor(HomeSource, inventory.CoverageSkipped, "symlink to outside the home, broken or looping: not followed", rel)
				continue
			}
		}
		if !fi.Mode().IsRegular() {
			rec.addFor(HomeSource, inventory.CoverageSkipped, "not a regular file", rel)
			continue
		}
		var data []byte
		var ok bool
		data, buf, ok = readFile(func() (fs.File, error) { return rt.Open(rel) }, rel, fi.Size(), buf, opts, rec, HomeSource)
		if !ok {
			continue
		}
		loc := inventory.Location{Source: src.ID, Root: inventory.HomeRoot, Path: rel, Git: inventory.GitNone}
		rec.read()
		for _, a := range analyzers {
			if a.Wants(rel, int64(len(data))) {
				runAnalyzer(ctx, a, loc, data, opts, out, rec)
			}
		}
	}
	for _, a := range analyzers {
		if f, ok := a.(Finisher); ok {
			if err := f.Finish(ctx, src, out); err != nil {
				rec.addFor(a.Name(), inventory.CoveragePartial, err.Error(), "")
			}
		}
	}
	rec.mu.Lock()
	read := rec.files
	rec.mu.Unlock()
	rec.flushAs(out, HomeSource, fmt.Sprintf("home directory: %d of %d allow-listed agent and credential locations present, %d read; "+
		"browser profiles, keychains and caches are never read", present, len(paths), read), read)
	return nil
}

func (o Options) withDefaults() Options {
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.Workers <= 0 {
		o.Workers = 2 * runtime.GOMAXPROCS(0)
	}
	return o
}
