package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// UntrustedInjection is AR-CI-003.
var UntrustedInjection = &Rule{
	Metadata: Metadata{
		ID:       "AR-CI-003",
		Name:     "untrusted-context-injection",
		Title:    "Untrusted context injected into a shell or agent prompt",
		Severity: inventory.SeverityHigh,
		Score:    8.5,
		Escalation: "high 8.5; critical 9.1 when the job holds write permissions or secrets; medium 5.0 for a prompt whose agent can " +
			"only use an allow-list of tools that grants no arbitrary command, in a job with no write permission and no secret but the " +
			"agent's model key (the text steers its answer, not what runs). Quiet when the only trigger is " +
			"`pull_request` (a fork's author already controls the code such runs execute, with a read-only token), and when a gate " +
			"vouches for the text's author: an author_association gate on the same comment, issue or pull request, an actor gate " +
			"on its author, or a same-repository gate for branch names and pull request text — and for events whose payload does " +
			"not hold the text (pull request fields on `issue_comment`). GitLab (where the shell expands variables as data, so only a " +
			"coding agent's prompt carries the text): the comment that mentions an agent and its thread (`$AI_FLOW_INPUT`, " +
			"`$AI_FLOW_CONTEXT`) or a webhook trigger's payload (`$TRIGGER_PAYLOAD`), in any job; a commit's message, title, description or author in a job that can run on protected " +
			"refs (written by any developer whose merge request is merged, read with the protected variables; quiet for merge-request-only " +
			"jobs, whose author controls the configuration anyway), or a pipeline variable the CI file does not define in a job that runs " +
			"for trigger or downstream pipelines (whoever holds a trigger token sets it; a relay of comments hands it the commenters' text); 9.1 when " +
			"the job holds credentials, including the stored variables a group scan shows it receives.",
		Description: "A `${{ }}` expression that an outsider controls (an issue or pull request title or body, a comment, a branch " +
			"name, a commit message) is expanded into a `run:` script, an `actions/github-script` script or a coding agent's prompt " +
			"before the step starts — directly, or through an env variable, a step's output (a script that fetches the pull request's " +
			"title or body, a model's or agent's answer), a job's output or a composite action's or reusable workflow's input. A " +
			"crafted title becomes shell commands, or instructions the agent follows with the job's token and secrets. On GitLab: commit text or a trigger caller's pipeline variable in a coding agent's prompt.",
		Frameworks: []Mapping{NHI(2), ASI(1), ASI(5), Maestro("L3/T6"), Maestro("T11"), CSF("PR.PS-01")},
		Source: "GitHub Actions workflows (actionlint's list of untrusted inputs, extended with workflow_run fields, followed through " +
			"env, outputs and inputs; numbers, SHAs and fixed values stay clean) and the prompts of coding agents in GitLab CI files",
		Remediation: "Pass the value through an environment variable and quote it (`env: TITLE: ${{ github.event.issue.title }}` then " +
			"`\"$TITLE\"`). Do not template untrusted text into a prompt for an agent with privileged tools; let the agent fetch it as " +
			"data with read-only tools.",
		Precision: PrecisionHigh,
	},
	Check: func(c *Context) {
		gitlabPromptInjections(c)
		ciJobs(c.Inventory, inventory.PlatformGitHub, func(j jobRef) {
			privilegedRun := false
			for _, s := range j.job.Starters {
				if s.Privileged {
					privilegedRun = true
				}
			}
			if !privilegedRun {
				return
			}
			secrets := jobSecrets(j.job, false)
			score := 8.5
			if jobWrites(j.job).HasWrite() || len(secrets) > 0 {
				score = 9.1
			}
			gates := vouchingGates(c.Inventory, j)
			for _, s := range j.job.Steps {
				for _, in := range s.Injections {
					origins := in.Origins
					if len(origins) == 0 {
						origins = []string{in.Expression}
					}
					if !slices.ContainsFunc(origins, func(o string) bool { return !gatedAuthor(j.job, gates, o) }) {
						continue
					}
					into := "the shell script"
					product := in.Agent
					if product == "" && s.Agent != nil {
						product = s.Agent.Product
					}
					switch {
					case strings.HasPrefix(in.Into, "prompt"), strings.HasPrefix(in.Into, "agent"):
						into = "the prompt of the " + cmpStr(product, "coding") + " agent"
					case strings.HasPrefix(in.Into, "script"):
						into = "an actions/github-script script"
					}
					if _, through, ok := strings.Cut(in.Into, " through "); ok {
						into += " (through " + through + ")"
					}
					from := ""
					if in.Via != "" {
						from = " (" + in.Via + ")"
					}
					props := map[string]string{"expression": in.Expression, "into": in.Into}
					if len(in.Origins) > 0 {
						props["origins"] = strings.Join(in.Origins, ",")
					}
					msg := fmt.Sprintf("`${{ %s }}`%s is expanded into %s in %s, which %s can start and which holds %s: whoever writes that text controls what runs%s.",
						in.Expression, from, into, j.name(), startersPhrase(j.job.Starters), reachPhrase(j.job, secrets), gateNote(j.job)+builtinNote(j.job, s, in))
					sc := score
					if strings.HasPrefix(in.Into, "prompt") && boxedAgent(j, s) {
						sc = 5.0
						msg = fmt.Sprintf("`${{ %s }}`%s is expanded into %s in %s, which %s can start: whoever writes that text steers the agent, "+
							"but it can only use %s and the job holds no write permission and no secret beyond the agent's model key, so the text "+
							"decides what the agent answers (labels or text that later steps act on), not what runs%s.",
							in.Expression, from, into, j.name(), startersPhrase(j.job.Starters), strings.Join(s.Agent.AllowedTools, ", "),
							gateNote(j.job)+builtinNote(j.job, s, in))
						props["boxed"] = "true"
					}
					c.Report(Result{
						Subject:    j.stepSubject(s) + ":" + in.Expression + injectionSubject(in),
						Location:   in.Location,
						Score:      sc,
						Agent:      j.job.Agent,
						Message:    msg,
						Properties: props,
					})
				}
			}
		})
	},
}

