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
// editing a user's file leaves that user files they can open. One that
// existed and belongs to this process's user, not to like's owner (made by
// root before rolecall did this), is given to like's owner with mode perm
// (see repairOwner) when flag has os.O_CREATE.
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
	switch {
	case created:
		_ = f.Chmod(perm)
		if like != nil {
			keepOwner(f, like)
		}
	case like != nil && flag&os.O_CREATE != 0:
		repairOwner(f, perm, like)
	}
	return f, nil
}

// repairOwner gives the side file f, which existed already, the owner and
// group of like and mode perm when f belongs to this process's user but
// not to like's owner or group: a lock or trail that root (or an earlier
// rolecall) made next to a user's file, which that user could not open.
// It goes through the open descriptor (Fchown, Fchmod), never the name; a
// side file of another user is left as it is.
func repairOwner(f *os.File, perm fs.FileMode, like fs.FileInfo) {
	want, ok := like.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	var st syscall.Stat_t
	if syscall.Fstat(int(f.Fd()), &st) != nil || int(st.Uid) != os.Geteuid() {
		return
	}
	if st.Uid == want.Uid && st.Gid == want.Gid {
		return
	}
	// Narrow the mode first: the file must not be open to the new owner's
	// group or to others wider than like before it changes hands.
	_ = f.Chmod(perm)
	keepOwner(f, like)
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

// lockMode is the mode of a new FILE.lock next to the account file like
// (nil: none yet): read and write for its owner, who must be able to open
// it for writing, and for its group or others only when they may write the
// account file too (they lock it to save). It is never wider than like's
// mode but for the owner's read and write.
func lockMode(like fs.FileInfo) fs.FileMode {
	m := fs.FileMode(0o600)
	if like == nil {
		return m
	}
	p := like.Mode().Perm()
	if p&0o020 != 0 {
		m |= 0o060
	}
	if p&0o002 != 0 {
		m |= 0o006
	}
	return m
}

// auditMode is the mode of a new FILE.audit.jsonl next to the account file
// like (nil: none yet): like's read and write bits, and read and write for
// the owner: whoever may read the account may read its trail, whoever may
// write it may append to it.
func auditMode(like fs.FileInfo) fs.FileMode {
	if like == nil {
		return 0o600
	}
	return like.Mode().Perm()&0o666 | 0o600
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
