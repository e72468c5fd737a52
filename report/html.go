package report

import (
	"cmp"
	"context"
	_ "embed"
	"html/template"
	"io"
	"slices"

	"github.com/agentreach/agentreach/inventory"
)

// HTML writes one self-contained page for a reviewer: the summary, the
// findings with remediation, coverage and a picture of reach — agents, the
// credentials they reach, and the owners and scopes behind those — coloured
// by severity and filterable by agent, credential and severity. Its CSS and
// script are embedded in the binary and in the page; it loads nothing at
// view time. The report's data sits in the page as JSON that html/template
// escapes, and the script writes it with textContent only, so a hostile
// name stays text.
type HTML struct{}

var _ Reporter = HTML{}

//go:embed html/report.html.tmpl
var htmlPage string

//go:embed html/report.css
var htmlCSS string

//go:embed html/report.js
var htmlJS string

var htmlTemplate = template.Must(template.New("report").Parse(htmlPage))

// htmlData is what the page's script reads: a view of the report, not the
// report (no values, hashes or attributes).
type htmlData struct {
	Title       string              `json:"title"`
	Tool        string              `json:"tool"`
	Status      string              `json:"status"`
	Interrupted bool                `json:"interrupted"`
	Counts      map[string]int      `json:"counts"`
	Suppressed  int                 `json:"suppressed"`
	Findings    []htmlFinding       `json:"findings"`
	Agents      []htmlNode          `json:"agents"`
	Credentials []htmlNode          `json:"credentials"`
	Owners      []htmlNode          `json:"owners"`
	Reach       [][2]string         `json:"reach"` // agent id → credential id
	Owned       [][2]string         `json:"owned"` // credential id → owner node id
	Coverage    []string            `json:"coverage"`
	Rules       map[string]htmlRule `json:"rules"`
}

type htmlFinding struct {
	Severity   string  `json:"severity"`
	Score      float64 `json:"score"`
	Rule       string  `json:"rule"`
	Where      string  `json:"where"`
	Message    string  `json:"message"`
	Agent      string  `json:"agent,omitempty"`
	Credential string  `json:"credential,omitempty"`
}

type htmlRule struct {
	Title       string `json:"title"`
	Remediation string `json:"remediation"`
	Link        string `json:"link"`
}

type htmlNode struct {
	ID       string `json:"id"`
	Label    string `json:"label"`
	Kind     string `json:"kind"`
	Severity string `json:"severity,omitempty"` // the highest of its findings
}

// Write implements Reporter.
func (HTML) Write(_ context.Context, w io.Writer, r *Report) error {
	return htmlTemplate.Execute(w, struct {
		Title string
		CSS   template.CSS
		JS    template.JS
		Data  htmlData
	}{
		Title: "agentreach report",
		// The tool's own files, embedded at build time: trusted.
		CSS:  template.CSS(htmlCSS), // #nosec G203 -- the tool's own stylesheet, embedded at build time; no report data
		JS:   template.JS(htmlJS),   // #nosec G203 -- the tool's own script, embedded at build time; no report data
		Data: r.htmlData(),
	})
}

func (r *Report) htmlData() htmlData {
	d := htmlData{Tool: r.Tool.Name + " " + r.Tool.Version, Status: r.Scan.Status, Interrupted: r.Scan.Interrupted,
		Counts: map[string]int{}, Suppressed: r.Summary.Suppressed, Rules: map[string]htmlRule{},
		Findings: []htmlFinding{}, Agents: []htmlNode{}, Credentials: []htmlNode{}, Owners: []htmlNode{},
		Reach: [][2]string{}, Owned: [][2]string{}, Coverage: []string{}}
	for i, t := range r.Scan.Targets {
		if i > 0 {
			d.Title += ", "
		}
		d.Title += t.Name
	}
	for _, s := range inventory.Severities {
		d.Counts[string(s)] = r.Summary.Findings[s]
	}
	worst := map[string]inventory.Severity{}
	raise := func(id string, s inventory.Severity) {
		if id != "" && s.Rank() > worst[id].Rank() {
			worst[id] = s
		}
	}
	for _, f := range r.Findings {
		d.Findings = append(d.Findings, htmlFinding{Severity: string(f.Severity), Score: f.Score, Rule: f.RuleID,
			Where: findingWhere(r, f), Message: f.Message, Agent: f.Agent, Credential: f.Credential})
		raise(f.Agent, f.Severity)
		raise(f.Credential, f.Severity)
	}
	for _, rule := range r.Rules {
		d.Rules[rule.ID] = htmlRule{Title: rule.Title, Remediation: rule.Remediation, Link: ruleLink(rule.ID)}
	}
	inv := r.Inventory
	if inv == nil {
		inv = &inventory.Inventory{}
	}
	logins := map[string]string{}
	for _, p := range inv.Principals {
		logins[p.ID] = cmp.Or(p.Login, p.ID)
	}
	owners := map[string]htmlNode{}
	for _, c := range inv.Credentials {
		d.Credentials = append(d.Credentials, htmlNode{ID: c.ID, Label: cmp.Or(c.Name, c.ID), Kind: string(c.Kind), Severity: string(worst[c.ID])})
		var behind []htmlNode
		if c.Owner != "" {
			behind = append(behind, htmlNode{ID: "owner:" + c.Owner, Label: cmp.Or(logins[c.Owner], c.Owner), Kind: "owner"})
		}
		for _, a := range c.Accountable {
			behind = append(behind, htmlNode{ID: "accountable:" + a, Label: a, Kind: "accountable"})
		}
		if len(behind) == 0 && c.Scope != nil {
			behind = append(behind, htmlNode{ID: "scope:" + c.Scope.Kind + ":" + c.Scope.Target, Label: cmp.Or(c.Scope.Target, c.Scope.Kind), Kind: "scope " + c.Scope.Kind})
		}
		for _, o := range behind {
			owners[o.ID] = o
			d.Owned = append(d.Owned, [2]string{c.ID, o.ID})
		}
	}
	for _, o := range owners {
		d.Owners = append(d.Owners, o)
	}
	slices.SortFunc(d.Owners, func(a, b htmlNode) int { return cmp.Compare(a.ID, b.ID) })
	for _, a := range inv.Agents {
		d.Agents = append(d.Agents, htmlNode{ID: a.ID, Label: cmp.Or(a.Name, a.ID), Kind: string(a.Kind), Severity: string(worst[a.ID])})
	}
	seen := map[[2]string]bool{}
	for _, e := range inv.Reaches {
		k := [2]string{e.Agent, e.Credential}
		if e.Agent == "" || seen[k] {
			continue
		}
		seen[k] = true
		d.Reach = append(d.Reach, k)
	}
	problems, _ := r.Problems()
	for _, c := range problems {
		line := c.Source
		if c.Path != "" {
			line += " " + c.Path
		}
		d.Coverage = append(d.Coverage, line+": "+c.Reason)
	}
	for _, n := range r.NotEvaluable {
		d.Coverage = append(d.Coverage, n.RuleID+" not evaluable: "+n.Reason)
	}
	return d
}
