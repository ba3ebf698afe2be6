package storage

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"rolecall/internal/testlong"
	"rolecall/model"
)

// TestDecodeTOMLParts: decoding a file in parts gives exactly the whole
// file's map, or exactly its error, on every kind of file: the hostile
// files and the decode fuzz corpus, generated accounts, and files whose
// parts mean something else alone. The parts are as small as they can be
// (a part at every element), and as the loader cuts them.
func TestDecodeTOMLParts(t *testing.T) {
	files := hostileFiles(t)
	for i, c := range []string{
		// Valid: roles, users and roles again, joined in file order.
		"format = 1\n[account]\nname = 'x'\n[[roles]]\nname = 'A'\n[[users]]\nemail = 'a@b'\n[[roles]]\nname = 'B'\n[[users]]\nemail = 'c@d'\nroles = ['A', 'B']\n",
		// [account] in two parts: an error of the whole file.
		"format = 1\n[[users]]\nemail = 'a'\n[account]\nname = 'x'\n[[users]]\nemail = 'b'\n[account]\nname = 'y'\n",
		// A static array, then an array of tables.
		"format = 1\nusers = []\n[[users]]\nemail = 'a'\n[[users]]\nemail = 'b'\n",
		// A sub-table of the last role, in a later part.
		"format = 1\n[[roles]]\nname = 'A'\n[[users]]\nemail = 'a'\n[roles.extra]\nx = 1\n[[users]]\nemail = 'b'\n",
		// A plain table after the array of the same name.
		"format = 1\n[[users]]\nemail = 'a'\n[[roles]]\nname = 'R'\n[users]\nx = 1\n",
		// An array of tables below roles, in another part.
		"format = 1\n[[roles]]\nname = 'A'\n[[users]]\nemail = 'a'\n[[roles.sub]]\nx = 1\n[[environments]]\nname = 'E'\n",
		// A header inside a multi-line string is not a place to cut.
		"format = 1\n[[roles]]\nname = 'A'\ndescription = '''\n[[users]]\nemail = 'no'\n'''\n[[users]]\nemail = 'a'\n",
		// A syntax error in a later part: the whole file's error and line.
		"format = 1\n[[roles]]\nname = 'A'\n[[users]]\nemail = 'a'\n[[users]]\nemail = = 'b'\n",
		// The same element key twice.
		"format = 1\n[[users]]\nemail = 'a'\nemail = 'b'\n[[users]]\nemail = 'c'\n",
		// Tables defined after their sub-tables, across parts.
		"format = 1\n[account.sub]\nx = 1\n[[users]]\nemail = 'a'\n[account]\nname = 'x'\n",
		// [privilege_codes] after the elements, in a later part.
		"format = 1\n[[roles]]\nname = 'A'\nunknown_codes = ['X']\nboomi_id = 'r'\n[[users]]\nemail = 'a'\n[privilege_codes]\nENV_READ = 'Execute'\n[[users]]\nemail = 'b'\n",
		// [privilege_codes] in two parts: an error of the whole file.
		"format = 1\n[privilege_codes]\nA = 'Execute'\n[[users]]\nemail = 'a'\n[privilege_codes]\nB = 'Execute'\n[[users]]\nemail = 'b'\n",
		// Its rows in two parts, by a dotted key.
		"format = 1\n[privilege_codes]\nA = 'Execute'\n[[users]]\nemail = 'a'\n[[users]]\nemail = 'b'\nprivilege_codes.B = 'Execute'\n",
		// Indented headers and CRLF.
		"format = 1\r\n  [[users]]\r\n  email = 'a'\r\n  [[users]]\r\n  email = 'b'\r\n",
	} {
		files[fmt.Sprintf("parts-%d", i)] = []byte(c)
	}
	// Generated accounts of 300 users (42 KB, 336 elements: cut at every
	// element, and in 4 KiB parts); with ROLECALL_LONG_TESTS=1 also 3,000
	// (450 KB), the same cuts of ten times the elements, which cost the
	// quick run two thirds of this test's time and meet no other case.
	sizes := []int{300}
	if testlong.Enabled() {
		sizes = append(sizes, 3000)
	}
	for _, n := range sizes {
		files[fmt.Sprintf("synthetic-%d", n)] = Encode(model.Synthetic(n, n/10, n/50, 9))
		files[fmt.Sprintf("boomi-%d", n)] = Encode(withBoomi(model.Synthetic(n, n/10, n/50, 9), 9, true))
	}
	orig := minPart
	t.Cleanup(func() { minPart = orig })
	for name, data := range files {
		var want map[string]any
		_, werr := toml.Decode(string(data), &want)
		s := scan(data)
		if s.stopped() {
			continue // never given to the TOML decoder
		}
		// Each way of cutting the file is decoded once: with orig, a
		// small file is one part for any number of processors, and
		// decodeTOML decodes one part as the whole file (want).
		tried := map[string]bool{fmt.Sprint([][2]int{{0, len(data)}}): true}
		for _, mp := range []int{1, 4 << 10, orig} {
			minPart = mp
			for _, procs := range []int{2, 8} {
				cut := fmt.Sprint(cutParts(len(data), s.splits, 2*procs))
				if tried[cut] {
					continue
				}
				tried[cut] = true
				got, gerr := decodeTOML(data, s.splits, procs)
				if (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) {
					t.Fatalf("%s (minPart %d, %d procs): error %v, want %v", name, mp, procs, gerr, werr)
				}
				if werr == nil && !reflect.DeepEqual(got, want) {
					t.Fatalf("%s (minPart %d, %d procs): the parts give another map", name, mp, procs)
				}
			}
		}
	}
}

