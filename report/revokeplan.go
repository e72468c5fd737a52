package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/agentreach/agentreach/inventory"
)

// RevokePlan is the kill switch of `agentreach revoke-plan`: for each agent,
// every credential it reaches with the way to revoke or rotate it, in the
// order to do it. It is made from a JSON report alone; nothing in it was
// checked against, or done through, a platform API. It holds no secret
// value: an embedded key appears as the report's redacted preview only.
//
// Its JSON form is stable for automation:
//
//	{"note": …, "report": {…}, "plans": [{"agent", "kind", "name", "location",
//	  "steps": [{"credential", "kind", "name", "redacted", "platform", "lifetime",
//	             "via", "how", "commands", "locations", "also_reached_by"}]}]}
type RevokePlan struct {
	// Note says what the plan is: instructions, nothing done.
	Note string `json:"note"`
	// Report names the report the plan was made from.
	Report PlanReport `json:"report"`
	// Plans holds one plan per agent, in the order they were asked for.
	Plans []AgentRevokePlan `json:"plans"`
}

// PlanReport identifies the report a plan was made from.
type PlanReport struct {
	Tool       string    `json:"tool"`
	Targets    []string  `json:"targets"`
	FinishedAt time.Time `json:"finished_at"`
	Status     string    `json:"status"`
}

// AgentRevokePlan is how to cut one agent off.
type AgentRevokePlan struct {
	Agent    string              `json:"agent"` // the agent's full id
	Kind     inventory.AgentKind `json:"kind"`
	Name     string              `json:"name"`
	Location string              `json:"location,omitempty"` // path:line of its definition
	Steps    []RevokeStep        `json:"steps"`
}

// RevokeStep is one credential to revoke or rotate.
type RevokeStep struct {
	Credential string                   `json:"credential"` // inventory.credentials[].id
	Kind       inventory.CredentialKind `json:"kind"`
	Name       string                   `json:"name,omitempty"`
	Redacted   string                   `json:"redacted,omitempty"` // embedded keys: type prefix and last 4 characters
	Platform   string                   `json:"platform,omitempty"`
	Lifetime   inventory.LifetimeClass  `json:"lifetime,omitempty"`
	// Via lists how the agent reaches the credential (job-env, mcp-env, …).
	Via []inventory.ReachVia `json:"via"`
	// How is the runbook instruction: the inventory's revocation handle
	// when it has one, then what to do for a credential of this kind.
	How string `json:"how"`
	// Commands are the command lines or console paths of the step, in order.
	Commands []string `json:"commands"`
	// Locations are the path:line places the credential appears (for an
	// embedded key: every place its value must be removed from).
	Locations []string `json:"locations"`
	// AlsoReachedBy lists the other agents that reach the credential: the
	// step cuts them off too.
	AlsoReachedBy []string `json:"also_reached_by"`
}

// revokeNote heads every plan.
const revokeNote = "Made from the report alone: agentreach revoked nothing and called no API. " +
	"Revoke or rotate in order; each step also cuts off the agents it lists as also reaching the credential."

// AgentKinds lists the agent kinds a plan can be asked for with --kind.
var AgentKinds = []inventory.AgentKind{inventory.AgentCIJob, inventory.AgentCICodingJob, inventory.AgentMCPServer,
	inventory.AgentProfile, inventory.AgentApp, inventory.AgentWorkstation}

// FindAgent resolves an agent id as a user gives it: the full id, its
// local part (after the source scope's "|"), or a unique suffix of the
// local part. The error names the closest ids (or the ambiguous ones).
func FindAgent(inv *inventory.Inventory, id string) (string, error) {
	var exactLocal, suffix []string
	for _, a := range inv.Agents {
		if a.ID == id {
			return a.ID, nil
		}
		_, local := inventory.Unscoped(a.ID)
		switch {
		case local == id:
			exactLocal = append(exactLocal, a.ID)
		case id != "" && strings.HasSuffix(local, id):
			suffix = append(suffix, a.ID)
		}
	}
	for _, m := range [][]string{exactLocal, suffix} {
		if len(m) == 1 {
			return m[0], nil
		}
		if len(m) > 1 {
			return "", fmt.Errorf("agent %q is ambiguous: it matches %s; give more of the id", id, quoteList(m, 5))
		}
	}
	if len(inv.Agents) == 0 {
		return "", fmt.Errorf("no agent %q: the report has no agents", id)
	}
	return "", fmt.Errorf("no agent %q in the report; closest: %s", id, quoteList(closestAgents(inv, id, 3), 3))
}

