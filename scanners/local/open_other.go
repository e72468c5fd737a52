//go:build !unix

package local

import "os"

// openFlags: no FIFOs to guard against beyond the walk's own check.
func openFlags(bool) int { return os.O_RDONLY }
