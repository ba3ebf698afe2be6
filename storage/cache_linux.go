package storage

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// fileID is the device and inode of fi, "" when unknown.
func fileID(fi fs.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return "dev=" + itoa(uint64(st.Dev)) + " ino=" + itoa(st.Ino)
}

func itoa(x uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + x%10)
		x /= 10
		if x == 0 {
			return string(b[i:])
		}
	}
}

// cacheHandle is the cache directory, open: every entry is opened, written
// and removed relative to this descriptor, never by a path that a link in
// between could redirect.
type cacheHandle struct {
	fd int
}

// openCache opens the cache directory, making it (mode 0700) if need be.
// It returns nil when the directory cannot be made or opened, or is not to
// be used: a symbolic link, not a directory, owned by another user, or
// writable by its group or others.
func openCache() *cacheHandle {
	dir, err := cacheDir()
	if err != nil {
		return nil
	}
	if !mkdirMine(dir) {
		cacheStats.refused.Add(1)
		return nil
	}
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
	if err != nil {
		cacheStats.refused.Add(1)
		return nil
	}
	var st syscall.Stat_t
	if syscall.Fstat(fd, &st) != nil || st.Mode&syscall.S_IFMT != syscall.S_IFDIR ||
		int(st.Uid) != os.Geteuid() || st.Mode&0o022 != 0 {
		syscall.Close(fd)
		cacheStats.refused.Add(1)
		return nil
	}
	return &cacheHandle{fd: fd}
}

func (c *cacheHandle) close() { syscall.Close(c.fd) }

// mkdirMine makes dir and its missing parents (mode 0700), but nothing
// inside a directory owned by another user unless it is sticky (/tmp):
// root with another user's HOME must not make that user's ~/.cache. It
// reports whether dir is there.
func mkdirMine(dir string) bool {
	fi, err := os.Lstat(dir)
	if err == nil {
		return fi.IsDir()
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	parent := filepath.Dir(dir)
	if parent == dir || !mkdirMine(parent) {
		return false
	}
	pfi, err := os.Lstat(parent)
	if err != nil {
		return false
	}
	if st, ok := pfi.Sys().(*syscall.Stat_t); !ok || (int(st.Uid) != os.Geteuid() && pfi.Mode()&fs.ModeSticky == 0) {
		return false
	}
	return syscall.Mkdir(dir, 0o700) == nil || dirThere(dir)
}

func dirThere(dir string) bool {
	fi, err := os.Lstat(dir)
	return err == nil && fi.IsDir()
}

// read returns the bytes of the entry name, or nil when there is none or it
// is not to be used: not a regular file with one name, owned by another
// user, writable by its group or others, or larger than cacheMaxEntry.
// When head is not nil it is given the entry's first bytes (at most
// entryHeadBytes) and its size first, and the rest is read only if it
// returns true.
func (c *cacheHandle) read(name string, head func(b []byte, size int64) bool) []byte {
	fd, err := syscall.Openat(c.fd, name, syscall.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		if !errors.Is(err, syscall.ENOENT) {
			cacheStats.refused.Add(1)
		}
		return nil
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	var st syscall.Stat_t
	if syscall.Fstat(fd, &st) != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG || st.Nlink != 1 ||
		int(st.Uid) != os.Geteuid() || st.Mode&0o022 != 0 || st.Size > cacheMaxEntry {
		cacheStats.refused.Add(1)
		return nil
	}
	var first []byte
	if head != nil {
		first = make([]byte, min(st.Size, entryHeadBytes))
		if _, err := io.ReadFull(f, first); err != nil || !head(first, st.Size) {
			return nil
		}
	}
	buf := bytes.NewBuffer(make([]byte, 0, st.Size+bytes.MinRead))
	buf.Write(first)
	if _, err := buf.ReadFrom(io.LimitReader(f, cacheMaxEntry+1-int64(len(first)))); err != nil || buf.Len() > cacheMaxEntry {
		return nil
	}
	return buf.Bytes()
}

// write puts data in place as the entry name (mode 0600): a new temporary
// file renamed over it, so that a link or anything else at name is
// replaced, never followed. Then the oldest entries beyond the bounds are
// removed. It reports whether the entry was written.
func (c *cacheHandle) write(name string, data []byte) bool {
	var r [8]byte
	_, _ = rand.Read(r[:])
	tmp := ".tmp-" + hex.EncodeToString(r[:])
	fd, err := syscall.Openat(c.fd, tmp, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0o600)
	if err != nil {
		return false
	}
	f := os.NewFile(uintptr(fd), tmp)
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syscall.Renameat(c.fd, tmp, c.fd, name)
	}
	if err != nil {
		_ = syscall.Unlinkat(c.fd, tmp)
		return false
	}
	c.evict(name)
	return true
}

// evict removes the oldest entries (by modification time) while there are
// more than cacheMaxEntries or they hold more than cacheMaxBytes, never
// keep (the one just written), and temporary files left by a write that
// was killed.
func (c *cacheHandle) evict(keep string) {
	dfd, err := syscall.Dup(c.fd)
	if err != nil {
		return
	}
	d := os.NewFile(uintptr(dfd), "cache")
	defer d.Close()
	if _, err := d.Seek(0, io.SeekStart); err != nil {
		return
	}
	ents, err := d.ReadDir(-1)
	if err != nil {
		return
	}
	type entry struct {
		name string
		size int64
		mod  time.Time
	}
	var es []entry
	var total int64
	for _, e := range ents {
		var st syscall.Stat_t
		if !e.Type().IsRegular() || statAt(c.fd, e.Name(), &st) != nil {
			continue
		}
		mod := time.Unix(st.Mtim.Unix())
		switch {
		case strings.HasPrefix(e.Name(), ".tmp-"):
			if time.Since(mod) > staleAge {
				_ = syscall.Unlinkat(c.fd, e.Name())
			}
		case strings.HasSuffix(e.Name(), ".entry") && e.Name() != keep:
			es = append(es, entry{e.Name(), st.Size, mod})
			total += st.Size
		case e.Name() == keep:
			total += st.Size
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i].mod.Before(es[j].mod) })
	for len(es) > 0 && (len(es)+1 > cacheMaxEntries || total > cacheMaxBytes) {
		_ = syscall.Unlinkat(c.fd, es[0].name)
		total -= es[0].size
		es = es[1:]
	}
}

// statAt is fstatat(dirfd, name) without following a link (or blocking
// on a FIFO).
func statAt(dirfd int, name string, st *syscall.Stat_t) error {
	fd, err := syscall.Openat(dirfd, name, syscall.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	return syscall.Fstat(fd, st)
}
