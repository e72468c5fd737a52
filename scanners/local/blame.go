package local

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// maxBlameSize caps the work-tree file and the HEAD blob that Blame compares.
const maxBlameSize = 64 << 20

// Blame returns, for the given 1-based lines of a tracked file in the work
// tree under root, the commit that added each line ("" for a line that is
// not committed yet). A line that the file does not have is left out.
//
// It never hands the work tree to git: blaming the work tree would run the
// repository's filter.<driver>.clean or process command. Instead a line
// counts as committed when its content (trailing \r aside) is a line of the
// file in HEAD, read raw with cat-file, and the commit is that of the
// matching HEAD line (the nearest one when several match), from
// `git blame --no-textconv HEAD`. Only the path and line numbers go on a
// command line, and git's incremental blame output carries no line content.
func Blame(ctx context.Context, root, path string, lines []int) (map[int]string, error) {
	if len(lines) == 0 {
		return nil, nil
	}
	work, err := readWorkFile(root, path)
	if err != nil {
		return nil, err
	}
	head, err := headVersion(ctx, root, path)
	if err != nil {
		return nil, err
	}
	res, headLine := matchLines(splitLines(work), splitLines(head), lines)
	if len(headLine) == 0 {
		return res, nil
	}
	var want []int
	for _, m := range headLine {
		want = append(want, m)
	}
	sort.Ints(want)
	args := []string{"blame", "--incremental", "--no-textconv"}
	for i, m := range want {
		if i > 0 && want[i-1] == m {
			continue
		}
		args = append(args, "-L", fmt.Sprintf("%d,%d", m, m))
	}
	args = append(args, "HEAD", "--", path)
	cmd := GitCommand(ctx, root, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, errors.New(cmp(stderr.String(), err.Error()))
	}
	commits := parseBlame(out)
	for n, m := range headLine {
		if c, ok := commits[m]; ok {
			res[n] = c
		}
	}
	return res, nil
}

// readWorkFile reads a file of the work tree, never outside root.
func readWorkFile(root, path string) ([]byte, error) {
	f, err := os.OpenInRoot(root, filepath.FromSlash(path))
	if err != nil {
		return nil, errors.New(describeErr(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBlameSize+1))
	if err != nil {
		return nil, errors.New(describeErr(err))
	}
	if len(data) > maxBlameSize {
		return nil, fmt.Errorf("larger than %d bytes", maxBlameSize)
	}
	return data, nil
}

// headVersion returns the raw content of path in HEAD (no filter, no
// textconv, no end-of-line conversion), or nil when HEAD has no such file
// (or there is no commit yet).
func headVersion(ctx context.Context, root, path string) ([]byte, error) {
	if strings.ContainsAny(path, "\n\r") {
		return nil, errors.New("path with a line break: cannot ask git for it")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := GitCommand(ctx, root, "cat-file", "--batch")
	cmd.Stdin = strings.NewReader("HEAD:./" + path + "\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	data, readErr := readBatchEntry(bufio.NewReader(stdout))
	if readErr != nil {
		cancel() // the blob may be too large: stop git
	}
	waitErr := cmd.Wait()
	switch {
	case waitErr != nil && readErr == nil:
		return nil, errors.New(cmp(stderr.String(), waitErr.Error()))
	case readErr != nil:
		if msg := strings.TrimSpace(stderr.String()); msg != "" && !errors.Is(readErr, errTooLarge) {
			return nil, errors.New(firstLine(msg))
		}
		return nil, readErr
	}
	return data, nil
}

var errTooLarge = fmt.Errorf("the HEAD version is larger than %d bytes", maxBlameSize)

// readBatchEntry reads one `git cat-file --batch` answer: the content of a
// blob, nil for a missing object or one that is not a blob.
func readBatchEntry(r *bufio.Reader) ([]byte, error) {
	header, err := r.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	f := strings.Fields(header)
	if len(f) == 2 && f[1] == "missing" {
		return nil, nil
	}
	if len(f) != 3 {
		return nil, errors.New("git cat-file: unexpected answer")
	}
	size, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || size < 0 {
		return nil, errors.New("git cat-file: bad size")
	}
	if f[1] != "blob" {
		_, err := io.CopyN(io.Discard, r, size+1)
		return nil, err
	}
	if size > maxBlameSize {
		return nil, errTooLarge
	}
	data := make([]byte, size+1)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	return data[:size], nil
}

// splitLines splits content into lines without their line ending (\n, and a
// \r before it).
func splitLines(data []byte) [][]byte {
	if len(data) == 0 {
		return nil
	}
	lines := bytes.Split(bytes.TrimSuffix(data, []byte{'\n'}), []byte{'\n'})
	for i, l := range lines {
		lines[i] = bytes.TrimSuffix(l, []byte{'\r'})
	}
	return lines
}

// matchLines maps each wanted work-tree line (1-based) either to "" in res
// (its content is not a line of head: not committed) or to the nearest head
// line with the same content in headLine. Lines beyond the work file are
// left out of both.
func matchLines(work, head [][]byte, wanted []int) (res map[int]string, headLine map[int]int) {
	res, headLine = map[int]string{}, map[int]int{}
	index := map[string][]int{}
	for i, l := range head {
		index[string(l)] = append(index[string(l)], i+1)
	}
	for _, n := range wanted {
		if n < 1 || n > len(work) {
			continue
		}
		at := index[string(work[n-1])]
		if len(at) == 0 {
			res[n] = ""
			continue
		}
		// at is sorted: the nearest is at the insertion point or before it
		i := sort.SearchInts(at, n)
		best := at[min(i, len(at)-1)]
		if i > 0 && n-at[i-1] <= abs(best-n) {
			best = at[i-1]
		}
		headLine[n] = best
	}
	return res, headLine
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// parseBlame reads `git blame --incremental` output: each entry opens with
// "<sha> <orig line> <final line> <count>".
func parseBlame(out []byte) map[int]string {
	res := map[int]string{}
	for _, line := range bytes.Split(out, []byte{'\n'}) {
		f := bytes.Fields(line)
		if len(f) != 4 || (len(f[0]) != 40 && len(f[0]) != 64) || !isHexString(f[0]) {
			continue
		}
		final, err1 := strconv.Atoi(string(f[2]))
		count, err2 := strconv.Atoi(string(f[3]))
		if err1 != nil || err2 != nil {
			continue
		}
		sha := string(f[0])
		if strings.Trim(sha, "0") == "" {
			sha = "" // not committed yet
		}
		if final < 1 || count < 1 || count > 4096 {
			continue
		}
		for l := final; l < final+count; l++ {
			res[l] = sha
		}
	}
	return res
}

func isHexString(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
