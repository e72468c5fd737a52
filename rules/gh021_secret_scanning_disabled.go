package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// SecretScanningDisabled is AR-GH-021.
var SecretScanningDisabled = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-021",
		Name:     "secret-scanning-disabled",
		Title:    "Secret scanning or push protection disabled",
		Severity: inventory.SeverityMedium,
		Score:    5.0,
		Escalation: "medium 5.0. One result per organisation for its private and internal repositories (enabling is one " +
			"organisation-wide security configuration), and one per public repository, where a committed credential is public " +
			"at once. Archived repositories are left out.",
		Description: "Secret scanning finds credentials committed to a repository and push protection blocks them before they land. " +
			"Where either is off, a token an agent or a person commits stays in the history unnoticed, readable by every agent and CI " +
			"job that checks the repository out.",
		Frameworks:  []Mapping{NHI(2), CSF("PR.DS-01"), CISRef("2.3.8")},
		Source:      "GitHub organisation scan: repositories' `security_and_analysis` (returned to administrators and security managers)",
		Remediation: "Enable secret scanning and push protection for every repository: organisation settings → Code security → configurations.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, "/orgs/{org}/repos (security_and_analysis)")
		inv := c.Inventory
		off := map[string][]string{} // source → what is off
		var order []string
		for _, s := range inv.Settings {
			if (s.Name != inventory.SettingSecretScanning && s.Name != inventory.SettingPushProtection) || s.Value == "enabled" {
				continue
			}
			src := inv.SourceByID(s.Source)
			if src == nil || src.Repo == nil || src.Repo.Archived {
				continue
			}
			what := "secret scanning"
			if s.Name == inventory.SettingPushProtection {
				what = "push protection"
			}
			if _, ok := off[s.Source]; !ok {
				order = append(order, s.Source)
			}
			off[s.Source] = append(off[s.Source], what)
		}
		slices.Sort(order)
		byOrg := map[string][]string{}
		var orgs []string
		for _, id := range order {
			src := inv.SourceByID(id)
			if src.Repo.Public() || src.Repo.Org == "" {
				c.Report(Result{Subject: inventory.Scoped(id, "setting:secret_scanning"), Location: repoSettingLocation(src),
					Message: fmt.Sprintf("Repository %s (%s) has %s off: a credential committed to it is neither blocked nor reported.",
						src.Repo.FullName, src.Repo.Visibility, strings.Join(off[id], " and "))})
				continue
			}
			if _, ok := byOrg[src.Repo.Org]; !ok {
				orgs = append(orgs, src.Repo.Org)
			}
			byOrg[src.Repo.Org] = append(byOrg[src.Repo.Org], fmt.Sprintf("%s (%s)", src.Repo.FullName, strings.Join(off[id], ", ")))
		}
		slices.Sort(orgs)
		for _, org := range orgs {
			repos := byOrg[org]
			more := ""
			shown := repos
			if len(shown) > 5 {
				shown, more = shown[:5], fmt.Sprintf(" and %d more", len(repos)-5)
			}
			c.Report(Result{Subject: inventory.Scoped(org, "setting:secret_scanning"),
				Location: inventory.Location{Source: org, Path: "github/" + orgLogin(inv, org) + "/settings/security_and_analysis"},
				Message: fmt.Sprintf("%d private or internal %s of %s have secret scanning or push protection off: %s%s. Credentials committed "+
					"there are neither blocked nor reported.", len(repos), plural(len(repos), "repository", "repositories"), orgLogin(inv, org),
					strings.Join(shown, "; "), more)})
		}
	},
}

func repoSettingLocation(src *inventory.Source) inventory.Location {
	return inventory.Location{Source: src.ID, Root: src.Path, Path: "github/" + src.Repo.FullName + "/settings/security_and_analysis"}
}
