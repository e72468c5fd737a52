package report

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/rules"
)

// hostileName would run script or close the data block if the page put it
// anywhere but text.
const hostileName = `</script><img src=x onerror="document.title='pwned'">`

// bigReport is a scan of 50 agents and 200 credentials: each agent reaches
// four credentials, credentials are owned by ten principals, and findings
// of every severity sit on agents and credentials.
func bigReport(t *testing.T) *Report { return sizedReport(t, 50, 200, 120) }

// sizedReport is bigReport at other sizes (nCreds = 4 × nAgents reaches them all).
func sizedReport(t *testing.T, nAgents, nCreds, nFindings int) *Report {
	t.Helper()
	inv := &inventory.Inventory{}
	for i := range 10 {
		inv.Principals = append(inv.Principals, inventory.Principal{ID: fmt.Sprintf("github:user:%d", i), Platform: "github", Login: fmt.Sprintf("owner-%d", i), Kind: "user"})
	}
	for i := range nCreds {
		c := inventory.Credential{ID: fmt.Sprintf("cred-%03d", i), Kind: inventory.KindActionsSecret, Name: fmt.Sprintf("SECRET_%03d", i),
			Owner: fmt.Sprintf("github:user:%d", i%10)}
		if i == 7 {
			c.Name = hostileName
		}
		inv.Credentials = append(inv.Credentials, c)
	}
	for i := range nAgents {
		a := inventory.Agent{ID: fmt.Sprintf("agent-%02d", i), Kind: inventory.AgentKind("ci-agent"), Name: fmt.Sprintf("claude-%02d", i),
			Location: inventory.Location{Path: ".github/workflows/agent.yml", Line: i + 1}}
		if i == 3 {
			a.Name = hostileName
		}
		inv.Agents = append(inv.Agents, a)
		for k := range 4 {
			inv.Reaches = append(inv.Reaches, inventory.Reach{Agent: a.ID, Credential: fmt.Sprintf("cred-%03d", (i*4+k)%nCreds), Via: "job-env"})
		}
	}
	r := &Report{
		Tool:      Tool{Name: "agentreach", Version: "1.2.3"},
		Scan:      Scan{Targets: []Target{{Kind: "local", Name: "big"}}, Status: StatusComplete},
		Inventory: inv,
		Rules:     rules.All(),
	}
	sevs := []inventory.Severity{inventory.SeverityCritical, inventory.SeverityHigh, inventory.SeverityMedium, inventory.SeverityLow}
	for i := range nFindings {
		s := sevs[i%4]
		r.Findings = append(r.Findings, inventory.Finding{RuleID: "AR-CI-001", Severity: s, Score: 9.5 - float64(i%4)*2,
			Message: fmt.Sprintf("finding %d %s", i, hostileName), Subject: fmt.Sprintf("s%d", i),
			Location: inventory.Location{Path: ".github/workflows/agent.yml", Line: i + 1},
			Agent:    fmt.Sprintf("agent-%02d", i%nAgents), Credential: fmt.Sprintf("cred-%03d", (i%nAgents)*4)})
	}
	r.Finalize()
	return r
}

// TestHTMLSelfContained: one file that loads nothing at view time and keeps
// hostile names as data.
func TestHTMLSelfContained(t *testing.T) {
	t.Parallel()
	for name, r := range map[string]*Report{"sample": sample(t), "empty": emptyReport(), "big": bigReport(t), "interrupted": interruptedReport(t)} {
		out := string(render(t, FormatHTML, Options{}, r))
		if !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.Contains(out, "Content-Security-Policy") {
			t.Errorf("%s: not a page with a CSP", name)
		}
		if m := regexp.MustCompile(`(?i)<(script|img|link|iframe)[^>]*\s(src|href)=`).FindString(out); m != "" {
			t.Errorf("%s: the page loads something: %s", name, m)
		}
		if strings.Contains(out, "<img") || strings.Count(out, "</script>") != 2 {
			t.Errorf("%s: a hostile name broke out of the data block", name)
		}
		if strings.Contains(out, "innerHTML") {
			t.Errorf("%s: the script writes HTML", name)
		}
	}
}

