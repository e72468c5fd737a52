package inventory

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"sync"
)

// Builder collects inventory parts from concurrent scanners. It only
// records: parts with the same id are merged, and references are resolved
// into reach edges, in Build — the link stage — in a canonical order, so the
// inventory never depends on the order in which scanners, workers or sources
// ran. Credentials with the same id merge their locations and attributes, so
// a value found in N places is one credential with N locations.
type Builder struct {
	mu           sync.Mutex
	principals   map[string][]Principal
	credentials  map[string][]Credential
	agents       map[string][]Agent
	reaches      map[string]Reach
	refs         []Reach
	sourceReach  []SourceReach
	workflows    []Workflow
	coverage     []Coverage
	sources      map[string]Source
	accountable  map[string][]string
	bindings     []Binding
	settings     []Setting
	webhooks     []Webhook
	secretNames  []SecretNames
	jobVariables []JobVariables
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder {
	return &Builder{
		principals:  map[string][]Principal{},
		credentials: map[string][]Credential{},
		agents:      map[string][]Agent{},
		reaches:     map[string]Reach{},
		sources:     map[string]Source{},
	}
}

// AddSource records a source the scan read. A source added twice keeps its
// first record.
func (b *Builder) AddSource(s Source) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.sources[s.ID]; !ok {
		s.FS = nil
		b.sources[s.ID] = s
	}
}

// AddRef records a reference from an agent to a credential that some scanner
// may inventory (an embedded value a detector confirmed, a secret an API
// lists). The link stage makes it an edge only when the credential exists
// after every scanner ran.
func (b *Builder) AddRef(r Reach) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refs = append(b.refs, r)
}

// AddSourceReach records that an agent reaches every credential found in a
// source (the workstation agent reads everything under the home directory).
func (b *Builder) AddSourceReach(r SourceReach) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sourceReach = append(b.sourceReach, r)
}

// SetAccountable sets the principals map: identity patterns (ids or names of
// agents and credentials, `*` matching any run of characters) → the humans
// accountable for them (from .agentreach.yml). The link stage applies it.
func (b *Builder) SetAccountable(m map[string][]string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.accountable = m
}

// AddPrincipal adds or merges a principal.
func (b *Builder) AddPrincipal(p Principal) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p.RepoPermissions = maps.Clone(p.RepoPermissions)
	p.Accountable = slices.Clone(p.Accountable)
	b.principals[p.ID] = append(b.principals[p.ID], p)
}

// AddCredential adds a credential or merges it into one with the same id.
func (b *Builder) AddCredential(c Credential) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c.Locations = slices.Clone(c.Locations)
	c.Attributes = maps.Clone(c.Attributes)
	c.Permissions = maps.Clone(c.Permissions)
	c.Feeds, c.Audience = slices.Clone(c.Feeds), slices.Clone(c.Audience)
	b.credentials[c.ID] = append(b.credentials[c.ID], c)
}

// AddAgent adds an agent; agents with the same id are merged in the link
// stage (triggers and permissions joined, other fields from the first part
// in canonical order).
func (b *Builder) AddAgent(a Agent) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a.Triggers = slices.Clone(a.Triggers)
	a.Attributes = maps.Clone(a.Attributes)
	a.Permissions = maps.Clone(a.Permissions)
	a.MCP, a.Profile, a.CI = a.MCP.clone(), a.Profile.clone(), a.CI.clone()
	b.agents[a.ID] = append(b.agents[a.ID], a)
}

// AddReach adds an edge; duplicates are dropped.
func (b *Builder) AddReach(r Reach) {
	b.mu.Lock()
	defer b.mu.Unlock()
	key := r.Agent + "\x00" + r.Credential + "\x00" + r.Principal + "\x00" + string(r.Via)
	if r.Location != nil {
		key += "\x00" + r.Location.Source + "\x00" + r.Location.Path + "\x00" + strconv.Itoa(r.Location.Line)
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

// Merge adds everything of another inventory and coverage list — its
// sources, principals, credentials, agents, reach edges and workflows — as
// parts, so that Build merges them by id with everything else added (the
// way `agentreach merge` combines the reports of sharded runs). Edges the
// link stage derives (owner, accountable) are derived again; the ones the
// inventory holds are kept as they are.
func (b *Builder) Merge(inv *Inventory, cov []Coverage) {
	if inv != nil {
		for _, s := range inv.Sources {
			b.AddSource(s)
		}
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
		for _, st := range inv.Settings {
			b.AddSetting(st)
		}
		for _, h := range inv.Webhooks {
			b.AddWebhook(h)
		}
	}
	for _, c := range cov {
		b.AddCoverage(c)
	}
}

// CompareLocations orders locations by root, path, line, column and pointer.
func CompareLocations(a, b Location) int {
	return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Root, b.Root), cmp.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line),
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