// AgentsOfKind returns the ids of the report's agents of one kind.
func AgentsOfKind(inv *inventory.Inventory, kind inventory.AgentKind) []string {
	var out []string
	for _, a := range inv.Agents {
		if a.Kind == kind {
			out = append(out, a.ID)
		}
	}
	return out
}

func quoteList(ids []string, limit int) string {
	var q []string
	for i, id := range ids {
		if i == limit {
			q = append(q, fmt.Sprintf("and %d more", len(ids)-i))
			break
		}
		q = append(q, strconv.Quote(id))
	}
	return strings.Join(q, ", ")
}

// closestAgents ranks agent ids by edit distance to what was typed: to the
// local part, or to its tail of the same length (for a mistyped suffix).
func closestAgents(inv *inventory.Inventory, id string, n int) []string {
	type scored struct {
		id string
		d  int
	}
	var all []scored
	for _, a := range inv.Agents {
		_, local := inventory.Unscoped(a.ID)
		d := editDistance(id, local)
		if len(local) > len(id) {
			d = min(d, editDistance(id, local[len(local)-len(id):]))
		}
		all = append(all, scored{a.ID, d})
	}
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(a.id, b.id)) })
	var out []string
	for i := 0; i < len(all) && i < n; i++ {
		out = append(out, all[i].id)
	}
	return out
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// NewRevokePlan makes the plan for the given agents (full ids, see
// FindAgent). Steps are ordered static credentials first (they stay valid
// until someone rotates them), then stored secrets of unknown lifetime,
// then refresh tokens, short-lived tokens last; within each tier the
// broadest first: wider scope, more agents reaching it, more places it is
// stored, higher permissions. Ties go by id, so the order is stable.
func NewRevokePlan(r *Report, agentIDs []string) *RevokePlan {
	inv := r.Inventory
	plan := &RevokePlan{Note: revokeNote, Plans: []AgentRevokePlan{},
		Report: PlanReport{Tool: strings.TrimSpace(r.Tool.Name + " " + r.Tool.Version), Targets: []string{},
			FinishedAt: r.Scan.FinishedAt, Status: r.Scan.Status}}
	for _, t := range r.Scan.Targets {
		plan.Report.Targets = append(plan.Report.Targets, t.Name)
	}
	for _, id := range agentIDs {
		a := inv.Agent(id)
		if a == nil {
			continue
		}
		ap := AgentRevokePlan{Agent: a.ID, Kind: a.Kind, Name: a.Name, Location: locString(a.Location), Steps: []RevokeStep{}}
		vias := map[string][]inventory.ReachVia{}
		var creds []*inventory.Credential
		for _, e := range inv.ReachesOf(a.ID) {
			c := inv.Credential(e.Credential)
			if c == nil {
				continue
			}
			if _, seen := vias[c.ID]; !seen {
				creds = append(creds, c)
			}
			if !slices.Contains(vias[c.ID], e.Via) {
				vias[c.ID] = append(vias[c.ID], e.Via)
			}
		}
		others := map[string][]string{}
		for _, c := range creds {
			others[c.ID] = []string{}
			for _, e := range inv.AgentsReaching(c.ID) {
				if e.Agent != a.ID && !slices.Contains(others[c.ID], e.Agent) {
					others[c.ID] = append(others[c.ID], e.Agent)
				}
			}
			slices.Sort(others[c.ID])
		}
		slices.SortFunc(creds, func(x, y *inventory.Credential) int {
			return cmp.Or(cmp.Compare(lifetimeTier(x), lifetimeTier(y)),
				-cmp.Compare(scopeBreadth(x), scopeBreadth(y)),
				-cmp.Compare(len(others[x.ID]), len(others[y.ID])),
				-cmp.Compare(len(x.Locations), len(y.Locations)),
				-cmp.Compare(maxLevel(x.Permissions), maxLevel(y.Permissions)),
				cmp.Compare(x.ID, y.ID))
		})
		for _, c := range creds {
			how, cmds := revokeHow(inv, c, vias[c.ID])
			st := RevokeStep{Credential: c.ID, Kind: c.Kind, Name: c.Name, Redacted: c.Redacted, Platform: c.Platform,
				Lifetime: c.Lifetime, Via: vias[c.ID], How: how, Commands: cmds, Locations: []string{}, AlsoReachedBy: others[c.ID]}
			if st.Commands == nil {
				st.Commands = []string{}
			}
			for _, l := range c.Locations {
				st.Locations = append(st.Locations, locString(l))
			}
			ap.Steps = append(ap.Steps, st)
		}
		plan.Plans = append(plan.Plans, ap)
	}
	return plan
}

