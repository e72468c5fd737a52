package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// Drift is what changed in the inventory since the baseline: the facts
// behind findings, listed even when no rule fires on them — a credential
// that appeared, one whose permissions widened, an App installed, an agent
// added, an agent that now reaches a credential it did not.
type Drift struct {
	NewCredentials     []DriftEntry `json:"new_credentials"`
	RemovedCredentials []DriftEntry `json:"removed_credentials"`
	Widened            []Widening   `json:"widened"`
	NewAppInstalls     []DriftEntry `json:"new_app_installations"`
	NewAgents          []DriftEntry `json:"new_agents"`
	NewReaches         []ReachDrift `json:"new_reaches"`
}

// DriftEntry names a credential or agent of the drift.
type DriftEntry struct {
	ID       string              `json:"id"`
	Kind     string              `json:"kind"`
	Name     string              `json:"name,omitempty"`
	Location *inventory.Location `json:"location,omitempty"`
}

// Widening is a credential present in both reports whose permissions grew:
// Gained lists each resource above its baseline level.
type Widening struct {
	DriftEntry
	Before inventory.Permissions `json:"before"`
	After  inventory.Permissions `json:"after"`
	Gained []Gain                `json:"gained"`
}

// Gain is one resource whose level rose since the baseline.
type Gain struct {
	Resource inventory.Resource `json:"resource"`
	Before   inventory.Level    `json:"before"`
	After    inventory.Level    `json:"after"`
}

// ReachDrift is an agent → credential edge the baseline did not have
// (between an agent and a credential, however many ways it reaches it).
type ReachDrift struct {
	Agent          string `json:"agent"`
	AgentName      string `json:"agent_name,omitempty"`
	Credential     string `json:"credential"`
	CredentialName string `json:"credential_name,omitempty"`
}

// Len counts the changes.
func (d *Drift) Len() int {
	if d == nil {
		return 0
	}
	return len(d.NewCredentials) + len(d.RemovedCredentials) + len(d.Widened) + len(d.NewAppInstalls) + len(d.NewAgents) + len(d.NewReaches)
}

