package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// embeddedLocations calls fn for every location of every embedded credential
// that the running rule owns: inventory's file-kind table names one owning
// rule per kind of file, in a tree and in a home (inventory.EmbeddedOwner).
func embeddedLocations(c *Context, fn func(cred *inventory.Credential, l inventory.Location)) {
	inv := c.Inventory
	for i := range inv.Credentials {
		cred := &inv.Credentials[i]
		if cred.Kind != inventory.KindEmbeddedKey {
			continue
		}
		for _, l := range cred.Locations {
			if inventory.EmbeddedOwner(l) == c.rule.ID {
				fn(cred, l)
			}
		}
	}
}

// credentialLabel names a credential for a message: its name and its
// redacted preview, never its value.
func credentialLabel(c *inventory.Credential) string {
	name := c.Name
	if name == "" {
		name = string(c.Kind)
	}
	if c.Redacted != "" {
		return fmt.Sprintf("%s (%s)", name, c.Redacted)
	}
	return name
}

// gitPhrase says who can read a file in the given git state.
func gitPhrase(g inventory.GitState) string {
	switch g {
	case inventory.GitTracked:
		return "is committed, so every agent, CI job and person with read access to the repository can use it"
	case inventory.GitHistory:
		return "is in the repository's history, so everyone with read access to the repository can still recover and use it"
	case inventory.GitIgnored:
		return "is in a git-ignored file, which any agent working in this checkout can still read"
	case inventory.GitUntracked:
		return "is in an untracked file, which any agent working in this checkout can read"
	case inventory.GitUncommitted:
		return "is an uncommitted change to a tracked file, which any agent working in this checkout can read and the next commit would publish"
	default:
		return "can be read by any agent working in this tree"
	}
}

// where renders "path" or "path line N".
func where(l inventory.Location) string {
	if l.Line > 0 {
		return fmt.Sprintf("%s line %d", l.Path, l.Line)
	}
	return l.Path
}

// committed reports whether a location leaked through git.
func committed(l inventory.Location) bool {
	return l.Git == inventory.GitTracked || l.Git == inventory.GitHistory
}

// embeddedSubject is the identity of one embedded credential in one file.
func embeddedSubject(c *inventory.Credential, l inventory.Location) string {
	s := "file:" + l.Path
	if l.Commit != "" && l.Git == inventory.GitHistory {
		s += "@" + l.Commit
	}
	return inventory.Scoped(l.Source, s+"#"+c.ID)
}

func article(s string) string {
	if s == "" {
		return s
	}
	switch strings.ToLower(s[:1]) {
	case "a", "e", "i", "o", "u":
		return "An " + s
	}
	return "A " + s
}
