package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/rules"
)

// TestSanitizeEveryString: a marker in every kind of place — ids, subjects,
// names, paths, map keys and values, behind pointers — leaves no format;
// references stay consistent; shared data and the rule catalog are not
// modified.
func TestSanitizeEveryString(t *testing.T) {
	t.Parallel()
	const mark = "MARKxyz"
	clean := func(s string) string { return strings.ReplaceAll(s, mark, "M…z") }
	r := sample(t)
	agentID := "mcp-server:.mcp.json#" + mark
	loc := &inventory.Location{Root: ".", Path: "dir-" + mark + "/.mcp.json", Pointer: "/mcpServers/" + mark, Line: 3}
	shared := []string{"x-" + mark}
	r.Inventory.Agents = append(r.Inventory.Agents, inventory.Agent{ID: agentID, Name: mark, Location: *loc,
		Attributes: map[string]string{mark: mark}})
	r.Inventory.Reaches = append(r.Inventory.Reaches, inventory.Reach{Agent: agentID, Credential: r.Inventory.Credentials[0].ID, Location: loc})
	r.Inventory.Credentials[0].Locations = append(r.Inventory.Credentials[0].Locations, *loc)
	r.Inventory.Workflows[0].Jobs[0].ID = mark
	r.Inventory.Workflows[0].Jobs[0].RunsOn = shared
	f := r.Findings[0]
	f.Subject, f.Agent, f.Location, f.Message = agentID+"#bypass", agentID, *loc, "server "+mark
	r.Findings = append(r.Findings, f)
	r.Coverage = append(r.Coverage, inventory.Coverage{Source: "local", Target: ".", Path: mark + ".txt", Status: inventory.CoverageSkipped, Reason: mark})
	r.Scan.Targets = append(r.Scan.Targets, Target{Kind: "local", Name: "/tmp/" + mark})
	before := fmt.Sprintf("%+v", rules.All())
	r.Finalize()

	r.Sanitize(clean)
	for _, format := range Formats() {
		if out := string(render(t, format, Options{}, r)); strings.Contains(out, mark) {
			t.Errorf("%s holds the marker", format)
		}
	}
	if got := fmt.Sprintf("%+v", r); strings.Contains(got, mark) {
		t.Errorf("a string escaped: %s", got)
	}
	if a := r.Inventory.Agent("mcp-server:.mcp.json#M…z"); a == nil || len(r.Inventory.ReachesOf(a.ID)) != 1 || r.Findings[len(r.Findings)-1].Agent != a.ID {
		t.Error("references do not resolve after sanitizing")
	}
	if loc.Path != "dir-"+mark+"/.mcp.json" || shared[0] != "x-"+mark {
		t.Error("shared data was modified in place")
	}
	if fmt.Sprintf("%+v", rules.All()) != before {
		t.Error("the rule catalog was modified")
	}
}
