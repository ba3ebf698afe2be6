//go:build unix

package boomi

import (
	"os"
	"syscall"
)

// openNoFollow opens name for reading without following a symbolic link
// at its last element and without blocking on a FIFO (O_NONBLOCK): the
// caller checks the file is regular before reading.
func openNoFollow(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
}
