//go:build linux

package hugeheap

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"unsafe"
)

const (
	madvHugepage = 14 // MADV_HUGEPAGE
	madvCollapse = 25 // MADV_COLLAPSE, Linux 6.1
)

// probe reads the system's huge page setting, the size of a huge page and
// the memory.
func probe() system {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !bytes.Contains(mode, []byte("[madvise]")) {
		return system{} // "always" needs no advice; "never" takes none
	}
	if bounded() {
		return system{}
	}
	n, ok := readUint("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "")
	// A size that is not a power of two, or over 32 MiB (arm64 with 64 KiB
	// pages has 512 MiB ones), is not worth it.
	if !ok || n == 0 || n&(n-1) != 0 || n > 32<<20 {
		return system{}
	}
	kb, ok := readUint("/proc/meminfo", "MemTotal:")
	if !ok {
		return system{}
	}
	return system{page: uintptr(n), limit: int64(kb << 10 / 4)}
}

// bounded reports whether the memory the process maps counts against a
// limit even untouched: an address-space or data limit (ulimit -v, -d), or
// a system that never overcommits. What prepare reserves at once is then
// refused (a fatal "out of memory") where the command, which uses far less
// than 25 times the file's size when the file is mostly comments or fails
// early, would have worked: a 63 MiB file under ulimit -v 2.6 GB.
func bounded() bool {
	for _, r := range []int{syscall.RLIMIT_AS, syscall.RLIMIT_DATA} {
		var l syscall.Rlimit
		if syscall.Getrlimit(r, &l) != nil || l.Cur != ^uint64(0) {
			return true
		}
	}
	mode, err := os.ReadFile("/proc/sys/vm/overcommit_memory")
	return err == nil && bytes.Equal(bytes.TrimSpace(mode), []byte("2"))
}

// readUint reads the number in file after label ("" for the whole file);
// meminfo's "kB" is not read.
func readUint(file, label string) (uint64, bool) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, false
	}
	if label != "" {
		_, after, found := bytes.Cut(b, []byte(label))
		if !found {
			return 0, false
		}
		b, _, _ = bytes.Cut(after, []byte("\n"))
		b = bytes.TrimSuffix(bytes.TrimSpace(b), []byte("kB"))
	}
	n, err := strconv.ParseUint(string(bytes.TrimSpace(b)), 10, 64)
	return n, err == nil
}

// prepare makes the runtime map n bytes (and a huge page more, to align
// them) as one allocation that is never touched, advises its aligned part
// for huge pages, and frees it with a collection, so that the runtime
// allocates from that span next (it takes the lowest free pages first).
// Memory the runtime maps later, beyond it, is not advised.
func prepare(n, size uintptr) bool {
	b := make([]byte, n+size)
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := (start + size - 1) &^ (size - 1)
	hi := (start + n + size) &^ (size - 1)
	ok := false
	if lo < hi {
		_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, lo, hi-lo, madvHugepage)
		ok = errno == 0
	}
	runtime.KeepAlive(b)
	b = nil
	runtime.GC()
	return ok
}

// here is where nearby finds the heap the runtime allocates from next.
var here *[40 << 10]byte

// nearby makes the huge page whole (MADV_COLLAPSE) where the runtime takes
// its next pages, and advises the next two (MADV_HUGEPAGE) as far as they
// are mapped: the runtime takes the lowest free pages first (where a new
// allocation too large to share a span lands, untouched), and at start
// maps its heap 4 MiB at a time. It reports whether the collapse was done;
// a kernel without MADV_COLLAPSE, or without a huge page to spare, says
// no, and nothing is lost.
func nearby(size uintptr) bool {
	here = new([40 << 10]byte)
	lo := uintptr(unsafe.Pointer(here)) &^ (size - 1)
	here = nil
	// Beyond the mapping this fails with ENOMEM, having advised what is.
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, lo+size, 2*size, madvHugepage)
	_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, lo, size, madvCollapse)
	return errno == 0
}
