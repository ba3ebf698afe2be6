package storage

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"
	"time"

	"rolecall/internal/testcost"
	"rolecall/internal/testlong"
	"rolecall/model"
)

// Every file up to MaxFileSize is refused or decoded within a budget of
// time and memory: the TOML decoder's super-linear cases (long dotted keys,
// deep headers, long key paths, huge tables) are refused by the scan first.
// Time is CPU time (processCPU): on a busy host a fuzzing worker can wait
// more than a second for a core, and a wall-clock budget then fails
// inputs that decode in microseconds.
const (
	decodeTimeBudget = time.Second // CPU time of one Decode
	decodeMemBudget  = 256 << 20   // bytes allocated by one Decode
	// decodeWallLimit catches a Decode that hangs without using CPU.
	decodeWallLimit = time.Minute
)

// allocated returns the bytes the process has allocated so far. Reading it
// does not stop the world (runtime.ReadMemStats would, every poll).
func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// boundedDecode decodes data, watching the CPU time and the bytes
// allocated while it runs, and returns both. An input that passes a budget panics at once, while the
// decode is still running: a fuzzing worker that decodes a hostile input
// must fail on it rather than swap or be killed without a word.
func boundedDecode(data []byte, timeBudget time.Duration, memBudget uint64) (*model.Account, []FileProblem, time.Duration, uint64) {
	type result struct {
		a  *model.Account
		ps []FileProblem
	}
	done := make(chan result, 1)
	start, t0, cpu0 := allocated(), time.Now(), testcost.CPU()
	go func() {
		a, ps := Decode("f.toml", data)
		done <- result{a, ps}
	}()
	poll := time.NewTicker(2 * time.Millisecond)
	defer poll.Stop()
	deadline := time.NewTimer(decodeWallLimit)
	defer deadline.Stop()
	for {
		select {
		case r := <-done:
			return r.a, r.ps, testcost.CPU() - cpu0, allocated() - start
		case <-poll.C:
			if n := allocated() - start; n > memBudget {
				panic(fmt.Sprintf("Decode of a %d-byte input allocated %d MiB (budget %d MiB) after %s", len(data), n>>20, memBudget>>20, time.Since(t0)))
			}
			if d := testcost.CPU() - cpu0; d > timeBudget {
				panic(fmt.Sprintf("Decode of a %d-byte input used more than %s of CPU (%s; %d MiB allocated so far)", len(data), timeBudget, d, (allocated()-start)>>20))
			}
		case <-deadline.C:
			panic(fmt.Sprintf("Decode of a %d-byte input did not return in %s (%d MiB allocated so far)", len(data), decodeWallLimit, (allocated()-start)>>20))
		}
	}
}

// piece appends part of a test input to b.
type piece func(b []byte) []byte

// input is the input made of parts, each a string or a piece, in order.
func input(parts ...any) piece {
	return func(b []byte) []byte {
		for _, p := range parts {
			switch p := p.(type) {
			case string:
				b = append(b, p...)
			case piece:
				b = p(b)
			default:
				panic(fmt.Sprintf("not a part of an input: %T", p))
			}
		}
		return b
	}
}

// rep is s, n times, as strings.Repeat.
func rep(s string, n int) piece {
	return func(b []byte) []byte {
		start, total := len(b), len(s)*n
		b = slices.Grow(b, total)
		b = append(b, s...)
		for len(b)-start < total && n > 0 {
			b = append(b, b[start:start+min(len(b)-start, total-(len(b)-start))]...)
		}
		return b[:start+total]
	}
}

// many is format formatted with 0, 1, ... n-1, one after the other.
func many(format string, n int) piece {
	return func(b []byte) []byte {
		for i := range n {
			b = fmt.Appendf(b, format, i)
		}
		return b
	}
}

// parts is a dotted key of n parts.
func parts(n int) piece { return input(rep("a.", n-1), "a") }

// hostileDiv divides the sizes of TestDecodeHostileBounded's large inputs
// in a quick run: 1/16 of each (a 60 MB comment is 3.75 MB, 100,000
// tables 6,250), each still far past the limit it tests, so every hostile
// shape is still refused or read where and as at full size; that the cost
// grows about linearly with the size is checked, in the quick run, on the
// inputs that are decoded whole, by decoding each also at an eighth of its
// size. The full sizes run with ROLECALL_LONG_TESTS=1, against the budgets
// alone (there, 100,000 tables cost over 24 times what 12,500 do: the
// problems and maps outgrow the caches, well within the budget).
var hostileDiv = testlong.N(16, 1)

