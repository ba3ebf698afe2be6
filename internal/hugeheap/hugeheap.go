// Package hugeheap asks the kernel to back the heap that a one-off command
// is about to fill with transparent huge pages.
//
// A command that decodes a large account file allocates some 20 times the
// file's size, almost all of it memory the process has never touched. The
// kernel maps such memory one 4 KiB page at a time, on its first touch (a
// page fault). On a virtual machine a page fault can cost 15-45 µs: at
// 10,000 users a cold `rolecall check` took 8,000 of them, more than half
// of its time. A huge page (2 MiB on amd64 and arm64) takes one fault.
//
// Linux gives huge pages to anonymous memory when its setting
// (/sys/kernel/mm/transparent_hugepage/enabled) is "always", or is
// "madvise" and the memory was advised with MADV_HUGEPAGE. Go's runtime
// does not advise its heap, and maps it in pieces as it grows. So Expect
// makes the heap grow at once by the bytes expected, advises them, and
// gives them back to the runtime (a collection), which then allocates from
// them. Before that, and for less heap too, it makes the huge page the
// runtime is filling now whole (MADV_COLLAPSE copies the pages it has
// touched into one huge page, so the rest of it takes no more faults) and
// advises the memory the runtime has mapped after it, which costs no
// collection. Under "always" there is nothing to do; under "never", or on
// another system, Expect does nothing.
//
// Only a process that exits soon should ask (Enable): a huge page stays
// whole in memory while any of it is in use, so a long-running process,
// such as the terminal UI, would keep more memory than it uses.
package hugeheap

import (
	"sync"
	"sync/atomic"
)

// MinExpect is the least heap worth a collection to prepare: below it the
// faults saved cost less than the collection, and Expect does nothing.
const MinExpect = 8 << 20

// MinCollapse is the least heap worth making the current huge page whole
// for: that costs 0.5-2 ms, the faults of some 30-100 pages here.
const MinCollapse = 1 << 20

// maxExpect bounds what one call prepares (see also system.limit).
const maxExpect = 1 << 30

// system is what the system allows.
type system struct {
	page  uintptr // the size of a huge page; 0 when Expect has nothing to do
	limit int64   // the most to prepare: a quarter of the memory
}

var (
	enabled atomic.Bool
	probed  sync.Once
	sys     system // probe's, once probed

	mu        sync.Mutex
	prepared  int64 // the most bytes prepared at once so far
	collapsed bool  // the current huge page was made whole
)

// support is what the system allows, probed once (a sync.OnceValue would
// allocate at start-up, in every command).
func support() system {
	probed.Do(func() { sys = probe() })
	return sys
}

// Enable lets Expect work in this process: call it in a process that
// exits once it has answered.
func Enable() { enabled.Store(true) }

// Expect tells that about n bytes of heap are about to be allocated, in a
// process that Enable was called in, on a system that gives huge pages
// only to advised memory. The first call with n at least MinCollapse
// makes the huge page the runtime allocates from now whole and advises
// the next ones (nearby). The first call with n at least MinExpect also
// prepares that much heap in huge pages, which costs a collection. Any
// other call does nothing. It reports whether it prepared.
//
// Only once: a second preparation would take back memory the process has
// used, which the runtime then clears whole, touching every page of it
// (3 s for 338 MB here).
func Expect(n int64) bool {
	if !enabled.Load() || n < MinCollapse {
		return false
	}
	mu.Lock()
	defer mu.Unlock()
	sys := support()
	if sys.page == 0 {
		return false
	}
	if !collapsed {
		collapsed = true
		nearby(sys.page)
	}
	if n = bound(n, sys); n < MinExpect || prepared > 0 {
		return false
	}
	prepared = n
	return prepare(uintptr(n), sys.page)
}

// bound cuts n to a quarter of the memory and to 1 GiB: what is prepared
// is reserved at once, and a reservation the system refuses would end the
// process.
func bound(n int64, sys system) int64 { return min(n, sys.limit, maxExpect) }
