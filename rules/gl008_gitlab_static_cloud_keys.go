package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// GitLabStaticCloudKeys is AR-GL-008: jobs of a .gitlab-ci.yml that use
// static cloud keys (the file part), and the CI/CD variables a GitLab
// group scan lists that hold them (the API part), where the pipeline
// declares no id_tokens.
var GitLabStaticCloudKeys = &Rule{
	Metadata: Metadata{
		ID:       "AR-GL-008",
		Name:     "gitlab-static-cloud-keys",
		Title:    "Static cloud keys in CI variables where ID tokens are available",
		Severity: inventory.SeverityHigh,
		Score:    8.0,
		Escalation: "high 8.0; critical 9.1 when a coding agent runs in the job (the file part) or reaches the variable (the API " +
			"part: a job that names it, or for a group variable a job of a project that inherits it). From a GitLab group scan, a " +
			"group or project variable named like a static cloud key (`GOOGLE_APPLICATION_CREDENTIALS` as a file variable) or whose " +
			"value the detection engine recognises as one (an AWS access key or secret, a Google service account key, an Azure " +
			"client secret) is reported when no pipeline of the projects that get it declares `id_tokens:` — unless a job's use of " +
			"it is reported already.",
		Description: "A GitLab pipeline uses static cloud keys from CI/CD variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, " +
			"`ARM_CLIENT_SECRET`, `AZURE_CLIENT_SECRET`, `GOOGLE_APPLICATION_CREDENTIALS`) and declares no `id_tokens:` anywhere, " +
			"although GitLab's ID tokens can be exchanged for short-lived cloud credentials.",
		Frameworks: []Mapping{NHI(6), NHI(7), NHI(4), ASI(3), Maestro("L4/T3"), CSF("PR.AA-03"), CSF("PR.AA-04")},
		Source: ".gitlab-ci.yml and its local includes; GitLab group scan: group and project CI/CD variables (`GET /groups/:id/variables`, " +
			"`GET /projects/:id/variables`, values classified in memory and dropped) and each project's .gitlab-ci.yml",
		Remediation: "Declare `id_tokens:` with a specific `aud` and federate with the cloud (AWS `AssumeRoleWithWebIdentity`, GCP workload identity, Azure federated credentials); then delete the static variables.",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		inv := c.Inventory
		covered := map[string]bool{}
		for wi := range inv.Workflows {
			wf := &inv.Workflows[wi]
			if wf.Platform != inventory.PlatformGitLab || glDeclaresIDTokens(wf) {
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
					covered[r.Credential] = true
					if ref := inv.Credential(r.Credential); ref != nil {
						for _, b := range ref.Backing {
							covered[b] = true
						}
					}
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
		glStaticCloudVariables(c, covered)
	},
}

// glDeclaresIDTokens reports a GitLab pipeline with a job that declares
// id_tokens.
func glDeclaresIDTokens(wf *inventory.Workflow) bool {
	return slices.ContainsFunc(wf.Jobs, func(j inventory.Job) bool { return len(j.IDTokens) > 0 })
}

// staticCloudValueTypes are the detection engine's types of static cloud
// keys that an ID-token federation replaces (scanners/secrets formats).
var staticCloudValueTypes = []string{"aws-access-key-id", "aws-secret-access-key", "gcp-service-account-key", "azure-ad-client-secret",
	"azure-client-secret"}

// staticCloudVariable reports a listed CI/CD variable that holds a static
// cloud key: its value is one, or its key names one (a
// GOOGLE_APPLICATION_CREDENTIALS variable holds the key only as a file
// variable; as an environment variable it is a path).
func staticCloudVariable(c *inventory.Credential) bool {
	v := c.API.Variable
	if c.Lifetime == inventory.LifetimeShortLived {
		return false // an STS session key: it expires by itself
	}
	if slices.Contains(staticCloudValueTypes, v.ValueType) {
		return true
	}
	if !staticCloudSecretRe.MatchString(c.Name) {
		return false
	}
	return !strings.EqualFold(c.Name, "GOOGLE_APPLICATION_CREDENTIALS") || v.File
}

// glStaticCloudVariables is the API part of AR-GL-008: a group or project
// variable that holds a static cloud key, where no pipeline of a project
// that gets it declares id_tokens. A variable whose use a job's result
// names already (covered) is left to that result.
func glStaticCloudVariables(c *Context, covered map[string]bool) {
	apiGaps(c, glEndpointGroupVariables, glEndpointProjectVariables, glEndpointTree)
	inv := c.Inventory
	federated := map[string]bool{}
	for wi := range inv.Workflows {
		wf := &inv.Workflows[wi]
		if wf.Platform == inventory.PlatformGitLab && glDeclaresIDTokens(wf) {
			federated[wf.Source] = true
		}
	}
	unread := map[string]bool{} // projects whose files were not listed
	for _, cov := range c.Coverage {
		if cov.Source == inventory.PlatformGitLab && cov.Path == glEndpointTree && cov.Incomplete() {
			unread[cov.Target] = true
		}
	}
	ix := newAgentIndex(inv)
	for _, cred := range gitlabCredentials(inv, glVariable) {
		if covered[cred.ID] || !staticCloudVariable(cred) {
			continue
		}
		var projects []*inventory.Source
		if cred.Type == typeGLProjectVar {
			src, _ := inventory.Unscoped(cred.ID)
			if p := inv.SourceByID(src); p != nil && glProject(p) && !p.Repo.Archived {
				projects = append(projects, p)
			}
			if len(projects) == 0 {
				continue
			}
		} else {
			for _, p := range glProjectsUnder(inv, glTarget(cred)) {
				if own := inv.Credential(inventory.GitLabVariableID(p.ID, cred.Name)); own != nil && own.Type == typeGLProjectVar {
					continue // the project's own variable of that key shadows the group's
				}
				projects = append(projects, p)
			}
		}
		var lacking []string
		for _, p := range projects {
			if !federated[p.ID] && !unread[p.Repo.FullName] {
				lacking = append(lacking, p.Repo.FullName)
			}
		}
		if len(lacking) == 0 && len(projects) > 0 {
			continue // every project that gets it federates already, or its pipeline was not read
		}
		var where string
		switch {
		case cred.Type == typeGLProjectVar:
			where = fmt.Sprintf("no job of %s's pipeline declares `id_tokens:`", lacking[0])
		case len(projects) == 0:
			where = "no pipeline of the group's active projects in the scan inherits it with `id_tokens:` declared"
		default:
			where = fmt.Sprintf("%d %s that %s it (%s) %s no `id_tokens:` in %s pipeline", len(lacking),
				plural(len(lacking), "project", "projects"), plural(len(lacking), "inherits", "inherit"), joinQuoted(lacking, 3),
				plural(len(lacking), "declares", "declare"), plural(len(lacking), "its", "their"))
		}
		what := "a static cloud key"
		if t := cred.API.Variable.ValueType; t != "" {
			what += " (" + t
			if cred.Redacted != "" {
				what += ", " + cred.Redacted
			}
			what += ")"
		}
		score, agents, agent := agentReachable(ix, 8.0, cred.ID)
		c.Report(Result{
			Subject:    cred.ID,
			Location:   apiLocation(cred),
			Credential: cred.ID,
			Agent:      agent,
			Score:      score,
			Message: fmt.Sprintf("The %s holds %s, and %s: the key stays valid until someone rotates it, wherever a job copies or "+
				"leaks it, while GitLab's ID tokens can be exchanged for short-lived cloud credentials.%s Declare `id_tokens:` "+
				"with a specific `aud`, federate with the cloud, then delete the variable.", glCredLabel(inv, cred), what, where, agents),
		})
	}
}
