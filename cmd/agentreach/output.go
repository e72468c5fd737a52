package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// An output target is written in one of two ways, chosen before the scan
// from what the path is:
//
//   - a regular file, or a path that does not exist yet: the report is
//     written to a temporary file beside it and renamed over it, so a failed
//     write never leaves a truncated report behind (an existing file keeps
//     its permission bits);
//   - anything else that can be written — a character device such as
//     /dev/null, a FIFO, a socket, or a symlink (/dev/stdout is one) —
//     is opened and written through, never replaced: renaming over
//     /dev/null as root would turn the machine's null device into a file.
//
// A directory, a path whose directory does not exist, a broken symlink and
// the same file named twice are usage errors, found before anything is
// scanned.
type writeMode int

const (
	writeReplace writeMode = iota // temporary file + rename
	writeThrough                  // open and write in place
)

// checkOutputs validates every file output before the scan starts and
// decides how each is written. stdout, when it is a file, counts as a
// target too: `-o json -o sarif=/dev/stdout` names it twice.
func checkOutputs(outs []output, stdout io.Writer) error {
	type seen struct {
		name string
		info fs.FileInfo // nil for a path that does not exist yet
		dir  fs.FileInfo // its directory, for a path that does not exist yet
		base string
	}
	var targets []seen
	if f, ok := stdout.(*os.File); ok {
		for _, o := range outs {
			if o.file == "" {
				if st, err := f.Stat(); err == nil {
					targets = append(targets, seen{name: "stdout", info: st})
				}
				break
			}
		}
	}
	for i := range outs {
		o := &outs[i]
		if o.file == "" {
			continue
		}
		bad := func(format string, a ...any) error {
			return &usageError{fmt.Sprintf("--output %s=%s: %s", o.format, o.file, fmt.Sprintf(format, a...))}
		}
		var info, dirInfo fs.FileInfo
		lst, err := os.Lstat(o.file)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			dir := filepath.Dir(o.file)
			st, err := os.Stat(dir)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return bad("directory %s does not exist", dir)
			case err != nil:
				return bad("%v", unwrapPathErr(err))
			case !st.IsDir():
				return bad("%s is not a directory", dir)
			}
			o.mode, dirInfo = writeReplace, st
		case err != nil:
			return bad("%v", unwrapPathErr(err))
		case lst.IsDir():
			return bad("is a directory; name a file in it")
		case lst.Mode().IsRegular():
			o.mode, info = writeReplace, lst
		case lst.Mode()&fs.ModeSymlink != 0:
			st, err := os.Stat(o.file)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return bad("is a broken symlink")
			case err != nil:
				return bad("%v", unwrapPathErr(err))
			case st.IsDir():
				return bad("is a symlink to a directory; name a file in it")
			}
			o.mode, info = writeThrough, st
		default: // device, FIFO, socket
			o.mode, info = writeThrough, lst
		}
		base := filepath.Base(o.file)
		for _, s := range targets {
			same := false
			if info != nil && s.info != nil {
				same = os.SameFile(info, s.info)
			} else if info == nil && s.info == nil {
				same = base == s.base && os.SameFile(dirInfo, s.dir)
			}
			if same {
				return &usageError{fmt.Sprintf("--output: %s and %s=%s are the same file; give each format its own", s.name, o.format, o.file)}
			}
		}
		targets = append(targets, seen{name: string(o.format) + "=" + o.file, info: info, dir: dirInfo, base: base})
	}
	return nil
}

// writeOutputFile writes one report file in the mode checkOutputs chose.
func writeOutputFile(o output, write func(io.Writer) error) error {
	if o.mode == writeThrough {
		f, err := os.OpenFile(o.file, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return unwrapPathErr(err)
		}
		if err := write(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	return writeFileAtomic(o.file, write)
}

// writeFileAtomic writes name through a temporary file in its directory and
// a rename; name is a regular file or does not exist (checkOutputs).
func writeFileAtomic(name string, write func(io.Writer) error) error {
	perm := fs.FileMode(0o644)
	if st, err := os.Lstat(name); err == nil {
		if !st.Mode().IsRegular() {
			// It changed since the check: never rename over anything else.
			return fmt.Errorf("no longer a regular file")
		}
		perm = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".agentreach-*")
	if err != nil {
		return unwrapPathErr(err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