// TestHTMLInBrowser opens the page in headless Chromium: it renders without
// console errors, the reach picture and findings are drawn, and filtering
// by agent, credential and severity narrows both. Skipped without Chromium,
// unless AGENTREACH_BROWSER=required (.ci/run installs it and sets that).
func TestHTMLInBrowser(t *testing.T) {
	browser := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		if os.Getenv("AGENTREACH_BROWSER") == "required" {
			t.Fatal("no Chromium on PATH and AGENTREACH_BROWSER=required")
		}
		t.Skip("no Chromium on PATH (apt-get install chromium)")
	}
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, render(t, FormatHTML, Options{}, bigReport(t)), 0o600); err != nil {
		t.Fatal(err)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 800), chromedp.DisableGPU, chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()))
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()

	// Every console message, exception and browser-log entry (a blocked
	// load, a CSP violation) of the page's life.
	cctx, stopConsole := context.WithCancel(bctx)
	var (
		mu       sync.Mutex
		problems []string
		done     = make(chan struct{})
	)
	messages := chromedp.Console(cctx)
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.IsException() {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()

	if err := chromedp.Do(bctx, chromedp.Navigate("file://"+page), chromedp.WaitVisible(`#findings tbody tr`)); err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(bctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	count := func(js string) int {
		t.Helper()
		n, err := chromedp.Run(bctx, chromedp.Evaluate[int](js))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Columns are told apart by their x position (report.js: X).
	column := func(x string) int {
		return count(`Array.from(document.querySelectorAll('#reach g.node rect')).filter(r => r.getAttribute('x') === '` + x + `').length`)
	}
	state := func() (rows, agents, creds, owners int) {
		return count(`document.querySelectorAll('#findings tbody tr').length`), column("10"), column("420"), column("830")
	}
	choose := func(id, value string) {
		t.Helper()
		js := fmt.Sprintf(`(function(){var s=document.getElementById(%q); s.value=%q; s.dispatchEvent(new Event('change')); return s.value})()`, id, value)
		got, err := chromedp.Run(bctx, chromedp.Evaluate[string](js))
		if err != nil || got != value {
			t.Fatalf("select %s = %q: got %q, %v", id, value, got, err)
		}
	}

	// Every finding; every agent; the credentials an agent reaches or a
	// finding names (all 200, at four per agent); the ten owners.
	if rows, agents, creds, owners := state(); rows != 120 || agents != 50 || creds != 200 || owners != 10 {
		t.Errorf("unfiltered: %d rows, %d agents, %d credentials, %d owners; want 120, 50, 200, 10", rows, agents, creds, owners)
	}
	if title != "agentreach report" {
		t.Errorf("title = %q", title)
	}
	if n := count(`document.querySelectorAll('img').length`); n != 0 {
		t.Errorf("a hostile name became %d img elements", n)
	}
	if n := count(`Array.from(document.querySelectorAll('#reach text')).filter(e => e.textContent.includes('</script><img')).length`); n != 2 {
		t.Errorf("the hostile agent and credential names are shown as text %d times, want 2", n)
	}

	choose("f-agent", "agent-05")
	// agent-05 reaches cred-020…023; findings 5, 55 and 105 are its own.
	if rows, agents, creds, owners := state(); agents != 1 || creds != 4 || owners != 4 || rows != 3 {
		t.Errorf("agent filter: %d agents, %d credentials, %d owners, %d rows; want 1, 4, 4, 3", agents, creds, owners, rows)
	}
	choose("f-agent", "")
	choose("f-cred", "cred-020")
	if rows, agents, creds, owners := state(); agents != 1 || creds != 1 || owners != 1 || rows != 3 {
		t.Errorf("credential filter: %d agents, %d credentials, %d owners, %d rows; want 1, 1, 1, 3", agents, creds, owners, rows)
	}
	choose("f-cred", "")
	choose("f-sev", "critical")
	if rows, _, _, _ := state(); rows != 30 {
		t.Errorf("severity filter: %d rows, want the 30 critical findings", rows)
	}
	// A click on a node filters by it.
	if err := chromedp.Do(bctx, chromedp.Evaluate[chromedp.Void](`document.getElementById('f-clear').click();
		document.querySelector('#reach g.node[data-id="agent-07"]').dispatchEvent(new MouseEvent('click', {bubbles: true}))`)); err != nil {
		t.Fatal(err)
	}
	if _, agents, creds, _ := state(); agents != 1 || creds != 4 {
		t.Errorf("after a click on agent-07: %d agents, %d credentials; want 1, 4", agents, creds)
	}
	// A page past the drawing and listing caps draws the worst, lists the
	// first 2,000 findings and says what it left out.
	huge := filepath.Join(t.TempDir(), "huge.html")
	if err := os.WriteFile(huge, render(t, FormatHTML, Options{}, sizedReport(t, 150, 600, 2500)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx, chromedp.Navigate("file://"+huge), chromedp.WaitVisible(`#findings tbody tr`)); err != nil {
		t.Fatal(err)
	}
	if rows, agents, creds, owners := state(); rows != 2000 || agents != 150 || creds != 400 || owners != 10 {
		t.Errorf("huge page: %d rows, %d agents, %d credentials, %d owners; want 2000, 150, 400, 10", rows, agents, creds, owners)
	}
	more, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.getElementById('findings-more').textContent + ' | ' + document.querySelector('#reach p').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(more, "500 more findings") || !strings.Contains(more, "Not drawn: 200 credentials") {
		t.Errorf("the cuts are not said: %q", more)
	}
	stopConsole()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("the page reported problems: %v", problems)
	}
	if len(shot) == 0 {
		t.Error("no screenshot")
	}
	if dir := os.Getenv("AGENTREACH_SCREENSHOT_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "report-1280x800.png"), shot, 0o600); err != nil {
			t.Error(err)
		}
	}
}
