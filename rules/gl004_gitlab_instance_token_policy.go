package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/agentreach/agentreach/inventory"
)

// GitLabInstanceTokenPolicy is AR-GL-004.
var GitLabInstanceTokenPolicy = &Rule{
	Metadata: Metadata{
		ID:       "AR-GL-004",
		Name:     "gitlab-instance-token-lifetime-policy",
		Title:    "Instance token-lifetime policy weak (self-managed)",
		Severity: inventory.SeverityMedium,
		Score:    5.5,
		Escalation: "medium 5.5, one result per instance naming every weak point: `require_personal_access_token_expiry` false, " +
			"`max_personal_access_token_lifetime` unset or above MAX_TTL (90 days by default), " +
			"`service_access_tokens_expiration_enforced` false. Only an administrator can read the settings: a scan of a " +
			"self-managed instance without one says the rule was not evaluable.",
		Description: "The instance lets personal, group, project or service-account tokens be created without an expiry, or with one " +
			"further away than MAX_TTL. Every token created under that policy can outlive the reason it was made and the person " +
			"who made it; the instance-wide policy is the one place that bounds them all.",
		Frameworks:  []Mapping{NHI(7), CSF("PR.AA-01"), AIRMF("GOVERN 1.3")},
		Source:      "GitLab group scan by an administrator: instance application settings (`GET /application/settings`)",
		Remediation: "Require an expiry for access tokens and cap their lifetime at 90 days (Admin area → Settings → General → Account and limit: enforce expiration, maximum allowable lifetime), and enforce expiry for service accounts' tokens.",
		Precision:   PrecisionVeryHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, glEndpointSettings)
		inv, maxDays := c.Inventory, int(c.Thresholds.MaxTTL/day)
		settings := glSettings(inv)
		var ids []string
		for id, byName := range settings {
			if _, ok := byName[glSettingRequirePATExpiry]; ok {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		read := map[string]bool{}
		for _, id := range ids {
			byName := settings[id]
			host := instanceHost(inv, id)
			read[host] = true
			var weak []string
			var loc *inventory.Location
			note := func(name, fact string) {
				weak = append(weak, fact)
				if loc == nil {
					l := byName[name].Location
					loc = &l
				}
			}
			if s, ok := byName[glSettingRequirePATExpiry]; ok && s.Value == "false" {
				note(s.Name, "access tokens may be created without an expiry (`require_personal_access_token_expiry: false`)")
			}
			if s, ok := byName[glSettingMaxPATLifetime]; ok {
				n, err := strconv.Atoi(s.Value)
				switch {
				case err != nil || n <= 0:
					note(s.Name, "no maximum token lifetime is set (`max_personal_access_token_lifetime` is empty)")
				case n > maxDays:
					note(s.Name, fmt.Sprintf("the maximum token lifetime is %s (`max_personal_access_token_lifetime: %d`), beyond the %s limit",
						days(time.Duration(n)*day), n, dayLimit(c.Thresholds.MaxTTL)))
				}
			}
			if s, ok := byName[glSettingServiceTokenExpiry]; ok && s.Value == "false" {
				note(s.Name, "service accounts' tokens may be created without an expiry (`service_access_tokens_expiration_enforced: false`)")
			}
			if len(weak) == 0 {
				continue
			}
			c.Report(Result{
				Subject:  inventory.Scoped(id, "setting:token-lifetime-policy"),
				Location: *loc,
				Message: fmt.Sprintf("The GitLab instance %s has a weak token-lifetime policy: %s. Every token created under it can stay "+
					"valid for longer than anyone needs it, wherever it was copied. Require an expiry and cap the lifetime at %s "+
					"(Admin area → Settings → General → Account and limit), and enforce expiry for service accounts' tokens.",
					host, strings.Join(weak, "; "), days(c.Thresholds.MaxTTL)),
				Properties: map[string]string{"weak_settings": strconv.Itoa(len(weak))},
			})
		}
		// A self-managed instance the scan read without an administrator:
		// its policy is not readable, and the rule would pass silently.
		var unread []string
		failed := map[string]bool{}
		for _, cov := range c.Coverage {
			if cov.Source == inventory.PlatformGitLab && cov.Path == glEndpointSettings {
				failed[cov.Target] = true
			}
		}
		for _, cov := range c.Coverage {
			if cov.Source != inventory.PlatformGitLab || cov.Path != "scanner credential" {
				continue
			}
			host, _, _ := strings.Cut(cov.Target, "/")
			if host == "" || host == "gitlab.com" || read[host] || failed[host] || slices.Contains(unread, host) {
				continue
			}
			unread = append(unread, host)
		}
		if len(unread) > 0 {
			slices.Sort(unread)
			c.NotEvaluable(fmt.Sprintf("%s was not read for %s: the instance's token-lifetime policy is readable by an administrator "+
				"only, and the scanner's GitLab user is not one", glEndpointSettings, joinQuoted(unread, 3)))
		}
	},
}

// instanceHost is the host of a GitLab instance source.
func instanceHost(inv *inventory.Inventory, id string) string {
	if src := inv.SourceByID(id); src != nil && src.Host != "" {
		return src.Host
	}
	rest := strings.TrimPrefix(id, inventory.PlatformGitLab+":")
	host, _, _ := strings.Cut(rest, "/")
	return host
}