// boxedAgent reports an agent step whose tools are an allow-list that grants
// no arbitrary command (echo, jq, a label edit) in a job that holds no
// write permission and no secret but the agents' own model keys: a prompt
// it reads steers its answer, not what runs.
func boxedAgent(j jobRef, s inventory.Step) bool {
	ag := s.Agent
	if ag == nil || ag.Remote != "" || len(ag.Unrestricted) > 0 || len(ag.AllowedTools) == 0 || len(ag.Unparsed) > 0 {
		return false
	}
	return !jobWrites(j.job).HasWrite() && len(jobSecrets(j.job, true)) == 0 &&
		!slices.ContainsFunc(j.job.Steps, func(x inventory.Step) bool { return x.AppToken != nil || x.CloudAuth != nil })
}

// gateNote says, when gates keep outsiders from starting the job, that they
// vouch for who starts it and not for who wrote the text.
func gateNote(j *inventory.Job) string {
	var kinds []string
	for _, s := range j.Starters {
		if !s.Privileged {
			continue
		}
		if untrusted(s.Audience) {
			return ""
		}
		for _, g := range s.Gates {
			if !slices.Contains(kinds, g) {
				kinds = append(kinds, g)
			}
		}
	}
	if len(kinds) == 0 {
		return ""
	}
	return " (the " + strings.Join(kinds, ", ") + " gate admits whoever starts the job, not whoever wrote the text)"
}

// builtinNote says, for text that reaches an agent's prompt from elsewhere
// than the event, that the agent action's own actor check does not vouch
// for it either.
func builtinNote(j *inventory.Job, s inventory.Step, in inventory.Injection) string {
	ag := s.Agent
	if ag == nil || strings.Contains(in.Into, " through ") || !strings.HasPrefix(in.Into, "prompt") || len(in.Origins) == 0 || untrusted(ag.StartableBy) {
		return ""
	}
	for _, st := range j.Starters {
		if st.Privileged && untrusted(st.Audience) {
			name, _, _ := strings.Cut(ag.Via, "@")
			return fmt.Sprintf(" (%s's own check admits only people with write access to start it, not whoever wrote the text)", name)
		}
	}
	return ""
}

// injectionSubject tells apart the sinks of one expression of a step (a
// composite action's step that passes it to more than one input).
func injectionSubject(in inventory.Injection) string {
	if _, through, ok := strings.Cut(in.Into, " through "); ok {
		return ":" + through
	}
	return ""
}

