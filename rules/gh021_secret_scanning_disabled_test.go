package rules

import (
	"strings"
	"testing"

	"github.com/agentreach/agentreach/inventory"
)

func TestSecretScanningDisabled(t *testing.T) {
	inv := securityInv([]inventory.Setting{
		secSetting("/site", inventory.SettingPushProtection, "disabled", false),
		secSetting("/site", inventory.SettingSecretScanning, "enabled", false),
		secSetting("/app", inventory.SettingSecretScanning, "disabled", false),
		secSetting("/old", inventory.SettingSecretScanning, "disabled", false),
	})
	got := messages(t, SecretScanningDisabled, inv)
	if len(got) != 2 {
		t.Fatalf("want a result for the public repository and one for the organisation's private ones, got %q", got)
	}
	if !strings.Contains(strings.Join(got, "\n"), "Repository acme/site (public) has push protection off") ||
		!strings.Contains(strings.Join(got, "\n"), "1 private or internal repository of acme have secret scanning or push protection off: acme/app (secret scanning)") {
		t.Errorf("messages: %q", got)
	}
	if got := messages(t, SecretScanningDisabled, securityInv([]inventory.Setting{secSetting("/app", inventory.SettingSecretScanning, "enabled", false)})); len(got) != 0 {
		t.Errorf("enabled: want quiet, got %q", got)
	}
}
