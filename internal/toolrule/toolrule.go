// Package toolrule says which coding-agent tool allow rules amount to an
// unrestricted shell: a rule that allows any command outright (Bash,
// Bash(*), run_shell_command), or one that allows a command which itself runs
// any code, any command, any package, any network request or any API call —
// Bash(node:*) runs any JavaScript, Bash(npx:*) any package, Bash(curl:*)
// sends the job's secrets anywhere. The CI and the agent-settings analysers
// share it.
package toolrule

import (
	"path"
	"regexp"
	"slices"
	"strings"
)

// Unrestricted returns why an allow rule lets the agent run any command or
// reach anything, "" when it does not. Understood forms: Claude Code
// Bash / Bash(cmd), Bash(cmd:*) and Bash(cmd *) (a prefix); Gemini CLI
// run_shell_command / ShellTool and run_shell_command(cmd) (always a
// prefix); Copilot CLI shell / shell(cmd); Cursor Shell(cmd).
func Unrestricted(rule string) string {
	tool, arg, hasArg := strings.Cut(strings.TrimSpace(rule), "(")
	tool = strings.TrimSpace(tool)
	prefixTool := false
	switch tool {
	case "Bash":
	case "run_shell_command", "ShellTool", "shell", "Shell":
		prefixTool = true
	default:
		return ""
	}
	if !hasArg {
		return "any shell command"
	}
	arg = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(arg), ")"))
	prefix := prefixTool
	switch {
	case arg == "" || arg == "*" || arg == ":*" || arg == "**" || arg == "*:*":
		return "any shell command"
	case strings.HasSuffix(arg, ":*"):
		arg, prefix = strings.TrimSuffix(arg, ":*"), true
	case strings.Contains(arg, "*"):
		arg, _, _ = strings.Cut(arg, "*")
		prefix = true
	}
	if r := pipesToShell(arg); r != "" {
		return r
	}
	if !prefix {
		return ""
	}
	return prefixReason(strings.Fields(arg))
}

var interpreters = map[string]string{
	"node": "JavaScript", "nodejs": "JavaScript", "deno": "JavaScript or TypeScript", "bun": "JavaScript or TypeScript",
	"tsx": "TypeScript", "ts-node": "TypeScript", "python": "Python", "python2": "Python", "python3": "Python",
	"pypy": "Python", "pypy3": "Python", "ruby": "Ruby", "perl": "Perl", "php": "PHP", "lua": "Lua", "rscript": "R",
	"osascript": "AppleScript", "pwsh": "PowerShell", "powershell": "PowerShell",
}

var shells = map[string]bool{"bash": true, "sh": true, "zsh": true, "dash": true, "ksh": true, "fish": true, "ash": true}

// wrappers run the command given after them.
var wrappers = map[string]bool{
	"env": true, "sudo": true, "doas": true, "xargs": true, "nohup": true, "nice": true, "exec": true, "command": true,
	"builtin": true, "time": true, "stdbuf": true, "timeout": true, "watch": true,
}

// runners run a package or a project binary by name: one word, or two.
var runners = map[string]string{
	"npx": "any npm package or project binary", "pnpx": "any npm package", "bunx": "any npm package",
	"uvx": "any Python package", "pnpm exec": "any project binary", "pnpm dlx": "any npm package",
	"npm exec": "any npm package or project binary", "yarn dlx": "any npm package", "yarn exec": "any project binary",
	"bun x": "any npm package", "pipx run": "any Python package", "uv run": "any command in the project environment",
	"poetry run": "any command in the project environment",
}

var pythonRe = regexp.MustCompile(`^python[23](\.\d+)?$`)

