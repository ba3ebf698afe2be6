//go:build unix

package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"rolecall/model"
)

// The files rolecall keeps next to an account file (FILE.lock,
// FILE.audit.jsonl) are opened by openSide, never by name alone: a symbolic
// link there could aim a write at any file the user may write (root: every
// file), and a FIFO would block the open or the read for ever.

// openSide opens the side file name with flag (os.O_RDWR, os.O_RDONLY,
// optionally os.O_APPEND and os.O_CREATE) without following a symbolic link
// and without blocking, and refuses it unless it is a regular file with one
// name. A file
// it creates gets mode perm exactly (the umask aside) and, where the process
// may give it, the owner and group of like (the account file), so that root
// editing a user's file leaves that user files they can open.
func openSide(name string, flag int, perm fs.FileMode, like fs.FileInfo) (*os.File, error) {
	created := false
	fd, err := -1, error(nil)
	if flag&os.O_CREATE != 0 {
		fd, err = syscall.Open(name, flag|os.O_EXCL|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, uint32(perm))
		created = err == nil
		if errors.Is(err, syscall.EEXIST) {
			err = nil
		}
	}
	if !created && err == nil {
		fd, err = syscall.Open(name, flag&^os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	}
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, sideRefused(name, "it is a symbolic link")
		}
		if errors.Is(err, syscall.ENXIO) {
			return nil, sideRefused(name, "it is not a regular file")
		}
		return nil, &fs.PathError{Op: "open", Path: model.SafeText(name), Err: err}
	}
	if err := checkRegular(fd, name); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	if err := syscall.SetNonblock(fd, false); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	f := os.NewFile(uintptr(fd), name)
	if created {
		_ = f.Chmod(perm)
		if like != nil {
			keepOwner(f, like)
		}
	}
	return f, nil
}

// checkRegular refuses the open file fd unless it is a regular file with
// no other name.
func checkRegular(fd int, name string) error {
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return &fs.PathError{Op: "stat", Path: model.SafeText(name), Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return sideRefused(name, "it is not a regular file")
	}
	if st.Nlink != 1 {
		// A hard link would aim the holder line or the entry at the file
		// it shares with, as a symbolic link would.
		return sideRefused(name, "it has other names (hard links)")
	}
	return nil
}

func sideRefused(name, why string) error {
	return fmt.Errorf("refusing to use %s: %s (move it away; rolecall makes its own)", model.SafeText(name), why)
}

// sideMode is the mode of the files made next to target (FILE.lock,
// FILE.audit.jsonl): 0600, or 0660 when the account file is writable by its
// group, so that the admins who share it can also lock it and append to its
// trail.
func sideMode(like fs.FileInfo) fs.FileMode {
	if like != nil && like.Mode().Perm()&0o020 != 0 {
		return 0o660
	}
	return 0o600
}

// tryFlock takes an exclusive flock on f if it is free; false when another
// process holds it.
func tryFlock(f *os.File) (bool, error) {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}

// pidAlive reports whether a process pid runs on this host (one that this
// process may not signal runs too).
func pidAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
