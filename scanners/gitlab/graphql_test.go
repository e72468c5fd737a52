package gitlab_test

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/agentreach/agentreach/fixtures/fakegitlab"
	glscan "github.com/agentreach/agentreach/scanners/gitlab"
)

// answerGraphQL answers every POST /api/graphql with fn's answer (nil: pass
// it on) and counts them.
func answerGraphQL(n *atomic.Int64, fn func(r *http.Request, i int64) *http.Response) http.RoundTripper {
	rt := baseTransport()
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path != "/api/graphql" {
			return rt.RoundTrip(r)
		}
		i := n.Add(1)
		if res := fn(r, i); res != nil {
			return res, nil
		}
		return rt.RoundTrip(r)
	})
}

func fakeResponse(r *http.Request, status int, ctype, body string) *http.Response {
	return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {ctype}}, Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}
}

// TestScanGroupGraphQLFallback: an instance whose GraphQL cannot answer the
// scanner's queries — no endpoint, a schema without the fields, answers
// that leave projects out, server errors — yields exactly the inventory of
// the GraphQL scan, through REST, and nothing is called incomplete. The
// GraphQL scan itself needs fewer requests than the REST one.
func TestScanGroupGraphQLFallback(t *testing.T) {
	env := newFaultEnv()
	ref, refReq := env.reference(t)
	cases := []struct {
		name     string
		answer   func(r *http.Request, i int64) *http.Response
		maxQuery int64 // GraphQL queries the scan may send (0: any)
	}{
		{"no endpoint", func(r *http.Request, _ int64) *http.Response {
			return fakeResponse(r, http.StatusNotFound, "text/html; charset=utf-8", "<!DOCTYPE html><html><body><h1>404</h1></body></html>")
		}, 1},
		{"fields unknown", func(r *http.Request, _ int64) *http.Response {
			return fakeResponse(r, http.StatusOK, "application/json", `{"errors":[{"message":"Field 'blobs' doesn't exist on type 'Repository'","locations":[{"line":1,"column":60}]}]}`)
		}, 1},
		{"projects left out", func(r *http.Request, i int64) *http.Response {
			if i%2 == 0 {
				return nil
			}
			return fakeResponse(r, http.StatusOK, "application/json", `{"data":{"projects":{"nodes":[]}}}`)
		}, 0},
		{"null repositories", func(r *http.Request, _ int64) *http.Response {
			return fakeResponse(r, http.StatusOK, "application/json", `{"data":{"projects":{"nodes":[{"fullPath":"acme/apps/agent-bot","repository":null}]}},"errors":[{"message":"The resource that you are attempting to access does not exist or you don't have permission to perform this action","path":["projects","nodes",0,"repository"]}]}`)
		}, 0},
		{"server errors", func(r *http.Request, _ int64) *http.Response {
			return fakeResponse(r, http.StatusBadGateway, "text/html", "<html><body>502 Bad Gateway</body></html>")
		}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := env.server()
			defer srv.Close()
			var queries atomic.Int64
			res, panicked := env.safeScan(t, srv, glscan.Options{Transport: answerGraphQL(&queries, c.answer), Retry: faultRetry(retryProfiles[2])})
			if panicked != "" {
				t.Fatal(panicked)
			}
			if v, why := judge(ref, res); v != verdictIdentical {
				t.Fatalf("not the GraphQL scan's inventory (%v): %s%s", v, why, covLines(incomplete(res.cov)))
			}
			if c.maxQuery > 0 && queries.Load() > c.maxQuery {
				t.Errorf("%d GraphQL queries after the instance showed it cannot answer them (want at most %d)", queries.Load(), c.maxQuery)
			}
			st := srv.Requests()
			if c.name == "no endpoint" {
				if st.Total <= refReq {
					t.Errorf("REST-only scan: %d requests, GraphQL scan %d: GraphQL saves nothing", st.Total, refReq)
				}
				t.Logf("acme: %d requests with GraphQL, %d through REST only", refReq, st.Total+int(queries.Load()))
			}
		})
	}
}

