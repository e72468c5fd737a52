package report

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestReadReport(t *testing.T) {
	t.Parallel()
	r := &Report{Tool: Tool{Name: "agentreach", Version: "dev"}}
	r.Finalize()
	var b bytes.Buffer
	if err := (JSON{}).Write(context.Background(), &b, r); err != nil {
		t.Fatal(err)
	}
	back, err := ReadReport(&b)
	if err != nil || back.SchemaVersion != SchemaVersion || back.Tool.Name != "agentreach" {
		t.Fatalf("ReadReport = %+v, %v", back, err)
	}
	for _, in := range []string{`not json`, `{"schema_version": 2}`, `{"tool": {"name": "agentreach"}}`, `[1, 2]`, `{"version": "2.1.0", "runs": []}`} {
		if _, err := ReadReport(strings.NewReader(in)); !errors.Is(err, ErrNotReport) {
			t.Errorf("ReadReport(%s) = %v, want ErrNotReport", in, err)
		}
	}
	var ve *VersionError
	if _, err := ReadReport(strings.NewReader(`{"schema_version": 1, "tool": {"name": "agentreach"}}`)); !errors.As(err, &ve) || ve.Got != 1 {
		t.Errorf("a version-1 report: %v, want a VersionError", err)
	}
}