func TestDecodeHostileBounded(t *testing.T) {
	div := hostileDiv
	// mb is n MB, divided in a quick run; named is its name.
	mb := func(n int) int { return n << 20 / div }
	count := func(n int) int { return n / div }
	named := func(format string, n int) string {
		if div == 1 {
			return fmt.Sprintf(format, n)
		}
		return fmt.Sprintf(format+" (1/%d)", n, div)
	}
	tests := []struct {
		name string
		// data makes the input when its case runs, in a buffer that all
		// cases share (buf): built at once and each in fresh memory, the
		// inputs (over 300 MB at full size) cost more than decoding them.
		data piece
		want string // the refusal; "" for a file that is read
		// time is the budget when it is not decodeTimeBudget: large files
		// are read in linear time, at tens of MB a second.
		time time.Duration
		// eighth, when set, is the same input at an eighth of the size: a
		// decode whose cost grows linearly takes about 8 times its CPU time
		// at the whole size (one that grows as the square of the size, 64
		// times).
		eighth piece
	}{
		{"40 KB dotted key", input("format = 1\n", parts(20000), " = 1\n"), "more than 8 parts", 0, nil},
		{"20k-part header", input("format = 1\n[", parts(20000), "]\n"), "more than 8 parts", 0, nil},
		{"20k-part array header", input("format = 1\n[[", parts(20000), "]]\n"), "more than 8 parts", 0, nil},
		{"20k-part key in an inline table", input("format = 1\nx = {", parts(20000), " = 1}\n"), "more than 8 parts", 0, nil},
		{"20k-part quoted key", input("format = 1\n", rep(`"a".`, 19999), `"a"`, " = 1\n"), "more than 8 parts", 0, nil},
		{"9-part key", input("format = 1\n", parts(9), " = 1\n"), "more than 8 parts", 0, nil},
		{"8-part key", input("format = 1\n", parts(8), " = 1\n"), `unknown key "a"`, 0, nil},
		{"header and key 5 parts each", input("format = 1\n[", parts(5), "]\n", parts(5), " = 1\n"), "more than 8 parts", 0, nil},
		{"inline tables 9 deep", input("format = 1\na = ", rep("{b=", 9), "1", rep("}", 9), "\n"), "more than 8 parts", 0, nil},
		{"1 MB key", input("format = 1\n", rep("k", 1<<20), " = 1\n"), "longer than 256 bytes", 0, nil},
		{"1 MB quoted header, then keys", input("format = 1\n[\"", rep("x", 1<<20), "\"]\n", rep("k = 1\n", 1000)), "a string of more than 65536 characters", 0, nil},
		{named("long header, then %dk keys", 200), input("format = 1\n[", rep("x", 250), "]\n", many("k%d = 1\n", count(200000))), "more than 64 keys", 0, nil},
		{named("30-deep header, then %dk keys", 500), input("format = 1\n[", parts(30), "]\n", many("k%d = 1\n", count(500000))), "more than 8 parts", 0, nil},
		{named("%dk keys in one table", 1400), input("format = 1\n", many("k%d = 1\n", count(1400000))), "more than 64 keys", 0, nil},
		{"64 keys", input("format = 1\n", many("k%d = 1\n", 63)), `unknown key "k0"`, 0, nil},
		// As many tables as a real file of 100,000 users has: linear, at
		// the speed of loading such a file (budget: 2 s).
		{named("%dk tables", 100), input("format = 1\n", many("[t%d]\n", count(100000))), `unknown key "t`, 5 * time.Second,
			input("format = 1\n", many("[t%d]\n", count(100000)/8))},
		{named("%dk dotted keys under one table", 100), input("format = 1\n", many("a.k%d = 1\n", count(100000))), "more than 64 keys", 0, nil},
		{named("%d MB string with escapes", 60), input("format = 1\ns = \"", rep(`\u0041\n`, mb(60)/8), "\"\n"), "a string of more than 65536 characters", 0, nil},
		{named("%d MB multi-line string", 60), input("format = 1\ns = \"\"\"", rep("a\\\n", mb(60)/3), "\"\"\"\n"), "a string of more than 65536 characters", 0, nil},
		{named("%d MB literal string", 60), input("format = 1\ns = '", rep("x", mb(60)), "'\n"), "a string of more than 65536 characters", 0, nil},
		{"64 KiB description", input("format = 1\n[[roles]]\nname = \"A\"\ndescription = \"", rep("x", 64<<10), "\"\n"), "", 0, nil},
		// Linear, and not refused: the decoder lexes these at tens of
		// MB a second.
		{named("%d MB comment", 60), input("#", rep("x", mb(60)), "\n"), "missing", 5 * time.Second, input("#", rep("x", mb(60)/8), "\n")},
		{named("%d MB of blank lines", 60), rep("\n", mb(60)), "missing", 5 * time.Second, rep("\n", mb(60)/8)},
	}
	// The largest input is MaxFileSize/div bytes and a little: in a quick
	// run a buffer of 64 MiB would cost more to touch (16,000 page faults)
	// than the decodes do.
	buf := make([]byte, 0, MaxFileSize/div+1<<20)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			budget := decodeTimeBudget
			if tt.time > 0 {
				budget = tt.time
			}
			data := tt.data(buf[:0])
			compare := tt.eighth != nil && div > 1
			if compare {
				// Both sizes are decoded with the collector off, from the
				// same heap: otherwise the whole input's decode pays for
				// collections that the eighth's, which allocates less than
				// the heap's goal, does not (buf is live), and the times
				// compare more than the decoder.
				// (The collector's work is not what the budgets bound:
				// decodeMemBudget bounds what a decode allocates.)
				runtime.GC()
				defer debug.SetGCPercent(debug.SetGCPercent(-1))
			}
			_, ps, d, mem := boundedDecode(data, budget, decodeMemBudget)
			t.Logf("%d KB: %s CPU, %d MiB allocated", len(data)>>10, d.Round(time.Millisecond), mem>>20)
			if compare {
				// (in the same buffer: data is not used again)
				eighth := tt.eighth(buf[:0])
				runtime.GC()
				_, _, d8, _ := boundedDecode(eighth, budget, decodeMemBudget)
				// Linear, with room for noise: the CPU time of one decode
				// of a few MB varies up to 3 times on a loaded host (GC
				// cycles, caches), and by tens of ms when it is small.
				t.Logf("an eighth: %s CPU", d8)
				if limit := 3*8*d8 + 50*time.Millisecond; d > limit {
					t.Errorf("not linear: %s CPU at an eighth of the size, %s at the whole (more than %s)", d8, d, limit)
				}
			}
			if tt.want == "" {
				if HasErrors(ps) && strings.Contains(ps[0].Message, "rolecall reads") {
					t.Errorf("refused: %v", ps[0])
				}
				return
			}
			if len(ps) == 0 || !strings.Contains(ps[0].String(), tt.want) {
				t.Fatalf("want a first problem containing %q; got %v", tt.want, ps)
			}
			if p := ps[0]; p.Line < 1 || !strings.HasPrefix(p.String(), "f.toml:") {
				t.Errorf("problem does not name file and line: %v", p)
			}
		})
	}
}

