package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentreach/agentreach/fixtures/faketoken"
	"github.com/agentreach/agentreach/report"
	"github.com/agentreach/agentreach/scanners/secrets"
)

// auditValue is a generated credential and where its random part starts
// (after the format's fixed prefix, which reports may name).
type auditValue struct {
	format, value string
	random        int
}

// TestRedactionAudit is the redaction audit over the local scan: a value of
// every supported format (its example, and every sample's marked value) in
// the work tree, another of each only in the git history, credential stores
// in the home directory, and a directory named like a live token; scanned
// with --history and --home into every output format, quietly, by default
// and verbosely. No 8-character run of the random part of any value may
// appear in any report, stdout or stderr — ids, subjects, file names and
// coverage reasons included. Values are made at run time from a seed the
// test logs, so that a failure can be reproduced and nothing token-shaped
// is committed.
func TestRedactionAudit(t *testing.T) {
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	if v, err := strconv.ParseUint(os.Getenv("AGENTREACH_AUDIT_SEED"), 10, 64); err == nil {
		seed = v // a failure's seed, to reproduce it
	}
	t.Logf("seed %d (AGENTREACH_AUDIT_SEED=%d reproduces this run)", seed, seed)
	r := faketoken.Rand(seed)
	var values []auditValue
	add := func(f *secrets.Format, v string) {
		rand := 0
		for _, p := range f.Prefixes {
			if strings.HasPrefix(v, p) && len(p) > rand {
				rand = len(p)
			}
		}
		values = append(values, auditValue{f.ID, v, rand})
	}
	root, home := t.TempDir(), t.TempDir()
	gitInit(t, root)
	var history []string
	for _, f := range secrets.Formats() {
		if f.Example != "" {
			v := faketoken.Expand(r, f.Example)
			add(f, v)
			writeFile(t, root, "keys/"+f.ID+".env", "SERVICE_TOKEN="+strings.ReplaceAll(v, "\n", "\\n")+"\n")
			old := faketoken.Expand(r, f.Example)
			add(f, old)
			rel := "old/" + f.ID + ".env"
			writeFile(t, root, rel, "SERVICE_TOKEN="+strings.ReplaceAll(old, "\n", "\\n")+"\n")
			history = append(history, rel)
		}
		for i, s := range f.Samples {
			text, start, end := expandSampleText(r, s.Text)
			if start < 0 {
				continue
			}
			add(f, text[start:end])
			writeFile(t, root, fmt.Sprintf("samples/%s/%d/%s", f.ID, i, s.File), text)
		}
	}
	// A directory named like a live token, holding a credential: the
	// finding's path names it.
	ghp := secrets.Formats()[0]
	for _, f := range secrets.Formats() {
		if f.ID == "github-pat-classic" || strings.HasPrefix(f.ID, "github-pat") && f.Example != "" {
			ghp = f
			break
		}
	}
	named := faketoken.Expand(r, ghp.Example)
	add(ghp, named)
	inside := faketoken.Expand(r, ghp.Example)
	add(ghp, inside)
	writeFile(t, root, "names/"+named+"/deploy.env", "GITHUB_TOKEN="+inside+"\n")

	gitIn(t, root, "add", "-A")
	gitIn(t, root, "commit", "-qm", "add")
	gitIn(t, root, append([]string{"rm", "-q"}, history...)...)
	gitIn(t, root, "commit", "-qm", "remove the old keys")

	for i, store := range []string{".git-credentials", ".npmrc", ".config/gh/hosts.yml"} {
		v := faketoken.Expand(r, ghp.Example)
		add(ghp, v)
		switch i {
		case 0:
			writeFile(t, home, store, "https://x:"+v+"@github.com\n")
		case 1:
			writeFile(t, home, store, "//npm.pkg.github.com/:_authToken="+v+"\n")
		case 2:
			writeFile(t, home, store, "github.com:\n    oauth_token: "+v+"\n    user: someone\n")
		}
	}

	// The check can fail: every value has runs it looks for.
	for _, v := range values {
		if leakedRun(v.value, v) == "" {
			t.Errorf("a %s value has no 8-character run of its random part that the audit checks", v.format)
		}
	}
	env := map[string]string{"HOME": home}
	checked := 0
	for _, mode := range [][]string{{"-q"}, nil, {"-v"}} {
		out := t.TempDir()
		args := append([]string{"scan", root, "--history", "--home", "--allow-partial"}, mode...)
		for _, f := range report.Formats() {
			args = append(args, "-o", string(f)+"="+filepath.Join(out, string(f)))
		}
		res := run(t, env, args...)
		if res.code != ExitOK {
			t.Fatalf("%v: exit %d: %s", mode, res.code, res.err)
		}
		texts := map[string]string{"stdout": res.out, "stderr": res.err}
		for _, f := range report.Formats() {
			data, err := os.ReadFile(filepath.Join(out, string(f)))
			if err != nil {
				t.Fatal(err)
			}
			texts[string(f)] = string(data)
		}
		if mode == nil && strings.Count(texts["csv"], "\n") < len(values)/2 {
			t.Fatalf("only %d findings for %d values: the audit is not exercising the detectors", strings.Count(texts["csv"], "\n")-1, len(values))
		}
		if mode == nil && !strings.Contains(texts["json"], "deploy.env") {
			t.Fatal("no finding in the directory named like a token: its path is not exercised")
		}
		for name, text := range texts {
			checked++
			for _, v := range values {
				if piece := leakedRun(text, v); piece != "" {
					t.Errorf("%v %s: holds 8 characters of the random part of a %s value (at offset %d of the value)", mode, name, v.format, strings.Index(v.value, piece))
				}
			}
		}
	}
	t.Logf("%d values of %d formats, %d outputs searched for every 8-character run of their random parts", len(values), len(secrets.Formats()), checked)
}