// prefixReason classifies a command prefix that may be followed by anything.
func prefixReason(words []string) string {
	if len(words) == 0 {
		return "any shell command"
	}
	w0 := strings.ToLower(path.Base(words[0]))
	rest := words[1:]
	onlyFlags := !hasOperand(rest)
	two := ""
	if len(rest) > 0 {
		two = w0 + " " + strings.ToLower(rest[0])
	}
	switch {
	case w0 == "source" || w0 == ".":
		return w0 + " runs any shell script (one the agent writes, too)"
	case w0 == "eval":
		return "eval runs any shell code"
	case shells[w0] && onlyFlags:
		return w0 + " -c runs any shell command"
	case wrappers[w0]:
		r := stripWrapper(w0, rest)
		if len(r) == 0 {
			return w0 + " runs any command given to it"
		}
		return prefixReason(r)
	case runners[two] != "":
		r := skipFlags(rest[1:])
		if len(r) == 0 {
			return two + " runs " + runners[two]
		}
		return prefixReason(r)
	case runners[w0] != "":
		r := skipFlags(rest)
		if len(r) == 0 {
			return w0 + " runs " + runners[w0]
		}
		return prefixReason(r)
	case (w0 == "pnpm" || w0 == "npm" || w0 == "yarn" || w0 == "pipx" || w0 == "uv" || w0 == "poetry") && onlyFlags:
		sub := map[string]string{"pnpm": "pnpm exec", "npm": "npm exec", "yarn": "yarn dlx", "pipx": "pipx run", "uv": "uv run", "poetry": "poetry run"}[w0]
		return w0 + " includes " + sub + ", which runs " + runners[sub]
	case w0 == "make" || w0 == "gmake":
		return "make takes --eval and -f, which define any recipe"
	case w0 == "go" && (onlyFlags || strings.EqualFold(rest[0], "run")):
		return "go run runs any Go program"
	case (w0 == "deno" || w0 == "bun") && len(rest) > 0 && (rest[0] == "run" || rest[0] == "eval" || rest[0] == "x" || rest[0] == "-e"):
		return w0 + " " + rest[0] + " runs any " + interpreters[w0]
	case interpreters[w0] != "" && onlyFlags:
		return w0 + " runs any " + interpreters[w0]
	case pythonRe.MatchString(w0) && onlyFlags:
		return w0 + " runs any Python"
	case (w0 == "curl" || w0 == "wget") && onlyFlags:
		return w0 + " makes any network request (it can send the secrets it reads anywhere, or fetch code to run)"
	case w0 == "gh" && onlyFlags:
		return "gh includes gh api, which makes any GitHub API call with the token"
	case w0 == "gh" && strings.EqualFold(rest[0], "api") && !hasOperand(rest[1:]):
		return "gh api makes any GitHub API call with the token"
	case w0 == "find":
		// Any find prefix may be followed by -exec / -execdir / -ok.
		return "find -exec runs any command"
	case w0 == "git" && onlyFlags:
		// git -c alias.x='!cmd' x, -c core.pager=cmd, -c core.sshCommand=cmd.
		return "git -c sets an alias, pager or ssh command that runs any command"
	case (w0 == "docker" || w0 == "podman") && (onlyFlags || !hasOperand(rest[1:]) && (strings.EqualFold(rest[0], "run") || strings.EqualFold(rest[0], "exec"))):
		return w0 + " run runs any container, with the host's files if it mounts them"
	case (w0 == "awk" || w0 == "gawk" || w0 == "mawk" || w0 == "nawk") && onlyFlags:
		return w0 + "'s system() runs any command"
	case w0 == "sed" && !slices.Contains(rest, "--sandbox"):
		// Any prefix may be followed by another -e script.
		return "GNU sed's e command runs any command (another -e script can follow)"
	case w0 == "tar":
		// GNU tar takes options after operands, too.
		return "GNU tar's --checkpoint-action=exec and --to-command run any command"
	case w0 == "rsync" && onlyFlags:
		return "rsync -e runs any command as its remote shell"
	}
	return ""
}

// hasOperand reports a word that is not a flag.
func hasOperand(words []string) bool {
	for _, w := range words {
		if !strings.HasPrefix(w, "-") {
			return true
		}
	}
	return false
}

func skipFlags(words []string) []string {
	for len(words) > 0 && strings.HasPrefix(words[0], "-") {
		words = words[1:]
	}
	return words
}

var assignRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// stripWrapper drops a wrapper's own flags (and timeout's duration, env's
// assignments) to the command it runs.
func stripWrapper(w string, rest []string) []string {
	rest = skipFlags(rest)
	switch w {
	case "timeout":
		if len(rest) > 0 {
			rest = skipFlags(rest[1:])
		}
	case "env":
		for len(rest) > 0 && (assignRe.MatchString(rest[0]) || strings.HasPrefix(rest[0], "-")) {
			rest = rest[1:]
		}
	}
	return rest
}

// pipesToShell reports a command line that pipes into a shell or an
// interpreter (curl … | sh): whatever the download holds runs.
func pipesToShell(cmd string) string {
	parts := strings.Split(cmd, "|")
	for _, p := range parts[1:] {
		f := strings.Fields(p)
		for len(f) > 0 && (f[0] == "sudo" || f[0] == "env" || strings.HasPrefix(f[0], "-")) {
			f = f[1:]
		}
		if len(f) == 0 {
			continue
		}
		w := strings.ToLower(path.Base(f[0]))
		if shells[w] || interpreters[w] != "" || pythonRe.MatchString(w) {
			return "pipes into " + w + ", which runs whatever it is given"
		}
	}
	return ""
}
