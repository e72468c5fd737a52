package rules

import (
	"fmt"

	"github.com/agentreach/agentreach/inventory"
)

// ExpiredIgnore is AR-CF-001.
var ExpiredIgnore = &Rule{
	Metadata: Metadata{
		ID:       "AR-CF-001",
		Name:     "expired-ignore",
		Title:    "Expired ignore in .agentreach.yml",
		Severity: inventory.SeverityLow,
		Score:    3.0,
		Description: "An ignore in the agentreach configuration is past its expiry date. It no longer suppresses anything: the findings it " +
			"covered are reported again. Accepted risks must be re-reviewed, not kept silently.",
		Frameworks:  []Mapping{NHI(1), CSF("GV.RM-06"), AIRMF("GOVERN 1.5")},
		Source:      ".agentreach.yml",
		Remediation: "Review the findings the ignore covered. Fix them, or renew the ignore with a new `expires` date, an owner and a current reason.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		for _, ig := range c.Ignores {
			if !ig.Expired(c.Now) {
				continue
			}
			c.Report(Result{
				Subject:  fmt.Sprintf("ignore:%s|%s|%s", ig.Rule, ig.Path, ig.Subject),
				Location: ig.Source,
				Message: fmt.Sprintf("The ignore of %s expired on %s and no longer suppresses findings (owner: %s; reason: %s).",
					ig.describe(), ig.Expires.Format("2006-01-02"), orNone(ig.Owner), ig.Reason),
			})
		}
	},
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
