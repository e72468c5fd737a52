package rules

import (
	"fmt"
	"math"

	"github.com/agentreach/agentreach/inventory"
)

// HardcodedCredential is AR-SC-001.
var HardcodedCredential = &Rule{
	Metadata: Metadata{
		ID:       "AR-SC-001",
		Name:     "hardcoded-credential",
		Title:    "Hard-coded credential in a repository file",
		Severity: inventory.SeverityCritical,
		Score:    9.2,
		Escalation: "Lifetime and git state set the base: a long-lived or refresh credential scores 9.2 (critical) when committed or in " +
			"history and 7.5 (high) when it is only in an untracked, git-ignored or uncommitted part of the checkout; a short-lived one " +
			"6.0 / 4.5; an unknown lifetime 8.0 / 6.5. Reach then lowers the score of credentials that cannot change code, " +
			"infrastructure, money or packages: 0.5 less for LLM API, chat, messaging and productivity keys, 1.0 less for observability " +
			"and generic secrets. A passphrase-encrypted private key scores 2.0 less.",
		Description: "A credential is written in a file that is neither a CI definition nor an agent configuration. " +
			"Every coding agent that works in the checkout can read it, and once committed every person and CI job with read " +
			"access to the repository can too, for as long as the credential lives.",
		Frameworks: []Mapping{NHI(2), NHI(7), ASI(3), Maestro("L6/T3"), CSF("PR.DS-01"), CSF("PR.AA-01")},
		Source:     "Files of local checkouts (detection engine)",
		Remediation: "1. Revoke or rotate the credential first: removing it from the file does not remove it from git history or from the copies agents already read.\n" +
			"2. Load it at run time from a secret manager or an environment variable that the agent's tools do not expose.\n" +
			"3. Prefer short-lived credentials (OIDC, GitHub App installation tokens) over static keys.",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		embeddedLocations(c, func(cred *inventory.Credential, l inventory.Location) {
			c.Report(Result{
				Subject:    embeddedSubject(cred, l),
				Location:   l,
				Score:      embeddedScore(cred, l),
				Credential: cred.ID,
				Message: fmt.Sprintf("%s %s in %s: it %s.", article(credentialLabel(cred)), "is written", where(l), gitPhrase(l.Git)) +
					lifetimeSentence(cred),
				Properties: map[string]string{"git": string(l.Git), "lifetime": string(cred.Lifetime), "reach": string(cred.Reach)},
			})
		})
	},
}

// embeddedScore scores an embedded credential by lifetime class, git state
// and reach class (see the rule's Escalation).
func embeddedScore(c *inventory.Credential, l inventory.Location) float64 {
	var leaked, local float64
	switch c.Lifetime {
	case inventory.LifetimeShortLived:
		leaked, local = 6.0, 4.5
	case inventory.LifetimeStatic, inventory.LifetimeRefresh:
		leaked, local = 9.2, 7.5
	default:
		leaked, local = 8.0, 6.5
	}
	score := local
	if committed(l) {
		score = leaked
	}
	switch c.Reach {
	case inventory.ReachLLMAPI, inventory.ReachChat, inventory.ReachMessaging, inventory.ReachProductivity:
		score -= 0.5
	case inventory.ReachObservability, inventory.ReachGeneric:
		score -= 1.0
	}
	if c.Type == "private-key-encrypted" {
		score -= 2.0
	}
	return math.Round(max(score, 1.0)*10) / 10
}

func lifetimeSentence(c *inventory.Credential) string {
	switch c.Lifetime {
	case inventory.LifetimeStatic:
		return " It does not expire until someone revokes it."
	case inventory.LifetimeRefresh:
		return " It is a refresh credential that can mint new access tokens."
	case inventory.LifetimeShortLived:
		return " It is short-lived, but may still be valid."
	}
	return ""
}
