package inventory

import (
	"cmp"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// SourceReach says that an agent reaches every credential found in a source
// (the workstation agent can read everything under the home directory).
type SourceReach struct {
	Agent  string
	Source string
	Via    ReachVia
}

// ViaAccountable links a credential or agent to a human accountable for it
// (the principals map of .agentreach.yml).
const ViaAccountable ReachVia = "accountable"

// AccountablePrincipalID is the principal id of a human named in the
// principals map.
func AccountablePrincipalID(login string) string { return "accountable:" + login }

// Build is the link stage. After every scanner ran it merges the parts added
// under the same id in a canonical order, resolves references into reach
// edges (agent → credential when the credential exists, credential → owner,
// agent or credential → accountable human), and returns the inventory and
// coverage in a deterministic order: the result never depends on the order
// in which scanners, workers or sources ran.
func (b *Builder) Build() (*Inventory, []Coverage) {
	b.mu.Lock()
	defer b.mu.Unlock()
	inv := &Inventory{
		Sources:     []Source{},
		Principals:  []Principal{},
		Credentials: []Credential{},
		Agents:      []Agent{},
		Reaches:     []Reach{},
		Workflows:   slices.Clone(b.workflows),
	}
	for _, s := range b.sources {
		inv.Sources = append(inv.Sources, s)
	}
	for _, parts := range b.principals {
		inv.Principals = append(inv.Principals, mergePrincipals(parts))
	}
	for _, parts := range b.credentials {
		c := mergeCredentials(parts)
		if c.ValueHMAC != "" {
			c.Context = SharedContext(c.Locations)
		}
		inv.Credentials = append(inv.Credentials, c)
	}
	for _, parts := range b.agents {
		inv.Agents = append(inv.Agents, mergeAgents(parts))
	}
	slices.SortFunc(inv.Sources, func(a, b Source) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(inv.Principals, func(a, b Principal) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(inv.Credentials, func(a, b Credential) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(inv.Agents, func(a, b Agent) int { return cmp.Compare(a.ID, b.ID) })

	edges := map[string]Reach{}
	add := func(r Reach) {
		k := reachKey(r)
		if old, ok := edges[k]; ok {
			old.Permissions = old.Permissions.Join(r.Permissions)
			edges[k] = old
			return
		}
		edges[k] = r
	}
	for _, r := range b.reaches {
		add(r)
	}
	for _, r := range b.refs {
		if inv.Credential(r.Credential) != nil {
			add(r)
		}
	}
	for _, sr := range b.sourceReach {
		for i := range inv.Credentials {
			c := &inv.Credentials[i]
			for _, l := range c.Locations { // sorted: the first location in the source
				if l.Source == sr.Source {
					loc := l
					add(Reach{Agent: sr.Agent, Credential: c.ID, Via: sr.Via, Location: &loc})
					break
				}
			}
		}
	}
	for _, c := range inv.Credentials {
		if c.Owner != "" {
			add(Reach{Credential: c.ID, Principal: c.Owner, Via: ViaOwner})
		}
	}
	b.linkJobVariables(inv, add)
	b.applyBindings(inv, edges, add)
	b.markMissing(inv)
	b.linkAccountable(inv, add)
	inv.Settings = slices.Clone(b.settings)
	slices.SortFunc(inv.Settings, func(a, b Setting) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Value, b.Value))
	})
	inv.Settings = slices.CompactFunc(inv.Settings, func(a, b Setting) bool {
		return a.Source == b.Source && a.Name == b.Name && a.Value == b.Value
	})
	inv.Webhooks = b.buildWebhooks()
	for _, r := range edges {
		inv.Reaches = append(inv.Reaches, r)
	}
	if inv.Workflows == nil {
		inv.Workflows = []Workflow{}
	}
	slices.SortFunc(inv.Principals, func(a, b Principal) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(inv.Reaches, func(a, b Reach) int {
		return cmp.Or(cmp.Compare(a.Agent, b.Agent), cmp.Compare(a.Credential, b.Credential),
			cmp.Compare(a.Principal, b.Principal), cmp.Compare(a.Via, b.Via),
			compareLocPtr(a.Location, b.Location))
	})
	slices.SortFunc(inv.Workflows, func(a, b Workflow) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Root, b.Root), cmp.Compare(a.Path, b.Path))
	})
	cov := slices.Clone(b.coverage)
	slices.SortFunc(cov, func(a, b Coverage) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Target, b.Target),
			cmp.Compare(a.Path, b.Path), cmp.Compare(a.Status, b.Status), cmp.Compare(a.Reason, b.Reason),
			cmp.Compare(a.Count, b.Count))
	})
	return inv, cov
}

