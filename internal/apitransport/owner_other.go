//go:build !unix

package apitransport

import "io/fs"

// checkOwner is a no-op where file ownership is not a uid (Windows ACLs
// are inherited from the parent directory).
func checkOwner(fs.FileInfo) error { return nil }
