package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"rolecall/model"
)

// ptrMarshal has a MarshalJSON on its pointer, which encoding/json calls
// for the elements of a list (they are addressable).
type ptrMarshal struct{ N int }

func (p *ptrMarshal) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf(`{"n<":%d}`, p.N)), nil }

type streamCase struct {
	Name    string            `json:"name"`
	Skip    string            `json:"-"`
	Empty   string            `json:"empty,omitempty"`
	Env     *string           `json:"environment"`
	Users   []model.Holder    `json:"users"`
	Raw     json.RawMessage   `json:"raw"`
	Ptrs    []ptrMarshal      `json:"ptrs"`
	Nested  [][]string        `json:"nested"`
	Map     map[string][]int  `json:"map,omitempty"`
	Anys    []any             `json:"anys"`
	Details map[string]string `json:"details"`
}

// writeJSONWith runs writeJSON on v with lists written whole or one
// element at a time, and returns what reached the output.
func writeJSONWith(t *testing.T, v any, stream bool) string {
	t.Helper()
	old := streamMin
	defer func() { streamMin = old }()
	streamMin = 1 << 30
	if stream {
		streamMin = 1
	}
	var out, errb, real bytes.Buffer
	a := &app{stdout: &out, stderr: &errb, outBuf: &out, errBuf: &errb, realOut: &real, realErr: io.Discard}
	if err := a.writeJSON(v); err != nil {
		t.Fatal(err)
	}
	a.flush()
	return real.String()
}

// An answer written one element at a time is byte for byte the answer
// written whole.
func TestStreamJSONSameBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	env := "Prod <&> \x7f"
	for n := range 12 { // up to 407 users: every field kind, streamed and whole
		c := streamCase{Name: strings.Repeat("x\u2028", n%3), Skip: "never", Raw: json.RawMessage(`{"a": [1, 2]}`), Details: map[string]string{"k": "v"}}
		if n%2 == 0 {
			c.Env = &env
			c.Empty = "set"
			c.Map = map[string][]int{"a": nil, "b": {1}}
		}
		for i := range n * 37 {
			h := model.Holder{User: fmt.Sprintf("u%d@example.org \x7f <b>", i)}
			if i%3 == 0 {
				h.ImpliedBy = "Build Read and Write Access"
			}
			for j := range i % 4 {
				h.Sources = append(h.Sources, model.Source{Role: fmt.Sprintf("Role %d", j), Via: []string{"A", "B"}[:j%3]})
			}
			c.Users = append(c.Users, h)
			c.Ptrs = append(c.Ptrs, ptrMarshal{i})
			c.Nested = append(c.Nested, []string{"a", ""}[:i%3])
			c.Anys = append(c.Anys, randomValue(r, 0))
		}
		whole, streamed := writeJSONWith(t, &c, false), writeJSONWith(t, &c, true)
		if whole != streamed {
			t.Fatalf("case %d: streamed answer differs\nwhole:    %.300q\nstreamed: %.300q", n, whole, streamed)
		}
	}
	// The first long list is the one streamed: here a list whose elements
	// marshal through their pointers, then a list of anything.
	type ptrsFirst struct {
		Ptrs []ptrMarshal `json:"ptrs"`
		Anys []any        `json:"anys,omitempty"`
	}
	p := ptrsFirst{}
	for i := range 300 {
		p.Ptrs = append(p.Ptrs, ptrMarshal{i})
		p.Anys = append(p.Anys, randomValue(r, 0))
	}
	if whole, streamed := writeJSONWith(t, &p, false), writeJSONWith(t, &p, true); whole != streamed {
		t.Fatalf("pointer marshalers: streamed answer differs\nwhole:    %.300q\nstreamed: %.300q", whole, streamed)
	}
	anys := ptrsFirst{Anys: p.Anys}
	if whole, streamed := writeJSONWith(t, &anys, false), writeJSONWith(t, &anys, true); whole != streamed {
		t.Fatalf("a list of anything: streamed answer differs\nwhole:    %.300q\nstreamed: %.300q", whole, streamed)
	}
	// Not a struct, or a struct of short lists: written whole as before.
	for _, v := range []any{[]int{1, 2, 3}, map[string]int{"a": 1}, struct{ A []int }{}} {
		if whole, streamed := writeJSONWith(t, v, false), writeJSONWith(t, v, true); whole != streamed {
			t.Errorf("%#v: %q and %q", v, whole, streamed)
		}
	}
}

