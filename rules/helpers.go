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
	word, rest, _ := strings.Cut(s, " ")
	// A capitalised plain word (a format title such as "Unencrypted RSA
	// private key" or "Secret in a configuration file") reads mid-sentence
	// in lower case; names and acronyms (GitHub, npm, SSH) keep theirs.
	if len(word) > 1 && word[0] >= 'A' && word[0] <= 'Z' && strings.ToLower(word[1:]) == word[1:] && !properNames[word] {
		word = strings.ToLower(word[:1]) + word[1:]
	}
	phrase := word
	if rest != "" {
		phrase += " " + rest
	}
	if anSound(word) {
		return "An " + phrase
	}
	return "A " + phrase
}

// properNames are capitalised words of format titles that are names, not
// sentence starts.
var properNames = map[string]bool{"Azure": true, "Anthropic": true, "Atlassian": true, "Okta": true, "Heroku": true, "Hugging": true,
	"Google": true, "Slack": true, "Stripe": true, "Docker": true, "Discord": true, "Telegram": true, "Twilio": true, "Shopify": true,
	"Supabase": true, "Databricks": true, "Datadog": true, "Sentry": true, "Linear": true, "Notion": true, "Mailgun": true,
	"Sendgrid": true, "SendGrid": true, "Postman": true, "Pulumi": true, "Kubernetes": true, "Vault": true, "Cloudflare": true,
	"Firebase": true, "Grafana": true, "Replicate": true, "Mistral": true, "Groq": true, "Perplexity": true, "Cohere": true,
	"Figma": true, "Airtable": true, "Asana": true, "Jira": true, "Dropbox": true, "Square": true, "Plaid": true, "Braintree": true,
	"Alibaba": true, "Tencent": true, "Oracle": true, "Snowflake": true, "Mongo": true, "MongoDB": true, "Postgres": true, "PostgreSQL": true,
	"Terraform": true, "Vercel": true, "Netlify": true, "Render": true, "Fly": true, "Railway": true, "Doppler": true, "Infisical": true,
	"Microsoft": true, "Amazon": true, "Apple": true, "Meta": true, "Facebook": true, "Twitter": true, "LinkedIn": true, "Zoom": true}

// anSound reports a word said with a vowel sound first: a vowel letter
// (but "u" as in "URL"), or an acronym whose first letter is said "ef",
// "aitch", "el", "em", "en", "ar", "es" or "ex" (an npm token, an SSH key).
func anSound(word string) bool {
	if word == "" {
		return false
	}
	acronym := strings.ToUpper(word) == word || word == "npm"
	c := strings.ToLower(word[:1])[0]
	if acronym && len(word) > 1 {
		return strings.IndexByte("aefhilmnorsx", c) >= 0
	}
	return strings.IndexByte("aeio", c) >= 0 || c == 'u' && !strings.HasPrefix(strings.ToLower(word), "us") && !strings.HasPrefix(strings.ToLower(word), "uni")
}
