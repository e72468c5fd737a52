//go:build unix

package apitransport

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// checkOwner refuses a cache directory that another user owns: they could
// read or plant entries.
func checkOwner(fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Geteuid(); int(st.Uid) != uid {
		return fmt.Errorf("owned by uid %d, not by the current user (uid %d)", st.Uid, uid)
	}
	return nil
}
