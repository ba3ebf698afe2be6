//go:build linux

package storage

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// inotifyWatch tells when a file changes on disk: it is replaced, renamed,
// removed, written or truncated. Inotify wakes the test the moment the
// change is made, while a test that polls may be off its core then (on a
// busy machine); but waking takes longer than a poll on a core of its own.
type inotifyWatch struct {
	f    *os.File
	name string
}

// watchInotify starts watching the file name, where there is inotify.
func watchInotify(name string) (*inotifyWatch, error) {
	fd, err := syscall.InotifyInit1(syscall.IN_NONBLOCK | syscall.IN_CLOEXEC)
	if err != nil {
		return nil, err
	}
	const changes = syscall.IN_MODIFY | syscall.IN_ATTRIB | syscall.IN_CLOSE_WRITE | syscall.IN_CREATE |
		syscall.IN_DELETE | syscall.IN_MOVED_FROM | syscall.IN_MOVED_TO
	if _, err := syscall.InotifyAddWatch(fd, filepath.Dir(name), changes); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	// Non-blocking, the file is pollable: its read deadline works.
	return &inotifyWatch{f: os.NewFile(uintptr(fd), "inotify"), name: filepath.Base(name)}, nil
}

// wait returns once the file has changed (true), or at deadline (false).
func (w *inotifyWatch) wait(deadline time.Time) bool {
	w.f.SetReadDeadline(deadline)
	buf := make([]byte, 64<<10)
	for {
		n, err := w.f.Read(buf)
		if err != nil {
			return false
		}
		// Events: wd, mask, cookie, len (4 bytes each), then len bytes
		// of name, padded with NULs.
		for off := 0; off+syscall.SizeofInotifyEvent <= n; {
			end := off + syscall.SizeofInotifyEvent + int(binary.NativeEndian.Uint32(buf[off+12:]))
			if strings.TrimRight(string(buf[off+syscall.SizeofInotifyEvent:end]), "\x00") == w.name {
				return true
			}
			off = end
		}
	}
}

func (w *inotifyWatch) close() { w.f.Close() }
