package rules

import (
	"fmt"
	"math"
	"strconv"

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
			"and generic secrets. A passphrase-encrypted private key scores 2.0 less. In an example or documentation (inventory's path-context table: " +
			"examples/, samples/, .env.example, docs/, …) the score is 0.4 times that (low): such values are usually made up, but real " +
			"keys are pasted into them too. A value written only in test files (tests/, *_test.go, *.test.ts, *_spec.rb, testdata/, " +
			"fixtures/, mocks, …) of a source is not reported: on real repositories such values were fixtures each time one was " +
			"read. The inventory lists it (credentials[].context is test) and the report counts it; scan.test_credentials: report " +
			"in .agentreach.yml reports it too, at 0.4 times its score. A test-file place of a value that a product file also " +
			"holds is a related location of that finding. A value public by design or published (an emulator's " +
			"documented key, an installed app's OAuth client secret, a published test key or sample token) is not reported: the " +
			"inventory lists it with the reason (credentials[].public). Nor is a made-up value whose random part the file also writes after " +
			"another token-type prefix (ghp_ and ghs_, glrt- and glcbt-; credentials[].synthetic). One value " +
			"is one finding per source, scored at its worst place; its other places are related locations.",
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
		for _, g := range credentialPlaces(c) {
			if g.cred.Public != "" {
				// Public by design (an emulator key, a published test CA key, a
				// documented sample token): recognised in the inventory with
				// the reason (credentials[].public), not reported.
				continue
			}
			if g.cred.Synthetic != "" {
				// Made up: the file writes its random part after several
				// token-type prefixes (credentials[].synthetic).
				continue
			}
			if !c.ReportTestCredentials && inventory.SharedContext(g.locs) == inventory.ContextTest {
				// Written only in test files in this source: usually a
				// fixture. The inventory lists it (credentials[].context);
				// scan.test_credentials: report reports it, ranked low.
				continue
			}
			reportHardcoded(c, g.cred, g.locs)
		}
	},
}

// place is one credential and its locations in one source.
type place struct {
	cred *inventory.Credential
	locs []inventory.Location
}

// credentialPlaces groups the locations the running rule owns by credential
// and source, in inventory order.
func credentialPlaces(c *Context) []place {
	var out []place
	at := map[string]int{}
	embeddedLocations(c, func(cred *inventory.Credential, l inventory.Location) {
		k := cred.ID + "\x00" + l.Source
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, place{cred: cred})
		}
		out[i].locs = append(out[i].locs, l)
	})
	return out
}

// reportHardcoded reports one credential of one source: at its worst place,
// with every other place as a related location.
func reportHardcoded(c *Context, cred *inventory.Credential, locs []inventory.Location) {
	// The worst place; on a tie, one outside test files (where a reader
	// would not take it for a fixture).
	best, bestScore, bestCtx := 0, 0.0, inventory.ContextNone
	for i, l := range locs {
		s, ctx := hardcodedScore(cred, l)
		if s > bestScore || s == bestScore && bestCtx == inventory.ContextTest && ctx != inventory.ContextTest {
			best, bestScore, bestCtx = i, s, ctx
		}
	}
	l := locs[best]
	related := make([]inventory.Location, 0, len(locs)-1)
	related = append(related, locs[:best]...)
	related = append(related, locs[best+1:]...)
	score, why := hardcodedScore(cred, l)
	msg := fmt.Sprintf("%s %s in %s: it %s.", article(credentialLabel(cred)), "is written", where(l), gitPhrase(l.Git)) +
		lifetimeSentence(cred)
	props := map[string]string{"git": string(l.Git), "lifetime": string(cred.Lifetime), "reach": string(cred.Reach)}
	switch {
	case why != inventory.ContextNone:
		msg += fmt.Sprintf(" The file is %s, where credentials are usually made-up fixtures, so it is ranked low; rotate it if it is real.",
			why.Phrase())
		props["context"] = string(why)
	}
	if n := len(related); n > 0 {
		one := " one credential, one rotation;"
		msg += fmt.Sprintf(" The same value is written in %d more %s of this source:%s %s",
			n, plural(n, "place", "places"), one, plural(n, "it is listed as a related location", "they are listed as related locations"))
		if n > inventory.MaxRelatedShown {
			msg += fmt.Sprintf(" (SARIF shows the first %d, the JSON report all)", inventory.MaxRelatedShown)
		}
		msg += "."
		props["locations"] = strconv.Itoa(n + 1)
	}
	c.Report(Result{
		Subject:    inventory.Scoped(l.Source, cred.ID),
		Location:   l,
		Related:    related,
		Score:      score,
		Credential: cred.ID,
		Message:    msg,
		Properties: props,
	})
}

// hardcodedScore scores one place of an embedded credential: its base
// score (embeddedScore), ranked low in a test, example or documentation
// file.
func hardcodedScore(c *inventory.Credential, l inventory.Location) (float64, inventory.PathContext) {
	score := embeddedScore(c, l)
	ctx := inventory.ContextOf(l.Path)
	if ctx != inventory.ContextNone {
		score = math.Round(max(score*0.4, 1.0)*10) / 10
	}
	return score, ctx
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
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
