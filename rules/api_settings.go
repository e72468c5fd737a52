package rules

import (
	"fmt"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// settingGroup is where a setting with a risky value is in force: at an
// organisation, with the repositories that have the same value — the
// organisation's, as far as the API tells — or at one repository that has
// it while its organisation does not (or has no setting that was read).
// An organisation of a thousand repositories that all keep its value is
// one group, not a thousand and one.
type settingGroup struct {
	setting inventory.Setting
	org     bool
	name    string   // the organisation's login, or the repository's owner/name
	repos   []string // source ids of the repositories where the value is in force
	total   int      // an organisation: how many of its repositories' settings were read
	// orgValue is, for a repository, its organisation's value ("" when no
	// organisation setting was read, or the repository is a user's).
	orgValue  string
	userOwned bool
}

// riskySettings groups the settings named name whose value is risky.
// Archived repositories run no workflows and are left out.
func riskySettings(inv *inventory.Inventory, name, risky string) []settingGroup {
	sources := make(map[string]*inventory.Source, len(inv.Sources))
	for i := range inv.Sources {
		sources[inv.Sources[i].ID] = &inv.Sources[i]
	}
	orgValue := map[string]string{}
	var groups []settingGroup
	orgGroup := map[string]int{}
	for _, s := range inv.Settings {
		if s.Name != name {
			continue
		}
		if src := sources[s.Source]; src == nil || src.Repo == nil {
			orgValue[s.Source] = s.Value
			if s.Value == risky {
				orgGroup[s.Source] = len(groups)
				groups = append(groups, settingGroup{setting: s, org: true, name: orgLogin(inv, s.Source)})
			}
		}
	}
	for _, s := range inv.Settings {
		src := sources[s.Source]
		if s.Name != name || src == nil || src.Repo == nil || src.Repo.Archived {
			continue
		}
		org := src.Repo.Org
		if i, ok := orgGroup[org]; ok {
			groups[i].total++
			if s.Value == risky {
				groups[i].repos = append(groups[i].repos, s.Source)
			}
			continue
		}
		if s.Value != risky {
			continue
		}
		groups = append(groups, settingGroup{setting: s, name: src.Repo.FullName, repos: []string{s.Source},
			orgValue: orgValue[org], userOwned: org == ""})
	}
	return groups
}

// subject is the setting's source id and name.
func (g settingGroup) subject() string {
	return inventory.Scoped(g.setting.Source, "setting:"+g.setting.Name)
}

// inForce says in how many repositories an organisation's value is in
// force.
func (g settingGroup) inForce() string {
	if g.total == 0 {
		return "no repository's own setting was read"
	}
	return fmt.Sprintf("in force in %d of the %d %s read", len(g.repos), g.total, plural(g.total, "repository", "repositories"))
}

// orgNote says how a repository's value relates to its organisation's.
func (g settingGroup) orgNote(what string) string {
	switch {
	case g.userOwned:
		return ""
	case g.orgValue == "":
		return fmt.Sprintf(" (its organisation's %s was not read)", what)
	}
	return fmt.Sprintf(" although its organisation's is %s", g.orgValue)
}

// orgLogin is an organisation source's login (github.com/acme → acme).
func orgLogin(inv *inventory.Inventory, id string) string {
	p := id
	if src := inv.SourceByID(id); src != nil && src.Path != "" {
		p = src.Path
	}
	return p[strings.LastIndex(p, "/")+1:]
}

// liveJobs calls fn for every job of the live GitHub workflows of the
// sources (workflow files outside .github/workflows/ never run).
func liveJobs(inv *inventory.Inventory, sources []string, fn func(j jobRef)) {
	in := make(map[string]bool, len(sources))
	for _, s := range sources {
		in[s] = true
	}
	ciJobs(inv, inventory.PlatformGitHub, func(j jobRef) {
		if in[j.wf.Source] && !inventory.TemplateWorkflow(j.wf.Path) {
			fn(j)
		}
	})
}

// jobLabel names a job with its repository: "job `build` of
// acme/app/.github/workflows/ci.yml".
func jobLabel(inv *inventory.Inventory, j jobRef) string {
	if repo := sourceName(inv, j.wf.Source); repo != "" {
		return fmt.Sprintf("job `%s` of %s/%s", j.job.ID, repo, j.wf.Path)
	}
	return j.name()
}

// codingJob returns the coding agent a job runs, or nil.
func codingJob(inv *inventory.Inventory, j jobRef) *inventory.Agent {
	if j.job.Agent == "" {
		return nil
	}
	if a := inv.Agent(j.job.Agent); a != nil && codingAgent(a) {
		return a
	}
	return nil
}
