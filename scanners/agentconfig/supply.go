package agentconfig

import (
	"path"
	"regexp"
	"slices"
	"strings"
)

// launch describes how an MCP server's command obtains the server: a
// package fetched at start (npx, uvx, pipx, docker run) or a local program.
type launch struct {
	launcher string // npm, pypi, container, local
	pkg      string // package spec or image reference as written (never a credential: see safePackage)
	pinned   bool
	mounts   []string // host paths mounted into a container
	pkgIndex int      // index of the package argument in args (-1 when none)
}

var (
	exactSemver = regexp.MustCompile(`^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$`)
	hex40       = regexp.MustCompile(`^[0-9a-f]{40}$`)
	numVersion  = regexp.MustCompile(`^\d+(\.\d+)*$`)
)

// commandBase is the program name of a command: "/usr/local/bin/npx.cmd" → "npx".
func commandBase(cmd string) string {
	b := strings.ToLower(path.Base(strings.ReplaceAll(cmd, `\`, "/")))
	for _, ext := range []string{".cmd", ".exe", ".bat", ".ps1"} {
		b = strings.TrimSuffix(b, ext)
	}
	return b
}

// analyzeLaunch reads the package a command fetches. Sources for the flag
// grammars: `npx --help` / npm-exec docs (-y, -p/--package, --call),
// uv's `uvx`/`uv tool run` (--from, --with, --python), pipx run (--spec),
// and `docker run --help` for the flags that take a value.
func analyzeLaunch(command string, args []string) launch {
	base := commandBase(command)
	l := launch{launcher: "local", pkgIndex: -1}
	switch {
	case base == "npx" || base == "bunx" || base == "pnpx":
		l.launcher = "npm"
		l.pkg, l.pkgIndex = npmPackage(args, 0)
	case (base == "npm" || base == "pnpm" || base == "yarn" || base == "bun") && len(args) > 0 && (args[0] == "exec" || args[0] == "dlx" || args[0] == "x"):
		l.launcher = "npm"
		l.pkg, l.pkgIndex = npmPackage(args, 1)
	case base == "uvx":
		l.launcher = "pypi"
		l.pkg, l.pkgIndex = pyPackage(args, 0)
	case base == "uv" && len(args) > 1 && args[0] == "tool" && args[1] == "run":
		l.launcher = "pypi"
		l.pkg, l.pkgIndex = pyPackage(args, 2)
	case base == "pipx" && len(args) > 0 && args[0] == "run":
		l.launcher = "pypi"
		l.pkg, l.pkgIndex = pyPackage(args, 1)
	case base == "dnx" || base == "dotnet" && len(args) > 1 && args[0] == "tool" && (args[1] == "exec" || args[1] == "run"):
		// .NET 10's tool runner: `dnx <package>[@<version>] [--version <v>] [--yes]`
		// (also `dotnet tool exec`); without a version it fetches the newest.
		from := 0
		if base == "dotnet" {
			from = 2
		}
		l.launcher = "nuget"
		l.pkg, l.pkgIndex = nugetPackage(args, from)
	case base == "docker" || base == "podman" || base == "nerdctl":
		for i, a := range args {
			if a == "run" || a == "create" {
				l.launcher = "container"
				l.pkg, l.pkgIndex, l.mounts = containerImage(args, i+1)
				break
			}
			if !strings.HasPrefix(a, "-") && a != "container" {
				break
			}
		}
	}
	if l.pkg == "" {
		l.launcher = "local"
		return l
	}
	switch l.launcher {
	case "npm":
		l.pinned = npmPinned(l.pkg)
	case "pypi":
		l.pinned = pyPinned(l.pkg)
	case "container":
		l.pinned = imagePinned(l.pkg)
	case "nuget":
		l.pinned = strings.Contains(l.pkg, "@") || slices.ContainsFunc(args, func(a string) bool {
			return a == "--version" || strings.HasPrefix(a, "--version=")
		})
	}
	return l
}

// nugetPackage is the first argument of dnx that is not an option.
func nugetPackage(args []string, from int) (string, int) {
	for i := from; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--version" || a == "--source" || a == "--add-source" || a == "--configfile" || a == "--framework":
			i++ // takes a value
		case strings.HasPrefix(a, "-"):
		default:
			return a, i
		}
	}
	return "", -1
}

func npmPackage(args []string, from int) (string, int) {
	for i := from; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-p" || a == "--package":
			if i+1 < len(args) {
				return args[i+1], i + 1
			}
			return "", -1
		case strings.HasPrefix(a, "--package="):
			return strings.TrimPrefix(a, "--package="), i
		case a == "--":
			continue
		case a == "-c" || a == "--call":
			return "", -1
		case strings.HasPrefix(a, "-"):
			continue
		default:
			return a, i
		}
	}
	return "", -1
}

func pyPackage(args []string, from int) (string, int) {
	for i := from; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--from" || a == "--spec":
			if i+1 < len(args) {
				return args[i+1], i + 1
			}
			return "", -1
		case strings.HasPrefix(a, "--from=") || strings.HasPrefix(a, "--spec="):
			_, v, _ := strings.Cut(a, "=")
			return v, i
		case a == "--with" || a == "--python" || a == "-p" || a == "--index-url" || a == "--index" ||
			a == "--extra-index-url" || a == "--with-requirements" || a == "--with-editable" || a == "-w":
			i++
		case strings.HasPrefix(a, "-"):
			continue
		default:
			return a, i
		}
	}
	return "", -1
}

// docker run flags that take a value (the next argument unless written as
// --flag=value).
var dockerValueFlags = map[string]bool{
	"-e": true, "--env": true, "-v": true, "--volume": true, "--mount": true, "--name": true, "-p": true,
	"--publish": true, "--network": true, "--net": true, "-w": true, "--workdir": true, "-u": true, "--user": true,
	"--entrypoint": true, "--env-file": true, "-l": true, "--label": true, "--platform": true, "--pull": true,
	"-m": true, "--memory": true, "--cpus": true, "--add-host": true, "--dns": true, "-h": true, "--hostname": true,
	"--ipc": true, "--pid": true, "--restart": true, "--runtime": true, "--security-opt": true, "--cap-add": true,
	"--cap-drop": true, "--device": true, "--tmpfs": true, "--ulimit": true, "--log-driver": true, "--log-opt": true,
	"--gpus": true, "--group-add": true, "--stop-signal": true, "--stop-timeout": true, "--shm-size": true,
	"--cidfile": true, "--label-file": true, "--volumes-from": true, "--link": true, "--expose": true, "-c": true,
	"--cpu-shares": true, "--userns": true, "--uts": true, "--cgroupns": true, "--health-cmd": true,
}

func containerImage(args []string, from int) (string, int, []string) {
	var mounts []string
	for i := from; i < len(args); i++ {
		a := args[i]
		flag, val, hasVal := strings.Cut(a, "=")
		switch {
		case !strings.HasPrefix(a, "-"):
			return a, i, mounts
		case dockerValueFlags[flag] && hasVal && strings.HasPrefix(flag, "--"):
			mounts = appendMount(mounts, flag, val)
		case dockerValueFlags[a]:
			if i+1 < len(args) {
				mounts = appendMount(mounts, a, args[i+1])
			}
			i++
		}
	}
	return "", -1, mounts
}

func appendMount(mounts []string, flag, val string) []string {
	switch flag {
	case "-v", "--volume":
		src, _, _ := strings.Cut(val, ":")
		if len(src) == 1 && len(val) > 2 { // C:\…:/x on Windows
			if i := strings.Index(val[2:], ":"); i >= 0 {
				src = val[:i+2]
			} else {
				src = val
			}
		}
		return append(mounts, src)
	case "--mount":
		for _, part := range strings.Split(val, ",") {
			k, v, _ := strings.Cut(part, "=")
			if k == "source" || k == "src" {
				return append(mounts, v)
			}
		}
	}
	return mounts
}

func npmPinned(spec string) bool {
	if strings.HasPrefix(spec, ".") || strings.HasPrefix(spec, "/") || strings.HasPrefix(spec, "file:") ||
		strings.HasPrefix(spec, "~") || strings.Contains(spec, "://") {
		return true // a local path or a URL: nothing fetched from the registry by name
	}
	if strings.HasPrefix(spec, "github:") || strings.Contains(spec, "#") {
		_, ref, _ := strings.Cut(spec, "#")
		return hex40.MatchString(ref)
	}
	at := strings.LastIndex(spec, "@")
	if at <= 0 {
		return false
	}
	return exactSemver.MatchString(spec[at+1:])
}

func pyPinned(spec string) bool {
	if strings.HasPrefix(spec, ".") || strings.HasPrefix(spec, "/") || strings.HasPrefix(spec, "file:") || strings.HasPrefix(spec, "~") {
		return true
	}
	if strings.HasPrefix(spec, "git+") {
		at := strings.LastIndex(spec, "@")
		return at > 0 && hex40.MatchString(strings.SplitN(spec[at+1:], "#", 2)[0])
	}
	if _, v, ok := strings.Cut(spec, "=="); ok {
		return exactSemver.MatchString(strings.TrimSpace(v)) || numVersion.MatchString(strings.TrimSpace(v))
	}
	if at := strings.LastIndex(spec, "@"); at > 0 {
		v := spec[at+1:]
		return exactSemver.MatchString(v) || numVersion.MatchString(v)
	}
	return false
}

// imagePinned: a digest pins; a version tag is accepted; no tag or :latest
// is not pinned.
func imagePinned(ref string) bool {
	if strings.Contains(ref, "@sha256:") {
		return true
	}
	slash := strings.LastIndex(ref, "/")
	colon := strings.LastIndex(ref, ":")
	if colon <= slash {
		return false
	}
	tag := ref[colon+1:]
	return tag != "" && tag != "latest" && !isIndirection(tag)
}

// safePackage drops credentials a package spec could carry (a git URL with
// userinfo) before it is recorded.
func safePackage(spec string) string {
	if u, ok := parseURL(strings.TrimPrefix(spec, "git+")); ok {
		return u.safe
	}
	if len(spec) > 200 {
		return spec[:200]
	}
	return spec
}
