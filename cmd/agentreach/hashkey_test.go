package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/inventory"
)

// embeddedIDs scans root into JSON with env and returns the ids of its
// embedded credentials.
func embeddedIDs(t *testing.T, env map[string]string, root string) ([]string, result) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "r.json")
	res := run(t, env, "scan", root, "-o", "json="+out)
	if res.code != ExitOK {
		return nil, res
	}
	var ids []string
	for _, c := range readReport(t, out).Inventory.Credentials {
		if c.Kind == inventory.KindEmbeddedKey {
			ids = append(ids, c.ID)
		}
	}
	slices.Sort(ids)
	return ids, res
}

// TestHashKeyFile: without AGENTREACH_HASH_KEY the key is created once in
// the user's configuration directory (0600 in a 0700 directory), reused on
// the next run (the same ids), equivalent to AGENTREACH_HASH_KEY set to its
// content, and refused when other users can read it or it is a symlink.
func TestHashKeyFile(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("file modes are not enforced on Windows")
	}
	root := t.TempDir()
	writeFile(t, root, "app/.env", "GITHUB_TOKEN="+faketoken.GitHub(faketoken.Rand(91), "ghp")+"\n")
	cfg := t.TempDir()
	env := map[string]string{hashKeyEnv: "", "XDG_CONFIG_HOME": cfg, "HOME": cfg, "AppData": cfg, "CI": "true"}
	dir, err := userConfigDir(testEnv(env))
	if err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(dir, "agentreach", "hash-key")

	first, res := embeddedIDs(t, env, root)
	if len(first) != 1 {
		t.Fatalf("first run: ids %v, exit %d: %s", first, res.code, res.err)
	}
	if !strings.Contains(res.err, "created a new fingerprint key") || !strings.Contains(res.err, hashKeyEnv) {
		t.Errorf("no warning about a new key in CI: %q", res.err)
	}
	st, err := os.Stat(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 || !st.Mode().IsRegular() {
		t.Errorf("key file mode %v", st.Mode())
	}
	if dst, err := os.Stat(filepath.Dir(keyPath)); err != nil || dst.Mode().Perm() != 0o700 {
		t.Errorf("key directory mode %v (%v)", dst.Mode(), err)
	}
	content, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}\n$`).Match(content) {
		t.Errorf("key file content is not 64 hex digits and a newline (%d bytes)", len(content))
	}
	if files, _ := os.ReadDir(filepath.Dir(keyPath)); len(files) != 1 {
		t.Errorf("temporary files left beside the key: %v", files)
	}

	second, res := embeddedIDs(t, env, root)
	if !slices.Equal(first, second) || strings.Contains(res.err, "created a new") {
		t.Errorf("second run: ids %v, want %v; stderr %q", second, first, res.err)
	}
	after, _ := os.ReadFile(keyPath)
	if !bytes.Equal(after, content) {
		t.Error("the key file was rewritten")
	}
	// The key file's content as AGENTREACH_HASH_KEY gives the same ids (a
	// workstation and CI can share one key); the test key other ones.
	if ids, _ := embeddedIDs(t, map[string]string{hashKeyEnv: string(content)}, root); !slices.Equal(ids, first) {
		t.Errorf("AGENTREACH_HASH_KEY = the file's key: ids %v, want %v", ids, first)
	}
	if ids, _ := embeddedIDs(t, nil, root); slices.Equal(ids, first) || len(ids) != 1 {
		t.Errorf("another key gave the same ids %v", ids)
	}

	if err := os.Chmod(keyPath, 0o644); err != nil {
		t.Fatal(err)
	}
	_, res = embeddedIDs(t, env, root)
	if res.code != ExitUsage || !strings.Contains(res.err, "accessible to other users") || !strings.Contains(res.err, keyPath) ||
		strings.Count(strings.TrimSpace(res.err), "\n") != 0 {
		t.Errorf("world-readable key: exit %d, stderr %q", res.code, res.err)
	}
	if strings.Contains(res.err, strings.TrimSpace(string(content))) {
		t.Error("the error shows the key")
	}

	// A symlink is refused, even to a private file.
	target := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(target, content, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(keyPath); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, keyPath); err != nil {
		t.Fatal(err)
	}
	if _, res = embeddedIDs(t, env, root); res.code != ExitUsage || !strings.Contains(res.err, "not a regular file") {
		t.Errorf("symlinked key: exit %d, stderr %q", res.code, res.err)
	}
}

func TestHashKeyFromEnvironment(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, "a.txt", "nothing\n")
	short := strings.Repeat("k", 31)
	res := run(t, map[string]string{hashKeyEnv: short}, "scan", root)
	if res.code != ExitUsage || !strings.Contains(res.err, hashKeyEnv+" is 31 bytes; it must be at least 32") || strings.Contains(res.err, short) {
		t.Errorf("short key: exit %d, stderr %q", res.code, res.err)
	}
	// Without the variable and without a configuration directory (or with
	// one that cannot hold the file) the run uses a random key and says
	// what to set.
	notDir := filepath.Join(t.TempDir(), "file") // a "directory" that cannot hold the key file
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, env := range map[string]map[string]string{
		"no directory":       {hashKeyEnv: "  "},
		"unusable directory": {hashKeyEnv: "", "XDG_CONFIG_HOME": notDir, "HOME": notDir, "AppData": notDir},
	} {
		res = run(t, env, "scan", root)
		if res.code != ExitOK || !strings.Contains(res.err, "random key") || !strings.Contains(res.err, "set "+hashKeyEnv) {
			t.Errorf("%s: exit %d, stderr %q", name, res.code, res.err)
		}
	}
}

// TestKeyFileCreatedOnce: concurrent first runs agree on one key, and only
// one of them creates it.
func TestKeyFileCreatedOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "agentreach", "hash-key")
	var wg sync.WaitGroup
	keys := make([][]byte, 8)
	created := make([]bool, 8)
	errs := make([]error, 8)
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys[i], created[i], errs[i] = keyFile(path)
		}()
	}
	wg.Wait()
	n := 0
	for i := range keys {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !bytes.Equal(keys[i], keys[0]) {
			t.Error("two runs got different keys")
		}
		if created[i] {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d runs created the key, want 1", n)
	}
}

// TestGuessablePasswordNotHashedPlainly: a short, guessable password that
// the detectors accept is identified by its HMAC under the scan's key; its
// plain SHA-256 (which anyone could compute from a guess) appears in no
// output, not even 12 hex digits of it.
func TestGuessablePasswordNotHashedPlainly(t *testing.T) {
	t.Parallel()
	pw := "Summer" + "2024" // assembled, so no source line holds a password assignment
	root := t.TempDir()
	writeFile(t, root, "config/.env", "DB_HOST=db.internal\nDB_PASSWORD="+pw+"\n")
	writeFile(t, root, "config/app.properties", "spring.datasource.password="+pw+"\n")
	outputs := scanAllFormats(t, root)

	plain := sha256.Sum256([]byte(pw))
	plainHex := hex.EncodeToString(plain[:])
	mac := hmac.New(sha256.New, []byte(testHashKey))
	mac.Write([]byte(pw))
	keyed := hex.EncodeToString(mac.Sum(nil))
	id := "embedded:" + keyed[:16]

	var rep struct {
		Inventory struct {
			Credentials []struct {
				ID        string `json:"id"`
				Type      string `json:"type"`
				ValueHMAC string `json:"value_hmac"`
				SHA256    string `json:"sha256"`
				Locations []any  `json:"locations"`
			} `json:"credentials"`
		} `json:"inventory"`
	}
	if err := json.Unmarshal([]byte(outputs["json"]), &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range rep.Inventory.Credentials {
		if c.SHA256 != "" {
			t.Errorf("credential %s has a sha256 field", c.ID)
		}
		if c.ID == id {
			found = true
			if c.ValueHMAC != keyed || c.Type != "generic-password" || len(c.Locations) != 2 {
				t.Errorf("credential %+v, want value_hmac %s, type generic-password, two locations", c, keyed)
			}
		}
	}
	if !found {
		t.Fatalf("no credential %s in %s", id, outputs["json"])
	}
	for _, f := range []string{"json", "sarif", "csv"} {
		if !strings.Contains(outputs[f], id) {
			t.Errorf("%s does not name the credential %s", f, id)
		}
	}
	for name, text := range outputs {
		if strings.Contains(text, pw) {
			t.Errorf("%s holds the password", name)
		}
		for i := 0; i+12 <= len(plainHex); i++ {
			if strings.Contains(strings.ToLower(text), plainHex[i:i+12]) {
				t.Errorf("%s holds %s, 12 hex digits of the password's plain SHA-256", name, plainHex[i:i+12])
				break
			}
		}
	}
}
