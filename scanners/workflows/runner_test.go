package workflows

import (
	"slices"
	"strings"
	"testing"
)

// TestRunsOn evaluates runs-on forms: literal labels, matrix values,
// format() and fromJSON(), input defaults, choices, and what stays
// undetermined.
func TestRunsOn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, job string
		hosting   string
		sets      string // label sets joined by " | "
	}{
		{"literal hosted", "runs-on: ubuntu-latest", hostingGitHub, ""},
		{"literal self-hosted", "runs-on: [self-hosted, linux]", hostingSelf, ""},
		{"custom label", "runs-on: gpu-box", hostingCustom, ""},
		{"runner group", "runs-on:\n      group: big", hostingCustom, ""},
		{"vendor", "runs-on: blacksmith-4vcpu-ubuntu-2204", hostingVendor, ""},
		{"fromJson of a matrix include", "strategy:\n      matrix:\n        include:\n          - runner: '[\"self-hosted\",\"Linux\"]'\n          - runner: '[\"ubuntu-latest\"]'\n    runs-on: ${{ fromJson(matrix.runner) }}",
			hostingSelf, "self-hosted,Linux | ubuntu-latest"},
		{"matrix row of lists", "strategy:\n      matrix:\n        r: [[self-hosted, gpu], [ubuntu-latest]]\n    runs-on: ${{ matrix.r }}", hostingSelf, "self-hosted,gpu | ubuntu-latest"},
		{"format with a matrix", "strategy:\n      matrix:\n        arch: [x64, arm64]\n    runs-on: ${{ fromJSON(format('[\"self-hosted\",\"{0}\"]', matrix.arch)) }}",
			hostingSelf, "self-hosted,x64 | self-hosted,arm64"},
		{"text around an expression", "strategy:\n      matrix:\n        v: ['2022', '2025']\n    runs-on: windows-${{ matrix.v }}", hostingGitHub, "windows-2022 | windows-2025"},
		{"choice", "runs-on: ${{ (matrix.language == 'swift' && 'macos-latest') || 'ubuntu-latest' }}", hostingGitHub, "macos-latest | ubuntu-latest"},
		{"choice with a custom label", "runs-on: ${{ github.repository == 'a/b' && 'big-box' || 'ubuntu-latest' }}", hostingCustom, "big-box | ubuntu-latest"},
		{"matrix row expression", "strategy:\n      matrix:\n        os: ${{ github.event_name == 'workflow_dispatch' && fromJson('[\"ubuntu-latest\",\"macos-latest\"]') || fromJson('[\"ubuntu-latest\"]') }}\n    runs-on: ${{ matrix.os }}",
			hostingGitHub, "ubuntu-latest | macos-latest"},
		{"vars are unknown", "runs-on: ${{ vars.RUNNER || 'ubuntu-latest' }}", "", "ubuntu-latest"},
		{"needs outputs are unknown", "runs-on: ${{ fromJSON(needs.a.outputs.runner) }}", "", ""},
		{"self-hosted beside an unknown", "runs-on: [self-hosted, \"${{ matrix.kind }}\"]", hostingSelf, "self-hosted,${{ matrix.kind }}"},
		{"custom beside an unknown", "runs-on: [big-box, \"${{ vars.POOL }}\"]", "", "big-box,${{ vars.POOL }}"},
	}
	for _, tt := range tests {
		src := "on: push\njobs:\n  a:\n    " + tt.job + "\n    steps: [{run: make}]\n"
		wf := parse(t, src)
		j := wf.Jobs[0]
		if j.RunnerHosting != tt.hosting {
			t.Errorf("%s: hosting %q, want %q", tt.name, j.RunnerHosting, tt.hosting)
		}
		var sets []string
		for _, s := range j.RunnerLabels {
			sets = append(sets, strings.Join(s, ","))
		}
		if got := strings.Join(sets, " | "); got != tt.sets {
			t.Errorf("%s: sets %q, want %q", tt.name, got, tt.sets)
		}
		if (tt.hosting == hostingSelf) != j.SelfHosted {
			t.Errorf("%s: self-hosted %v", tt.name, j.SelfHosted)
		}
	}
}

func TestRunsOnInputDefault(t *testing.T) {
	t.Parallel()
	wf := parse(t, "on:\n  workflow_call:\n    inputs:\n      runs-on: {type: string, default: self-hosted}\njobs:\n  a:\n    runs-on: ${{ inputs.runs-on }}\n    steps: [{run: make}]\n")
	if j := wf.Jobs[0]; !j.SelfHosted || !slices.Equal(j.RunnerLabels[0], []string{"self-hosted"}) {
		t.Errorf("job = %+v", j)
	}
}
