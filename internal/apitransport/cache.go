package apitransport

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// cacheSubdir is the directory, inside Options.CacheDir, that this package
// owns; its name carries the entry format version.
const cacheSubdir = "apitransport-v1"

const (
	keyFile     = "key"
	keySize     = 32
	entryMagic  = "agentreach-apitransport-entry-v1\n"
	maxMetaSize = 1 << 20
)

// storedHeaders are the only response headers an entry keeps.
var storedHeaders = []string{
	"ETag", "Last-Modified", "Link", "Content-Type", "Content-Encoding",
	"X-Total", "X-Total-Pages", "X-Per-Page", "X-Page", "X-Next-Page", "X-Prev-Page",
}

// varyHeaders select a different representation of the same URL and so
// belong in the key (GitHub answers Vary: Accept, Authorization).
var varyHeaders = []string{"Accept", "Accept-Encoding", "X-GitHub-Api-Version"}

type diskCache struct {
	root     *os.Root
	key      []byte
	maxEntry int64 // -1: unbounded
}

type entry struct {
	header http.Header
	body   []byte
}

type entryMeta struct {
	Status     int         `json:"status"`
	Header     http.Header `json:"header"`
	BodyLen    int64       `json:"body_len"`
	BodySHA256 string      `json:"body_sha256"`
}

// openCache prepares dir/apitransport-v1 (0700, ours) and its HMAC key.
func openCache(dir string, maxEntry int64) (*diskCache, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	sub := filepath.Join(dir, cacheSubdir)
	if err := os.Mkdir(sub, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	fi, err := os.Lstat(sub)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", sub)
	}
	if err := checkOwner(fi); err != nil {
		return nil, fmt.Errorf("%s: %w", sub, err)
	}
	root, err := os.OpenRoot(sub)
	if err != nil {
		return nil, err
	}
	// The directory opened must be the one checked (no swap in between).
	if rfi, err := root.Stat("."); err != nil || !os.SameFile(fi, rfi) {
		root.Close()
		return nil, fmt.Errorf("%s changed while being opened", sub)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(sub, 0o700); err != nil { // #nosec G302 -- tightens a directory to owner-only
			root.Close()
			return nil, err
		}
	}
	key, err := loadKey(root)
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("cache key: %w", err)
	}
	return &diskCache{root: root, key: key, maxEntry: maxEntry}, nil
}

