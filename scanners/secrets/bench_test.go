package secrets

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

// loadTree reads up to limit bytes of text files under the Go source tree.
func loadTree(b testing.TB, limit int) (names []string, files [][]byte, total int) {
	b.Helper()
	root := filepath.Join(runtime.GOROOT(), "src")
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || total >= limit {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		names, files = append(names, filepath.ToSlash(rel)), append(files, data)
		total += len(data)
		return nil
	})
	if total == 0 {
		b.Skip("no Go source tree")
	}
	return names, files, total
}

// BenchmarkScanGoSource measures the engine alone over 64 MB of the Go
// source tree (compare with BenchmarkPrefilterOnly and BenchmarkReadOnly).
func BenchmarkScanGoSource(b *testing.B) {
	names, files, total := loadTree(b, 64<<20)
	e := NewEngine(nil)
	b.SetBytes(int64(total))
	b.ResetTimer()
	for range b.N {
		for i, f := range files {
			e.ScanFile(names[i], f, func(Match) {})
		}
	}
}

// BenchmarkTouchBytes is the floor: one pass that loads every byte.
func BenchmarkTouchBytes(b *testing.B) {
	_, files, total := loadTree(b, 64<<20)
	b.SetBytes(int64(total))
	b.ResetTimer()
	var x byte
	for range b.N {
		for _, f := range files {
			for _, c := range f {
				x ^= c
			}
		}
	}
	_ = x
}

// BenchmarkAnalyzeGoSource measures the analyzer over the same files: the
// engine with candidate search in code (see Engine.scanCandidates), the
// building of credentials and the cross-file bookkeeping, without git.
func BenchmarkAnalyzeGoSource(b *testing.B) {
	names, files, total := loadTree(b, 64<<20)
	a := NewAnalyzer()
	b.SetBytes(int64(total))
	b.ResetTimer()
	for range b.N {
		out := inventory.NewBuilder()
		for i, f := range files {
			_ = a.Analyze(context.Background(), inventory.Location{Root: "go", Path: names[i]}, f, out)
		}
	}
}
