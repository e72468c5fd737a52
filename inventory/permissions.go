package inventory

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Level is a point of the permission lattice: none < read < write < admin.
type Level uint8

// Levels.
const (
	None Level = iota
	Read
	Write
	Admin
)

var levelNames = [...]string{"none", "read", "write", "admin"}

func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("level(%d)", uint8(l))
}

// ParseLevel parses none, read, write or admin (case-insensitive).
func ParseLevel(s string) (Level, error) {
	for i, n := range levelNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return Level(i), nil
		}
	}
	return None, fmt.Errorf("unknown permission level %q", s)
}

// MarshalText implements encoding.TextMarshaler.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Resource is a named resource of the lattice. The names are platform-neutral;
// the mapping tables translate each platform's scopes and permissions onto them.
type Resource string

// Resources.
const (
	ResContents          Resource = "contents"
	ResWorkflows         Resource = "workflows"
	ResSecrets           Resource = "secrets"
	ResVariables         Resource = "variables"
	ResAdministration    Resource = "administration"
	ResMembers           Resource = "members"
	ResPackages          Resource = "packages"
	ResDeployments       Resource = "deployments"
	ResEnvironments      Resource = "environments"
	ResPullRequests      Resource = "pull_requests"
	ResIssues            Resource = "issues"
	ResActions           Resource = "actions"
	ResChecks            Resource = "checks"
	ResStatuses          Resource = "statuses"
	ResPages             Resource = "pages"
	ResDiscussions       Resource = "discussions"
	ResIDToken           Resource = "id_token"
	ResSecurityEvents    Resource = "security_events"
	ResHooks             Resource = "repository_hooks"
	ResProjects          Resource = "projects"
	ResMetadata          Resource = "metadata"
	ResAttestations      Resource = "attestations"
	ResModels            Resource = "models"
	ResRunners           Resource = "runners"
	ResDeployKeys        Resource = "deploy_keys"
	ResOrgAdministration Resource = "org_administration"
	ResOrgSecrets        Resource = "org_secrets"
	ResOrgHooks          Resource = "org_hooks"
	ResOrgRunners        Resource = "org_runners"
	ResOrgProjects       Resource = "org_projects"
	ResOrgTokens         Resource = "org_personal_access_tokens"
	ResEnterprise        Resource = "enterprise_administration"
	ResUser              Resource = "user"
	ResUserKeys          Resource = "user_keys"
	ResGists             Resource = "gists"
	ResNotifications     Resource = "notifications"
	ResCodespaces        Resource = "codespaces"
	ResCopilot           Resource = "copilot"
	ResAuditLog          Resource = "audit_log"
	ResRegistry          Resource = "container_registry"
	ResInstance          Resource = "instance_administration" // GitLab sudo/admin_mode
	ResAI                Resource = "ai_features"
	ResKubernetes        Resource = "kubernetes"
)

// HighImpact lists the resources whose write access lets a holder change code
// that runs elsewhere, read secrets or change who has access.
var HighImpact = []Resource{
	ResContents, ResWorkflows, ResSecrets, ResVariables, ResAdministration, ResMembers,
	ResActions, ResEnvironments, ResDeployKeys, ResHooks, ResRunners, ResPackages,
	ResOrgAdministration, ResOrgSecrets, ResOrgHooks, ResOrgRunners, ResOrgTokens,
	ResEnterprise, ResInstance, ResIDToken,
}

// Permissions maps resources to levels. A missing resource is None.
type Permissions map[Resource]Level

// Get returns the level for r.
func (p Permissions) Get(r Resource) Level { return p[r] }

// Raise sets r to at least l and returns p (allocating when p is nil).
func (p Permissions) Raise(r Resource, l Level) Permissions {
	if l == None {
		return p
	}
	if p == nil {
		p = Permissions{}
	}
	if l > p[r] {
		p[r] = l
	}
	return p
}

// Join is the pointwise maximum (least upper bound).
func (p Permissions) Join(q Permissions) Permissions {
	if p == nil && q == nil {
		return nil
	}
	out := Permissions{}
	for r, l := range p {
		out = out.Raise(r, l)
	}
	for r, l := range q {
		out = out.Raise(r, l)
	}
	return out
}

// Meet is the pointwise minimum (greatest lower bound).
func (p Permissions) Meet(q Permissions) Permissions {
	out := Permissions{}
	for r, l := range p {
		if m := min(l, q[r]); m > None {
			out[r] = m
		}
	}
	return out
}

// Leq reports whether p ≤ q on every resource.
func (p Permissions) Leq(q Permissions) bool {
	for r, l := range p {
		if l > q[r] {
			return false
		}
	}
	return true
}

// Excess is one resource on which a holder has more than a cap allows.
type Excess struct {
	Resource Resource `json:"resource"`
	Have     Level    `json:"have"`
	Cap      Level    `json:"cap"`
}

// Exceeds lists, in resource order, where p is above q.
func (p Permissions) Exceeds(q Permissions) []Excess {
	var out []Excess
	for _, r := range p.Resources() {
		if p[r] > q[r] {
			out = append(out, Excess{Resource: r, Have: p[r], Cap: q[r]})
		}
	}
	return out
}

// Max returns the highest level held on any resource.
func (p Permissions) Max() Level {
	m := None
	for _, l := range p {
		m = max(m, l)
	}
	return m
}

// AtLeast lists, in order, the resources held at level l or above.
func (p Permissions) AtLeast(l Level) []Resource {
	var out []Resource
	for _, r := range p.Resources() {
		if p[r] >= l {
			out = append(out, r)
		}
	}
	return out
}

// HasWrite reports whether any resource is held at write or admin.
func (p Permissions) HasWrite() bool { return p.Max() >= Write }

// Resources returns the resources held above None, sorted.
func (p Permissions) Resources() []Resource {
	var out []Resource
	for r, l := range p {
		if l > None {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out
}

// String renders p as "contents:write, issues:read".
func (p Permissions) String() string {
	if len(p.Resources()) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(p))
	for _, r := range p.Resources() {
		parts = append(parts, string(r)+":"+p[r].String())
	}
	return strings.Join(parts, ", ")
}

// MarshalJSON writes a sorted object of level names, omitting None.
func (p Permissions) MarshalJSON() ([]byte, error) {
	m := make(map[string]string, len(p))
	for r, l := range p {
		if l > None {
			m[string(r)] = l.String()
		}
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads an object of level names.
func (p *Permissions) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	out := Permissions{}
	for k, v := range m {
		l, err := ParseLevel(v)
		if err != nil {
			return fmt.Errorf("permission %s: %w", k, err)
		}
		out = out.Raise(Resource(k), l)
	}
	*p = out
	return nil
}

// Equal reports whether p and q hold the same levels.
func (p Permissions) Equal(q Permissions) bool {
	return p.Leq(q) && q.Leq(p)
}

// Clone returns a copy of p.
func (p Permissions) Clone() Permissions { return maps.Clone(p) }

// CompareResource orders resources by name.
func CompareResource(a, b Resource) int { return cmp.Compare(a, b) }
