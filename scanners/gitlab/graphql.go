package gitlab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/scanners/workflows"
)

// The GraphQL API (POST /api/graphql) reads the file lists and files of
// many projects in one query: Query.projects(fullPaths:) with each
// project's Repository.tree and Repository.blobs, as GitLab's GraphQL API
// reference documents them. The REST tree and raw-file endpoints remain the
// fallback for every project the GraphQL answer does not cover — an
// instance without the fields, an error, a null repository, a truncated or
// binary blob — so a file is never missed because a query failed.
const (
	// gqlChunk is how many projects one query reads (GitLab accepts at most
	// 50 fullPaths).
	gqlChunk = 20
	// gqlMaxPaths bounds the paths one blobs query names.
	gqlMaxPaths = 60
	// gqlTreeAliases is how many projects one follow-up tree query pages
	// (each aliased project costs about 20 of GitLab's 250 complexity).
	gqlTreeAliases = 10
	// maxTreePages bounds a project's tree (100 entries a page).
	maxTreePages = 1000
)

// GraphQL availability for a scanner.
const (
	gqlUnknown int32 = iota
	gqlOK
	gqlOff
)

// gqlEnabled reports whether GraphQL is worth trying.
func (s *Scanner) gqlEnabled() bool { return s.gqlState.Load() != gqlOff }

// gqlDo sends one query. An answer that shows the instance cannot answer
// such queries at all (no GraphQL endpoint, or none of the fields: errors
// without data) turns GraphQL off for the scan; the REST fallback then
// reads everything, and the log says so once.
func (s *Scanner) gqlDo(ctx context.Context, query string, out any) ([]string, error) {
	var resp struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
			Path    []any  `json:"path"`
		} `json:"errors"`
	}
	_, err := s.client.GraphQL.Do(gl.GraphQLQuery{Query: query}, &resp, gl.WithContext(ctx))
	if err != nil {
		if isStatus(err, http.StatusNotFound) || isStatus(err, http.StatusMethodNotAllowed) || isStatus(err, http.StatusNotImplemented) {
			s.gqlOff("the instance has no GraphQL endpoint: " + describe(err).Error())
		}
		return nil, err
	}
	var msgs []string
	for _, e := range resp.Errors {
		msgs = append(msgs, truncate(e.Message, 200))
	}
	if len(resp.Data) == 0 || string(resp.Data) == "null" {
		if len(msgs) > 0 {
			s.gqlOff("the instance rejected the query: " + strings.Join(msgs, "; "))
		}
		return msgs, errors.New("GraphQL answered without data")
	}
	if err := json.Unmarshal(resp.Data, out); err != nil {
		return msgs, fmt.Errorf("GraphQL answer: %w", err)
	}
	s.gqlState.CompareAndSwap(gqlUnknown, gqlOK)
	return msgs, nil
}

func (s *Scanner) gqlOff(reason string) {
	if s.gqlState.Swap(gqlOff) != gqlOff {
		s.logger.Info("GitLab GraphQL not used: reading file lists and files through REST", "reason", redact(reason))
	}
}

// gqlString quotes a string as a GraphQL literal (JSON's escapes are
// GraphQL's), so a hostile path cannot leave it.
func gqlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func gqlList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = gqlString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// bigInt is GitLab's BigInt: a string-encoded integer (a number accepted).
type bigInt int64

func (b *bigInt) UnmarshalJSON(data []byte) error {
	s := strings.Trim(string(data), `"`)
	if s == "null" || s == "" {
		*b = -1
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("BigInt %q: %w", s, err)
	}
	*b = bigInt(n)
	return nil
}

type pageInfo struct {
	HasNextPage bool   `json:"hasNextPage"`
	EndCursor   string `json:"endCursor"`
}

type treePage struct {
	Repository *struct {
		Tree *struct {
			Blobs struct {
				Nodes []struct {
					Path string `json:"path"`
					Mode string `json:"mode"`
				} `json:"nodes"`
				PageInfo pageInfo `json:"pageInfo"`
			} `json:"blobs"`
		} `json:"tree"`
	} `json:"repository"`
}

const treeFields = `repository { tree(recursive: true) { blobs(first: 100%s) { nodes { path mode } pageInfo { hasNextPage endCursor } } } }`

