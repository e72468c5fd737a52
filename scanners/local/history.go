package local

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1" // #nosec G505 -- git object ids of SHA-1 repositories (sameBlob)
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/agentreach/agentreach/inventory"
)

// HistoryAnalyzer is an analyzer that also reads the blobs of git history
// (agentreach scan --history). Analyzers without it see only the work tree.
type HistoryAnalyzer interface {
	AnalyzesHistory() bool
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// historyBlob is a blob to read: first seen at path in commit.
type historyBlob struct {
	id, path, commit string
}

// ScanHistory hands every blob reachable from any ref of the repository at
// root to the analyzers that read history, once per blob, oldest commit
// first, with a location in state "history" that names the path and the
// commit that added the blob. Blobs of the HEAD tree that the work tree has
// unchanged at their path are skipped: the work-tree scan read them (a HEAD
// version that the work tree changed or deleted is read here). It records
// coverage like Scan.
func ScanHistory(ctx context.Context, tree inventory.Source, analyzers []Analyzer, opts Options, out *inventory.Builder) error {
	root, src := tree.Path, HistorySource(tree)
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	var hist []Analyzer
	for _, a := range analyzers {
		if h, ok := a.(HistoryAnalyzer); ok && h.AnalyzesHistory() {
			hist = append(hist, a)
		}
	}
	rec := newRecorder(root)
	const source = Source + "-history"
	if len(hist) == 0 {
		return nil
	}
	out.AddSource(src)
	switch inside, reason := inWorkTree(ctx, root); {
	case reason != "":
		// history was asked for and may well exist: incomplete
		out.AddCoverage(inventory.Coverage{Source: source, Target: root, Status: inventory.CoverageFailed,
			Reason: "history not scanned: " + reason})
		return nil
	case !inside:
		out.AddCoverage(inventory.Coverage{Source: source, Target: root, Status: inventory.CoverageSkipped,
			Reason: "history not scanned: not a git repository"})
		return nil
	}

	head, err := unchangedHeadBlobs(ctx, root)
	if err != nil {
		rec.addFor(source, inventory.CoveragePartial, "git ls-tree HEAD: "+err.Error(), "")
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	logCmd := GitCommand(ctx, root, "log", "--all", "--reverse", "--format=%x01%H", "--raw", "--no-abbrev",
		"--no-renames", "-z", "--diff-filter=AMT", "--no-ext-diff", "--no-textconv")
	var logErr bytes.Buffer
	logCmd.Stderr = &logErr
	logOut, err := logCmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("history of %s: %w", root, err)
	}
	catCmd := GitCommand(ctx, root, "cat-file", "--batch")
	var catErr bytes.Buffer
	catCmd.Stderr = &catErr
	catIn, err := catCmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("history of %s: %w", root, err)
	}
	catOut, err := catCmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("history of %s: %w", root, err)
	}
	if err := logCmd.Start(); err != nil {
		return fmt.Errorf("history of %s: git log: %w", root, err)
	}
	if err := catCmd.Start(); err != nil {
		_ = logCmd.Wait()
		return fmt.Errorf("history of %s: git cat-file: %w", root, err)
	}

	// The log parser sends each new blob to cat-file (ids only: no value
	// ever goes on a command line) and, in the same order, to the reader.
	queue := make(chan historyBlob, 1024)
	var commits int
	var parseErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(queue)
		defer catIn.Close()
		bw := bufio.NewWriter(catIn)
		defer bw.Flush()
		seen := map[string]bool{}
		commits, parseErr = parseLog(logOut, func(b historyBlob) error {
			// git log names paths from the top of the work tree; a scan
			// root below it reads its own part of the history only.
			if tree.Subdir != "" {
				rel, ok := strings.CutPrefix(b.path, tree.Subdir+"/")
				if !ok {
					return nil
				}
				b.path = rel
			}
			if head[b.id] || seen[b.id] {
				return nil
			}
			seen[b.id] = true
			if _, err := bw.WriteString(b.id + "\n"); err != nil {
				return err
			}
			select {
			case queue <- b:
			case <-ctx.Done():
				return ctx.Err()
			}
			return nil
		})
	}()

	blobs, readErr := readBlobs(ctx, src, catOut, queue, hist, opts, out, rec, source)
	if readErr != nil {
		cancel()
		for range queue {
			// drain, so that the parser can finish
		}
	}
	wg.Wait()
	logWait, catWait := logCmd.Wait(), catCmd.Wait()
	switch {
	case readErr != nil:
		rec.addFor(source, inventory.CoverageFailed, "history incomplete: "+readErr.Error(), "")
	case parseErr != nil:
		rec.addFor(source, inventory.CoverageFailed, "history incomplete: git log: "+parseErr.Error(), "")
	case logWait != nil:
		rec.addFor(source, inventory.CoverageFailed, "history incomplete: git log: "+cmp(logErr.String(), logWait.Error()), "")
	case catWait != nil:
		rec.addFor(source, inventory.CoverageFailed, "history incomplete: git cat-file: "+cmp(catErr.String(), catWait.Error()), "")
	}
	rec.flushAs(out, source, fmt.Sprintf("%d blobs of %d commits read", blobs, commits), blobs)
	return nil
}

func cmp(msg, fallback string) string {
	if m := strings.TrimSpace(msg); m != "" {
		return firstLine(m)
	}
	return fallback
}

