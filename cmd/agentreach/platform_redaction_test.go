package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/fakegithub"
	"github.com/agentreach/agentreach/fixtures/fakegitlab"
	"github.com/agentreach/agentreach/report"
)

// platformAudit scans with every output format, verbosely, twice (the second
// run answered from the ETag cache), and returns every text the scans wrote:
// outputs, stdout, stderr and each cache file — checking that the cache is
// owner-only.
func platformAudit(t *testing.T, env map[string]string, scanArgs ...string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	texts := map[string]string{}
	for i := range 2 {
		out := filepath.Join(dir, fmt.Sprint(i))
		if err := os.Mkdir(out, 0o700); err != nil {
			t.Fatal(err)
		}
		args := append([]string{"scan"}, scanArgs...)
		args = append(args, "--cache-dir", cache, "-v", "--allow-partial")
		for _, f := range report.Formats() {
			args = append(args, "-o", string(f)+"="+filepath.Join(out, string(f)))
		}
		res := run(t, env, args...)
		if res.code != ExitOK {
			t.Fatalf("scan %d: exit %d: %s", i, res.code, res.err)
		}
		texts[fmt.Sprintf("run %d stdout", i)], texts[fmt.Sprintf("run %d stderr", i)] = res.out, res.err
		for _, f := range report.Formats() {
			texts[fmt.Sprintf("run %d %s", i, f)] = mustRead(t, filepath.Join(out, string(f)))
		}
	}
	files := 0
	err := filepath.Walk(cache, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("cache %s: mode %v, want owner-only", p, fi.Mode().Perm())
		}
		if !fi.IsDir() {
			files++
			texts["cache "+p] = mustRead(t, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatal("the cache is empty: the audit would not see it")
	}
	return texts
}

// noRuns fails for each secret of which some text holds an 8-character run.
func noRuns(t *testing.T, texts map[string]string, secrets map[string][]string) {
	t.Helper()
	for what, values := range secrets {
		if len(values) == 0 {
			t.Fatalf("no %s to look for: the audit would pass on nothing", what)
		}
		for _, v := range values {
			for name, text := range texts {
				for i := 0; i+8 <= len(v); i++ {
					if piece := v[i : i+8]; !strings.ContainsAny(piece, "\n-") && strings.Contains(text, piece) {
						t.Errorf("%s holds an 8-character run of %s", name, what)
						break
					}
				}
			}
		}
	}
}

// TestPlatformRedactionAudit: an organisation scan signed in as a GitHub App
// and a group scan with a GitLab token, each into every output format,
// verbosely, with the ETag cache: no 8-character run of the App's private
// key, of an installation token the scan minted, of the GitLab token, or of
// any credential value the APIs returned (a GitHub Actions variable, GitLab
// CI/CD variables) is in any output, log or cache file.
func TestPlatformRedactionAudit(t *testing.T) {
	t.Run("github", func(t *testing.T) {
		t.Parallel()
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		block := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
		keyFile := filepath.Join(t.TempDir(), "app.pem")
		if err := os.WriteFile(keyFile, block, 0o600); err != nil {
			t.Fatal(err)
		}
		const appID = 4242
		srv := fakegithub.New(fakegithub.Acme(), fakegithub.WithApp(appID, &key.PublicKey, 0))
		defer srv.Close()
		env := map[string]string{"AGENTREACH_GITHUB_APP_ID": fmt.Sprint(appID), "AGENTREACH_GITHUB_APP_KEY_FILE": keyFile}
		texts := platformAudit(t, env, "--github-org", "acme", "--github-url", srv.URL()+"/", "--github-host", "github.com")
		var keyLines []string
		for _, l := range strings.Split(string(block), "\n") {
			if l != "" && !strings.HasPrefix(l, "-----") {
				keyLines = append(keyLines, l)
			}
		}
		noRuns(t, texts, map[string][]string{"the App's private key": keyLines, "a minted installation token": srv.MintedTokens(),
			"the organisation variable's value": {fakegithub.AcmeVariableToken()}})
	})
	t.Run("gitlab", func(t *testing.T) {
		t.Parallel()
		inst := fakegitlab.Acme()
		var values []string
		for _, g := range inst.AllGroups() {
			for _, v := range g.Variables {
				if len(v.Value) >= 16 {
					values = append(values, v.Value)
				}
			}
		}
		for _, p := range inst.AllProjects() {
			for _, v := range p.Variables {
				if len(v.Value) >= 16 {
					values = append(values, v.Value)
				}
			}
		}
		srv := fakegitlab.New(inst)
		defer srv.Close()
		token := srv.NewToken(fakegitlab.Token{User: "acme-owner"})
		texts := platformAudit(t, map[string]string{"GITLAB_TOKEN": token},
			"--gitlab-group", "acme", "--gitlab-url", srv.URL(), "--gitlab-host", "gitlab.example.com")
		noRuns(t, texts, map[string][]string{"the scanner's GitLab token": {token}, "a CI/CD variable's value": values})
	})
}