// leakedRun returns the first 8-character run of v's random part that text
// holds ("" when none). Structure is not the secret: a run with a space,
// quote, colon, brace or line break (PEM armour and headers, JSON keys), or
// one that the format's templates write literally, is not looked for.
func leakedRun(text string, v auditValue) string {
	s := v.value[v.random:]
	for i := 0; i+8 <= len(s); i++ {
		piece := s[i : i+8]
		if strings.ContainsAny(piece, " \t\n\r\"':{},[]") || strings.Contains(piece, "--") || literalIn(v.format, piece) {
			continue
		}
		if occursOutsideHashes(text, piece, v.value) {
			return piece
		}
	}
	return ""
}

// occursOutsideHashes reports whether text holds piece other than inside a
// run of 32 or more hex digits (dashes allowed: a UUID made of a hash) that
// is not part of the value — a fingerprint, a commit id, a line hash, a
// finding's UUID, where 8 hex digits of a hex token
// turn up by chance (about once in 2,000 runs for each hex value: seen,
// AGENTREACH_AUDIT_SEED=1796139729211513389 in a finding's fingerprint).
func occursOutsideHashes(text, piece, value string) bool {
	isHex := func(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
	for from := 0; ; {
		i := strings.Index(text[from:], piece)
		if i < 0 {
			return false
		}
		i += from
		from = i + 1
		// The run around it, dashes included (a UUID made of a hash).
		inRun := func(c byte) bool { return isHex(c) || c == '-' }
		s, e := i, i+len(piece)
		for s > 0 && inRun(text[s-1]) {
			s--
		}
		for e < len(text) && inRun(text[e]) {
			e++
		}
		hexRun, digits := true, 0
		for k := i; k < i+len(piece); k++ {
			hexRun = hexRun && isHex(text[k])
		}
		for k := s; k < e; k++ {
			if isHex(text[k]) {
				digits++
			}
		}
		if !hexRun || digits < 32 || strings.Contains(value, text[s:e]) {
			return true
		}
	}
}

// literalIn reports whether a format's example or sample templates write
// piece literally (outside their {…} placeholders).
func literalIn(formatID, piece string) bool {
	for _, f := range secrets.Formats() {
		if f.ID != formatID {
			continue
		}
		tmpls := []string{f.Example}
		for _, s := range f.Samples {
			tmpls = append(tmpls, s.Text)
		}
		for _, t := range tmpls {
			t = strings.NewReplacer("⟦", "", "⟧", "").Replace(t)
			for _, frag := range placeholderRe.Split(t, -1) {
				if strings.Contains(frag, piece) {
					return true
				}
			}
		}
	}
	return false
}

var placeholderRe = regexp.MustCompile(`\{[^{}]*\}`)

// expandSampleText expands a sample template and returns the text and the
// span of the value marked ⟦…⟧ (start -1 without a mark).
func expandSampleText(r interface{ Uint64() uint64 }, tmpl string) (string, int, int) {
	rr := faketoken.Rand(r.Uint64())
	pre, rest, ok := strings.Cut(tmpl, "⟦")
	if !ok {
		return faketoken.Expand(rr, tmpl), -1, -1
	}
	mid, post, _ := strings.Cut(rest, "⟧")
	a, b, c := faketoken.Expand(rr, pre), faketoken.Expand(rr, mid), faketoken.Expand(rr, post)
	return a + b + c, len(a), len(a) + len(b)
}
