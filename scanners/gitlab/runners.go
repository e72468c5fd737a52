package gitlab

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/agentreach/agentreach/inventory"
)

// maxRunnerPages bounds the project runners one group query pages through
// (100 a page).
const maxRunnerPages = 100

type gqlRunner struct {
	ID          string   `json:"id"`
	Description string   `json:"description"`
	Paused      bool     `json:"paused"`
	Locked      *bool    `json:"locked"`
	RunUntagged bool     `json:"runUntagged"`
	AccessLevel string   `json:"accessLevel"`
	TagList     []string `json:"tagList"`
	Projects    *struct {
		Nodes []*struct {
			FullPath string `json:"fullPath"`
		} `json:"nodes"`
	} `json:"projects"`
}

// gqlProjectRunners reads, in one GraphQL query a hundred at a time, the
// project runners of every project below the group
// (Group.runners(membership: DESCENDANTS, type: PROJECT_TYPE)), with the
// settings the REST list needs a request per runner for. It reports whether
// the list is complete; when it is not, each project's runners are listed
// through REST instead (projectRunnersREST).
func (col *collector) gqlProjectRunners(ctx context.Context, group string) bool {
	if !col.s.gqlEnabled() {
		return false
	}
	type page struct {
		Group *struct {
			Runners *struct {
				Nodes    []*gqlRunner `json:"nodes"`
				PageInfo pageInfo     `json:"pageInfo"`
			} `json:"runners"`
		} `json:"group"`
	}
	var all []*gqlRunner
	after := ""
	for range maxRunnerPages {
		if after != "" {
			after = ", after: " + gqlString(after)
		}
		q := fmt.Sprintf(`query { group(fullPath: %s) { runners(membership: DESCENDANTS, type: PROJECT_TYPE, first: 100%s) { nodes { id description paused locked runUntagged accessLevel tagList projects(first: 20) { nodes { fullPath } } } pageInfo { hasNextPage endCursor } } } }`,
			gqlString(group), after)
		var res page
		if _, err := col.s.gqlDo(ctx, q, &res); err != nil || res.Group == nil || res.Group.Runners == nil {
			return false
		}
		all = append(all, res.Group.Runners.Nodes...)
		if !res.Group.Runners.PageInfo.HasNextPage {
			for _, r := range all {
				col.gqlRunner(r)
			}
			return true
		}
		if after = res.Group.Runners.PageInfo.EndCursor; after == "" {
			return false
		}
	}
	return false
}

func (col *collector) gqlRunner(r *gqlRunner) {
	if r == nil {
		return
	}
	id, err := strconv.ParseInt(r.ID[strings.LastIndex(r.ID, "/")+1:], 10, 64)
	if err != nil || id <= 0 {
		return
	}
	where := col.root
	if r.Projects != nil && len(r.Projects.Nodes) > 0 && r.Projects.Nodes[0] != nil {
		where = r.Projects.Nodes[0].FullPath
	}
	facts := &inventory.RunnerFacts{Type: "project_type", Paused: r.Paused, RunUntagged: r.RunUntagged,
		AccessLevel: strings.ToLower(r.AccessLevel), Tags: r.TagList, Details: true}
	if r.Locked != nil {
		facts.Locked = *r.Locked
	}
	col.recordRunner(id, cmpOr(r.Description, strconv.FormatInt(id, 10)), where, facts)
}

// projectRunnersREST lists a project's own runners through REST, with each
// one's details (when the group query did not).
func (col *collector) projectRunnersREST(ctx context.Context, pid int64, full string) {
	runners, err := gl.ScanAndCollect(func(po gl.PaginationOptionFunc) ([]*gl.Runner, *gl.Response, error) {
		return col.s.client.Runners.ListProjectRunners(pid, &gl.ListProjectRunnersOptions{ListOptions: gl.ListOptions{PerPage: 100},
			Type: gl.Ptr("project_type")}, po, gl.WithContext(ctx))
	})
	if err != nil {
		col.fail(full, "/projects/:id/runners", err)
		return
	}
	for _, r := range runners {
		if r.RunnerType == "project_type" {
			col.addRunner(ctx, r, full)
		}
	}
}
