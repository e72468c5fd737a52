package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// EnvironmentSecretUnprotected is AR-GH-016 (the environment part).
var EnvironmentSecretUnprotected = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-016",
		Name:     "environment-secret-unprotected",
		Title:    "Deploy/production credentials outside protected environments",
		Severity: inventory.SeverityMedium,
		Score:    6.5,
		Escalation: "medium 6.5; high 7.5 when a coding agent reaches one of the environment's secrets (catalog 1.7). One result " +
			"per environment that holds secrets, naming them and what its protection lacks: required reviewers, a deployment " +
			"branch policy, or administrators not being able to bypass them. Repository secrets with deployment names referenced " +
			"outside an environment are not yet checked.",
		Description: "A deployment environment holds secrets but does not guard them: it has no required reviewers, no deployment " +
			"branch policy, or lets administrators bypass its rules. Environment secrets exist so that a deploy credential is " +
			"handed only to an approved job on a trusted branch; without those rules any workflow run that names the environment " +
			"— from any branch, started by anyone with write access or by an agent — gets them.",
		Frameworks: []Mapping{NHI(8), ASI(3), ASI(9), Maestro("L6/T3"), Maestro("L5/T10"), AIRMF("MAP 3.5"), CSF("PR.AA-05"),
			CISRef("5.2.3")},
		Source:      "GitHub organisation scan: repository environments (`GET /repos/{owner}/{repo}/environments`: protection rules, deployment branch policy, `can_admins_bypass`) and their secrets",
		Remediation: "Protect the environment: add required reviewers, restrict deployment branches to protected branches (or tags), and turn off \"Allow administrators to bypass configured protection rules\".",
		Precision:   PrecisionHigh,
	},
	Check: func(c *Context) {
		apiGaps(c, endpointEnvironments, endpointEnvironmentSec)
		inv := c.Inventory
		ix := newAgentIndex(inv)
		type env struct {
			loc     inventory.Location
			facts   *inventory.APIFacts
			secrets []*inventory.Credential
		}
		envs := map[string]*env{}
		var keys []string
		for _, cred := range githubCredentials(inv, func(c *inventory.Credential) bool {
			return c.Type == typeEnvSecret && c.API != nil && c.API.Environment != ""
		}) {
			loc := apiLocation(cred)
			k := inventory.Scoped(loc.Source, "environment:"+cred.API.Environment)
			e := envs[k]
			if e == nil {
				loc.Path = strings.TrimSuffix(loc.Path, "/secrets/"+cred.Name) // github/OWNER/REPO/environments/ENV
				e = &env{loc: loc, facts: cred.API}
				envs[k] = e
				keys = append(keys, k)
			}
			e.secrets = append(e.secrets, cred)
		}
		slices.Sort(keys)
		for _, k := range keys {
			e := envs[k]
			var gaps []string
			if !e.facts.EnvReviewers {
				gaps = append(gaps, "has no required reviewers")
			}
			if !e.facts.EnvBranchPolicy {
				gaps = append(gaps, "has no deployment branch policy")
			}
			if e.facts.EnvAdminsBypass {
				gaps = append(gaps, "lets administrators bypass its rules")
			}
			if len(gaps) == 0 {
				continue
			}
			var names, ids []string
			for _, s := range e.secrets {
				names = append(names, s.Name)
				ids = append(ids, s.ID)
			}
			score, agents, agent := agentReachable(ix, 6.5, ids...)
			repo := cmpStr(sourceName(inv, e.loc.Source), e.loc.Source)
			c.Report(Result{
				Subject:    k,
				Location:   e.loc,
				Credential: ids[0],
				Agent:      agent,
				Score:      score,
				Message: fmt.Sprintf("The environment %s of %s holds %d %s (%s) but %s: %s.%s Add required reviewers, restrict deployment branches to protected "+
					"ones, and do not let administrators bypass the rules.", e.facts.Environment, repo, len(names),
					plural(len(names), "secret", "secrets"), joinQuoted(names, 6), joinAnd(gaps), envMissing(e.facts, len(names)), agents),
				Properties: map[string]string{"secrets": fmt.Sprint(len(names))},
			})
		}
	},
}

// envMissing says who gets an under-protected environment's secrets.
func envMissing(f *inventory.APIFacts, n int) string {
	them := plural(n, "it", "them")
	run := "any workflow run that names the environment gets " + them + " "
	switch {
	case !f.EnvReviewers && !f.EnvBranchPolicy:
		return run + "without anybody's approval, from any branch"
	case !f.EnvReviewers:
		return run + "without anybody's approval"
	case !f.EnvBranchPolicy:
		return run + "from any branch, once a reviewer approves it"
	}
	return "an administrator's run gets " + them + " without the required review or branch check"
}
