package sariftest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// minimal is a log go-sarif writes, as agentreach's are.
var minimal = func() string {
	log := sarif.NewReport()
	run := sarif.NewRunWithInformationURI("agentreach", "https://github.com/agentreach/agentreach")
	run.AddRule("AR-SC-001")
	run.CreateResultForRule("AR-SC-001").WithLevel("error").WithMessage(sarif.NewTextMessage("m"))
	log.AddRun(run)
	var b bytes.Buffer
	if err := log.Write(&b); err != nil {
		panic(err)
	}
	return b.String()
}()

// recorder is a testing.TB that records Skip and Error instead of acting.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                       {}
func (r *recorder) Skipf(format string, a ...any) { r.skipped = format }
func (r *recorder) Errorf(format string, a ...any) {
	r.failed = format
}

// TestOASISSkipsVisiblyWithoutTheSchema: on a fresh clone (no ../shared) the
// OASIS check is a t.Skip with the reason — not a log line in a passing test.
func TestOASISSkipsVisiblyWithoutTheSchema(t *testing.T) {
	old := schemaPath
	schemaPath = "../no-such-shared/schemas/sarif-schema-2.1.0.json"
	defer func() { schemaPath = old }()
	r := &recorder{TB: t}
	OASIS(r, []byte(minimal))
	if !strings.Contains(r.skipped, "skipping the OASIS") || r.failed != "" {
		t.Errorf("skipped %q, failed %q", r.skipped, r.failed)
	}
}

// TestValidateEmbedded: go-sarif's embedded schema accepts a valid log and
// rejects an invalid one, with no file outside the module.
func TestValidateEmbedded(t *testing.T) {
	if err := ValidateEmbedded([]byte(minimal)); err != nil {
		t.Fatalf("valid log rejected: %v\n%s", err, minimal)
	}
	for name, bad := range map[string]string{
		"result without message": strings.Replace(minimal, `"message":{"arguments":[],"text":"m"}`, `"message":{"arguments":[]}`, 1),
		"bad level":              strings.Replace(minimal, `"level":"error"`, `"level":"fatal"`, 1),
		"bad version":            strings.Replace(minimal, `"version":"2.1.0"`, `"version":"2.0"`, 1),
	} {
		if bad == minimal {
			t.Fatalf("%s: the mutation did not apply to %s", name, minimal)
		}
		if err := ValidateEmbedded([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
