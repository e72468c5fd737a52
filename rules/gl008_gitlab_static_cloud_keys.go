package rules

import (
	"fmt"
	"slices"

	"github.com/agentreach/agentreach/inventory"
)

// GitLabStaticCloudKeys is AR-GL-008 (the CI file part).
var GitLabStaticCloudKeys = &Rule{
	Metadata: Metadata{
		ID:         "AR-GL-008",
		Name:       "gitlab-static-cloud-keys",
		Title:      "Static cloud keys in CI variables where ID tokens are available",
		Severity:   inventory.SeverityHigh,
		Score:      8.0,
		Escalation: "high 8.0; critical 9.1 when a coding agent runs in the job.",
		Description: "A GitLab pipeline uses static cloud keys from CI/CD variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, " +
			"`ARM_CLIENT_SECRET`, `AZURE_CLIENT_SECRET`, `GOOGLE_APPLICATION_CREDENTIALS`) and declares no `id_tokens:` anywhere, " +
			"although GitLab's ID tokens can be exchanged for short-lived cloud credentials.",
		Frameworks:  []Mapping{NHI(6), NHI(7), NHI(4), ASI(3), Maestro("L4/T3"), CSF("PR.AA-03"), CSF("PR.AA-04")},
		Source:      ".gitlab-ci.yml and its local includes",
		Remediation: "Declare `id_tokens:` with a specific `aud` and federate with the cloud (AWS `AssumeRoleWithWebIdentity`, GCP workload identity, Azure federated credentials); then delete the static variables.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		for wi := range c.Inventory.Workflows {
			wf := &c.Inventory.Workflows[wi]
			if wf.Platform != inventory.PlatformGitLab {
				continue
			}
			hasIDTokens := false
			for _, j := range wf.Jobs {
				if len(j.IDTokens) > 0 {
					hasIDTokens = true
				}
			}
			if hasIDTokens {
				continue
			}
			reported := map[string]bool{}
			for ji := range wf.Jobs {
				j := jobRef{wf: wf, job: &wf.Jobs[ji]}
				if slices.ContainsFunc(j.job.Steps, func(s inventory.Step) bool { return s.OtherS3Endpoint }) {
					continue // AWS-style keys for an S3-compatible service that is not AWS: no ID-token federation to move to
				}
				for _, r := range j.job.Secrets {
					if reported[r.Name] || !staticCloudSecretRe.MatchString(r.Name) {
						continue
					}
					reported[r.Name] = true
					score := 8.0
					if runsAgent(j.job) {
						score = 9.1
					}
					c.Report(Result{
						Subject:    inventory.Scoped(wf.Source, "workflow:"+wf.Path+":"+r.Credential),
						Location:   r.Location,
						Score:      score,
						Agent:      j.job.Agent,
						Credential: r.Credential,
						Message: fmt.Sprintf("The static cloud key %s is in reach of %s, which %s can start, and the pipeline declares no id_tokens for short-lived federation.",
							r.Name, j.name(), audiencePhrase(j.job.StartableBy)),
					})
				}
			}
		}
	},
}
