package github

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v93/github"

	"github.com/agentreach/agentreach/inventory"
)

// secretScanningAlerts lists the organisation's open secret-scanning
// alerts: credentials GitHub found committed. The listing can carry the
// leaked value; the scanner asks GitHub to hide it (hide_secret=true), never
// lets the answer into its cache (internal/apitransport keeps
// secret-scanning endpoints out) and copies only the alert's metadata.
func (col *collector) secretScanningAlerts(ctx context.Context) {
	const endpoint = "/orgs/{org}/secret-scanning/alerts"
	u := fmt.Sprintf("orgs/%s/secret-scanning/alerts?state=open&hide_secret=true&per_page=100", col.org)
	n := 0
	for pages := 0; u != "" && pages < 1000; pages++ {
		req, err := col.c.client.NewRequest(ctx, http.MethodGet, u, nil)
		if err != nil {
			col.fail(col.src.Path, endpoint, err)
			return
		}
		var alerts []*gh.SecretScanningAlert
		resp, err := col.c.client.Do(req, &alerts)
		if err != nil {
			if isStatus(err, http.StatusNotFound) {
				col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Path: endpoint, Status: inventory.CoverageFailed,
					Reason: "404: secret scanning is not enabled for the organisation, or the credential may not read its alerts; " + needs(endpoint)})
				return
			}
			col.fail(col.src.Path, endpoint, err)
			return
		}
		for _, a := range alerts {
			col.addAlert(a)
			a.Secret = nil // never kept
			n++
		}
		u = ""
		switch {
		case resp.After != "":
			u = fmt.Sprintf("orgs/%s/secret-scanning/alerts?state=open&hide_secret=true&per_page=100&after=%s", col.org, resp.After)
		case resp.NextPage != 0:
			u = fmt.Sprintf("orgs/%s/secret-scanning/alerts?state=open&hide_secret=true&per_page=100&page=%d", col.org, resp.NextPage)
		}
	}
	col.out.AddCoverage(inventory.Coverage{Source: Source, Target: col.src.Path, Path: endpoint, Status: inventory.CoverageComplete, Count: n,
		Reason: fmt.Sprintf("%d open secret-scanning alerts", n)})
}

func (col *collector) addAlert(a *gh.SecretScanningAlert) {
	full := a.GetRepository().GetFullName()
	if full == "" {
		return
	}
	src := inventory.PlatformSourceID(inventory.PlatformGitHub, col.s.host, full)
	num := strconv.Itoa(a.GetNumber())
	name := a.GetSecretTypeDisplayName()
	if name == "" {
		name = a.GetSecretType()
	}
	facts := &inventory.AlertFacts{Number: a.GetNumber(), State: a.GetState(), SecretType: a.GetSecretType(), Validity: a.GetValidity(),
		PubliclyLeaked: a.GetPubliclyLeaked(), MultiRepo: a.GetMultiRepo(), PushProtectionBypassed: a.GetPushProtectionBypassed(),
		BypassedBy: a.GetPushProtectionBypassedBy().GetLogin(), URL: a.GetHTMLURL()}
	col.out.AddCredential(inventory.Credential{ID: inventory.Scoped(src, "secret-scanning-alert:"+num), Kind: inventory.KindLeakedSecret,
		Platform: inventory.PlatformGitHub, Type: "github-secret-scanning-alert", Name: name,
		Storage: "committed to " + full + " (found by GitHub secret scanning)", Scope: &inventory.Scope{Kind: "repository", Target: full},
		Lifetime: inventory.LifetimeUnknown, CreatedAt: ts(a.CreatedAt),
		Revocation: "revoke the credential at its issuer, then close alert " + num + " of " + full,
		Locations:  []inventory.Location{{Source: src, Root: col.s.host + "/" + full, Path: "github/" + full + "/secret-scanning/alerts/" + num}},
		API:        &inventory.APIFacts{Alert: facts}})
}

