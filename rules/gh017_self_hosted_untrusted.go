package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// SelfHostedUntrusted is AR-GH-017: jobs of workflows that run on
// self-hosted runners for untrusted triggers, and runners an organisation
// scan lists in groups that allow public repositories.
var SelfHostedUntrusted = &Rule{
	Metadata: Metadata{
		ID:       "AR-GH-017",
		Name:     "self-hosted-runner-untrusted-trigger",
		Title:    "Self-hosted runners reachable from public repos or fork PRs",
		Severity: inventory.SeverityHigh,
		Score:    8.5,
		Escalation: "Workflows: high 8.5; critical 9.2 when the job also runs a coding agent. Applies when the repository accepts " +
			"fork pull requests or comments from outsiders — in practice a public repository. `runs-on` expressions are evaluated " +
			"from the file (matrix values, input defaults, `format()`, `fromJSON()`); custom labels that are neither GitHub-hosted " +
			"nor `self-hosted` are reported at low 3.5, hosting unknown. Organisation scan: a runner whose group allows public " +
			"repositories, high 8.5; critical 9.2 when the runner is persistent (not ephemeral); one band higher when a coding " +
			"agent reaches the runner (catalog 1.7: critical 9.5 for an ephemeral one).",
		Description: "A job runs on a self-hosted runner and people without write access can start it (a fork pull request, an issue " +
			"comment, `pull_request_target`), or an organisation's runner sits in a group that public repositories may use. Their " +
			"code or instructions run on your machine: a persistent runner keeps what they leave behind for the next job, and the " +
			"host's network position and cloud credentials are theirs.",
		Frameworks:  []Mapping{NHI(8), NHI(2), ASI(5), Maestro("L4/T11"), CSF("PR.IR-01"), CISRef("2.2.1")},
		Source:      "GitHub Actions workflows; GitHub organisation scan: self-hosted runners and runner groups (`GET /orgs/{org}/actions/runners`, `/runner-groups`: `ephemeral`, `allows_public_repositories`)",
		Remediation: "Run untrusted triggers on GitHub-hosted runners; keep self-hosted runners in private-only runner groups with ephemeral just-in-time runners, and require approval for fork pull request workflows.",
		Precision:   PrecisionMedium,
	},
	Check: func(c *Context) {
		ciJobs(c.Inventory, inventory.PlatformGitHub, func(j jobRef) {
			custom := !j.job.SelfHosted && j.job.RunnerHosting == "unknown"
			if !j.job.SelfHosted && !custom {
				return
			}
			var open []inventory.Starter
			for _, s := range j.job.Starters {
				if untrusted(s.Audience) {
					open = append(open, s)
				}
			}
			if len(open) == 0 {
				return
			}
			agent := ""
			ag := agentSteps(j.job)
			if len(ag) > 0 {
				agent = " and drive the " + ag[0].Agent.Product + " agent there"
			}
			if custom {
				// Hosting unknown: the labels may name a self-hosted runner
				// (or a larger GitHub-hosted or vendor one). Low confidence.
				c.Report(Result{
					Subject:  j.subject() + ":custom-runner",
					Location: j.job.Location,
					Score:    3.5,
					Agent:    j.job.Agent,
					Message: fmt.Sprintf("%s can run code on the runner (%s) of %s%s: hosting unknown — a local scan cannot tell whether %s names a self-hosted runner (where their code would run on your machine) or a larger GitHub-hosted or vendor runner, which is ephemeral.",
						capitalize(startersPhrase(open)), runnerPhrase(j.job), j.name(), agent, quoteList(j.job.RunnerCustomLabels)),
					Properties: map[string]string{"hosting": "unknown", "labels": strings.Join(j.job.RunnerCustomLabels, ",")},
				})
				return
			}
			score := 8.5
			if len(ag) > 0 {
				score = 9.2
			}
			c.Report(Result{
				Subject:  j.subject() + ":self-hosted",
				Location: j.job.Location,
				Score:    score,
				Agent:    j.job.Agent,
				Message: fmt.Sprintf("%s can run code on the self-hosted runner (%s) of %s%s, if the repository takes outside contributions.",
					capitalize(startersPhrase(open)), runnerPhrase(j.job), j.name(), agent),
			})
		})
		publicRunners(c)
	},
}

// publicRunners is the organisation part of AR-GH-017: listed runners
// whose group allows public repositories.
func publicRunners(c *Context) {
	apiGaps(c, endpointRunners, endpointRunnerGroups)
	inv := c.Inventory
	ix := newAgentIndex(inv)
	for _, cred := range githubCredentials(inv, apiRunner) {
		if !cred.API.PublicRepositories {
			continue
		}
		score := 8.5
		machine := "it is ephemeral, so every job starts on a fresh runner, but that runner still runs inside your network"
		if !cred.API.Ephemeral {
			score = 9.2
			machine = "it is persistent (not ephemeral), so whatever one job leaves on the machine — a backdoor, a poisoned " +
				"cache, credentials — waits for the next job, your own included"
		}
		score, agents, agent := agentReachable(ix, score, cred.ID)
		org := apiLocation(cred).Source
		public := "public repositories"
		if n := publicRepos(inv, org); n > 0 && cred.API.GroupVisibility == "all" {
			public = fmt.Sprintf("the %d public %s of %s", n, plural(n, "repository", "repositories"), orgLogin(inv, org))
		}
		c.Report(Result{
			Subject:    cred.ID,
			Location:   apiLocation(cred),
			Credential: cred.ID,
			Agent:      agent,
			Score:      score,
			Message: fmt.Sprintf("The %s is in the runner group %q, which allows public repositories: anyone who can open a "+
				"pull request on %s can get code run on it (GitHub asks for approval only of first-time contributors by "+
				"default); %s.%s Move it to a group limited to private repositories, use ephemeral just-in-time runners, and "+
				"require approval for workflows from fork pull requests.",
				apiCredLabel(inv, cred), cmpStr(cred.API.RunnerGroup, "(unknown)"), public, machine, agents),
		})
	}
}

// publicRepos counts the public, unarchived repositories of an
// organisation the scan read.
func publicRepos(inv *inventory.Inventory, org string) int {
	n := 0
	for _, s := range inv.Sources {
		if s.Repo != nil && s.Repo.Org == org && s.Repo.Public() && !s.Repo.Archived {
			n++
		}
	}
	return n
}

// runnerPhrase names the labels a job runs on: as written, and the label
// sets an expression evaluates to.
func runnerPhrase(j *inventory.Job) string {
	if len(j.RunnerLabels) == 0 {
		return strings.Join(j.RunsOn, ", ")
	}
	var sets []string
	for _, s := range j.RunnerLabels {
		sets = append(sets, strings.Join(s, ", "))
	}
	return strings.Join(j.RunsOn, ", ") + " = " + strings.Join(sets, " | ")
}

func quoteList(ls []string) string {
	q := make([]string, len(ls))
	for i, l := range ls {
		q[i] = "`" + l + "`"
	}
	return strings.Join(q, ", ")
}