// loadKey reads the cache's HMAC key, creating it when missing (or
// malformed). Creation links a fully written temp file into place, so
// concurrent processes agree on one key.
func loadKey(root *os.Root) ([]byte, error) {
	for range 3 {
		k, err := root.ReadFile(keyFile)
		if err == nil && len(k) == keySize {
			if fi, err := root.Stat(keyFile); err == nil && fi.Mode().Perm()&0o077 != 0 {
				if err := root.Chmod(keyFile, 0o600); err != nil {
					return nil, err
				}
			}
			return k, nil
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		malformed := err == nil
		k = make([]byte, keySize)
		rand.Read(k)
		tmp, err := writeTemp(root, ".", k)
		if err != nil {
			return nil, err
		}
		if malformed {
			err = root.Rename(tmp, keyFile)
		} else if err = root.Link(tmp, keyFile); err != nil && !errors.Is(err, fs.ErrExist) {
			err = root.Rename(tmp, keyFile) // no hard links here
		}
		root.Remove(tmp)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
	return nil, errors.New("key file keeps changing")
}

// writeTemp writes data to a new 0600 file in dir (root-relative) and
// returns its name.
func writeTemp(root *os.Root, dir string, data []byte) (string, error) {
	var rnd [12]byte
	rand.Read(rnd[:])
	name := filepath.Join(dir, ".tmp-"+hex.EncodeToString(rnd[:]))
	f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		root.Remove(name)
		return "", err
	}
	return name, nil
}

// entryName derives the entry's file name: SHA-256 over the method, URL,
// vary headers and an HMAC of the identity (Options.CacheIdentity, else the
// credential headers), so that the name reveals nothing of the credential
// and two identities never share it.
func (c *diskCache) entryName(req *http.Request, identity string) string {
	auth := hmac.New(sha256.New, c.key)
	if identity != "" {
		fmt.Fprintf(auth, "identity:%d:%s\n", len(identity), identity)
	} else {
		for _, h := range credentialHeaders {
			for _, v := range req.Header.Values(h) {
				fmt.Fprintf(auth, "%s:%d:%s\n", h, len(v), v)
			}
		}
	}
	s := sha256.New()
	fmt.Fprintf(s, "%s\n%s\n", req.Method, req.URL.String())
	for _, h := range varyHeaders {
		fmt.Fprintf(s, "%s:%q\n", h, req.Header.Values(h))
	}
	s.Write(auth.Sum(nil))
	sum := hex.EncodeToString(s.Sum(nil))
	return filepath.Join(sum[:2], sum)
}

// load returns the entry, or nil on a miss. A corrupt entry is removed and
// reported through corrupt.
func (c *diskCache) load(name string) (e *entry, corrupt bool) {
	f, err := c.root.Open(name)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	limit := int64(len(entryMagic) + 4 + maxMetaSize)
	if c.maxEntry >= 0 {
		limit += c.maxEntry
	} else {
		limit = -1
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() || (limit >= 0 && fi.Size() > limit) {
		c.root.Remove(name)
		return nil, true
	}
	data, err := io.ReadAll(f)
	if err == nil {
		e, err = decodeEntry(data)
	}
	if err != nil {
		c.root.Remove(name)
		return nil, true
	}
	return e, false
}

func decodeEntry(data []byte) (*entry, error) {
	bad := errors.New("malformed cache entry")
	rest, ok := bytes.CutPrefix(data, []byte(entryMagic))
	if !ok || len(rest) < 4 {
		return nil, bad
	}
	n := binary.BigEndian.Uint32(rest)
	rest = rest[4:]
	if n > maxMetaSize || int(n) > len(rest) {
		return nil, bad
	}
	var m entryMeta
	if err := json.Unmarshal(rest[:n], &m); err != nil {
		return nil, bad
	}
	body := rest[n:]
	sum := sha256.Sum256(body)
	want, err := hex.DecodeString(m.BodySHA256)
	if err != nil || m.Status != http.StatusOK || m.BodyLen != int64(len(body)) || subtle.ConstantTimeCompare(sum[:], want) != 1 {
		return nil, bad
	}
	e := &entry{header: http.Header{}, body: body}
	for _, h := range storedHeaders {
		if vs := m.Header.Values(h); len(vs) > 0 {
			e.header[http.CanonicalHeaderKey(h)] = vs
		}
	}
	if e.header.Get("ETag") == "" && e.header.Get("Last-Modified") == "" {
		return nil, bad
	}
	return e, nil
}

// storable reports whether a 200 may be stored.
func (c *diskCache) storable(resp *http.Response, body []byte) bool {
	if resp.StatusCode != http.StatusOK {
		return false
	}
	if resp.Header.Get("ETag") == "" && resp.Header.Get("Last-Modified") == "" {
		return false
	}
	if c.maxEntry >= 0 && int64(len(body)) > c.maxEntry {
		return false
	}
	return !strings.Contains(strings.ToLower(strings.Join(resp.Header.Values("Cache-Control"), ",")), "no-store")
}

// store writes the entry atomically (temp file, then rename).
func (c *diskCache) store(name string, resp *http.Response, body []byte) error {
	m := entryMeta{Status: http.StatusOK, Header: http.Header{}, BodyLen: int64(len(body))}
	for _, h := range storedHeaders {
		if vs := resp.Header.Values(h); len(vs) > 0 {
			m.Header[http.CanonicalHeaderKey(h)] = vs
		}
	}
	sum := sha256.Sum256(body)
	m.BodySHA256 = hex.EncodeToString(sum[:])
	meta, err := json.Marshal(m)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.Grow(len(entryMagic) + 4 + len(meta) + len(body))
	buf.WriteString(entryMagic)
	_ = binary.Write(&buf, binary.BigEndian, uint32(len(meta))) // #nosec G115 -- meta is a few hundred bytes of JSON (reads cap it at maxMetaSize); a bytes.Buffer write cannot fail
	buf.Write(meta)
	buf.Write(body)

	dir := filepath.Dir(name)
	if err := c.root.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := writeTemp(c.root, dir, buf.Bytes())
	if err != nil {
		return err
	}
	if err := c.root.Rename(tmp, name); err != nil {
		c.root.Remove(tmp)
		return err
	}
	return nil
}

func (c *diskCache) remove(name string) { c.root.Remove(name) }

// replay builds the response handed to the caller for a 304: the stored
// 200's body and stored headers over the live 304's other headers, marked
// X-From-Cache.
func replay(req *http.Request, wire *http.Response, e *entry) *http.Response {
	h := wire.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	for _, k := range storedHeaders {
		h.Del(k)
	}
	for k, vs := range e.header {
		h[k] = append([]string(nil), vs...)
	}
	h.Del("Content-Length")
	h.Set("Content-Length", fmt.Sprint(len(e.body)))
	h.Set("X-From-Cache", "1")
	return &http.Response{
		Status:        "200 OK",
		StatusCode:    http.StatusOK,
		Proto:         wire.Proto,
		ProtoMajor:    wire.ProtoMajor,
		ProtoMinor:    wire.ProtoMinor,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(e.body)),
		ContentLength: int64(len(e.body)),
		Request:       req,
		TLS:           wire.TLS,
	}
}