// gqlTrees lists the trees of the work's projects that need one; a project
// GraphQL does not list is left to REST (w.treeDone false).
func (col *collector) gqlTrees(ctx context.Context, work []*projWork) {
	var need []*projWork
	for _, w := range work {
		if w.wantsFiles() {
			need = append(need, w)
		}
	}
	if len(need) == 0 || !col.s.gqlEnabled() {
		return
	}
	byPath := map[string]*projWork{}
	paths := make([]string, len(need))
	for i, w := range need {
		paths[i] = w.full
		byPath[strings.ToLower(w.full)] = w
	}
	var first struct {
		Projects *struct {
			Nodes []*struct {
				FullPath string `json:"fullPath"`
				treePage
			} `json:"nodes"`
		} `json:"projects"`
	}
	q := fmt.Sprintf(`query { projects(fullPaths: %s, first: %d) { nodes { fullPath %s } } }`, gqlList(paths), len(paths), fmt.Sprintf(treeFields, ""))
	if _, err := col.s.gqlDo(ctx, q, &first); err != nil || first.Projects == nil {
		return
	}
	more := map[*projWork]string{}
	for _, n := range first.Projects.Nodes {
		if n == nil {
			continue
		}
		w := byPath[strings.ToLower(n.FullPath)]
		if w == nil || w.treeDone {
			continue
		}
		if cur, ok := w.addTreePage(&n.treePage); ok && cur != "" {
			more[w] = cur
		}
	}
	// Trees of more than a page: the rest, several projects a query.
	for pages := 1; len(more) > 0 && ctx.Err() == nil; pages++ {
		var batch []*projWork
		for w := range more {
			batch = append(batch, w)
		}
		slices.SortFunc(batch, func(a, b *projWork) int { return strings.Compare(a.full, b.full) })
		if pages >= maxTreePages {
			for _, w := range batch {
				col.out.AddCoverage(inventory.Coverage{Source: Source, Target: w.full, Path: "/api/graphql", Status: inventory.CoveragePartial,
					Reason: fmt.Sprintf("the repository's tree has more than %d entries: files beyond them were not read", maxTreePages*100)})
				w.treeDone = true
			}
			break
		}
		batch = batch[:min(len(batch), gqlTreeAliases)]
		var b strings.Builder
		b.WriteString("query {")
		for i, w := range batch {
			fmt.Fprintf(&b, " p%d: project(fullPath: %s) { %s }", i, gqlString(w.full), fmt.Sprintf(treeFields, ", after: "+gqlString(more[w])))
		}
		b.WriteString(" }")
		var res map[string]*treePage
		_, err := col.s.gqlDo(ctx, b.String(), &res)
		for i, w := range batch {
			var page *treePage
			if err == nil {
				page = res["p"+strconv.Itoa(i)]
			}
			cur, ok := "", false
			if page != nil {
				cur, ok = w.addTreePage(page)
			}
			switch {
			case !ok:
				w.resetTree() // REST lists it from the start
				delete(more, w)
			case cur == "":
				delete(more, w)
			default:
				more[w] = cur
			}
		}
	}
}

// addTreePage adds a page of tree entries; it reports the cursor of the
// next page ("" for the last) and false when the page is not usable.
func (w *projWork) addTreePage(p *treePage) (string, bool) {
	if p.Repository == nil || p.Repository.Tree == nil {
		return "", false
	}
	bl := p.Repository.Tree.Blobs
	if w.tree == nil {
		w.tree = map[string]bool{}
	}
	for _, n := range bl.Nodes {
		if n.Path != "" && n.Mode != "120000" && n.Mode != "160000" {
			w.tree[n.Path] = true
		}
	}
	if bl.PageInfo.HasNextPage {
		if bl.PageInfo.EndCursor == "" {
			w.resetTree()
			return "", false
		}
		return bl.PageInfo.EndCursor, true
	}
	w.treeDone = true
	return "", true
}

func (w *projWork) resetTree() { w.tree, w.treeDone = nil, false }

type blobNode struct {
	Path        string  `json:"path"`
	RawSize     bigInt  `json:"rawSize"`
	RawTextBlob *string `json:"rawTextBlob"`
}

// gqlBlobs fetches the named files of the work's projects (paths per
// project), several projects a query; it stores what it got with store and
// leaves the rest to REST.
func (col *collector) gqlBlobs(ctx context.Context, work []*projWork, paths map[*projWork][]string, store func(w *projWork, path string, data []byte)) {
	if !col.s.gqlEnabled() {
		return
	}
	var group []*projWork
	union := map[string]bool{}
	flush := func() {
		if len(group) > 0 {
			col.gqlBlobQuery(ctx, group, union, paths, store)
		}
		group, union = nil, map[string]bool{}
	}
	for _, w := range work {
		ps := paths[w]
		if len(ps) == 0 {
			continue
		}
		added := 0
		for _, p := range ps {
			if !union[p] {
				added++
			}
		}
		if len(group) > 0 && (len(union)+added > gqlMaxPaths || len(group) >= gqlChunk) {
			flush()
		}
		if len(ps) > gqlMaxPaths {
			continue // more than one query holds: REST reads it
		}
		group = append(group, w)
		for _, p := range ps {
			union[p] = true
		}
	}
	flush()
}

