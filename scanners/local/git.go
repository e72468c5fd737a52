package local

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
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

// GitCommand runs git inside a scanned, untrusted tree so that nothing the
// tree or the environment configures can run: it is the one place where
// agentreach starts git, and every git command goes through it.
//
// git gets an environment of its own (gitEnv): no inherited GIT_* variable
// (GIT_DIR, GIT_CONFIG_PARAMETERS, GIT_EXTERNAL_DIFF, GIT_SSH_COMMAND, ...),
// no system or user configuration, no pager, prompt, optional lock, lazy
// fetch or replace object. The repository's own configuration is still read
// (it says where the work tree and objects are), so every key that can make
// the commands agentreach uses run a program is overridden on the command
// line (gitOverrides). Callers must not ask git to convert content: no work
// tree content is ever read through git (that would run
// filter.<driver>.clean/process), no --filters or --textconv, and blame only
// of commits, with --no-textconv.
func GitCommand(ctx context.Context, dir string, args ...string) *exec.Cmd {
	base := []string{"-C", dir, "--no-pager"}
	base = append(base, gitOverrides...)
	for _, d := range trustedDirectories() {
		base = append(base, "-c", "safe.directory="+d)
	}
	return gitCmd(ctx, gitEnv(), append(base, args...)...)
}

// gitCmd is the only place that starts git.
func gitCmd(ctx context.Context, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "git", args...) // #nosec G204 -- always git, with arguments the scanner builds (no shell); the hostile-repository tests pin that the checkout's config runs nothing
	cmd.Env = env
	return cmd
}

// gitOverrides neutralise, for the subcommands agentreach runs in a scanned
// tree (rev-parse, ls-files, ls-tree, log --raw, cat-file --batch, blame of a
// commit), every configuration key that makes git run a program:
//   - core.fsmonitor: a hook run by commands that read the index;
//   - core.hooksPath: no hook (none of these commands runs one, but a
//     lazy fetch updates refs and would);
//   - core.pager, with --no-pager for pager.<cmd>;
//   - diff.external (log and blame never diff externally without
//     --ext-diff, but the key is cheap to clear);
//   - log.showSignature: `git log` would run gpg.program (or
//     gpg.ssh.program, gpg.x509.program) on every signed commit;
//   - protocol.*.allow, credential.helper, core.askPass: a missing object of a
//     partial clone is fetched on demand from the promisor remote, which runs
//     the transport the configuration names (remote.<name>.uploadpack,
//     core.sshCommand, ext::<command>, a credential helper, an askpass
//     program). GIT_NO_LAZY_FETCH turns that off (git releases since
//     April 2024: 2.39.4, 2.45 and the maintenance releases between); an
//     older git ignores it, and then no built-in transport is allowed, so
//     the fetch fails before it runs anything. Per-protocol keys are set
//     because they override protocol.allow. (A remote helper of another
//     name, <name>::<url>, needs a git-remote-<name> program on PATH;
//     relative PATH entries, which could find the tree's own, are dropped.)
//
// Filters (filter.<driver>.clean/smudge/process) and textconv
// (diff.<driver>.textconv) cannot be switched off by configuration; they run
// only when git converts content, which agentreach never asks for (see
// GitCommand).
var gitOverrides = []string{
	"-c", "core.fsmonitor=false",
	"-c", "core.hooksPath=" + os.DevNull,
	"-c", "core.pager=cat",
	"-c", "diff.external=",
	"-c", "log.showSignature=false",
	"-c", "credential.helper=",
	"-c", "core.askPass=",
	"-c", "protocol.allow=never",
	"-c", "protocol.file.allow=never",
	"-c", "protocol.git.allow=never",
	"-c", "protocol.ssh.allow=never",
	"-c", "protocol.http.allow=never",
	"-c", "protocol.https.allow=never",
	"-c", "protocol.ftp.allow=never",
	"-c", "protocol.ftps.allow=never",
	"-c", "protocol.ext.allow=never",
	"-c", "protocol.fd.allow=never",
}

