//go:build unix

package local

import (
	"os"
	"syscall"
)

// openFlags open without blocking (a FIFO put in a file's place after the
// walk saw a regular file would otherwise block the read until a writer
// came) and, unless the caller follows links on purpose, without following
// a symlink in the last component.
func openFlags(follow bool) int {
	f := os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_CLOEXEC
	if !follow {
		f |= syscall.O_NOFOLLOW
	}
	return f
}
