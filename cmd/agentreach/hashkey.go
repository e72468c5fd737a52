package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/agentreach/agentreach/scanners/secrets"
)

// hashKeyEnv names the environment variable that holds the key of the
// fingerprints of embedded values (value_hmac and the embedded:… ids).
const hashKeyEnv = "AGENTREACH_HASH_KEY"

// hashKey is the fingerprint key of a scan and where it came from.
type hashKey struct {
	key     []byte
	source  string // hashKeyEnv, the path of the key file, or "random"
	created bool   // the key file was created by this run
	// noFile says why there is no key file (no configuration directory, a
	// read-only one): the run then uses a random key of its own.
	noFile error
}

// errNoKeyFile marks a key file that could not be created, as opposed to
// one that exists and is refused.
var errNoKeyFile = errors.New("no fingerprint key file")

// loadHashKey returns the fingerprint key: AGENTREACH_HASH_KEY when it is
// set (at least secrets.MinKeyLen bytes, used as given, surrounding blanks
// trimmed); otherwise the key file agentreach/hash-key in the user's
// configuration directory, created with a random key on first use. The key
// file holds a value of the same form, so that setting AGENTREACH_HASH_KEY
// to its content gives the same fingerprints. When there is no directory to
// keep the file in (no $HOME, a read-only file system) the run uses a random
// key of its own and says so; a key file that exists but is refused (other
// users can read it, a symlink, too short) is an error.
func loadHashKey(getenv func(string) string) (*hashKey, error) {
	if v := strings.TrimSpace(getenv(hashKeyEnv)); v != "" {
		if len(v) < secrets.MinKeyLen {
			return nil, fmt.Errorf("%s is %d bytes; it must be at least %d (for example the output of `openssl rand -hex 32`)",
				hashKeyEnv, len(v), secrets.MinKeyLen)
		}
		return &hashKey{key: []byte(v), source: hashKeyEnv}, nil
	}
	random := func(why error) *hashKey {
		key := make([]byte, 32)
		_, _ = rand.Read(key) // never fails (crypto/rand)
		return &hashKey{key: []byte(hex.EncodeToString(key)), source: "random", noFile: why}
	}
	dir, err := userConfigDir(getenv)
	if err != nil {
		return random(fmt.Errorf("no configuration directory: %w", err)), nil
	}
	path := filepath.Join(dir, "agentreach", "hash-key")
	key, created, err := keyFile(path)
	if errors.Is(err, errNoKeyFile) {
		return random(err), nil
	}
	if err != nil {
		return nil, err
	}
	return &hashKey{key: key, source: path, created: created}, nil
}

// userConfigDir is os.UserConfigDir with the environment read through
// getenv.
func userConfigDir(getenv func(string) string) (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := getenv("AppData"); d != "" {
			return d, nil
		}
		return "", errors.New("%AppData% is not defined")
	case "darwin", "ios":
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, "Library", "Application Support"), nil
		}
		return "", errors.New("$HOME is not defined")
	case "plan9":
		if h := getenv("home"); h != "" {
			return filepath.Join(h, "lib"), nil
		}
		return "", errors.New("$home is not defined")
	}
	if d := getenv("XDG_CONFIG_HOME"); d != "" {
		if !filepath.IsAbs(d) {
			return "", errors.New("the path in $XDG_CONFIG_HOME is relative")
		}
		return d, nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config"), nil
	}
	return "", errors.New("neither $XDG_CONFIG_HOME nor $HOME is defined")
}

// keyFile reads the key file at path, or creates it (directory 0700, file
// 0600) with a random key when it does not exist. Creation is atomic: the
// key is written to a temporary file that is then linked to path, which
// fails when path exists; a concurrent run that created it first wins and
// its key is read.
func keyFile(path string) (key []byte, created bool, err error) {
	key, err = readKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("%w: %w", errNoKeyFile, err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, false, fmt.Errorf("generate a fingerprint key: %w", err)
	}
	err = createExclusive(path, []byte(hex.EncodeToString(raw)+"\n"))
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, false, fmt.Errorf("%w: %w", errNoKeyFile, err)
	}
	created = err == nil
	key, err = readKeyFile(path)
	return key, created, err
}

// createExclusive creates path with content and mode 0600, whole or not at
// all; it fails with fs.ErrExist when path exists.
func createExclusive(path string, content []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".hash-key-*") // O_EXCL, 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	err = os.Link(tmp.Name(), path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	// A file system without hard links: create the file itself exclusively.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- the key file agentreach creates in the user's configuration directory, exclusively
	if err != nil {
		return err
	}
	if _, err := f.Write(content); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// readKeyFile reads a key file, refusing one that is not a regular file
// (a symlink, a directory) or that other users can read or write.
func readKeyFile(path string) ([]byte, error) {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, err
	case errors.Is(err, syscall.ENOTDIR):
		return nil, fmt.Errorf("%w: %w", errNoKeyFile, err) // the configuration "directory" is a file
	case err != nil:
		return nil, fmt.Errorf("read the fingerprint key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("fingerprint key file %s is not a regular file (%s); remove it, or set %s", path, fi.Mode().Type(), hashKeyEnv)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("fingerprint key file %s is accessible to other users (mode %04o); run `chmod 600 %s`, or set %s",
			path, fi.Mode().Perm(), path, hashKeyEnv)
	}
	f, err := os.Open(path) // #nosec G304 -- the fingerprint key file of the user's configuration directory (or the one they name), checked owner-only above
	if err != nil {
		return nil, fmt.Errorf("read the fingerprint key file: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !os.SameFile(fi, st) {
		return nil, fmt.Errorf("fingerprint key file %s changed while it was read", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return nil, fmt.Errorf("read the fingerprint key file: %w", err)
	}
	key := bytes.TrimSpace(data)
	if len(key) < secrets.MinKeyLen {
		return nil, fmt.Errorf("fingerprint key file %s holds %d bytes, want at least %d; remove it to create a new key (embedded-credential ids change), or set %s",
			path, len(key), secrets.MinKeyLen, hashKeyEnv)
	}
	return key, nil
}
