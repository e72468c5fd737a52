package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// repositoryClaims are the OIDC claims that name one repository. The
// catalog also lists repository_owner_id; the owner names the whole
// organisation, so a template with it alone lets every repository of the
// organisation assume the same cloud role, and it does not count here.
var repositoryClaims = []string{"repo", "repository", "repository_id"}

// WeakOIDCSubject is AR-GH-019 (the API half: the subject templates).
var WeakOIDCSubject = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-019",
		Name:     "weak-oidc-subject",
		Title:    "Weak OIDC subject binding",
		Severity: inventory.SeverityMedium,
		Score:    6.0,
		Escalation: "medium 6.0; high 7.0 when a coding-agent job of a repository where the template is in force can mint OIDC tokens " +
			"(`id-token: write`). One result per organisation for the repositories that keep its template, and one per repository " +
			"that sets a weak template of its own.",
		Description: "GitHub's OIDC tokens carry a subject (`sub`) that cloud trust policies match to decide which workflow may assume " +
			"a role. A custom subject template without a repository claim (`repo`, `repository`, `repository_id`) makes the subject " +
			"the same for many repositories — `repository_owner:acme:context:…` is every repository of acme — so a trust policy " +
			"written against it trusts any workflow in any of them, including one an agent or a fork's pull request can start.",
		Frameworks:  []Mapping{NHI(6), ASI(3), Maestro("L4/T9"), CSF("PR.AA-04")},
		Source:      "GitHub organisation scan: OIDC subject templates (`/orgs/{org}/actions/oidc/customization/sub`, `/repos/{owner}/{repo}/actions/oidc/customization/sub`)",
		Remediation: "Include `repo` (or `repository_id`) in the subject template — `[\"repo\", \"context\"]` — or use GitHub's default subject, and bind each cloud trust policy to the exact `repo:<owner>/<name>:environment:<env>` (or ref).",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, "/orgs/{org}/actions/oidc/customization/sub", "/repos/{owner}/{repo}/actions/oidc/customization/sub")
		inv := c.Inventory
		weak := func(v string) bool {
			if v == "" || v == "default" {
				return false
			}
			return !slices.ContainsFunc(strings.Split(v, ","), func(k string) bool { return slices.Contains(repositoryClaims, strings.TrimSpace(k)) })
		}
		sources := map[string]*inventory.Source{}
		for i := range inv.Sources {
			sources[inv.Sources[i].ID] = &inv.Sources[i]
		}
		// Organisation templates, and the repositories that keep them.
		orgWeak := map[string]inventory.Setting{}
		inForce := map[string][]string{}
		for _, s := range inv.Settings {
			if s.Name != inventory.SettingOIDCSubjectClaims {
				continue
			}
			if src := sources[s.Source]; src == nil || src.Repo == nil {
				if weak(s.Value) {
					orgWeak[s.Source] = s
				}
			}
		}
		for _, s := range inv.Settings {
			src := sources[s.Source]
			if s.Name != inventory.SettingOIDCSubjectClaims || src == nil || src.Repo == nil || src.Repo.Archived || !weak(s.Value) {
				continue
			}
			if _, ok := orgWeak[src.Repo.Org]; ok && s.Inherited {
				inForce[src.Repo.Org] = append(inForce[src.Repo.Org], s.Source)
				continue
			}
			score, agents := oidcAgents(inv, []string{s.Source})
			c.Report(Result{Subject: inventory.Scoped(s.Source, "setting:"+s.Name), Location: s.Location, Score: score,
				Message: fmt.Sprintf("Repository %s sets an OIDC subject template of its own with the claims %s and no repository claim: "+
					"its tokens' subject is shared with other repositories, so a cloud trust policy that matches it trusts their "+
					"workflows too.%s Add `repo` to the template or use the default subject.", src.Repo.FullName, quoteKeys(s.Value), agents)})
		}
		for _, org := range slices.Sorted(maps.Keys(orgWeak)) {
			s := orgWeak[org]
			repos := inForce[org]
			score, agents := oidcAgents(inv, repos)
			c.Report(Result{Subject: inventory.Scoped(org, "setting:"+s.Name), Location: s.Location, Score: score,
				Message: fmt.Sprintf("The organisation %s's OIDC subject template has the claims %s and no repository claim (in force in %d %s "+
					"that use the default): every one of them gets the same kind of subject, so a cloud trust policy matching it trusts "+
					"workflows in all of them.%s Add `repo` to the template.", orgLogin(inv, org), quoteKeys(s.Value), len(repos),
					plural(len(repos), "repository", "repositories"), agents)})
		}
	},
}

// oidcAgents escalates when a coding-agent job in one of the repositories
// can mint OIDC tokens, and names it.
func oidcAgents(inv *inventory.Inventory, repos []string) (float64, string) {
	var names []string
	liveJobs(inv, repos, func(j jobRef) {
		if j.job.EffectivePermissions.Get(inventory.ResIDToken) < inventory.Write {
			return
		}
		if a := codingJob(inv, j); a != nil && len(names) < 3 {
			names = append(names, jobLabel(inv, j))
		}
	})
	if len(names) == 0 {
		return 0, ""
	}
	return 7.0, " A coding agent can mint such tokens: " + strings.Join(names, ", ") + "."
}

func quoteKeys(v string) string {
	var out []string
	for _, k := range strings.Split(v, ",") {
		out = append(out, "`"+strings.TrimSpace(k)+"`")
	}
	return strings.Join(out, ", ")
}