func (col *collector) gqlBlobQuery(ctx context.Context, group []*projWork, union map[string]bool, paths map[*projWork][]string, store func(*projWork, string, []byte)) {
	names := make([]string, 0, len(union))
	for p := range union {
		names = append(names, p)
	}
	slices.Sort(names)
	full := make([]string, len(group))
	byPath := map[string]*projWork{}
	for i, w := range group {
		full[i] = w.full
		byPath[strings.ToLower(w.full)] = w
	}
	var res struct {
		Projects *struct {
			Nodes []*struct {
				FullPath   string `json:"fullPath"`
				Repository *struct {
					Blobs *struct {
						Nodes []*blobNode `json:"nodes"`
					} `json:"blobs"`
				} `json:"repository"`
			} `json:"nodes"`
		} `json:"projects"`
	}
	q := fmt.Sprintf(`query { projects(fullPaths: %s, first: %d) { nodes { fullPath repository { blobs(paths: %s, first: 100) { nodes { path rawSize rawTextBlob } } } } } }`,
		gqlList(full), len(full), gqlList(names))
	if _, err := col.s.gqlDo(ctx, q, &res); err != nil || res.Projects == nil {
		return
	}
	for _, n := range res.Projects.Nodes {
		if n == nil || n.Repository == nil || n.Repository.Blobs == nil {
			continue
		}
		w := byPath[strings.ToLower(n.FullPath)]
		if w == nil {
			continue
		}
		want := map[string]bool{}
		for _, p := range paths[w] {
			want[p] = true
		}
		for _, b := range n.Repository.Blobs.Nodes {
			if b == nil || !want[b.Path] {
				continue
			}
			switch {
			case b.RawSize > bigInt(col.s.opts.MaxFileSize):
				w.tooLarge[b.Path] = true
			case b.RawTextBlob != nil && int64(len(*b.RawTextBlob)) == int64(b.RawSize):
				store(w, b.Path, []byte(*b.RawTextBlob))
			}
			// A binary or truncated blob, or one whose size GitLab did not
			// say: REST reads its bytes.
		}
	}
}

// prefetchIncludes fetches, a few queries for the whole chunk, the local
// includes the fetched CI files name (and theirs, to the include depth), so
// that the analysis finds them instead of fetching each on its own. A
// variable or a wildcard in an include is left to the analysis.
func (col *collector) prefetchIncludes(ctx context.Context, work []*projWork) {
	if !col.s.gqlEnabled() {
		return
	}
	scanned := map[*projWork]map[string]bool{}
	next := func(w *projWork, data []byte, out map[*projWork][]string) {
		for _, ref := range workflows.GitLabLocalIncludes(data) {
			rel := strings.TrimPrefix(path.Clean("/"+strings.TrimSpace(ref)), "/")
			if strings.ContainsAny(rel, "$*?[") || !w.tree[rel] || w.files[rel] != nil || w.pre[rel] != nil || slices.Contains(out[w], rel) {
				continue
			}
			if len(w.pre) >= maxLazyFetches {
				return
			}
			out[w] = append(out[w], rel)
		}
	}
	round := map[*projWork][]string{}
	for _, w := range work {
		scanned[w] = map[string]bool{}
		for p, data := range w.files {
			// Files whose includes are relative to the repository's root.
			if p == ".gitlab-ci.yml" || p == ".gitlab-ci.yaml" || strings.HasPrefix(p, ".gitlab/ci/") {
				scanned[w][p] = true
				next(w, data, round)
			}
		}
	}
	for depth := 0; len(round) > 0 && depth < 10 && ctx.Err() == nil; depth++ {
		got := map[*projWork][]string{}
		col.gqlBlobs(ctx, work, round, func(w *projWork, p string, data []byte) {
			w.pre[p] = data
			got[w] = append(got[w], p)
		})
		round = map[*projWork][]string{}
		for w, ps := range got {
			for _, p := range ps {
				if !scanned[w][p] {
					scanned[w][p] = true
					next(w, w.pre[p], round)
				}
			}
		}
	}
}