// gatedAuthor reports whether every privileged start of the job passed a gate
// that vouches for whoever wrote the expression's text. expr is an event
// context path or one of the inventory's Origin values: fetched pull request
// text is vouched for like the event's, and an agent's answer to text it read
// itself by any gate that keeps outsiders from starting the job.
func gatedAuthor(j *inventory.Job, gates []inventory.Gate, expr string) bool {
	seen := false
	for _, s := range j.Starters {
		if !s.Privileged {
			continue
		}
		seen = true
		expr := firstPresent(s.Event, expr)
		if expr == "" || !inPayload(s.Event, expr) {
			continue // e.g. github.event.pull_request.* on issue_comment: the text is not there
		}
		if prEvent(s.Event) && strings.HasPrefix(expr, "github.event.pull_request.") {
			// On pull_request and its review events, a pull request's own
			// text comes from a fork (whose run gets a read-only token and no
			// secrets) or from a branch of the repository (whose author has
			// write access): never an outsider's text in a privileged run.
			continue
		}
		if untrusted(s.Audience) {
			return false
		}
		kinds := s.Gates
		if slices.Contains(kinds, inventory.GateNeeds) {
			for _, g := range gates {
				kinds = append(kinds, g.Kind) // the jobs it needs, or its caller's, passed these
			}
		}
		ok := expr == inventory.OriginAgentOutput
		if slices.Contains(kinds, inventory.GateSameRepository) && (prText(expr) || expr == inventory.OriginFetched) {
			ok = true
		}
		if slices.Contains(kinds, inventory.GateAuthorAssociation) {
			for _, g := range gates {
				for _, d := range strings.Split(g.Detail, "; ") {
					// "a.author_association||b.author_association in …": the
					// object whose author it checks on this event.
					checked, _, _ := strings.Cut(d, " in ")
					obj, _, _ := strings.Cut(strings.TrimPrefix(firstPresent(s.Event, checked), "github.event."), ".author_association")
					if g.Kind == inventory.GateAuthorAssociation && obj != "" && strings.HasPrefix(expr, "github.event."+obj+".") {
						ok = true
					}
				}
			}
		}
		if slices.Contains(kinds, inventory.GateActor) {
			// github.event.issue.user.login == 'maintainer': only the
			// issue's author (or a writer) edits its title and body.
			for _, g := range gates {
				for _, d := range strings.Split(g.Detail, "; ") {
					obj, _, found := strings.Cut(strings.TrimPrefix(d, "github.event."), ".user.login ")
					if g.Kind == inventory.GateActor && found && !strings.Contains(obj, " ") && strings.HasPrefix(expr, "github.event."+obj+".") {
						ok = true
					}
				}
			}
		}
		if !ok {
			return false
		}
	}
	return seen
}

// firstPresent resolves an origin "a||b||c" (an || chain of event text) to
// the first path the event's payload has — the value the expression takes —
// and any other origin to itself.
func firstPresent(event, expr string) string {
	if !strings.Contains(expr, "||") {
		return expr
	}
	for _, alt := range strings.Split(expr, "||") {
		if inPayload(event, alt) {
			return alt
		}
	}
	return ""
}

// vouchingGates are the gates whose details can vouch for a text's author:
// the job's own, those of the jobs it needs, and — for a job of a reusable
// workflow — those of each calling job and of the jobs that one needs
// (a dispatcher gated on its commenters), transitively.
func vouchingGates(inv *inventory.Inventory, j jobRef) []inventory.Gate {
	out := slices.Clone(j.job.Gates)
	seen := map[string]bool{}
	var add func(wf *inventory.Workflow, job *inventory.Job)
	add = func(wf *inventory.Workflow, job *inventory.Job) {
		k := wf.Source + "|" + wf.Path + "#" + job.ID
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, job.Gates...)
		for _, n := range job.Needs {
			for i := range wf.Jobs {
				if wf.Jobs[i].ID == n {
					add(wf, &wf.Jobs[i])
				}
			}
		}
		for _, caller := range job.CalledBy {
			cpath, cid, _ := strings.Cut(caller, "#")
			for wi := range inv.Workflows {
				cw := &inv.Workflows[wi]
				if cw.Source != wf.Source || cw.Path != cpath {
					continue
				}
				for i := range cw.Jobs {
					if cw.Jobs[i].ID == cid {
						add(cw, &cw.Jobs[i])
					}
				}
			}
		}
	}
	add(j.wf, j.job)
	return out
}

// payloadObjects are the events whose payload holds each object that
// untrusted text comes from.
var payloadObjects = map[string][]string{
	"pull_request": {"pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"},
	"issue":        {"issues", "issue_comment"},
	"comment":      {"issue_comment", "pull_request_review_comment", "commit_comment", "discussion_comment"},
	"review":       {"pull_request_review"},
	"discussion":   {"discussion", "discussion_comment"},
	"workflow_run": {"workflow_run"},
	"head_commit":  {"push"},
	"commits":      {"push"},
	"pages":        {"gollum"},
}

// inPayload reports whether an event's payload can hold the object an
// event context path reads; anything else (other origins, unknown
// objects) is taken to be there.
func inPayload(event, expr string) bool {
	rest, ok := strings.CutPrefix(expr, "github.event.")
	if !ok || event == "workflow_call" {
		// workflow_call: a reusable workflow that no workflow of this
		// repository calls runs on its callers' events, whatever they are.
		return true
	}
	obj, _, _ := strings.Cut(rest, ".")
	evs, known := payloadObjects[obj]
	return !known || slices.Contains(evs, event)
}

