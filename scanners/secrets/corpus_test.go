package secrets_test

import (
	"fmt"
	"testing"

	"github.com/agentreach/agentreach/fixtures/secretcorpus"
	"github.com/agentreach/agentreach/scanners/secrets"
)

// TestCorpus runs the engine over the labelled corpus: every label is found
// with its format on its line, nothing else is found in positive files, and
// nothing at all in hard negatives.
func TestCorpus(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{1, 2, 3} {
		c := secretcorpus.Generate(seed)
		e := secrets.NewEngine(nil)
		type at struct {
			path string
			line int
		}
		found := map[at][]string{}
		for _, f := range c.Files {
			e.ScanFile(f.Path, []byte(f.Content), func(m secrets.Match) {
				found[at{f.Path, m.Line}] = append(found[at{f.Path, m.Line}], m.Format.ID)
			})
		}
		labelled := map[at]bool{}
		perFormat := map[string][2]int{}
		for _, l := range c.Labels {
			k := at{l.Path, l.Line}
			labelled[k] = true
			n := perFormat[l.Format]
			n[1]++
			if got := found[k]; len(got) == 1 && got[0] == l.Format {
				n[0]++
			} else {
				t.Errorf("seed %d: %s line %d: want %s, got %v", seed, l.Path, l.Line, l.Format, got)
			}
			perFormat[l.Format] = n
		}
		for k, fs := range found {
			if !labelled[k] {
				t.Errorf("seed %d: false positive %v in %s line %d", seed, fs, k.path, k.line)
			}
		}
		for _, f := range secrets.Formats() {
			if n := perFormat[f.ID]; n[1] == 0 || n[0] != n[1] {
				t.Errorf("seed %d: format %s recall %d/%d", seed, f.ID, n[0], n[1])
			}
		}
		if len(c.Negative) < 50 {
			t.Errorf("only %d hard negative files", len(c.Negative))
		}
		t.Log(fmt.Sprintf("seed %d: %d labels, %d negative files", seed, len(c.Labels), len(c.Negative)))
	}
}