// linkAccountable applies the principals map: every agent and credential
// whose id (or its part after the source scope) or name matches a pattern
// gets the pattern's humans as accountable principals, with an edge to each.
func (b *Builder) linkAccountable(inv *Inventory, add func(Reach)) {
	if len(b.accountable) == 0 {
		return
	}
	patterns := make([]string, 0, len(b.accountable))
	for p := range b.accountable {
		patterns = append(patterns, p)
	}
	slices.Sort(patterns)
	humans := func(id, name string) []string {
		_, local := Unscoped(id)
		var out []string
		for _, p := range patterns {
			if MatchPattern(p, id) || MatchPattern(p, local) || (name != "" && MatchPattern(p, name)) {
				out = mergeStrings(out, b.accountable[p])
			}
		}
		return out
	}
	seen := map[string]bool{}
	principal := func(login string) string {
		id := AccountablePrincipalID(login)
		if !seen[id] && inv.principal(id) == nil {
			inv.Principals = append(inv.Principals, Principal{ID: id, Platform: "config", Login: login, Kind: PrincipalHuman})
		}
		seen[id] = true
		return id
	}
	for i := range inv.Credentials {
		c := &inv.Credentials[i]
		for _, h := range humans(c.ID, c.Name) {
			c.Accountable = mergeStrings(c.Accountable, []string{h})
			add(Reach{Credential: c.ID, Principal: principal(h), Via: ViaAccountable})
		}
	}
	for i := range inv.Agents {
		a := &inv.Agents[i]
		for _, h := range humans(a.ID, a.Name) {
			a.Accountable = mergeStrings(a.Accountable, []string{h})
		}
	}
}

// MatchPattern matches an identity pattern: `*` matches any run of
// characters (ids hold slashes, which are not separators here), `?` one, and
// everything else itself.
func MatchPattern(pattern, s string) bool {
	if !strings.ContainsAny(pattern, "*?") {
		return pattern == s
	}
	var b strings.Builder
	b.WriteString("^")
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	ok, err := regexp.MatchString(b.String(), s)
	return err == nil && ok
}

func (inv *Inventory) principal(id string) *Principal {
	for i := range inv.Principals {
		if inv.Principals[i].ID == id {
			return &inv.Principals[i]
		}
	}
	return nil
}

func reachKey(r Reach) string {
	k := r.Agent + "\x00" + r.Credential + "\x00" + r.Principal + "\x00" + string(r.Via)
	if r.Location != nil {
		k += "\x00" + r.Location.Source + "\x00" + r.Location.Path + "\x00" + strconv.Itoa(r.Location.Line)
	}
	return k
}

// canonical sorts parts by their JSON encoding, after an optional rank, so
// that merging picks the same part first whatever order they were added in.
func canonical[T any](parts []T, rank func(T) int) {
	keys := make(map[int][]byte, len(parts))
	idx := make([]int, len(parts))
	for i := range parts {
		idx[i] = i
		keys[i], _ = json.Marshal(parts[i])
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if rank != nil {
			if c := cmp.Compare(rank(parts[a]), rank(parts[b])); c != 0 {
				return c
			}
		}
		return strings.Compare(string(keys[a]), string(keys[b]))
	})
	sorted := make([]T, len(parts))
	for i, j := range idx {
		sorted[i] = parts[j]
	}
	copy(parts, sorted)
}

