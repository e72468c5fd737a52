package local

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/fixtures/faketoken"
)

func TestIsOwnReport(t *testing.T) {
	t.Parallel()
	own := map[string]string{
		"json": `{"schema_version": 2, "tool": {"name": "agentreach", "version": "dev"}, "scan": {"category": "agentreach/files/"},
  "findings": [{"rule_id": "AR-SC-001", "message": "A GitHub token (ghp_…Ab12) VALUE", "credential": "embedded:d4d117a048c8446a"}]}`,
		"sarif":    `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "agentreach"}}, "results": [{"message": {"text": "VALUE"}}]}]}`,
		"gitlab":   `[{"check_name": "AR-SC-001", "fingerprint": "356d79e963b1c350", "description": "VALUE"}]`,
		"csv":      csvHeader + "\nhigh,7.5,AR-SC-001,Hard-coded credential,scripts/deploy.sh,4,x,embedded:d4d117a048c8446a,,m VALUE,356d79e9,\n",
		"markdown": "## agentreach: `.`\n\n| Severity | Findings |\n|---|---:|\n\nVALUE\n<sub>agentreach dev · schema v2</sub>\n",
		"table":    "agentreach dev · . · complete\n\nFindings: 0 critical, 1 high, 0 medium, 0 low\n\nVALUE\nInventory: 1 credentials, 0 agents, 0 reach edges, 0 workflows\n",
	}
	for name, doc := range own {
		if !strings.Contains(doc, "VALUE") {
			t.Fatalf("%s: no VALUE", name)
		}
		if !isOwnReport([]byte(strings.Replace(doc, "VALUE", "", 1))) {
			t.Errorf("%s: not recognised", name)
		}
	}
	// Dressed as a report but holding a credential: scanned like any file.
	tok := faketoken.GitHub(faketoken.Rand(3), "ghp")
	aws := "wJalr" + faketoken.Base62(faketoken.Rand(4), 35)
	for name, doc := range own {
		for _, v := range []string{tok, aws} {
			if isOwnReport([]byte(strings.Replace(doc, "VALUE", v, 1))) {
				t.Errorf("%s holding a token-shaped value is recognised", name)
			}
		}
	}
	// A path with a long camel-case name and digits is not a token.
	if !isOwnReport([]byte(strings.Replace(own["json"], "VALUE", "/tmp/TestOwnReportsNotFindings3542115891/001", 1))) {
		t.Error("a report naming a test's temporary directory is not recognised")
	}
	other := map[string]string{
		"config":        `{"schema_version": 2, "tool": {"name": "other"}, "token": "x"}`,
		"other sarif":   `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "gitleaks"}}}]}`,
		"mixed sarif":   `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "agentreach"}}}, {"tool": {"driver": {"name": "x"}}}]}`,
		"gitlab other":  `[{"check_name": "rubocop", "fingerprint": "1"}]`,
		"empty array":   `[]`,
		"markdown head": "## agentreach: `.`\n\nno footer\n",
		"not json":      `{"schema_version": 2, "tool": {"name": "agentreach"`,
		"text":          "agentreach is a tool\n",
		"empty":         "",
	}
	for name, doc := range other {
		if isOwnReport([]byte(doc)) {
			t.Errorf("%s: recognised as an agentreach report", name)
		}
	}
}
