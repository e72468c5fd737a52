package rules

import (
	"fmt"
	"regexp"

	"github.com/agentreach/agentreach/inventory"
)

var staticCloudSecretRe = regexp.MustCompile(`(?i)^(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AZURE_CREDENTIALS|AZURE_CLIENT_SECRET|ARM_CLIENT_SECRET|GOOGLE_CREDENTIALS|GCP_SA_KEY|GCP_CREDENTIALS|GOOGLE_APPLICATION_CREDENTIALS|[A-Z0-9_]*SERVICE_ACCOUNT_KEY)$`)

// StaticCloudKeys is AR-GH-013 (the workflow part).
var StaticCloudKeys = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-013",
		Name:     "static-cloud-keys",
		Title:    "Static cloud keys where OIDC is available",
		Severity: inventory.SeverityHigh,
		Score:    8.0,
		Escalation: "high 8.0; critical 9.1 when a coding agent can reach the key (the catalog's agent-reachable band). From files: " +
			"cloud login steps with static key inputs and secrets named like static cloud keys.",
		Description: "A workflow authenticates to a cloud with a long-lived key — `aws-actions/configure-aws-credentials` with " +
			"`aws-access-key-id`, `google-github-actions/auth` with `credentials_json`, `azure/login` with `creds`, or a secret such " +
			"as `AWS_SECRET_ACCESS_KEY` or `GCP_SA_KEY` — although GitHub's OIDC token can be exchanged for short-lived cloud " +
			"credentials bound to this repository and branch.",
		Frameworks:  []Mapping{NHI(6), NHI(7), NHI(4), ASI(3), Maestro("L4/T3"), CSF("PR.AA-03"), CSF("PR.AA-04")},
		Source:      "GitHub Actions workflows",
		Remediation: "Grant `id-token: write` and federate: `role-to-assume` (AWS), `workload_identity_provider` (Google) or `client-id` with `tenant-id` (Azure), with a trust policy that pins the repository and ref in the token's `sub`. Then delete the static key.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		ciJobs(c.Inventory, inventory.PlatformGitHub, func(j jobRef) {
			score := 8.0
			agent := ""
			if ag := agentSteps(j.job); len(ag) > 0 {
				score, agent = 9.1, " — and the "+ag[0].Agent.Product+" agent in the same job can reach it"
			}
			for _, s := range j.job.Steps {
				if s.CloudAuth == nil || s.CloudAuth.StaticKey == "" {
					continue
				}
				c.Report(Result{
					Subject:  j.stepSubject(s) + ":static-key",
					Location: s.Location,
					Score:    score,
					Agent:    j.job.Agent,
					Message: fmt.Sprintf("%s logs in to %s with a static key (`%s`) that %s can put to use by starting the job%s; OIDC federation would issue a short-lived credential instead.",
						capitalize(j.name()), s.CloudAuth.Provider, s.CloudAuth.StaticKey, startersPhrase(j.job.Starters), agent),
				})
			}
			seen := map[string]bool{}
			for _, r := range j.job.Secrets {
				if seen[r.Name] || !staticCloudSecretRe.MatchString(r.Name) {
					continue
				}
				seen[r.Name] = true
				if s := stepAt(j.job, r.Step); s != nil && s.CloudAuth != nil && s.CloudAuth.StaticKey != "" {
					continue // reported at the login step
				}
				if s := stepAt(j.job, r.Step); s != nil && s.OtherS3Endpoint {
					continue // an S3-compatible service that is not AWS: no OIDC federation to move to
				}
				c.Report(Result{
					Subject:    j.subject() + ":" + r.Credential,
					Location:   r.Location,
					Score:      score,
					Agent:      j.job.Agent,
					Credential: r.Credential,
					Message: fmt.Sprintf("%s hands the static cloud key %s to its steps; %s can start the job%s, while OIDC federation would issue a short-lived credential instead.",
						capitalize(j.name()), r.Name, startersPhrase(j.job.Starters), agent),
				})
			}
		})
	},
}