func locString(l inventory.Location) string {
	if l.Path == "" {
		return ""
	}
	if l.Line > 0 {
		return l.Path + ":" + strconv.Itoa(l.Line)
	}
	return l.Path
}

// shortLivedKinds are minted per job or per run.
func shortLived(c *inventory.Credential) bool {
	switch c.Kind {
	case inventory.KindWorkflowToken, inventory.KindOIDC, inventory.KindInstallationToken:
		return true
	}
	return c.Lifetime == inventory.LifetimeShortLived
}

// lifetimeTier orders steps: static 0, stored secrets of unknown lifetime
// 1, refresh tokens 2, short-lived 3.
func lifetimeTier(c *inventory.Credential) int {
	switch {
	case shortLived(c):
		return 3
	case c.Lifetime == inventory.LifetimeRefresh:
		return 2
	case c.Lifetime == inventory.LifetimeStatic || embedded(c):
		return 0
	}
	switch c.Kind {
	case inventory.KindClassicPAT, inventory.KindFineGrainedPAT, inventory.KindPersonalAccessToken, inventory.KindDeployKey,
		inventory.KindDeployToken, inventory.KindProjectAccessToken, inventory.KindGroupAccessToken, inventory.KindRunner,
		inventory.KindOAuthAppToken, inventory.KindAppInstallation:
		return 0
	}
	return 1
}

func scopeBreadth(c *inventory.Credential) int {
	if c.Scope == nil {
		return 0
	}
	switch c.Scope.Kind {
	case "instance":
		return 5
	case "org", "group":
		return 4
	case "all-repositories":
		return 3
	case "selected-repositories":
		return 2
	case "repository", "environment":
		return 1
	}
	return 0
}

func maxLevel(p inventory.Permissions) int {
	m := 0
	for _, l := range p {
		m = max(m, int(l))
	}
	return m
}

// embedded is a value found in a file: the report keeps its redacted
// preview and keyed fingerprint.
func embedded(c *inventory.Credential) bool {
	return c.Kind == inventory.KindEmbeddedKey || c.ValueHMAC != "" || c.Redacted != ""
}

// repoSlug is owner/name of the repository a credential was found in, when
// the source's git remote is known ("" otherwise).
func repoSlug(inv *inventory.Inventory, c *inventory.Credential) string {
	for _, l := range c.Locations {
		for _, s := range inv.Sources {
			if s.ID != l.Source || s.Remote == "" {
				continue
			}
			parts := strings.Split(strings.TrimSuffix(s.Remote, ".git"), "/")
			if len(parts) >= 3 {
				return strings.Join(parts[len(parts)-2:], "/")
			}
		}
	}
	return ""
}

// workflowFile is the file name of the workflow a job credential belongs
// to, from its first location (gh workflow disable takes it).
func workflowFile(c *inventory.Credential) (path, file string) {
	for _, l := range c.Locations {
		if l.Path != "" {
			p := l.Path
			return p, p[strings.LastIndex(p, "/")+1:]
		}
	}
	return "", ""
}

// revokeHow is the instruction and the commands for one credential.
func revokeHow(inv *inventory.Inventory, c *inventory.Credential, via []inventory.ReachVia) (string, []string) {
	how, cmds := kindHow(inv, c, via)
	if c.Revocation != "" {
		how = "Inventory: " + strings.TrimSuffix(c.Revocation, ".") + ". " + how
	}
	return how, cmds
}