// DiffInventory compares the inventory of now with that of prev. Ids are
// scoped and stable across runs (inventory ids; embedded values by their
// keyed fingerprint, so both runs need the same key to match them).
func DiffInventory(prev, now *inventory.Inventory) *Drift {
	d := &Drift{NewCredentials: []DriftEntry{}, RemovedCredentials: []DriftEntry{}, Widened: []Widening{},
		NewAppInstalls: []DriftEntry{}, NewAgents: []DriftEntry{}, NewReaches: []ReachDrift{}}
	if prev == nil {
		prev = &inventory.Inventory{}
	}
	if now == nil {
		now = &inventory.Inventory{}
	}
	before := map[string]*inventory.Credential{}
	for i := range prev.Credentials {
		before[prev.Credentials[i].ID] = &prev.Credentials[i]
	}
	seen := map[string]bool{}
	for i := range now.Credentials {
		c := &now.Credentials[i]
		seen[c.ID] = true
		old, ok := before[c.ID]
		switch {
		case !ok && c.Kind == inventory.KindAppInstallation:
			d.NewAppInstalls = append(d.NewAppInstalls, credentialEntry(c))
		case !ok:
			d.NewCredentials = append(d.NewCredentials, credentialEntry(c))
		default:
			if ex := c.Permissions.Exceeds(old.Permissions); len(ex) > 0 {
				w := Widening{DriftEntry: credentialEntry(c), Before: old.Permissions, After: c.Permissions}
				for _, e := range ex {
					w.Gained = append(w.Gained, Gain{Resource: e.Resource, Before: e.Cap, After: e.Have})
				}
				d.Widened = append(d.Widened, w)
			}
		}
	}
	for i := range prev.Credentials {
		if c := &prev.Credentials[i]; !seen[c.ID] {
			d.RemovedCredentials = append(d.RemovedCredentials, credentialEntry(c))
		}
	}
	agents := map[string]bool{}
	for _, a := range prev.Agents {
		agents[a.ID] = true
	}
	for _, a := range now.Agents {
		if !agents[a.ID] {
			loc := a.Location
			d.NewAgents = append(d.NewAgents, DriftEntry{ID: a.ID, Kind: string(a.Kind), Name: a.Name, Location: &loc})
		}
	}
	names := map[string]string{}
	for _, a := range now.Agents {
		names[a.ID] = a.Name
	}
	for _, c := range now.Credentials {
		names[c.ID] = c.Name
	}
	type edge struct{ agent, cred string }
	reached := map[edge]bool{}
	for _, r := range prev.Reaches {
		reached[edge{r.Agent, r.Credential}] = true
	}
	for _, r := range now.Reaches {
		e := edge{r.Agent, r.Credential}
		if r.Agent == "" || reached[e] {
			continue
		}
		reached[e] = true
		d.NewReaches = append(d.NewReaches, ReachDrift{Agent: r.Agent, AgentName: names[r.Agent], Credential: r.Credential, CredentialName: names[r.Credential]})
	}
	for _, l := range [][]DriftEntry{d.NewCredentials, d.RemovedCredentials, d.NewAppInstalls, d.NewAgents} {
		slices.SortFunc(l, func(a, b DriftEntry) int { return cmp.Compare(a.ID, b.ID) })
	}
	slices.SortFunc(d.Widened, func(a, b Widening) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(d.NewReaches, func(a, b ReachDrift) int {
		return cmp.Or(cmp.Compare(a.Agent, b.Agent), cmp.Compare(a.Credential, b.Credential))
	})
	return d
}

func credentialEntry(c *inventory.Credential) DriftEntry {
	e := DriftEntry{ID: c.ID, Kind: string(c.Kind), Name: c.Name}
	if len(c.Locations) > 0 {
		l := c.Locations[0]
		e.Location = &l
	}
	return e
}

// driftLines describes the drift for people, one change a line, most
// consequential first: widened permissions, new App installations, new
// credentials, new reach, new agents, removed credentials.
func (r *Report) driftLines() []string {
	d := r.Drift
	if d == nil {
		return nil
	}
	at := func(e DriftEntry) string {
		name := cmp.Or(e.Name, e.ID)
		if e.Location == nil || e.Location.Path == "" {
			return name
		}
		where := r.DisplayPath(*e.Location)
		if e.Location.Line > 0 {
			where = fmt.Sprintf("%s:%d", where, e.Location.Line)
		}
		return name + " at " + where
	}
	var out []string
	for _, w := range d.Widened {
		var gains []string
		for _, g := range w.Gained {
			gains = append(gains, fmt.Sprintf("%s %s→%s", g.Resource, g.Before, g.After))
		}
		out = append(out, fmt.Sprintf("widened %s %s: %s", w.Kind, at(w.DriftEntry), strings.Join(gains, ", ")))
	}
	for _, e := range d.NewAppInstalls {
		out = append(out, "new App installation "+at(e))
	}
	for _, e := range d.NewCredentials {
		out = append(out, fmt.Sprintf("new credential %s %s", e.Kind, at(e)))
	}
	for _, e := range d.NewReaches {
		out = append(out, fmt.Sprintf("agent %s now reaches %s", cmp.Or(e.AgentName, e.Agent), cmp.Or(e.CredentialName, e.Credential)))
	}
	for _, e := range d.NewAgents {
		out = append(out, fmt.Sprintf("new agent %s %s", e.Kind, at(e)))
	}
	for _, e := range d.RemovedCredentials {
		out = append(out, fmt.Sprintf("removed credential %s %s", e.Kind, at(e)))
	}
	return out
}

// MergeDrift unions the drift of sharded scans (each against its own
// baseline) into one: a change listed by two shards is listed once. It
// returns nil when no shard has drift.
func MergeDrift(ds ...*Drift) *Drift {
	var out *Drift
	for _, d := range ds {
		if d == nil {
			continue
		}
		if out == nil {
			out = DiffInventory(nil, nil)
		}
		out.NewCredentials = append(out.NewCredentials, d.NewCredentials...)
		out.RemovedCredentials = append(out.RemovedCredentials, d.RemovedCredentials...)
		out.Widened = append(out.Widened, d.Widened...)
		out.NewAppInstalls = append(out.NewAppInstalls, d.NewAppInstalls...)
		out.NewAgents = append(out.NewAgents, d.NewAgents...)
		out.NewReaches = append(out.NewReaches, d.NewReaches...)
	}
	if out == nil {
		return nil
	}
	byID := func(l []DriftEntry) []DriftEntry {
		slices.SortStableFunc(l, func(a, b DriftEntry) int { return cmp.Compare(a.ID, b.ID) })
		return slices.CompactFunc(l, func(a, b DriftEntry) bool { return a.ID == b.ID })
	}
	out.NewCredentials, out.RemovedCredentials = byID(out.NewCredentials), byID(out.RemovedCredentials)
	out.NewAppInstalls, out.NewAgents = byID(out.NewAppInstalls), byID(out.NewAgents)
	slices.SortStableFunc(out.Widened, func(a, b Widening) int { return cmp.Compare(a.ID, b.ID) })
	out.Widened = slices.CompactFunc(out.Widened, func(a, b Widening) bool { return a.ID == b.ID })
	slices.SortStableFunc(out.NewReaches, func(a, b ReachDrift) int {
		return cmp.Or(cmp.Compare(a.Agent, b.Agent), cmp.Compare(a.Credential, b.Credential))
	})
	out.NewReaches = slices.CompactFunc(out.NewReaches, func(a, b ReachDrift) bool { return a.Agent == b.Agent && a.Credential == b.Credential })
	return out
}
