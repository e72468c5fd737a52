// Package secrets detects, classifies and redacts credentials embedded in
// files. It keeps no value once a match is classified: the inventory gets a
// redacted preview (type prefix and last four characters at most) and a
// SHA-256 of the value.
package secrets

import (
	"hash/crc32"
	"regexp"

	"github.com/agentreach/agentreach/inventory"
)

// Format is one credential format the engine detects.
type Format struct {
	ID       string // stable, e.g. github-classic-pat
	Title    string // e.g. GitHub classic personal access token
	Platform string
	Kind     inventory.CredentialKind
	Lifetime inventory.LifetimeClass
	Reach    inventory.ReachClass
	// Prefixes are literal anchors: a match starts with one of them.
	Prefixes []string
	// Pattern matches the whole value at the anchor (it is applied to the
	// bytes starting at the prefix and must match from the first byte).
	Pattern *regexp.Regexp
	// MaxLen bounds how many bytes after the anchor Pattern may consume.
	MaxLen int
	// Verify is an extra structural check such as a checksum; nil accepts.
	Verify func(value []byte) bool
	// Preview is how many leading characters the redacted preview keeps
	// (the type prefix); the last four are always kept.
	Preview int
}

const base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// verifyGitHubChecksum checks the CRC32 that GitHub appends to its tokens:
// the last six characters are the base62 CRC32 of the thirty before them.
func verifyGitHubChecksum(v []byte) bool {
	if len(v) != 40 {
		return false
	}
	body, sum := v[4:34], v[34:]
	n := crc32.ChecksumIEEE(body)
	for i := 5; i >= 0; i-- {
		if sum[i] != base62Alphabet[n%62] {
			return false
		}
		n /= 62
	}
	return true
}

func githubFormat(prefix, id, title string, kind inventory.CredentialKind, lifetime inventory.LifetimeClass) *Format {
	return &Format{
		ID: id, Title: title, Platform: inventory.PlatformGitHub, Kind: kind, Lifetime: lifetime,
		Reach:    inventory.ReachSourceControl,
		Prefixes: []string{prefix},
		Pattern:  regexp.MustCompile(`^` + prefix + `[A-Za-z0-9]{36}`),
		MaxLen:   40,
		Verify:   verifyGitHubChecksum,
		Preview:  len(prefix),
	}
}

// Formats returns the built-in formats.
func Formats() []*Format {
	return []*Format{
		githubFormat("ghp_", "github-classic-pat", "GitHub classic personal access token", inventory.KindClassicPAT, inventory.LifetimeStatic),
		githubFormat("gho_", "github-oauth-token", "GitHub OAuth app access token", inventory.KindOAuthAppToken, inventory.LifetimeStatic),
		githubFormat("ghu_", "github-user-to-server-token", "GitHub App user-to-server token", inventory.KindUserToServerToken, inventory.LifetimeShortLived),
		githubFormat("ghs_", "github-installation-token", "GitHub App installation token", inventory.KindInstallationToken, inventory.LifetimeShortLived),
		githubFormat("ghr_", "github-refresh-token", "GitHub App refresh token", inventory.KindRefreshToken, inventory.LifetimeRefresh),
		{
			ID: "github-fine-grained-pat", Title: "GitHub fine-grained personal access token", Platform: inventory.PlatformGitHub,
			Kind: inventory.KindFineGrainedPAT, Lifetime: inventory.LifetimeStatic, Reach: inventory.ReachSourceControl,
			Prefixes: []string{"github_pat_"},
			Pattern:  regexp.MustCompile(`^github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}`),
			MaxLen:   93,
			Preview:  len("github_pat_"),
		},
	}
}