// gitEnv is the whole environment git runs with.
func gitEnv() []string {
	env := []string{
		"PATH=" + absolutePath(os.Getenv("PATH")),
		"LC_ALL=C", // messages agentreach matches (dubious ownership) are in English
		"HOME=" + os.DevNull,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_SYSTEM=" + os.DevNull,
		"GIT_CONFIG_GLOBAL=" + os.DevNull,
		"GIT_ATTR_NOSYSTEM=1",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_OPTIONAL_LOCKS=0",
		"GIT_NO_LAZY_FETCH=1",
		"GIT_NO_REPLACE_OBJECTS=1", // read the objects as they are, not as refs/replace presents them
		"GIT_LITERAL_PATHSPECS=1",
	}
	if runtime.GOOS == "windows" {
		for _, k := range []string{"SYSTEMROOT", "TEMP", "TMP"} {
			if v, ok := os.LookupEnv(k); ok {
				env = append(env, k+"="+v)
			}
		}
	}
	return env
}

// absolutePath drops relative entries from a PATH list: git runs in the
// scanned tree, where a relative entry would find the tree's own programs.
func absolutePath(path string) string {
	var keep []string
	for _, p := range filepath.SplitList(path) {
		if filepath.IsAbs(p) {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, string(filepath.ListSeparator))
}

// trustedDirectories returns the safe.directory values of the user's own
// system and global git configuration. git refuses a repository owned by
// someone else (its configuration could run commands) unless the user trusts
// it there; GitCommand reads no user configuration, so it passes the user's
// trust on. The repository's own configuration cannot add to it.
var trustedDirectories = sync.OnceValue(func() []string {
	env := []string{}
	for _, k := range []string{"HOME", "XDG_CONFIG_HOME"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return safeDirectories(env)
})

// safeDirectories reads safe.directory from the system and the global
// configuration found through env (HOME, XDG_CONFIG_HOME).
func safeDirectories(env []string) []string {
	if _, err := exec.LookPath("git"); err != nil {
		return nil
	}
	env = append([]string{"PATH=" + absolutePath(os.Getenv("PATH")), "LC_ALL=C", "GIT_TERMINAL_PROMPT=0"}, env...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var dirs []string
	for _, scope := range []string{"--system", "--global"} {
		// --system and --global read only those files, whatever the
		// current directory.
		cmd := gitCmd(ctx, env, "-C", os.TempDir(), "--no-pager", "config", scope, "--includes", "--get-all", "safe.directory")
		out, err := cmd.Output()
		if err != nil {
			continue // none set (exit 1), or no such file
		}
		for _, d := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
			if d == "" {
				dirs = dirs[:0] // an empty value resets the list
				continue
			}
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// gitStates lists tracked and untracked files under root; everything else in
// a work tree is ignored.
func gitStates(ctx context.Context, root string) gitInfo {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	inside, reason := inWorkTree(ctx, root)
	switch {
	case reason != "":
		return gitInfo{err: reason}
	case !inside:
		return gitInfo{} // not a repository
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

// inWorkTree reports whether dir is inside a git work tree. reason says why
// git cannot tell (not installed, refuses the repository, cannot read it):
// then dir may well be a repository, and its git state is unknown.
func inWorkTree(ctx context.Context, dir string) (inside bool, reason string) {
	if _, err := exec.LookPath("git"); err != nil {
		return false, "git is not installed"
	}
	cmd := GitCommand(ctx, dir, "rev-parse", "--is-inside-work-tree")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	switch {
	case bytes.Contains(stderr.Bytes(), []byte("dubious ownership")):
		return false, "git refuses this repository (dubious ownership)"
	case bytes.Contains(stderr.Bytes(), []byte("not a git repository")):
		return false, ""
	case err != nil:
		return false, "git rev-parse: " + cmp(stderr.String(), err.Error())
	}
	return strings.TrimSpace(string(out)) == "true", ""
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