// securitySettings records a repository's secret-scanning settings, which
// GitHub returns with the repository to administrators and security
// managers only.
func (col *collector) securitySettings(w *repoWork) bool {
	sa := w.r.GetSecurityAndAnalysis()
	if sa == nil || (sa.SecretScanning == nil && sa.SecretScanningPushProtection == nil) {
		return false
	}
	status := func(s *string) string {
		if s == nil || *s == "" {
			return "unknown"
		}
		return *s
	}
	if sa.SecretScanning != nil {
		col.out.AddSetting(inventory.Setting{Source: w.src.ID, Name: inventory.SettingSecretScanning, Value: status(sa.SecretScanning.Status),
			Location: repoLoc(w.src, "settings/security_and_analysis/secret_scanning")})
	}
	if sa.SecretScanningPushProtection != nil {
		col.out.AddSetting(inventory.Setting{Source: w.src.ID, Name: inventory.SettingPushProtection, Value: status(sa.SecretScanningPushProtection.Status),
			Location: repoLoc(w.src, "settings/security_and_analysis/secret_scanning_push_protection")})
	}
	return true
}

// orgOIDC reads the organisation's OIDC subject template.
func (col *collector) orgOIDC(ctx context.Context) {
	t, _, err := col.c.client.Actions.GetOrgOIDCSubjectClaimCustomTemplate(ctx, col.org)
	if err != nil {
		col.fail(col.src.Path, "/orgs/{org}/actions/oidc/customization/sub", err)
		return
	}
	v := strings.Join(t.IncludeClaimKeys, ",")
	if v == "" {
		v = "default"
	}
	col.mu.Lock()
	col.orgOIDCKeys = v
	col.mu.Unlock()
	col.out.AddSetting(inventory.Setting{Source: col.src.ID, Name: inventory.SettingOIDCSubjectClaims, Value: v,
		Location: col.loc("settings/actions/oidc/customization/sub")})
}

// repoOIDC reads a repository's OIDC subject template: its own, or the
// organisation's when it uses the default.
func (col *collector) repoOIDC(ctx context.Context, w *repoWork) {
	t, _, err := col.c.client.Actions.GetRepoOIDCSubjectClaimCustomTemplate(ctx, col.org, w.r.GetName())
	if err != nil {
		col.fail(w.src.Repo.FullName, "/repos/{owner}/{repo}/actions/oidc/customization/sub", err)
		return
	}
	loc := repoLoc(w.src, "settings/actions/oidc/customization/sub")
	if t.GetUseDefault() {
		col.mu.Lock()
		org := col.orgOIDCKeys
		col.mu.Unlock()
		if org == "" {
			org = "default"
		}
		col.out.AddSetting(inventory.Setting{Source: w.src.ID, Name: inventory.SettingOIDCSubjectClaims, Value: org, Location: loc, Inherited: true})
		return
	}
	v := strings.Join(t.IncludeClaimKeys, ",")
	if v == "" {
		v = "default"
	}
	col.out.AddSetting(inventory.Setting{Source: w.src.ID, Name: inventory.SettingOIDCSubjectClaims, Value: v, Location: loc})
}

// dependabotSecrets lists the organisation's Dependabot secrets (names and
// dates): credentials Dependabot's update jobs reach.
func (col *collector) dependabotSecrets(ctx context.Context) {
	secrets, err := collect(col.c.client.Dependabot.ListOrgSecretsIter(ctx, col.org, &gh.ListOptions{PerPage: 100}))
	if err != nil {
		col.fail(col.src.Path, "/orgs/{org}/dependabot/secrets", err)
		return
	}
	for _, sec := range secrets {
		scope := &inventory.Scope{Kind: "all-repositories", Target: col.org}
		if sec.Visibility == "selected" {
			scope = &inventory.Scope{Kind: "selected-repositories", Target: col.org}
		}
		col.out.AddCredential(inventory.Credential{ID: inventory.Scoped(col.src.ID, "github-dependabot-org-secret:"+sec.Name), Kind: inventory.KindActionsSecret,
			Platform: inventory.PlatformGitHub, Type: "github-dependabot-org-secret", Name: sec.Name, Storage: "Dependabot organisation secret",
			Scope: scope, Lifetime: inventory.LifetimeUnknown, CreatedAt: ts(&sec.CreatedAt),
			Revocation: fmt.Sprintf("rotate the value at its issuer, then update or delete the Dependabot secret %s", sec.Name),
			Locations:  []inventory.Location{col.loc("dependabot-secrets/" + sec.Name)},
			API:        &inventory.APIFacts{UpdatedAt: ts(&sec.UpdatedAt), Visibility: sec.Visibility}})
	}
}
