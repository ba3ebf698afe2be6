//go:build linux

package storage

import (
	"encoding/binary"
	"errors"
	"strings"
	"syscall"
)

// dirEvents records the changes made to the entries of a directory, in the
// order they are made (inotify keeps them in order), however busy the
// machine: what a process did to its files can be checked after it ended.
type dirEvents struct{ fd int }

// recordDir starts recording the changes in dirs, all in one order (one
// inotify instance keeps the changes of all its watches in order).
func recordDir(dirs ...string) (*dirEvents, error) {
	fd, err := syscall.InotifyInit1(syscall.IN_NONBLOCK | syscall.IN_CLOEXEC)
	if err != nil {
		return nil, err
	}
	const changes = syscall.IN_MODIFY | syscall.IN_CREATE | syscall.IN_DELETE | syscall.IN_MOVED_FROM | syscall.IN_MOVED_TO
	for _, dir := range dirs {
		if _, err := syscall.InotifyAddWatch(fd, dir, changes); err != nil {
			syscall.Close(fd)
			return nil, err
		}
	}
	return &dirEvents{fd: fd}, nil
}

// take returns the changes recorded, in order, and stops recording.
func (d *dirEvents) take() ([]fsEvent, error) {
	defer syscall.Close(d.fd)
	var out []fsEvent
	buf := make([]byte, 64<<10)
	for {
		n, err := syscall.Read(d.fd, buf)
		if errors.Is(err, syscall.EAGAIN) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		// Each event: wd, mask, cookie, len (4 bytes each), then len
		// bytes of name, padded with NULs.
		for off := 0; off+syscall.SizeofInotifyEvent <= n; {
			mask := binary.NativeEndian.Uint32(buf[off+4:])
			end := off + syscall.SizeofInotifyEvent + int(binary.NativeEndian.Uint32(buf[off+12:]))
			name := strings.TrimRight(string(buf[off+syscall.SizeofInotifyEvent:end]), "\x00")
			off = end
			switch {
			case mask&syscall.IN_Q_OVERFLOW != 0:
				return nil, errors.New("inotify dropped changes (its queue overflowed)")
			case mask&syscall.IN_MODIFY != 0:
				out = append(out, fsEvent{name, written})
			case mask&syscall.IN_MOVED_TO != 0:
				out = append(out, fsEvent{name, replaced})
			case mask&(syscall.IN_MOVED_FROM|syscall.IN_DELETE) != 0:
				out = append(out, fsEvent{name, removed})
			case mask&syscall.IN_CREATE != 0:
				out = append(out, fsEvent{name, created})
			}
		}
	}
}