// The string limit counts characters, an escape as one, so that every
// file read encodes to one that reads: a value written with escapes
// (tabs, newlines, control characters) is never refused by the scan once
// saved. (The account name's own limit, R7, refuses these values as
// validation errors: the round trip checks the scan, not the rules.)
func TestLongStringsRoundTrip(t *testing.T) {
	tests := []struct {
		name, value string // value: as written in the file, in single quotes
		literal     bool
	}{
		{"40,000 tabs", strings.Repeat("\t", 40000), true},
		{"40,000 newlines", "\n" + strings.Repeat("\n", 40000), true},
		{"60,000 two-byte characters", strings.Repeat("é", 60000), true},
		{"65,000 escapes", strings.Repeat(`\u0001`, 65000), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := `"`
			if tt.literal {
				q = "'''"
			}
			src := "format = 1\n[account]\nname = " + q + tt.value + q + "\n"
			scanned := func(ps []FileProblem) bool {
				for _, p := range ps {
					if strings.Contains(p.Message, "a string of more than") {
						return false
					}
				}
				return true
			}
			a, ps := Decode("f.toml", []byte(src))
			if a == nil || !scanned(ps) {
				t.Fatalf("refused: %v", ps)
			}
			enc := Encode(a)
			b, ps := Decode("f.toml", enc)
			if b == nil || !scanned(ps) {
				t.Fatalf("its encoding (%d bytes) is refused: %v", len(enc), ps)
			}
			if b.Name != a.Name {
				t.Errorf("the name changed on the round trip")
			}
		})
	}
}
