package inventory

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"sync"
)

// Builder collects inventory parts from concurrent scanners. Credentials with
// the same id are merged: their locations and attributes are combined, so a
// value found in N places is one credential with N locations.
type Builder struct {
	mu          sync.Mutex
	principals  map[string]*Principal
	credentials map[string]*Credential
	agents      map[string]*Agent
	reaches     map[string]Reach
	workflows   []Workflow
	coverage    []Coverage
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder {
	return &Builder{
		principals:  map[string]*Principal{},
		credentials: map[string]*Credential{},
		agents:      map[string]*Agent{},
		reaches:     map[string]Reach{},
	}
}

// AddPrincipal adds or merges a principal.
func (b *Builder) AddPrincipal(p Principal) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if old, ok := b.principals[p.ID]; ok {
		if old.Kind == "" || old.Kind == PrincipalUnknown {
			old.Kind = p.Kind
		}
		if old.Role == "" {
			old.Role = p.Role
		}
		if old.State == "" || old.State == StateUnknown {
			old.State = p.State
		}
		for repo, perm := range p.RepoPermissions {
			if old.RepoPermissions == nil {
				old.RepoPermissions = map[string]Permissions{}
			}
			old.RepoPermissions[repo] = old.RepoPermissions[repo].Join(perm)
		}
		old.Accountable = mergeStrings(old.Accountable, p.Accountable)
		return
	}
	cp := p
	b.principals[p.ID] = &cp
}

// AddCredential adds a credential or merges it into one with the same id.
func (b *Builder) AddCredential(c Credential) {
	b.mu.Lock()
	defer b.mu.Unlock()
	old, ok := b.credentials[c.ID]
	if !ok {
		cp := c
		cp.Locations = slices.Clone(c.Locations)
		cp.Attributes = maps.Clone(c.Attributes)
		b.credentials[c.ID] = &cp
		return
	}
	for _, l := range c.Locations {
		if !slices.Contains(old.Locations, l) {
			old.Locations = append(old.Locations, l)
		}
	}
	old.Permissions = old.Permissions.Join(c.Permissions)
	for k, v := range c.Attributes {
		if old.Attributes == nil {
			old.Attributes = map[string]string{}
		}
		if _, exists := old.Attributes[k]; !exists {
			old.Attributes[k] = v
		}
	}
	fill(&old.Owner, c.Owner)
	fill(&old.Platform, c.Platform)
	fill(&old.Name, c.Name)
	fill(&old.Storage, c.Storage)
	fill(&old.Redacted, c.Redacted)
	fill(&old.Revocation, c.Revocation)
	fill(&old.Type, c.Type)
	if old.Lifetime == "" || old.Lifetime == LifetimeUnknown {
		old.Lifetime = c.Lifetime
	}
	if old.Reach == "" {
		old.Reach = c.Reach
	}
	if old.Scope == nil {
		old.Scope = c.Scope
	}
	if old.CreatedAt == nil {
		old.CreatedAt = c.CreatedAt
	}
	if old.ExpiresAt == nil {
		old.ExpiresAt = c.ExpiresAt
	}
	if old.LastUsedAt == nil {
		old.LastUsedAt = c.LastUsedAt
	}
}

// AddAgent adds an agent; a second agent with the same id replaces nothing
// and only adds triggers it lacked.
func (b *Builder) AddAgent(a Agent) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if old, ok := b.agents[a.ID]; ok {
		for _, t := range a.Triggers {
			if !slices.Contains(old.Triggers, t) {
				old.Triggers = append(old.Triggers, t)
			}
		}
		old.Permissions = old.Permissions.Join(a.Permissions)
		return
	}
	cp := a
	b.agents[a.ID] = &cp
}

// AddReach adds an edge; duplicates are dropped.
func (b *Builder) AddReach(r Reach) {
	b.mu.Lock()
	defer b.mu.Unlock()
	key := r.Agent + "\x00" + r.Credential + "\x00" + r.Principal + "\x00" + string(r.Via)
	if r.Location != nil {
		key += "\x00" + r.Location.Path + "\x00" + strconv.Itoa(r.Location.Line)
	}
	if old, ok := b.reaches[key]; ok {
		old.Permissions = old.Permissions.Join(r.Permissions)
		b.reaches[key] = old
		return
	}
	b.reaches[key] = r
}

// AddWorkflow adds a parsed CI definition.
func (b *Builder) AddWorkflow(w Workflow) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.workflows = append(b.workflows, w)
}

// AddCoverage records a coverage entry.
func (b *Builder) AddCoverage(c Coverage) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.coverage = append(b.coverage, c)
}

// Merge adds everything of another inventory and coverage list.
func (b *Builder) Merge(inv *Inventory, cov []Coverage) {
	if inv != nil {
		for _, p := range inv.Principals {
			b.AddPrincipal(p)
		}
		for _, c := range inv.Credentials {
			b.AddCredential(c)
		}
		for _, a := range inv.Agents {
			b.AddAgent(a)
		}
		for _, r := range inv.Reaches {
			b.AddReach(r)
		}
		for _, w := range inv.Workflows {
			b.AddWorkflow(w)
		}
	}
	for _, c := range cov {
		b.AddCoverage(c)
	}
}

// Build returns the inventory and coverage in a deterministic order.
func (b *Builder) Build() (*Inventory, []Coverage) {
	b.mu.Lock()
	defer b.mu.Unlock()
	inv := &Inventory{
		Principals:  []Principal{},
		Credentials: []Credential{},
		Agents:      []Agent{},
		Reaches:     []Reach{},
		Workflows:   slices.Clone(b.workflows),
	}
	for _, p := range b.principals {
		inv.Principals = append(inv.Principals, *p)
	}
	for _, c := range b.credentials {
		cp := *c
		slices.SortFunc(cp.Locations, CompareLocations)
		inv.Credentials = append(inv.Credentials, cp)
	}
	for _, a := range b.agents {
		inv.Agents = append(inv.Agents, *a)
	}
	for _, r := range b.reaches {
		inv.Reaches = append(inv.Reaches, r)
	}
	if inv.Workflows == nil {
		inv.Workflows = []Workflow{}
	}
	slices.SortFunc(inv.Principals, func(a, b Principal) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(inv.Credentials, func(a, b Credential) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(inv.Agents, func(a, b Agent) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(inv.Reaches, func(a, b Reach) int {
		return cmp.Or(cmp.Compare(a.Agent, b.Agent), cmp.Compare(a.Credential, b.Credential),
			cmp.Compare(a.Principal, b.Principal), cmp.Compare(a.Via, b.Via),
			compareLocPtr(a.Location, b.Location))
	})
	slices.SortFunc(inv.Workflows, func(a, b Workflow) int {
		return cmp.Or(cmp.Compare(a.Root, b.Root), cmp.Compare(a.Path, b.Path))
	})
	cov := slices.Clone(b.coverage)
	slices.SortFunc(cov, func(a, b Coverage) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Target, b.Target),
			cmp.Compare(a.Path, b.Path), cmp.Compare(a.Status, b.Status), cmp.Compare(a.Reason, b.Reason))
	})
	return inv, cov
}

// CompareLocations orders locations by root, path, line, column and pointer.
func CompareLocations(a, b Location) int {
	return cmp.Or(cmp.Compare(a.Root, b.Root), cmp.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column), cmp.Compare(a.Pointer, b.Pointer), cmp.Compare(a.Commit, b.Commit))
}

func compareLocPtr(a, b *Location) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return CompareLocations(*a, *b)
}

func fill(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func mergeStrings(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}
