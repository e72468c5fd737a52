package local

import (
	"context"
	"errors"
	"io/fs"
	"os"

	"github.com/agentreach/agentreach/inventory"
)

// FSSource is the coverage source name of the file-system producer.
const FSSource = "api-files"

// ScanFS hands every regular file of src.FS to the analyzers that want it,
// under the policy the tree walk and the home scan share (the size cap,
// binary files and agentreach's own reports skipped, an analyzer's error or
// panic a coverage entry): the producer for repositories read through a
// platform API, whose files are fetched blobs rather than a checkout. The
// files are the committed versions (git state tracked); locations carry the
// source's id and its Path as root. Finishers run once with src.
//
// It records per-file problems in coverage but no summary entry: an
// organisation scan of a thousand repositories summarises them once. It
// returns the number of files read.
func ScanFS(ctx context.Context, src inventory.Source, analyzers []Analyzer, opts Options, out *inventory.Builder) (int, error) {
	opts = opts.withDefaults()
	out.AddSource(src)
	rec := newRecorder(src.Path)
	var buf []byte
	err := fs.WalkDir(src.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			rec.addFor(FSSource, inventory.CoveragePartial, "unreadable: "+describeErr(err), p)
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			rec.addFor(FSSource, inventory.CoverageSkipped, "not a regular file", p)
			return nil
		}
		if excluded(opts.Exclude, p) {
			rec.addFor(FSSource, inventory.CoverageSkipped, "excluded by configuration", p)
			return nil
		}
		info, err := d.Info()
		if err != nil {
			rec.addFor(FSSource, inventory.CoveragePartial, "unreadable: "+describeErr(err), p)
			return nil
		}
		var data []byte
		var ok bool
		data, buf, ok = readFile(func() (fs.File, error) { return src.FS.Open(p) }, p, info.Size(), buf, opts, rec, FSSource)
		if !ok {
			return nil
		}
		loc := inventory.Location{Source: src.ID, Root: src.Path, Path: p, Git: inventory.GitTracked}
		rec.read()
		for _, a := range analyzers {
			if a.Wants(p, int64(len(data))) {
				runAnalyzer(ctx, a, loc, data, opts, out, rec)
			}
		}
		return nil
	})
	for _, a := range analyzers {
		if f, ok := a.(Finisher); ok {
			if ferr := f.Finish(ctx, src, out); ferr != nil {
				rec.addFor(a.Name(), inventory.CoveragePartial, ferr.Error(), "")
			}
		}
	}
	rec.flushEntries(out)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.files, err
}

// ErrNotRegular is returned by OpenRegular for anything but a regular file
// or a directory.
var ErrNotRegular = errors.New("not a regular file (FIFO, socket or device)")

var errIsDir = errors.New("is a directory")

// OpenRegular opens a file for reading only if it is a regular file when
// opened — not when it was last looked at: a hostile tree can swap a FIFO,
// a device or a symlink in between. The open never blocks, and follows a
// symlink in the last component only when follow is set (a link the walk
// chose to read under its own name).
func OpenRegular(path string, follow bool) (*os.File, error) {
	f, err := os.OpenFile(path, openFlags(follow), 0) // #nosec G304 -- reading the files of the scanned tree, or one the user names, is the job
	if err != nil {
		return nil, err
	}
	return keepRegular(f, path, false)
}

// keepRegular returns f when it is a regular file (or, with dirs, a
// directory), else closes it and says what it is.
func keepRegular(f *os.File, path string, dirs bool) (*os.File, error) {
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	switch {
	case st.Mode().IsRegular(), dirs && st.IsDir():
		return f, nil
	case st.IsDir():
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: errIsDir}
	}
	f.Close()
	return nil, &fs.PathError{Op: "open", Path: path, Err: ErrNotRegular}
}

// rootFS is the file system analyzers read cross-file references through
// (custom command files, issue templates): confined to the tree by os.Root
// (which refuses paths and symlinks that leave it), and opening only
// regular files and directories, without blocking — a FIFO, socket or
// device put where a file is expected is refused, never waited on.
type rootFS struct{ root *os.Root }

func (r rootFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := r.root.OpenFile(name, openFlags(true), 0)
	if err != nil {
		return nil, err
	}
	if f, err = keepRegular(f, name, true); err != nil {
		return nil, err // not a typed nil in the interface
	}
	return f, nil
}