func mergePrincipals(parts []Principal) Principal {
	canonical(parts, nil)
	out := parts[0]
	out.RepoPermissions = nil
	out.Accountable = nil
	for _, p := range parts {
		if out.Kind == "" || out.Kind == PrincipalUnknown {
			out.Kind = p.Kind
		}
		fill(&out.Role, p.Role)
		fill(&out.Platform, p.Platform)
		fill(&out.Login, p.Login)
		if out.State == "" || out.State == StateUnknown {
			out.State = p.State
		}
		for repo, perm := range p.RepoPermissions {
			if out.RepoPermissions == nil {
				out.RepoPermissions = map[string]Permissions{}
			}
			out.RepoPermissions[repo] = out.RepoPermissions[repo].Join(perm)
		}
		out.Accountable = mergeStrings(out.Accountable, p.Accountable)
	}
	return out
}

// mergeCredentials merges the parts of one credential. A part that a
// detector classified (it has a Type) ranks first, so its name, type and
// classification win over what a parser inferred from a key name; the rest
// fill only what is empty.
func mergeCredentials(parts []Credential) Credential {
	canonical(parts, func(c Credential) int {
		if c.Type != "" {
			return 0
		}
		return 1
	})
	out := parts[0]
	out.Locations, out.Attributes, out.Permissions = nil, nil, nil
	for _, c := range parts {
		for _, l := range c.Locations {
			if !slices.Contains(out.Locations, l) {
				out.Locations = append(out.Locations, l)
			}
		}
		out.Permissions = out.Permissions.Join(c.Permissions)
		for k, v := range c.Attributes {
			if out.Attributes == nil {
				out.Attributes = map[string]string{}
			}
			if _, exists := out.Attributes[k]; !exists {
				out.Attributes[k] = v
			}
		}
		out.fillFacts(c)
		fill(&out.Owner, c.Owner)
		fill(&out.Platform, c.Platform)
		fill(&out.Name, c.Name)
		fill(&out.Storage, c.Storage)
		fill(&out.Redacted, c.Redacted)
		fill(&out.Revocation, c.Revocation)
		fill(&out.Type, c.Type)
		fill((*string)(&out.Kind), string(c.Kind))
		fill(&out.ValueHMAC, c.ValueHMAC)
		if out.Lifetime == "" || out.Lifetime == LifetimeUnknown {
			out.Lifetime = c.Lifetime
		}
		if out.Reach == "" {
			out.Reach = c.Reach
		}
		if out.Scope == nil {
			out.Scope = c.Scope
		}
		if out.CreatedAt == nil {
			out.CreatedAt = c.CreatedAt
		}
		if out.ExpiresAt == nil {
			out.ExpiresAt = c.ExpiresAt
		}
		if out.LastUsedAt == nil {
			out.LastUsedAt = c.LastUsedAt
		}
		out.Accountable = mergeStrings(out.Accountable, c.Accountable)
		out.Backing = mergeStrings(out.Backing, c.Backing)
	}
	slices.SortFunc(out.Locations, CompareLocations)
	return out
}

// mergeAgents merges the parts of one agent: triggers and permissions are
// joined; every other field comes from the first part in canonical order.
func mergeAgents(parts []Agent) Agent {
	canonical(parts, nil)
	out := parts[0]
	out.Triggers = slices.Clone(out.Triggers)
	for _, a := range parts[1:] {
		for _, t := range a.Triggers {
			if !slices.Contains(out.Triggers, t) {
				out.Triggers = append(out.Triggers, t)
			}
		}
		out.Permissions = out.Permissions.Join(a.Permissions)
		out.Accountable = mergeStrings(out.Accountable, a.Accountable)
	}
	return out
}