func kindHow(inv *inventory.Inventory, c *inventory.Credential, via []inventory.ReachVia) (string, []string) {
	repo := repoSlug(inv, c)
	repoFlag := ""
	if repo != "" {
		repoFlag = " --repo " + repo
	}
	gitlab := c.Platform == inventory.PlatformGitLab
	switch {
	case embedded(c):
		return embeddedHow(c)
	case c.Attributes["reference"] != "":
		store := cmp.Or(c.Storage, c.Attributes["reference"])
		key := cmp.Or(c.ConfigKey, c.Name)
		return fmt.Sprintf("The agent's configuration names this credential in the %s (%s); the value is not in the report. "+
			"Rotate it at its issuer, then update the %s with the new value, or remove the reference so the agent no longer gets it.", store, key, store), nil
	}
	switch c.Kind {
	case inventory.KindActionsSecret:
		if strings.HasPrefix(c.Name, "all secrets") {
			return "The job reaches every secret of the repository, its organisation and environments (secrets: inherit or toJSON(secrets)). " +
					"Rotate each at its issuer and update it, or first narrow the job to the secrets it names.",
				[]string{"gh secret list" + repoFlag, "gh secret list --org ORG", "GitHub: Settings › Secrets and variables › Actions"}
		}
		return fmt.Sprintf("Rotate the value of %s at its issuer, then update the repository or organisation secret %s: "+
				"GitHub Settings › Secrets and variables › Actions (an environment secret: Settings › Environments).", c.Name, c.Name),
			[]string{"gh secret set " + c.Name + repoFlag, "gh secret set " + c.Name + " --org ORG (an organisation secret)"}
	case inventory.KindWorkflowCallSecret:
		return fmt.Sprintf("%s is passed by each caller of the reusable workflow: rotate the value at its issuer, then update the secret %s in every calling repository.", c.Name, c.Name),
			[]string{"gh secret set " + c.Name + " --repo OWNER/CALLER"}
	case inventory.KindCIVariable:
		return fmt.Sprintf("Rotate the value of %s at its issuer, then update the CI/CD variable %s: GitLab Settings › CI/CD › Variables (project, group or instance).", c.Name, c.Name),
			[]string{"glab variable update " + c.Name}
	case inventory.KindWorkflowToken:
		path, file := workflowFile(c)
		if gitlab {
			return "CI_JOB_TOKEN expires with the job. To cut the agent off, remove the job from the pipeline or stop its pipelines, and limit which projects the job token reaches: " +
					"GitLab Settings › CI/CD › Job token permissions.",
				[]string{"GitLab: Build › Pipelines › Cancel running", "edit " + path + ": remove or rule out the job"}
		}
		return "GITHUB_TOKEN expires with the job. To cut the agent off, remove the job's write permissions " +
				"(permissions: contents: read, or permissions: {}) or disable the workflow; cancel runs in progress.",
			[]string{"gh workflow disable " + file + repoFlag, "gh run list --workflow " + file + " --status in_progress" + repoFlag + " (then gh run cancel RUN_ID)",
				"edit " + path + ": narrow permissions:"}
	case inventory.KindOIDC:
		path, _ := workflowFile(c)
		feeds := ""
		if len(c.Feeds) > 0 {
			feeds = " (it feeds " + strings.Join(c.Feeds, ", ") + ")"
		}
		if gitlab {
			return "The ID token lives minutes. Restrict the cloud trust policy that accepts it" + feeds +
					" (its subject and audience conditions), and remove the id_tokens entry from the job.",
				[]string{"edit " + path + ": remove id_tokens: " + c.Name, "cloud console: the role or workload identity pool trusting this project"}
		}
		return "The OIDC token lives minutes. Restrict the cloud trust policy that accepts it" + feeds +
				" (the subject and audience conditions of the role or workload identity pool), and remove id-token: write from the job.",
			[]string{"edit " + path + ": remove id-token: write", "cloud console: the role or workload identity pool trusting this repository"}
	case inventory.KindInstallationToken, inventory.KindAppInstallation:
		cmds := []string{"GitHub: Organisation Settings › GitHub Apps › Configure › Suspend (or Uninstall)",
			"gh api -X PUT /app/installations/INSTALLATION_ID/suspended (authenticated as the App, with its JWT)"}
		how := "Installation tokens expire within an hour. To cut the agent off, suspend or uninstall the App installation; " +
			"a token still in use can be revoked with DELETE /installation/token."
		if c.Kind == inventory.KindAppInstallation {
			how = "Suspend or uninstall the App installation: every token it mints stops working."
		}
		if k := c.Attributes["private_key_secret"]; k != "" {
			how += " The App's private key is in the secret " + k + ": generate a new private key in the App's settings, delete the old one, and update " + k + "."
			cmds = append(cmds, "gh secret set "+k+repoFlag)
		}
		return how, cmds
	case inventory.KindRunner:
		if gitlab {
			return "Remove the runner's registration so it takes no more jobs, and rotate its authentication token: GitLab Settings › CI/CD › Runners.",
				[]string{"glab api -X DELETE runners/RUNNER_ID"}
		}
		return "Remove the self-hosted runner's registration so it takes no more jobs (Settings › Actions › Runners › Remove), then wipe the machine: it may keep credentials of past jobs.",
			[]string{"gh api -X DELETE /repos/" + cmp.Or(repo, "OWNER/REPO") + "/actions/runners/RUNNER_ID", "gh api -X DELETE /orgs/ORG/actions/runners/RUNNER_ID (an organisation runner)"}
	case inventory.KindDeployKey:
		if gitlab {
			return "Delete the deploy key: GitLab Settings › Repository › Deploy keys.", []string{"glab api -X DELETE projects/PROJECT/deploy_keys/" + lastSegment(c.ID)}
		}
		return "Delete the deploy key: Settings › Deploy keys.", []string{"gh repo deploy-key delete " + lastSegment(c.ID) + repoFlag}
	case inventory.KindDeployToken:
		return "Revoke the deploy token: GitLab Settings › Repository › Deploy tokens › Revoke.", []string{"glab api -X DELETE projects/PROJECT/deploy_tokens/" + lastSegment(c.ID)}
	case inventory.KindProjectAccessToken:
		return "Revoke the project access token: GitLab Settings › Access tokens › Revoke.", []string{"glab api -X DELETE projects/PROJECT/access_tokens/" + lastSegment(c.ID)}
	case inventory.KindGroupAccessToken:
		return "Revoke the group access token: GitLab group Settings › Access tokens › Revoke.", []string{"glab api -X DELETE groups/GROUP/access_tokens/" + lastSegment(c.ID)}
	case inventory.KindClassicPAT, inventory.KindFineGrainedPAT, inventory.KindPersonalAccessToken:
		if gitlab {
			return "Revoke the personal access token: its owner at User Settings › Access tokens, or an administrator through the API.",
				[]string{"glab api -X DELETE personal_access_tokens/" + lastSegment(c.ID)}
		}
		if c.Kind == inventory.KindFineGrainedPAT {
			return "Revoke the fine-grained token's access to the organisation: Organisation Settings › Personal access tokens › Active tokens › Revoke; its owner deletes it at Settings › Developer settings › Personal access tokens.",
				[]string{"gh api -X POST /orgs/ORG/personal-access-tokens/" + lastSegment(c.ID) + " -f action=revoke"}
		}
		return "Its owner deletes the token at Settings › Developer settings › Personal access tokens; an organisation with SAML SSO can remove its authorisation.",
			[]string{"gh api -X DELETE /orgs/ORG/credential-authorizations/CREDENTIAL_ID"}
	case inventory.KindOAuthAppToken, inventory.KindUserToServerToken, inventory.KindRefreshToken:
		return "Revoke the app's authorisation: the user at Settings › Applications › Authorized apps › Revoke; an organisation can deny the app under Settings › Third-party access.", nil
	}
	return "Rotate or revoke the credential at its issuer" + ifSet(" (", c.Platform, ")") + ifSet(", then update ", c.Storage, "") + ".", nil
}