// unchangedHeadBlobs lists the blobs of the HEAD tree whose file in the work
// tree under root has exactly that content (empty for a repository without
// commits): the work-tree scan has read them. A HEAD blob whose file is
// modified, deleted or not checked out (sparse) was not read there, so the
// history scan reads it.
func unchangedHeadBlobs(ctx context.Context, root string) (map[string]bool, error) {
	cmd := GitCommand(ctx, root, "ls-tree", "-r", "-z", "-l", "HEAD")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	set := map[string]bool{}
	if err != nil {
		if bytes.Contains(stderr.Bytes(), []byte("Not a valid object name")) || bytes.Contains(stderr.Bytes(), []byte("not a tree object")) {
			return set, nil // no commit yet
		}
		return set, errors.New(cmp(stderr.String(), err.Error()))
	}
	work, err := os.OpenRoot(root)
	if err != nil {
		return set, errors.New(describeErr(err))
	}
	defer work.Close()
	for _, e := range bytes.Split(out, []byte{0}) {
		// "<mode> blob <id> <size>\t<path>", the path relative to root
		meta, path, ok := bytes.Cut(e, []byte{'\t'})
		f := bytes.Fields(meta)
		if !ok || len(f) != 4 || string(f[1]) != "blob" {
			continue
		}
		size, err := strconv.ParseInt(string(f[3]), 10, 64)
		if err != nil {
			continue
		}
		if id := string(f[2]); sameBlob(work, string(path), id, size) {
			set[id] = true
		}
	}
	return set, nil
}

// sameBlob reports whether the regular file at path under work has the
// content of the blob id of the given size.
func sameBlob(work *os.Root, path, id string, size int64) bool {
	var h hash.Hash
	switch len(id) {
	case 40:
		h = sha1.New() // #nosec G401 -- a SHA-1 repository's object ids are SHA-1: this recomputes git's id to check a blob, not a security decision
	case 64:
		h = sha256.New()
	default:
		return false
	}
	st, err := work.Lstat(filepath.FromSlash(path))
	if err != nil || !st.Mode().IsRegular() || st.Size() != size {
		return false
	}
	f, err := work.Open(filepath.FromSlash(path))
	if err != nil {
		return false
	}
	defer f.Close()
	fmt.Fprintf(h, "blob %d\x00", size)
	if n, err := io.Copy(h, io.LimitReader(f, size+1)); err != nil || n != size {
		return false
	}
	return hex.EncodeToString(h.Sum(nil)) == id
}

// parseLog reads `git log --raw -z --format=%x01%H` output and calls fn for
// every added or modified regular-file blob.
func parseLog(r io.Reader, fn func(historyBlob) error) (commits int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	commit := ""
	var pending []byte // a raw entry waiting for its path
	for {
		tok, err := br.ReadBytes(0)
		if len(tok) > 0 && tok[len(tok)-1] == 0 {
			tok = tok[:len(tok)-1]
		}
		tok = bytes.TrimLeft(tok, "\n")
		switch {
		case len(tok) == 0:
		case pending != nil:
			// ":<old mode> <new mode> <old id> <new id> <status>"
			f := bytes.Fields(pending[1:])
			pending = nil
			if len(f) == 5 && (bytes.HasPrefix(f[1], []byte("100")) && (len(f[3]) == 40 || len(f[3]) == 64)) && commit != "" {
				if e := fn(historyBlob{id: string(f[3]), path: string(tok), commit: commit}); e != nil {
					return commits, e
				}
			}
		case tok[0] == 1:
			commit = string(tok[1:])
			commits++
		case tok[0] == ':':
			pending = append([]byte(nil), tok...)
		}
		if err == io.EOF {
			return commits, nil
		}
		if err != nil {
			return commits, err
		}
	}
}

// readBlobs reads `git cat-file --batch` output in queue order and runs the
// analyzers over each blob.
func readBlobs(ctx context.Context, src inventory.Source, r io.Reader, queue <-chan historyBlob, analyzers []Analyzer, opts Options,
	out *inventory.Builder, rec *recorder, source string) (int, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	var buf []byte
	n := 0
	for b := range queue {
		header, err := br.ReadString('\n')
		if err != nil {
			return n, fmt.Errorf("git cat-file: %w", err)
		}
		f := strings.Fields(header)
		if len(f) == 2 && f[1] == "missing" {
			rec.addFor(source, inventory.CoveragePartial, "history blob missing (shallow or partial clone)", b.path)
			continue
		}
		if len(f) != 3 || f[0] != b.id {
			return n, fmt.Errorf("git cat-file: unexpected header")
		}
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || size < 0 {
			return n, fmt.Errorf("git cat-file: bad size")
		}
		if size > opts.MaxFileSize {
			if _, err := io.CopyN(io.Discard, br, size+1); err != nil {
				return n, fmt.Errorf("git cat-file: %w", err)
			}
			rec.addFor(source, inventory.CoverageSkipped, fmt.Sprintf("larger than the size cap (%d bytes)", opts.MaxFileSize), b.path)
			continue
		}
		if int64(cap(buf)) < size+1 {
			buf = make([]byte, size+1)
		}
		data := buf[:size+1]
		if _, err := io.ReadFull(br, data); err != nil {
			return n, fmt.Errorf("git cat-file: %w", err)
		}
		data = data[:size] // drop the trailing newline
		n++
		if isBinary(data) {
			rec.addFor(source, inventory.CoverageSkipped, "binary file", "")
			continue
		}
		if opts.ownReport(data) {
			rec.addFor(source, inventory.CoverageSkipped, ownReportReason, b.path)
			continue
		}
		loc := inventory.Location{Source: src.ID, Root: src.Path, Path: b.path, Git: inventory.GitHistory, Commit: b.commit}
		for _, a := range analyzers {
			if !a.Wants(b.path, size) {
				continue
			}
			runAnalyzer(ctx, a, loc, data, opts, out, rec)
		}
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
	}
	return n, nil
}