// TestScanGroupGraphQLLargeTree: a project whose tree spans several GraphQL
// pages (a follow-up query per page), with an agent configuration beyond
// the first page and a chain of local includes, is read whole — with no
// REST tree or raw-file request for it.
func TestScanGroupGraphQLLargeTree(t *testing.T) {
	env := newFaultEnv()
	base := env.server()
	baseRes := env.scanGroup(t, base, glscan.Options{})
	baseStats := base.Requests()
	base.Close()

	srv := env.server()
	defer srv.Close()
	srv.Update(func(in *fakegitlab.Instance) {
		from := in.Project("acme/apps/mcp-tools")
		files := maps.Clone(from.Files)
		for i := range 260 {
			files[fmt.Sprintf("src/pkg%03d/file.go", i)] = []byte("package p\n")
		}
		files[".gitlab-ci.yml"] = []byte("include:\n  - local: ci/a.yml\n")
		files["ci/a.yml"] = []byte("include:\n  - local: /ci/b.yml\n")
		files["ci/b.yml"] = []byte("agent:\n  image: node:22\n  script:\n    - npx @anthropic-ai/claude-code -p \"fix it\" --dangerously-skip-permissions\n")
		files["zz/deep/.mcp.json"] = []byte(`{"mcpServers":{"fs":{"command":"npx","args":["-y","@modelcontextprotocol/server-filesystem","/"]}}}`)
		in.Group("acme/apps").Projects = append(in.Group("acme/apps").Projects, &fakegitlab.Project{ID: 1098, Path: "big-tree", Name: "big-tree",
			Visibility: from.Visibility, DefaultBranch: from.DefaultBranch, Files: files, CreatedAt: in.Now, LastActivityAt: in.Now})
	})
	res := env.scanGroup(t, srv, glscan.Options{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if inc := incomplete(res.cov); len(inc) > 0 {
		t.Fatalf("incomplete:%s", covLines(inc))
	}
	const src = "gitlab:gitlab.example.com/acme/apps/big-tree"
	if res.inv.Agent(src+"|gitlab-ci:.gitlab-ci.yml#agent") == nil {
		var ids []string
		for _, a := range res.inv.Agents {
			if strings.HasPrefix(a.ID, src) {
				ids = append(ids, a.ID)
			}
		}
		t.Errorf("the agent job of ci/b.yml (included by ci/a.yml) is missing; agents of the project: %v", ids)
	}
	foundMCP := false
	for _, a := range res.inv.Agents {
		foundMCP = foundMCP || (strings.HasPrefix(a.ID, src) && strings.Contains(a.ID, "zz/deep/.mcp.json"))
	}
	if !foundMCP {
		t.Error("the MCP server configured in zz/deep/.mcp.json (past the tree's first page) is missing")
	}
	st := srv.Requests()
	for _, tmpl := range []string{"GET /projects/:id/repository/tree", "GET /projects/:id/repository/files/:file_path/raw"} {
		if st.ByTemplate[tmpl] != baseStats.ByTemplate[tmpl] {
			t.Errorf("%s: %d requests, %d without the project: it was read through REST", tmpl, st.ByTemplate[tmpl], baseStats.ByTemplate[tmpl])
		}
	}
	extra := st.ByTemplate["POST /api/graphql"] - baseStats.ByTemplate["POST /api/graphql"]
	if extra < 2 {
		t.Errorf("%d more GraphQL queries for a tree of three pages and two include levels: the pages or includes were not asked for", extra)
	}
	if len(baseRes.inv.Agents) >= len(res.inv.Agents) {
		t.Errorf("the project added no agents")
	}
	t.Logf("big-tree: %d more GraphQL queries, no REST tree or raw-file request", extra)
}