// embeddedHow is "rotate the value at its issuer, then remove it from N
// places", with the note that removing it is not enough.
func embeddedHow(c *inventory.Credential) (string, []string) {
	issuer := cmp.Or(c.Platform, "its issuer")
	if c.Public != "" {
		return "The scan marks this value public (" + c.Public + "): nothing to rotate unless that is wrong; remove it from the places listed if it should not be there.", nil
	}
	n := len(c.Locations)
	places := "1 place"
	if n != 1 {
		places = strconv.Itoa(n) + " places"
	}
	what := cmp.Or(c.Name, c.Type, "key")
	how := fmt.Sprintf("Rotate the value (%s) at its issuer (%s) first, then remove it from %s (every location listed). "+
		"Removing it from a file does not remove it from git history or from clones: the old value stays valid until it is rotated.",
		what, issuer, places)
	if c.Synthetic != "" {
		how += " The scan thinks it may be a made-up test value (" + c.Synthetic + ")."
	}
	var cmds []string
	switch c.Platform {
	case inventory.PlatformGitHub:
		cmds = append(cmds, "GitHub: Settings › Developer settings › Personal access tokens (or the owning App's or OAuth app's settings)")
	case inventory.PlatformGitLab:
		cmds = append(cmds, "GitLab: User Settings › Access tokens (or the project's or group's Settings › Access tokens)")
	case "aws":
		id := cmp.Or(c.Attributes["access_key_id"], "ACCESS_KEY_ID")
		cmds = append(cmds, "aws iam update-access-key --access-key-id "+id+" --status Inactive --user-name USER",
			"aws iam delete-access-key --access-key-id "+id+" --user-name USER")
	default:
		cmds = append(cmds, issuer+": the API keys or tokens page of the issuer's console")
	}
	return how, cmds
}

