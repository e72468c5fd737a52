package agentconfig

import (
	"cmp"
	"slices"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// fileCtx collects what one file contributes. Nothing is added to the
// builder directly: the analyzer flushes every file's records of a root in
// Finish, in a sorted order, so that merged fields never depend on which
// worker finished first.
type fileCtx struct {
	values  Values             // the detection engine's judgement of values
	loc     inventory.Location // root, path, git state
	client  string             // the client that reads the file
	handled map[*node]bool     // values already read as server fields
	profile string             // id of the file's agent-profile agent ("" when none)

	agents  []inventory.Agent
	creds   []inventory.Credential
	reaches []inventory.Reach
	notes   []string
}

func newFileCtx(values Values, loc inventory.Location, client string) *fileCtx {
	return &fileCtx{values: values, loc: loc, client: client, handled: map[*node]bool{}}
}

// at is the location of a value; offset is the byte offset of the secret
// inside the string (for "Bearer …" or "--token=…").
func (f *fileCtx) at(n *node, ptr string, offset int) inventory.Location {
	l := f.loc
	if n != nil {
		l.Line, l.Column = n.line, n.col+offset
	}
	if l.Line < 1 {
		l.Line = 1
	}
	l.Pointer = ptr
	return l
}

// credHint says what the surrounding structure tells about a credential.
type credHint struct {
	key     string   // the env variable, header or flag name
	product *product // the well-known server it is passed to
}

func (h credHint) kind() inventory.CredentialKind {
	lk := strings.ToLower(h.key)
	switch {
	case strings.Contains(lk, "password") || strings.Contains(lk, "passwd") || strings.HasSuffix(lk, "pwd"):
		return inventory.KindPassword
	case h.product != nil && h.product.kind != "":
		return h.product.kind
	case strings.HasPrefix(lk, "aws_") || strings.HasPrefix(lk, "azure_") || strings.HasPrefix(lk, "google_"):
		return inventory.KindCloudAccessKey
	}
	return inventory.KindAPIKey
}

func (h credHint) platformReach() (string, inventory.ReachClass) {
	if h.product != nil && h.product.reach != inventory.ReachFilesystem && h.product.reach != inventory.ReachBrowser {
		return h.product.platform, h.product.reach
	}
	lk := strings.ToLower(h.key)
	switch {
	case strings.HasPrefix(lk, "github") || strings.HasPrefix(lk, "gh_"):
		return inventory.PlatformGitHub, inventory.ReachSourceControl
	case strings.HasPrefix(lk, "gitlab"):
		return inventory.PlatformGitLab, inventory.ReachSourceControl
	case strings.HasPrefix(lk, "aws_"):
		return "aws", inventory.ReachCloud
	case strings.HasPrefix(lk, "azure_"):
		return "azure", inventory.ReachCloud
	case strings.HasPrefix(lk, "google_") || strings.HasPrefix(lk, "gcp_"):
		return "gcp", inventory.ReachCloud
	case strings.HasPrefix(lk, "openai") || strings.HasPrefix(lk, "anthropic") || strings.HasPrefix(lk, "gemini") || strings.HasPrefix(lk, "mistral") || strings.HasPrefix(lk, "groq"):
		return strings.SplitN(lk, "_", 2)[0], inventory.ReachLLMAPI
	case strings.HasPrefix(lk, "slack"):
		return "slack", inventory.ReachChat
	case strings.HasPrefix(lk, "npm"):
		return "npm", inventory.ReachPackageRegistry
	}
	return "", ""
}

// literal records a secret written in the file: the embedded credential
// (the detection engine's judgement of the value, so the same id and
// classification as its scan of the file gives; the two merge) and the
// edge from the agent that receives it.
func (f *fileCtx) literal(agentID string, via inventory.ReachVia, value string, n *node, ptr string, h credHint) {
	value = strings.TrimSpace(value)
	if value == "" {
		return
	}
	offset := 0
	if n != nil && n.kind == kString {
		if i := strings.Index(n.str, value); i > 0 {
			offset = i
		}
	}
	loc := f.at(n, ptr, offset)
	loc.EndLine, loc.EndColumn = loc.Line, loc.Column+len(value)
	c, recognised := f.values.Embedded(h.key, []byte(value))
	c.Locations = []inventory.Location{loc}
	if !recognised {
		// A value of a format the engine does not know: what the
		// surrounding structure tells.
		c.Platform, c.Reach = h.platformReach()
	}
	c.ConfigKey = h.key
	f.creds = append(f.creds, c)
	if agentID != "" {
		l := loc
		f.reaches = append(f.reaches, inventory.Reach{Agent: agentID, Credential: c.ID, Via: via, Location: &l})
	}
}

// reference records a credential the file points at without holding it.
func (f *fileCtx) reference(agentID string, via inventory.ReachVia, r ref, n *node, ptr string, h credHint) {
	loc := f.at(n, ptr, 0)
	platform, reach := h.platformReach()
	name := r.name
	if len(name) > 120 {
		name = name[:120]
	}
	c := inventory.Credential{
		ID:        r.id(),
		Kind:      h.kind(),
		Platform:  platform,
		Name:      name + " (" + r.storage() + ")",
		Storage:   r.storage(),
		Lifetime:  inventory.LifetimeUnknown,
		Reach:     reach,
		Locations: []inventory.Location{loc},
		ConfigKey: h.key,
		Attributes: map[string]string{
			"reference": string(r.kind),
		},
	}
	f.creds = append(f.creds, c)
	if agentID != "" {
		l := loc
		f.reaches = append(f.reaches, inventory.Reach{Agent: agentID, Credential: c.ID, Via: via, Location: &l})
	}
}

// value reads one configured string that may hold a secret: indirections
// become references, secret-shaped literals become embedded credentials,
// URLs are searched for userinfo and query secrets. secretSlot says the
// surrounding key is secret-like (an env variable named …_TOKEN, an
// Authorization header).
func (f *fileCtx) value(agentID string, via inventory.ReachVia, v string, n *node, ptr string, h credHint, secretSlot bool) {
	if rs := refsIn(v); len(rs) > 0 {
		for _, r := range rs {
			if (r.kind == refEnv || r.kind == refFile || r.kind == refCommand) && !secretSlot && !secretKey(r.name) {
				continue // ${env:HOME} in an argument is not a credential
			}
			f.reference(agentID, via, r, n, ptr, h)
		}
		return
	}
	if u, ok := parseURL(v); ok {
		for _, lit := range u.literals {
			f.literal(agentID, viaURL(via), lit, n, ptr, h)
		}
		for _, r := range u.refs {
			f.reference(agentID, viaURL(via), r, n, ptr, h)
		}
		return
	}
	s := stripScheme(v)
	if (secretSlot && looksSecret(s)) || knownPrefix(s) != "" || f.recognised(h.key, s) {
		f.literal(agentID, via, s, n, ptr, h)
	}
}

// recognised reports whether the detection engine accepts a value under a
// key name as a credential.
func (f *fileCtx) recognised(key, v string) bool {
	_, ok := f.values.Embedded(key, []byte(v))
	return ok
}

func viaURL(via inventory.ReachVia) inventory.ReachVia {
	if via == inventory.ViaMCPArgs || via == inventory.ViaMCPHeader {
		return via
	}
	if via == inventory.ViaMCPEnv {
		return via
	}
	return inventory.ViaMCPURL
}

// walkSecrets records secrets under secret-like keys anywhere in a tree
// that no format reader handled: an `env` block, an `apiKey` of a model, a
// `primaryApiKey`. They are reached by the file's profile agent.
func (f *fileCtx) walkSecrets(n *node, ptr string, key string, depth int) {
	if n == nil || f.handled[n] || depth > maxDepth {
		return
	}
	switch n.kind {
	case kObject:
		for _, m := range n.members {
			f.walkSecrets(m.val, pointerJoin(ptr, m.key), m.key, depth+1)
		}
	case kArray:
		for i, it := range n.items {
			f.walkSecrets(it, pointerIndex(ptr, i), key, depth+1)
		}
	case kString:
		via := inventory.ViaAgentKey
		if strings.Contains(ptr, "/env/") || strings.HasPrefix(ptr, "/env") {
			via = inventory.ViaAgentEnv
		}
		v := n.str
		slot := secretKey(key)
		// "provider=key" list items (aider api-key, set-env).
		if name, val, ok := strings.Cut(v, "="); ok && !strings.Contains(v, "://") && regexpEnvName.MatchString(name) {
			if slot || secretKey(name) {
				f.value(f.profile, via, val, n, ptr, credHint{key: name}, true)
			}
			return
		}
		if slot || knownPrefix(stripScheme(v)) != "" || strings.Contains(v, "://") {
			f.value(f.profile, via, v, n, ptr, credHint{key: key}, slot)
		}
	}
}

// flush sorts a file's records (by location) so that a root's output does
// not depend on worker order.
func sortRecords(creds []inventory.Credential, reaches []inventory.Reach, agents []inventory.Agent) {
	slices.SortStableFunc(creds, func(a, b inventory.Credential) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), inventory.CompareLocations(a.Locations[0], b.Locations[0]))
	})
	slices.SortStableFunc(agents, func(a, b inventory.Agent) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortStableFunc(reaches, func(a, b inventory.Reach) int {
		return cmp.Or(cmp.Compare(a.Agent, b.Agent), cmp.Compare(a.Credential, b.Credential))
	})
}
