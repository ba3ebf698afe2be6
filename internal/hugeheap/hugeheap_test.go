package hugeheap

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"testing"
)

// reset puts the package as a new process has it.
func reset(t *testing.T) {
	t.Helper()
	mu.Lock()
	enabled.Store(false)
	prepared = 0
	collapsed = false
	mu.Unlock()
}

// anonHuge is how many bytes of this process are in huge pages, -1 when
// the system does not say.
func anonHuge(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		return -1
	}
	_, after, ok := bytes.Cut(b, []byte("AnonHugePages:"))
	if !ok {
		return -1
	}
	line, _, _ := bytes.Cut(after, []byte("\n"))
	kb, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(line), []byte("kB")))), 10, 64)
	if err != nil {
		return -1
	}
	return kb << 10
}

var keep [][]byte

// heapWhole is set once a test has put this process's heap in huge pages.
var heapWhole bool

// fill allocates n bytes in small pieces, each touched, and keeps them.
func fill(n int) {
	for i := 0; i < n; i += 4096 {
		b := make([]byte, 4096)
		b[0] = 1
		keep = append(keep, b)
	}
}

// The huge page the runtime fills now is made whole: its untouched pages
// then take no fault. It costs no collection, so it pays for a cached
// check at 10,000 users (about 2 MB of heap), where Expect's preparation
// does not. (First of the tests: a test that prepared heap leaves it
// whole already.)
func TestNearbyGivesHugePages(t *testing.T) {
	if runtime.GOOS != "linux" || support().page == 0 || anonHuge(t) < 0 {
		t.Skip("the system does not give huge pages to advised memory only")
	}
	defer func() { keep = nil }()
	fill(256 << 10)
	before := anonHuge(t)
	if !nearby(support().page) {
		t.Skip("the kernel does not collapse memory into huge pages (MADV_COLLAPSE, Linux 6.1)")
	}
	defer func() { heapWhole = true }()
	if heapWhole {
		return // an earlier run (-count) left this heap whole already
	}
	if got := anonHuge(t) - before; got < int64(support().page) {
		t.Errorf("after the collapse, %d KiB more in huge pages; want a huge page (%d KiB)", got>>10, support().page>>10)
	}
}

func TestExpectGivesHugePages(t *testing.T) {
	if runtime.GOOS != "linux" || support().page == 0 || anonHuge(t) < 0 {
		t.Skip("the system does not give huge pages to advised memory only")
	}
	reset(t)
	defer reset(t)
	defer func() { keep = nil }()
	Enable()
	defer func() { heapWhole = true }()
	before := anonHuge(t)
	if !Expect(64 << 20) {
		t.Fatal("Expect(64 MiB) did not prepare")
	}
	fill(40 << 20)
	// Without the advice the kernel gives a "madvise" system's heap no
	// huge page at all. (Once a test has put this heap in huge pages, an
	// earlier run of this one too (-count), its memory is reused, some of
	// it no longer whole: then what is in huge pages counts, not what was
	// added; the collapse accounts for 2 MiB of it.)
	got := anonHuge(t) - before
	if heapWhole {
		got = anonHuge(t)
	}
	if got < 16<<20 {
		t.Errorf("after 40 MiB of small allocations, %d MiB more in huge pages; want at least 16", got>>20)
	}
}

func TestExpectWhenWorthIt(t *testing.T) {
	reset(t)
	defer reset(t)
	if Expect(64 << 20) {
		t.Error("Expect prepared before Enable")
	}
	Enable()
	if Expect(MinExpect - 1) {
		t.Error("Expect prepared less than MinExpect")
	}
	if support().page == 0 {
		if Expect(64 << 20) {
			t.Error("Expect prepared on a system that gives no huge pages to advised memory only")
		}
		return
	}
	if !Expect(16 << 20) {
		t.Fatal("Expect(16 MiB) did not prepare")
	}
	if Expect(64 << 20) {
		t.Error("Expect prepared a second time in a process")
	}
}

func TestBound(t *testing.T) {
	for _, c := range []struct {
		n, limit, want int64
	}{
		{64 << 20, 4 << 30, 64 << 20},
		{1 << 50, 4 << 30, 1 << 30},     // at most 1 GiB
		{1 << 30, 256 << 20, 256 << 20}, // at most a quarter of the memory
	} {
		if got := bound(c.n, system{page: 2 << 20, limit: c.limit}); got != c.want {
			t.Errorf("bound(%d, limit %d) = %d, want %d", c.n, c.limit, got, c.want)
		}
	}
}

func TestReadUint(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		text, label string
		want        uint64
		ok          bool
	}{
		{"2097152\n", "", 2097152, true},
		{"MemTotal:       24684032 kB\nMemFree: 1 kB\n", "MemTotal:", 24684032, true},
		{"MemFree: 1 kB\n", "MemTotal:", 0, false},
		{"x\n", "", 0, false},
	} {
		f := dir + "/f"
		if err := os.WriteFile(f, []byte(c.text), 0o600); err != nil {
			t.Fatal(err)
		}
		if got, ok := readUint(f, c.label); got != c.want || ok != c.ok {
			t.Errorf("readUint(%q, %q) = %d, %v; want %d, %v", c.text, c.label, got, ok, c.want, c.ok)
		}
	}
}

func TestExpectCollapsesOnceFromMinCollapse(t *testing.T) {
	reset(t)
	defer reset(t)
	Enable()
	if Expect(MinCollapse-1) || collapsed {
		t.Fatal("Expect acted on less than MinCollapse")
	}
	if Expect(MinCollapse) {
		t.Error("Expect prepared (a collection) for MinCollapse, less than MinExpect")
	}
	if want := support().page != 0; collapsed != want {
		t.Errorf("after Expect(MinCollapse), collapsed is %v; want %v (huge page %d)", collapsed, want, support().page)
	}
}
