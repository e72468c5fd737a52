package workflows

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rhysd/actionlint"

	"github.com/agentreach/agentreach/inventory"
)

func benchFiles(b *testing.B) map[string][]byte {
	files, err := filepath.Glob("testdata/github/*.yml")
	if err != nil || len(files) == 0 {
		b.Fatal("no testdata")
	}
	out := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		out[".github/workflows/"+filepath.Base(f)] = data
	}
	return out
}

// BenchmarkParseOnly is the baseline: actionlint's parser alone.
func BenchmarkParseOnly(b *testing.B) {
	files := benchFiles(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, data := range files {
			actionlint.Parse(data)
		}
	}
}

// BenchmarkAnalyze is the whole analysis: parse, gates, agents, reach.
// Compare its ns/op and B/op with BenchmarkParseOnly from the same run.
func BenchmarkAnalyze(b *testing.B) {
	files := benchFiles(b)
	b.ReportAllocs()
	for b.Loop() {
		a := NewAnalyzer(Options{})
		out := inventory.NewBuilder()
		for p, data := range files {
			if err := a.Analyze(context.Background(), inventory.Location{Path: p}, data, out); err != nil {
				b.Fatal(err)
			}
		}
		if err := a.Finish(context.Background(), inventory.Source{}, out); err != nil {
			b.Fatal(err)
		}
	}
}