func lastSegment(id string) string {
	_, local := inventory.Unscoped(id)
	if i := strings.LastIndexAny(local, ":/"); i >= 0 && i < len(local)-1 {
		return local[i+1:]
	}
	return "ID"
}

func ifSet(pre, s, post string) string {
	if s == "" {
		return ""
	}
	return pre + s + post
}

// embeddedKind says a step is an embedded value (its locations are the
// places to remove it from).
func embeddedKind(st RevokeStep) bool {
	return st.Kind == inventory.KindEmbeddedKey || st.Redacted != ""
}

// mdSpan makes s safe inside a single-backtick code span outside a table
// (mdCode's \| is for table cells and would show here).
func mdSpan(s string) string {
	return strings.NewReplacer("`", "'", "\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// WriteJSON writes the plan for automation.
func (p *RevokePlan) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(p)
}

// WriteMarkdown writes the plan as a runbook; every value from the report
// is escaped.
func (p *RevokePlan) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# Revoke plan\n\n> [!NOTE]\n> " + mdText(p.Note) + "\n\n")
	if len(p.Report.Targets) > 0 {
		var ts []string
		for _, t := range p.Report.Targets {
			ts = append(ts, "`"+mdSpan(t)+"`")
		}
		fmt.Fprintf(&b, "From the report of %s (%s, %s).\n", strings.Join(ts, ", "), mdText(p.Report.Status), p.Report.FinishedAt.UTC().Format(time.RFC3339))
	}
	for _, ap := range p.Plans {
		fmt.Fprintf(&b, "\n## %s %s\n\n`%s`", mdText(string(ap.Kind)), mdText(ap.Name), mdSpan(ap.Agent))
		if ap.Location != "" {
			fmt.Fprintf(&b, " at `%s`", mdSpan(ap.Location))
		}
		b.WriteString("\n\n")
		if len(ap.Steps) == 0 {
			b.WriteString("The report shows no credential this agent reaches.\n")
			continue
		}
		for i, st := range ap.Steps {
			title := cmp.Or(st.Name, st.Credential)
			fmt.Fprintf(&b, "%d. **%s** — %s", i+1, mdText(title), mdText(string(st.Kind)))
			if st.Platform != "" {
				fmt.Fprintf(&b, " on %s", mdText(st.Platform))
			}
			if st.Redacted != "" {
				fmt.Fprintf(&b, " `%s`", mdSpan(st.Redacted))
			}
			if st.Lifetime != "" {
				fmt.Fprintf(&b, " (%s)", mdText(string(st.Lifetime)))
			}
			var vias []string
			for _, v := range st.Via {
				vias = append(vias, string(v))
			}
			fmt.Fprintf(&b, "\n   - id `%s`, reached through %s\n", mdSpan(st.Credential), mdText(strings.Join(vias, ", ")))
			fmt.Fprintf(&b, "   - %s\n", mdText(st.How))
			for _, c := range st.Commands {
				fmt.Fprintf(&b, "   - `%s`\n", mdSpan(c))
			}
			if len(st.Locations) > 0 {
				var ls []string
				for _, l := range st.Locations {
					ls = append(ls, "`"+mdSpan(l)+"`")
				}
				label := "found at"
				if embeddedKind(st) {
					label = "**remove it from** every one of"
				}
				fmt.Fprintf(&b, "   - %s %s\n", label, strings.Join(ls, ", "))
			}
			if len(st.AlsoReachedBy) > 0 {
				var os []string
				for _, o := range st.AlsoReachedBy {
					os = append(os, "`"+mdSpan(o)+"`")
				}
				fmt.Fprintf(&b, "   - **also cuts off** %s\n", strings.Join(os, ", "))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
