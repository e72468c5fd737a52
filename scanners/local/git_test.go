package local

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestGitEnvIsClean(t *testing.T) {
	t.Setenv("GIT_DIR", "/elsewhere")
	t.Setenv("GIT_CONFIG_PARAMETERS", "'core.pager=x'")
	t.Setenv("PATH", "/usr/bin:.:bin:/bin")
	env := GitCommand(context.Background(), ".", "status").Env
	for _, kv := range env {
		if strings.HasPrefix(kv, "GIT_DIR=") || strings.HasPrefix(kv, "GIT_CONFIG_PARAMETERS=") {
			t.Errorf("inherited %s", kv)
		}
	}
	if !slices.Contains(env, "PATH=/usr/bin:/bin") {
		t.Errorf("PATH keeps relative entries: %v", env)
	}
	for _, want := range []string{"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + os.DevNull, "HOME=" + os.DevNull, "GIT_NO_LAZY_FETCH=1"} {
		if !slices.Contains(env, want) {
			t.Errorf("env lacks %s: %v", want, env)
		}
	}
}

func TestSafeDirectories(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	t.Parallel()
	home := t.TempDir()
	write(t, home, ".gitconfig", "[safe]\n\tdirectory = /dropped\n\tdirectory =\n\tdirectory = /a\n[include]\n\tpath = more\n")
	write(t, home, "more", "[safe]\n\tdirectory = /b\n")
	got := safeDirectories([]string{"HOME=" + home})
	if len(got) < 2 || !slices.Equal(got[len(got)-2:], []string{"/a", "/b"}) || slices.Contains(got, "/dropped") {
		t.Errorf("safe directories = %v", got)
	}
}

// TestUnreadableRepositoryIsNotClean: a repository git cannot read is not
// "not a repository": its git state is unknown and its history unread.
func TestUnreadableRepositoryIsNotClean(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	t.Parallel()
	root := t.TempDir()
	gitRun(t, root, "init", "-q")
	write(t, root, "a.txt", "a\n")
	if err := os.WriteFile(filepath.Join(root, ".git", "config"), []byte("[core\nbroken"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newSeen()
	b := inventory.NewBuilder()
	if err := Scan(context.Background(), inventory.Source{Path: root}, []Analyzer{s}, Options{}, b); err != nil {
		t.Fatal(err)
	}
	if err := ScanHistory(context.Background(), inventory.Source{Path: root}, []Analyzer{&histSeen{}}, Options{}, b); err != nil {
		t.Fatal(err)
	}
	_, cov := b.Build()
	if s.files["a.txt"] != inventory.GitUnknown {
		t.Errorf("git state = %q", s.files["a.txt"])
	}
	if c := coverageFor(cov, "git state unknown: git rev-parse: "); len(c) != 1 || c[0].Status != inventory.CoveragePartial {
		t.Errorf("work tree coverage = %+v", cov)
	}
	if c := coverageFor(cov, "history not scanned: git rev-parse: "); len(c) != 1 || c[0].Status != inventory.CoverageFailed {
		t.Errorf("history coverage = %+v", cov)
	}
}

// TestDubiousOwnership: a repository owned by someone else is refused, and
// said so, unless the user's own configuration trusts it.
func TestDubiousOwnership(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a repository to another user")
	}
	t.Parallel()
	root := t.TempDir()
	gitRun(t, root, "init", "-q")
	write(t, root, "a.txt", "a\n")
	if err := filepath.WalkDir(root, func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, 4242, 4242)
	}); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(trustedDirectories(), "*") || slices.Contains(trustedDirectories(), root) {
		t.Skip("this machine's git configuration trusts every directory")
	}
	if _, reason := inWorkTree(context.Background(), root); !strings.Contains(reason, "dubious ownership") {
		t.Errorf("reason = %q", reason)
	}
}
