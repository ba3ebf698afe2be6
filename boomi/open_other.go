//go:build !unix

package boomi

import (
	"fmt"
	"os"
)

// openNoFollow opens name for reading, refusing a symbolic link (checked
// with Lstat: the platform has no O_NOFOLLOW).
func openNoFollow(name string) (*os.File, error) {
	fi, err := os.Lstat(name)
	if err != nil {
		return nil, err
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return nil, fmt.Errorf("%s is a symbolic link", name)
	}
	return os.Open(name)
}