// The cuts: at splits only, in order, covering the file; one part for a
// small file or one processor.
func TestCutParts(t *testing.T) {
	orig := minPart
	t.Cleanup(func() { minPart = orig })
	minPart = 10
	for _, c := range []struct {
		size   int
		splits []int
		n      int
		want   string
	}{
		{100, []int{10, 30, 50, 70, 90}, 4, "[[0 30] [30 50] [50 90] [90 100]]"},
		{100, []int{10, 20, 30, 40, 60, 80}, 4, "[[0 30] [30 60] [60 80] [80 100]]"},
		{100, []int{10, 30, 50, 70, 90}, 1, "[[0 100]]"},
		{15, []int{5}, 4, "[[0 15]]"},
		{100, nil, 4, "[[0 100]]"},
		{100, []int{96}, 4, "[[0 100]]"}, // the last part would be too small
	} {
		if got := fmt.Sprint(cutParts(c.size, c.splits, c.n)); got != c.want {
			t.Errorf("cutParts(%d, %v, %d) = %s, want %s", c.size, c.splits, c.n, got, c.want)
		}
	}
	// Every cut is a split, and the parts cover the file.
	data := Encode(model.Synthetic(3000, 200, 20, 4))
	s := scan(data)
	minPart = 1 << 10
	parts := cutParts(len(data), s.splits, 8)
	if len(parts) < 2 {
		t.Fatalf("a %d-byte file in %d part", len(data), len(parts))
	}
	for i, p := range parts {
		if i > 0 && (p[0] != parts[i-1][1] || !strings.HasPrefix(string(data[p[0]:]), "[[")) {
			t.Fatalf("part %d starts at %d: %q", i, p[0], data[p[0]:min(p[0]+20, len(data))])
		}
	}
	if parts[0][0] != 0 || parts[len(parts)-1][1] != len(data) {
		t.Fatalf("parts %v do not cover %d bytes", parts, len(data))
	}
	// A file rolecall writes is decoded in parts, not again as one: 5,000
	// users (755 KB, cut in two or more at any GOMAXPROCS, as a file must
	// have 2*minPart bytes to be) cost a fifth of what 10,000 did.
	minPart = orig
	big := Encode(model.Synthetic(5000, 500, 100, 1))
	joined := partsJoined.Load()
	if a, ps := Decode("big.toml", big); a == nil || HasErrors(ps) {
		t.Fatalf("decode: %v", Errors(ps))
	}
	if partsJoined.Load() != joined+1 {
		t.Fatalf("a %d-byte file was not decoded in parts", len(big))
	}
}
