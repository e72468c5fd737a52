package workflows

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/agentreach/agentreach/inventory"
)

// Limits that keep memory and time bounded on hostile input.
const (
	// MaxCIFileBytes is the largest CI file parsed; real workflows are a
	// few kilobytes, so anything bigger is reported and skipped.
	MaxCIFileBytes = 4 << 20
	// maxExpandedNodes bounds the YAML tree size after alias expansion
	// (billion-laughs guard): actionlint walks aliases as shared subtrees,
	// so an alias bomb would cost exponential time.
	maxExpandedNodes = 500_000
)

var errAliasBomb = errors.New("YAML aliases expand beyond the size limit (alias bomb?)")

// checkYAMLSize refuses files over the size cap and documents whose aliases
// expand beyond maxExpandedNodes. Files without anchors skip the second
// parse.
func checkYAMLSize(data []byte) error {
	if len(data) > MaxCIFileBytes {
		return fmt.Errorf("CI file of %d bytes is larger than the %d-byte limit: not parsed", len(data), MaxCIFileBytes)
	}
	if !bytes.ContainsRune(data, '&') {
		return nil
	}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil // actionlint reports the syntax error with its position
	}
	if expandedSize(&n, map[*yaml.Node]int{}, 0) > maxExpandedNodes {
		return errAliasBomb
	}
	return nil
}

// expandedSize counts the nodes of n with aliases expanded, memoised per
// node so that the count itself stays linear.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int, depth int) int {
	if n == nil {
		return 0
	}
	if v, ok := memo[n]; ok {
		return v
	}
	if depth > 10_000 {
		return maxExpandedNodes + 1
	}
	memo[n] = maxExpandedNodes + 1 // a cycle counts as over the limit
	total := 1
	if n.Kind == yaml.AliasNode {
		total += expandedSize(n.Alias, memo, depth+1)
	}
	for _, c := range n.Content {
		total += expandedSize(c, memo, depth+1)
		if total > maxExpandedNodes {
			break
		}
	}
	memo[n] = total
	return total
}

// ynode wraps a yaml.Node for reading with aliases resolved and a shared
// visit budget, so that a hostile document cannot make a walk exponential.
type ynode struct {
	n      *yaml.Node
	budget *int
}

func newRoot(n *yaml.Node, budget *int) ynode {
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	return ynode{n: n, budget: budget}.resolve()
}

func (y ynode) resolve() ynode {
	for i := 0; y.n != nil && y.n.Kind == yaml.AliasNode && i < 100; i++ {
		y.n = y.n.Alias
	}
	if y.n != nil && y.n.Kind == yaml.AliasNode {
		y.n = nil
	}
	return y
}

func (y ynode) spend() bool {
	if *y.budget <= 0 {
		return false
	}
	*y.budget--
	return true
}

func (y ynode) ok() bool       { return y.n != nil }
func (y ynode) isMap() bool    { return y.n != nil && y.n.Kind == yaml.MappingNode }
func (y ynode) isSeq() bool    { return y.n != nil && y.n.Kind == yaml.SequenceNode }
func (y ynode) isScalar() bool { return y.n != nil && y.n.Kind == yaml.ScalarNode }
func (y ynode) line() int {
	if y.n == nil {
		return 1
	}
	return max(y.n.Line, 1)
}
func (y ynode) col() int {
	if y.n == nil {
		return 1
	}
	return max(y.n.Column, 1)
}

// str is the scalar value ("" for non-scalars).
func (y ynode) str() string {
	if y.isScalar() {
		return y.n.Value
	}
	return ""
}

// entry is one key/value pair of a mapping.
type entry struct {
	key    string
	k      ynode
	v      ynode
	file   inventory.Location // GitLab: the file that defines it
	merged []entry            // GitLab: variables of extended templates
}

// entries lists a mapping's pairs, with `<<:` merge keys expanded (the
// explicit keys win over merged ones, as YAML specifies).
func (y ynode) entries() []entry {
	if !y.isMap() {
		return nil
	}
	var out, merged []entry
	seen := map[string]bool{}
	for i := 0; i+1 < len(y.n.Content); i += 2 {
		if !y.spend() {
			break
		}
		k := ynode{n: y.n.Content[i], budget: y.budget}.resolve()
		v := ynode{n: y.n.Content[i+1], budget: y.budget}.resolve()
		if k.str() == "<<" && (k.n.Tag == "!!merge" || k.n.Tag == "") {
			switch {
			case v.isMap():
				merged = append(merged, v.entries()...)
			case v.isSeq():
				for _, m := range v.items() {
					merged = append(merged, m.entries()...)
				}
			}
			continue
		}
		seen[k.str()] = true
		out = append(out, entry{key: k.str(), k: k, v: v})
	}
	for _, e := range merged {
		if !seen[e.key] {
			seen[e.key] = true
			out = append(out, e)
		}
	}
	return out
}

// get returns the value of key in a mapping.
func (y ynode) get(key string) ynode {
	for _, e := range y.entries() {
		if e.key == key {
			return e.v
		}
	}
	return ynode{budget: y.budget}
}

func (y ynode) items() []ynode {
	if !y.isSeq() {
		return nil
	}
	out := make([]ynode, 0, len(y.n.Content))
	for _, c := range y.n.Content {
		if !y.spend() {
			break
		}
		out = append(out, ynode{n: c, budget: y.budget}.resolve())
	}
	return out
}

// strs reads a scalar or a sequence of scalars (nested sequences flattened,
// as GitLab does for script: lines).
func (y ynode) strs() []string {
	switch {
	case y.isScalar():
		return []string{y.n.Value}
	case y.isSeq():
		var out []string
		for _, it := range y.items() {
			out = append(out, it.strs()...)
		}
		return out
	}
	return nil
}

// truthy reads a YAML boolean scalar.
func (y ynode) truthy() bool {
	switch strings.ToLower(y.str()) {
	case "true", "yes", "on":
		return true
	}
	return false
}