// Streaming passes the answer on as it goes: what is held at once stays
// near streamFlush, not the answer's size.
func TestStreamJSONFlushes(t *testing.T) {
	old := streamMin
	defer func() { streamMin = old }()
	streamMin = 1
	c := streamCase{}
	for i := range 20000 {
		c.Users = append(c.Users, model.Holder{User: fmt.Sprintf("user%d@example.org", i), Sources: []model.Source{{Role: "Standard User"}}})
	}
	var out, errb bytes.Buffer
	real := &maxWriter{}
	a := &app{stdout: &out, stderr: &errb, outBuf: &out, errBuf: &errb, realOut: real, realErr: io.Discard}
	if err := a.writeJSON(&c); err != nil {
		t.Fatal(err)
	}
	a.flush()
	passedOn(t, real, &out, 2<<20)
}

// passedOn checks that an answer of at least least bytes reached the
// terminal (real) in pieces: no write of much more than a piece, and the
// command's output buffer (out, nil when not looked at) never grown to
// hold it.
func passedOn(t *testing.T, real *maxWriter, out *bytes.Buffer, least int) {
	t.Helper()
	if real.total < least {
		t.Fatalf("the answer is %d bytes; want at least %d for this test", real.total, least)
	}
	if real.max > 2*streamFlush {
		t.Errorf("a write of %d bytes: the answer (%d bytes) was held whole", real.max, real.total)
	}
	if out != nil && cap(out.Bytes()) > 4*streamFlush {
		t.Errorf("the output buffer grew to %d bytes", cap(out.Bytes()))
	}
}

type maxWriter struct{ max, total int }

func (w *maxWriter) Write(p []byte) (int, error) {
	w.max, w.total = max(w.max, len(p)), w.total+len(p)
	return len(p), nil
}

// writeSafe escapes the invisible characters of an answer (U+200B) when
// the answer holds a control character that encoding/json leaves as it is
// (U+0085, U+202E): an answer written in pieces must be escaped the same,
// even when the control comes pieces after the invisible character.
func TestStreamJSONEscapesAsWhole(t *testing.T) {
	for _, c := range []struct{ early, late string }{
		{"zero\u200bwidth", "next\u0085line"},
		{"zero\u200bwidth", "right\u202eleft"},
		{"plain", "next\u0085line"},
		{"next\u0085line", "zero\u200bwidth"},
	} {
		v := streamCase{}
		for i := range 4000 { // some 300 KB: several pieces
			h := model.Holder{User: fmt.Sprintf("user%d@example.org", i)}
			switch i {
			case 1:
				h.User = c.early
			case 3990:
				h.User = c.late
			}
			v.Users = append(v.Users, h)
		}
		whole := writeJSONWith(t, &v, false)
		if len(whole) < 4*streamFlush {
			t.Fatalf("the answer is %d bytes; want several pieces", len(whole))
		}
		if streamed := writeJSONWith(t, &v, true); streamed != whole {
			i := 0
			for i < len(whole) && i < len(streamed) && whole[i] == streamed[i] {
				i++
			}
			t.Errorf("%q then %q: streamed answer differs at byte %d: whole %.40q, streamed %.40q", c.early, c.late, i, whole[i:], streamed[i:])
		}
	}
}

// who-can --json writes its holders from a model.HolderList, one at a
// time in the same memory: streamed or whole, the bytes are those of the
// list of model.Holder it gives, in the documented shape.
func TestWhoCanJSONSameAsHolders(t *testing.T) {
	a := model.Synthetic(600, 60, 6, 3)
	r := model.NewResolver(a)
	env := a.Environments[1].Name
	most := 0 // holders in the longest answer
	defer func() {
		if most < 100 {
			t.Errorf("fixture: at most %d holders in an answer", most)
		}
	}()
	for _, p := range []model.Privilege{model.ViewResults, model.BuildRead, model.Execute, model.PackagedComponentDeployment, model.UserManagement} {
		for _, e := range []int{-1, 1} {
			type holdersJSON struct {
				Privilege   string         `json:"privilege"`
				Environment *string        `json:"environment"`
				Users       []model.Holder `json:"users"`
			}
			want := holdersJSON{Privilege: p.String(), Users: r.WhoCan(p, e)}
			got := whoCanJSON{Privilege: p.String(), Users: &holderStream{list: r.WhoCanList(p, e)}}
			if e >= 0 {
				want.Environment, got.Environment = &env, &env
			}
			most = max(most, got.Users.Len())
			plain := writeJSONWith(t, &want, false)
			for _, stream := range []bool{false, true} {
				if s := writeJSONWith(t, &got, stream); s != plain {
					t.Fatalf("%s in %d (streamed: %v): differs\n got  %.300q\n want %.300q", p, e, stream, s, plain)
				}
			}
		}
	}
}
