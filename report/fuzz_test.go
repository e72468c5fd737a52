package report

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// FuzzReadReport feeds JSON to the two readers of a report a user hands
// back to agentreach — a --baseline and a `merge` shard, often a CI
// artifact that others could have written — and, when one reads, the drift
// against it. Neither may panic, and an error is one line.
func FuzzReadReport(f *testing.F) {
	if golden, err := os.ReadFile("testdata/golden/json.golden"); err == nil {
		f.Add(golden)
	}
	for _, s := range []string{
		`{}`,
		`{"schema_version":2,"tool":{"name":"agentreach"},"inventory":{"credentials":[{"id":"a","permissions":{"contents":"write"}}],"agents":[{"id":"b"}],"reaches":[{"agent":"b","credential":"a"}]}}`,
		`{"schema_version":2,"tool":{"name":"agentreach"},"inventory":null,"findings":[null,{}]}`,
		`{"schema_version":1}`,
		`[`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for name, read := range map[string]func() (*Report, error){
			"baseline": func() (*Report, error) { return ReadBaseline(bytes.NewReader(data)) },
			"shard":    func() (*Report, error) { return ReadReport(bytes.NewReader(data)) },
		} {
			r, err := read()
			if err != nil {
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("%s: multi-line error %q", name, err)
				}
				continue
			}
			if r.Inventory != nil {
				_ = DiffInventory(r.Inventory, r.Inventory).Len()
			}
		}
	})
}
