package local

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/agentreach/agentreach/inventory"
)

// gitInfo knows the git state of every file under a root.
type gitInfo struct {
	repo      bool
	tracked   map[string]bool
	untracked map[string]bool
	err       string // why the state is unknown
}

func (g gitInfo) state(rel string) inventory.GitState {
	switch {
	case g.err != "":
		return inventory.GitUnknown
	case !g.repo:
		return inventory.GitNone
	case g.tracked[rel]:
		return inventory.GitTracked
	case g.untracked[rel]:
		return inventory.GitUntracked
	default:
		return inventory.GitIgnored
	}
}

// GitCommand runs git safely inside a scanned, untrusted tree: no fsmonitor,
// hooks or pager from the repository's own config can run, and no optional
// locks are taken.
func GitCommand(ctx context.Context, dir string, args ...string) *exec.Cmd {
	base := []string{"-C", dir, "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null",
		"-c", "core.pager=cat", "-c", "diff.external=", "--no-pager"}
	cmd := exec.CommandContext(ctx, "git", append(base, args...)...)
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0", "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1")
	return cmd
}

// gitStates lists tracked and untracked files under root; everything else in
// a work tree is ignored.
func gitStates(ctx context.Context, root string) gitInfo {
	if _, err := exec.LookPath("git"); err != nil {
		return gitInfo{err: "git is not installed"}
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	out, err := GitCommand(ctx, root, "rev-parse", "--is-inside-work-tree").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && bytes.Contains(ee.Stderr, []byte("dubious ownership")) {
			return gitInfo{err: "git refuses this repository (dubious ownership)"}
		}
		return gitInfo{} // not a repository
	}
	if strings.TrimSpace(string(out)) != "true" {
		return gitInfo{}
	}
	tracked, err := lsFiles(ctx, root, "ls-files", "-z", "--cached")
	if err != nil {
		return gitInfo{err: "git ls-files: " + err.Error()}
	}
	untracked, err := lsFiles(ctx, root, "ls-files", "-z", "--others", "--exclude-standard")
	if err != nil {
		return gitInfo{err: "git ls-files: " + err.Error()}
	}
	return gitInfo{repo: true, tracked: tracked, untracked: untracked}
}

func lsFiles(ctx context.Context, root string, args ...string) (map[string]bool, error) {
	cmd := GitCommand(ctx, root, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, errors.New(msg)
		}
		return nil, err
	}
	set := map[string]bool{}
	for _, p := range bytes.Split(out, []byte{0}) {
		if len(p) > 0 {
			set[string(p)] = true
		}
	}
	return set, nil
}