// prText reports text that only the pull request's or branch's author
// controls.
// prEvent reports the events that run from a fork without secrets.
func prEvent(e string) bool {
	return e == "pull_request" || e == "pull_request_review" || e == "pull_request_review_comment"
}

func prText(expr string) bool {
	return expr == "github.head_ref" || strings.HasPrefix(expr, "github.event.pull_request.") || strings.HasPrefix(expr, "github.event.workflow_run.")
}

// gitlabPromptInjections reports untrusted text in the prompts of coding
// agents in GitLab jobs (the workflow scanner's gitlab_prompt.go says which
// text). A pipeline variable that a platform scan lists as stored is not the
// trigger caller's.
func gitlabPromptInjections(c *Context) {
	ciJobs(c.Inventory, inventory.PlatformGitLab, func(j jobRef) {
		for _, s := range agentSteps(j.job) {
			if len(s.Injections) == 0 {
				continue
			}
			secrets, _ := agentSecrets(j, s, true)
			secrets = mergeNames(secrets, jobVariableNames(c.Inventory, j.job.Agent))
			score := 8.5
			if len(secrets) > 0 {
				score = 9.1
			}
			for _, in := range s.Injections {
				name := strings.TrimPrefix(in.Expression, "$")
				var what string
				switch {
				case slices.Contains(in.Origins, inventory.OriginGitLabEventText):
					switch name {
					case "AI_FLOW_INPUT":
						what = "the comment of whoever mentions the agent in an issue or merge request (GitLab's AI flow triggers set it)"
					case "AI_FLOW_CONTEXT":
						what = "the issue or merge request the agent is mentioned in, with its comments (GitLab's AI flow triggers set it)"
					case "TRIGGER_PAYLOAD":
						what = "the payload of the webhook that started the pipeline, with the titles, descriptions and comments of whoever wrote them"
					default:
						what = "GitLab event text: a comment that mentions the agent, its thread or a webhook trigger's payload, written by whoever wrote them"
					}
				case slices.Contains(in.Origins, inventory.OriginGitLabCommitText):
					what = "the commit's " + strings.ToLower(strings.TrimPrefix(name, "CI_COMMIT_")) + ", written by whoever authored the commit " +
						"(any developer whose merge request is merged), in a job that also runs on protected refs"
				case slices.Contains(in.Origins, inventory.OriginPipelineVariable):
					if storedVariable(c.Inventory, j.wf.Source, name) {
						continue
					}
					what = "a pipeline variable the CI file does not define, in a job that runs for trigger pipelines: whoever holds a " +
						"trigger token sets it" + triggersPhrase(c.Inventory, j.wf.Source)
				default:
					continue
				}
				c.Report(Result{
					Subject:  j.stepSubject(s) + ":" + in.Expression,
					Location: in.Location,
					Score:    score,
					Agent:    j.job.Agent,
					Message: fmt.Sprintf("`%s`%s — %s — is in the prompt of the %s agent in %s, which holds %s: whoever writes that text steers the agent.",
						in.Expression, parenthesised(in.Via), what, cmpStr(s.Agent.Product, "coding"), j.name(), reachPhrase(j.job, secrets)),
					Properties: map[string]string{"expression": in.Expression, "into": in.Into, "origins": strings.Join(in.Origins, ",")},
				})
			}
		}
	})
}

func parenthesised(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// storedVariable reports a CI/CD variable of the name that a platform scan
// lists for the project or a group above it (the project's binding).
func storedVariable(inv *inventory.Inventory, source, name string) bool {
	cr := inv.Credential(inventory.GitLabVariableID(source, name))
	return cr != nil && ((cr.API != nil && cr.API.Variable != nil) || len(cr.Backing) > 0)
}

// triggersPhrase names the project's pipeline trigger tokens a platform
// scan listed (" (the trigger tokens of acme/app: \"comment relay\", owner @erin)").
func triggersPhrase(inv *inventory.Inventory, source string) string {
	var names []string
	for _, cr := range inv.Credentials {
		if cr.Kind != kindGLTrigger || !strings.HasPrefix(cr.ID, source+"|") {
			continue
		}
		n := fmt.Sprintf("%q", cr.Name)
		if p := inv.PrincipalByID(cr.Owner); p != nil && p.Login != "" {
			n += ", owner @" + p.Login
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return ""
	}
	slices.Sort(names)
	return " (the project's trigger tokens: " + strings.Join(names, "; ") + ")"
}
