package github

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// BuildQuery writes the GraphQL query for a chunk of repositories: per
// repository (alias rN) its deploy-key count, its environment names and the
// wanted files of its default branch (aliases fM, one Blob each). It
// returns the query and, per repository, the aliases of its files in order.
// Strings are quoted as JSON strings, which GraphQL accepts, so that a
// hostile path cannot break out of its literal.
func BuildQuery(owner string, repos []string, files [][]string) string {
	var b strings.Builder
	b.WriteString("query {\n  rateLimit { cost remaining resetAt }\n")
	for i, name := range repos {
		fmt.Fprintf(&b, "  r%d: repository(owner: %s, name: %s) {\n    nameWithOwner\n    deployKeys(first: 1) { totalCount }\n"+
			"    environments(first: 100) { totalCount nodes { name } }\n", i, quote(owner), quote(name))
		for j, p := range files[i] {
			fmt.Fprintf(&b, "    f%d: object(expression: %s) { __typename ... on Blob { byteSize isBinary text } }\n", j, quote("HEAD:"+p))
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func quote(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// gqlRepo is one repository of the answer.
type gqlRepo struct {
	NameWithOwner string `json:"nameWithOwner"`
	DeployKeys    struct {
		TotalCount int `json:"totalCount"`
	} `json:"deployKeys"`
	Environments struct {
		TotalCount int `json:"totalCount"`
		Nodes      []struct {
			Name string `json:"name"`
		} `json:"nodes"`
	} `json:"environments"`
}

type gqlBlob struct {
	Typename string  `json:"__typename"`
	ByteSize int64   `json:"byteSize"`
	IsBinary bool    `json:"isBinary"`
	Text     *string `json:"text"`
}

type gqlError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
	Path    []any  `json:"path"`
}

// fetchGraphQL asks for a chunk's files, deploy-key counts and
// environments, in queries of at most maxFilesPerQuery files.
func (col *collector) fetchGraphQL(ctx context.Context, work []*repoWork) {
	var group []*repoWork
	n := 0
	flush := func() {
		if len(group) > 0 {
			col.query(ctx, group)
		}
		group, n = nil, 0
	}
	// A repository whose tree could not be read (failed) is asked for its
	// deploy-key count and environments all the same, without files: the
	// tree's failure must not hide its deploy keys and environment secrets.
	for _, w := range work {
		if n+len(w.paths) > maxFilesPerQuery && len(group) > 0 {
			flush()
		}
		group = append(group, w)
		n += len(w.paths)
	}
	flush()
}

func (col *collector) query(ctx context.Context, group []*repoWork) {
	names := make([]string, len(group))
	files := make([][]string, len(group))
	for i, w := range group {
		names[i] = w.r.GetName()
		files[i] = w.paths
	}
	if err := col.awaitBudget(ctx, QueryCost(len(group))); err != nil {
		for _, w := range group {
			col.out.AddCoverage(inventory.Coverage{Source: Source, Target: w.src.Repo.FullName, Path: "POST /graphql",
				Status: inventory.CoverageFailed, Reason: err.Error() + ": its files, deploy keys and environments were not read"})
			w.failed = true
		}
		return
	}
	q := BuildQuery(col.org, names, files)
	data, errs, rate, err := col.post(ctx, q)
	col.noteRate(rate)
	if err != nil {
		for _, w := range group {
			col.fail(w.src.Repo.FullName, "POST /graphql (files, deploy keys, environments)", err)
			w.failed = true
		}
		return
	}
	failedAlias := map[string]string{}
	for _, e := range errs {
		if len(e.Path) > 0 {
			if a, ok := e.Path[0].(string); ok {
				failedAlias[a] = strings.TrimSpace(e.Type + " " + e.Message)
			}
		}
	}
	for i, w := range group {
		alias := "r" + strconv.Itoa(i)
		raw := data[alias]
		if len(raw) == 0 || string(raw) == "null" {
			col.out.AddCoverage(inventory.Coverage{Source: Source, Target: w.src.Repo.FullName, Path: "POST /graphql",
				Status: inventory.CoverageFailed, Reason: "GraphQL: " + orDefault(failedAlias[alias], "the repository was not returned") + "; needs repository metadata and contents read"})
			w.failed = true
			continue
		}
		var repo gqlRepo
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &repo); err != nil || json.Unmarshal(raw, &fields) != nil {
			col.out.AddCoverage(inventory.Coverage{Source: Source, Target: w.src.Repo.FullName, Path: "POST /graphql",
				Status: inventory.CoverageFailed, Reason: "GraphQL: malformed answer for the repository"})
			w.failed = true
			continue
		}
		w.gqlOK = true
		w.keys = repo.DeployKeys.TotalCount
		for _, e := range repo.Environments.Nodes {
			w.envs = append(w.envs, e.Name)
		}
		for j, p := range w.paths {
			fa := "f" + strconv.Itoa(j)
			var blob gqlBlob
			if fr := fields[fa]; len(fr) == 0 || string(fr) == "null" || json.Unmarshal(fr, &blob) != nil {
				col.out.AddCoverage(inventory.Coverage{Source: Source, Target: w.src.Repo.FullName, Path: p, Status: inventory.CoveragePartial,
					Reason: "listed in the tree but not returned by GraphQL"})
				continue
			}
			switch {
			case blob.IsBinary:
				col.out.AddCoverage(inventory.Coverage{Source: Source, Target: w.src.Repo.FullName, Status: inventory.CoverageSkipped, Reason: "binary file"})
			case blob.Text == nil || int64(len(*blob.Text)) < blob.ByteSize:
				col.out.AddCoverage(inventory.Coverage{Source: Source, Target: w.src.Repo.FullName, Path: p, Status: inventory.CoveragePartial,
					Reason: "GitHub returned the file's text truncated or not at all"})
			default:
				w.files[p] = []byte(*blob.Text)
			}
		}
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// maxGraphQLBody bounds one GraphQL answer.
const maxGraphQLBody = 64 << 20

// post sends one GraphQL query and returns data by top-level alias, the
// errors of a partial answer and the rate limit the answer reports (nil
// when it reports none).
func (col *collector) post(ctx context.Context, query string) (map[string]json.RawMessage, []gqlError, *gqlRate, error) {
	body, _ := json.Marshal(map[string]string{"query": query})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, col.s.graphql, bytes.NewReader(body))
	if err != nil {
		return nil, nil, nil, err
	}
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "agentreach")
	if col.c.bearer != "" {
		req.Header.Set("Authorization", "bearer "+col.c.bearer)
	}
	resp, err := col.c.http.Do(req)
	if err != nil {
		return nil, nil, nil, errors.New("GraphQL request failed: " + redactErr(err))
	}
	defer resp.Body.Close()
	rate := rateFromHeader(resp.Header)
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxGraphQLBody+1))
	if err != nil {
		return nil, nil, rate, fmt.Errorf("GraphQL answer unreadable: %s", redactErr(err))
	}
	if len(raw) > maxGraphQLBody {
		return nil, nil, rate, errors.New("GraphQL answer larger than 64 MiB")
	}
	if resp.StatusCode != http.StatusOK {
		var m struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(raw, &m)
		return nil, nil, rate, fmt.Errorf("GraphQL: %d %s", resp.StatusCode, orDefault(m.Message, http.StatusText(resp.StatusCode)))
	}
	var ans struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []gqlError                 `json:"errors"`
	}
	if err := json.Unmarshal(raw, &ans); err != nil {
		return nil, nil, rate, errors.New("GraphQL answer is not valid JSON (truncated?)")
	}
	if r := rateFromData(ans.Data["rateLimit"]); r != nil {
		rate = r
	}
	if ans.Data == nil && len(ans.Errors) > 0 {
		return nil, nil, rate, fmt.Errorf("GraphQL: %s", ans.Errors[0].Message)
	}
	return ans.Data, ans.Errors, rate, nil
}
