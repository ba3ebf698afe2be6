package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"reflect"
	"sync"
	"unsafe"
)

// writeJSON prints v as indented JSON with every nil list written as [],
// never null: scripts can always iterate. encoding/json escapes every
// control character (ESC is \u001b), and U+2028/U+2029 as well; DEL, which
// it leaves raw, is written \u007f (it can only stand inside a string).
func (a *app) writeJSON(v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer {
		p := reflect.New(rv.Type())
		p.Elem().Set(rv)
		rv = p
	}
	fillNil(rv)
	if done, err := a.streamJSON(rv); done {
		return err
	}
	// The encoder writes the compact JSON once, from its own buffer, and
	// indenter indents it straight into the command's output buffer: a
	// 1.2 MB answer is held twice instead of four times (each page held is
	// a page fault, which on a virtual machine costs more than the bytes).
	w := &indenter{to: a.stdout}
	if out, ok := a.stdout.(*bytes.Buffer); ok {
		w.buf = out
	}
	if err := json.NewEncoder(w).Encode(rv.Interface()); err != nil {
		return fail(ExitUsage, "cannot write JSON: %v", err)
	}
	return w.err
}

// indenter is the writer writeJSON gives its encoder: it indents each
// write, which must be one whole value (json.Encoder writes once per
// Encode), into buf when set (appending to its free space, without a
// copy), or else to to.
type indenter struct {
	to  io.Writer
	buf *bytes.Buffer
	err error
}

func (w *indenter) Write(p []byte) (int, error) {
	if w.buf == nil {
		_, w.err = w.to.Write(indentJSON(make([]byte, 0, indentedSize(p)), p))
		return len(p), w.err
	}
	// Made at its exact size, not grown by the buffer: bytes.Buffer clears
	// what it grows, touching every page, where a fresh allocation's pages
	// are touched only as they are written; and a guess too small made
	// append move the whole answer (who-can at 10,000 users: 600 page
	// faults for 1.2 MB of output, now 300).
	out := indentJSON(make([]byte, 0, indentedSize(p)), p)
	if w.buf.Len() == 0 {
		*w.buf = *bytes.NewBuffer(out) // the answer is all the output: no copy
	} else {
		w.buf.Write(out)
	}
	return len(p), nil
}

// streamMin is the length from which a struct's list is written one
// element at a time (a variable for the tests).
var streamMin = 512

// streamJSON writes rv, a pointer to a struct, the way writeJSON does, but
// one element at a time when one of its fields is a list of at least
// streamMin elements (who-can's users, a diff's changes): the JSON of the
// whole answer is never held, and what is written reaches the output
// every streamFlush bytes. Encoding the whole answer made encoding/json
// grow its buffer to the answer's size by doubling, and then hold the
// indented copy: at 10,000 users, who-can touched 3.5 MB of fresh memory
// (some 900 page faults) for 1.2 MB of output. done is false when rv is
// not such a struct, and nothing was written then.
//
// The struct is encoded by encoding/json (its field names, omitempty and
// "-" as always) as a twin type whose list field is json.RawMessage,
// holding a marker that cannot be data; the list's elements are encoded
// in its place.
func (a *app) streamJSON(rv reflect.Value) (done bool, err error) {
	if a.outBuf == nil || a.stdout != io.Writer(a.outBuf) || rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return false, nil
	}
	s := rv.Elem()
	fields := reflect.VisibleFields(s.Type())
	long := -1
	var elems elemList // the long field, when it is one
	for i := range fields {
		f := &fields[i]
		if !f.IsExported() || f.Anonymous || len(f.Index) != 1 {
			return false, nil
		}
		if long >= 0 {
			continue
		}
		if el, ok := asElemList(s.Field(i)); ok && el.Len() >= streamMin {
			long, elems = i, el
			f.Type = rawMessage
		} else if f.Type.Kind() == reflect.Slice && f.Type != rawMessage && s.Field(i).Len() >= streamMin {
			long = i
			f.Type = rawMessage
		}
	}
	if long < 0 {
		return false, nil
	}
	twin := reflect.New(reflect.StructOf(fields)).Elem()
	for i := range fields {
		if i != long {
			twin.Field(i).Set(s.Field(i))
		}
	}
	var token [16]byte
	_, _ = rand.Read(token[:])
	marker := []byte(`"\u0000rolecall:` + hex.EncodeToString(token[:]) + `"`)
	twin.Field(long).SetBytes(marker)
	head, err := json.Marshal(twin.Interface())
	if err != nil {
		return true, fail(ExitUsage, "cannot write JSON: %v", err)
	}
	before, after, found := bytes.Cut(head, marker)
	if !found || bytes.Contains(after, marker) {
		return false, nil
	}
	var (
		ind  indentState
		elem bytes.Buffer
	)
	enc := json.NewEncoder(&elem)
	out := a.pieces()
	emit := func(p []byte) {
		out.buf = ind.indent(out.buf, p)
		out.piece()
	}
	emit(before)
	emit([]byte{'['})
	list := s.Field(long)
	n := 0
	if elems != nil {
		n = elems.Len()
	} else {
		n = list.Len()
	}
	for i := range n {
		if i > 0 {
			emit([]byte{','})
		}
		elem.Reset()
		// By address, as encoding/json reaches an element of a list: a
		// MarshalJSON with a pointer receiver is then called.
		var v any
		if elems != nil {
			v = elems.Elem(i)
			fillNil(reflect.ValueOf(v))
		} else {
			v = list.Index(i).Addr().Interface()
		}
		if err := enc.Encode(v); err != nil {
			return true, fail(ExitUsage, "cannot write JSON: %v", err)
		}
		emit(elem.Bytes())
	}
	emit([]byte{']'})
	emit(after)
	out.buf = append(out.buf, '\n')
	out.end()
	return true, nil
}

// pieces is a long answer written in pieces (streamJSON, holderTable,
// validate's violations): each streamFlush bytes of it are passed on as soon as they are
// made, instead of held to the end of the command. writeSafe escapes a
// whole output, invisible characters included, when any of it holds a
// control character (U+0085, U+202E, which encoding/json leaves as they
// are): a piece is passed on only while every piece is plain, and the
// rest, once one is not, is held to the end.
type pieces struct {
	a     *app
	buf   []byte // what is made and not yet passed on
	plain bool
}

func (a *app) pieces() *pieces {
	p := &pieces{a: a, plain: a.outBuf != nil && a.stdout == io.Writer(a.outBuf)}
	if p.plain {
		// What the command wrote before is passed on with the first piece.
		held := a.outBuf.Bytes()
		p.plain = plainText(unsafe.String(unsafe.SliceData(held), len(held)))
	}
	return p
}

// piece passes buf on when it holds streamFlush bytes or more, while
// every piece is plain.
func (p *pieces) piece() {
	if !p.plain || len(p.buf) < streamFlush {
		return
	}
	if !plainText(unsafe.String(unsafe.SliceData(p.buf), len(p.buf))) {
		p.plain = false
		return
	}
	// What the command wrote before was plain (pieces), and so is this.
	p.a.outBuf.Write(p.buf)
	p.a.flushOut(true)
	p.buf = p.buf[:0]
}

// end writes what is left to the command's output.
func (p *pieces) end() { p.a.stdout.Write(p.buf) }

// elemList is a list that gives its elements one at a time, each as a
// pointer valid until the next (holderStream): streamJSON writes it as it
// writes a slice of them, and encoding/json as the list's MarshalJSON
// writes it.
type elemList interface {
	Len() int
	Elem(i int) any
}

// asElemList returns the elemList v holds, if any (not a nil pointer).
func asElemList(v reflect.Value) (elemList, bool) {
	if !v.CanInterface() || v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, false
	}
	el, ok := v.Interface().(elemList)
	return el, ok
}

// streamFlush is how much streamJSON holds before passing it on.
const streamFlush = 64 << 10

// indentState is where indentJSON is in the value it indents, so that a
// value can be indented in pieces: each piece whole tokens.
type indentState struct {
	depth int
	open  bool // after { or [, before what follows
}

// indentJSON appends src, the compact JSON of one value as encoding/json
// writes it (with its newline), indented by two spaces as json.Indent
// does, and with DEL written \u007f: one pass over the bytes, where
// json.Indent's state machine was most of a large answer's time.
// TestIndentJSON compares it with json.Indent.
func indentJSON(dst, src []byte) []byte {
	var st indentState
	return append(st.indent(dst, src), '\n')
}

// indent appends src, whole tokens of compact JSON, indented as
// indentJSON does, from where st is.
func (st *indentState) indent(dst, src []byte) []byte {
	depth, open := st.depth, st.open
	defer func() { st.depth, st.open = depth, open }()
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		if open && c != '}' && c != ']' {
			open = false
			depth++
			dst = newline(dst, depth)
		}
		switch c {
		case '"':
			j := stringEnd(src, i)
			str := src[i : j+1]
			for {
				k := bytes.IndexByte(str, 0x7f)
				if k < 0 {
					break
				}
				dst = append(append(dst, str[:k]...), `\u007f`...)
				str = str[k+1:]
			}
			dst = append(dst, str...)
			i = j
		case '{', '[':
			open = true
			dst = append(dst, c)
		case ',':
			dst = newline(append(dst, c), depth)
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if open {
				open = false // {} and [] stay on one line
			} else {
				depth--
				dst = newline(dst, depth)
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// stringEnd is the index of the quote that closes the JSON string opening
// at src[i], escapes and all (the last byte when it is not closed).
func stringEnd(src []byte, i int) int {
	j := i + 1
	for {
		k := bytes.IndexByte(src[j:], '"')
		if k < 0 {
			return len(src) - 1
		}
		j += k
		// The quote closes the string unless an odd number of
		// backslashes, counted back from it, escapes it.
		n := 0
		for b := j - 1; b > i && src[b] == '\\'; b-- {
			n++
		}
		if n%2 == 0 {
			return j
		}
		j++
	}
}

// indentedSize is len(indentJSON(nil, src)), counted without writing.
func indentedSize(src []byte) int {
	n, depth, open := 1, 0, false // 1: the final newline
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		if open && c != '}' && c != ']' {
			open = false
			depth++
			n += 1 + 2*max(depth, 0)
		}
		switch c {
		case '"':
			j := stringEnd(src, i)
			n += j + 1 - i + 5*bytes.Count(src[i:j+1], []byte{0x7f})
			i = j
		case '{', '[':
			open = true
			n++
		case ',':
			n += 2 + 2*max(depth, 0)
		case ':':
			n += 2
		case '}', ']':
			if open {
				open = false
			} else {
				depth--
				n += 1 + 2*max(depth, 0)
			}
			n++
		default:
			n++
		}
	}
	return n
}

func newline(dst []byte, depth int) []byte {
	dst = append(dst, '\n')
	for depth > len(indentSpaces)/2 {
		dst = append(dst, indentSpaces...)
		depth -= len(indentSpaces) / 2
	}
	return append(dst, indentSpaces[:2*max(depth, 0)]...)
}

const indentSpaces = "                                "

var rawMessage = reflect.TypeFor[json.RawMessage]()

// fillNil replaces every nil slice reachable from v (a pointer) with an
// empty one. What it looks at is planned once per type (fillPlanOf): a
// value whose type can hold no slice is passed over, and a struct's
// exported fields are not looked up again for each of a long list's
// elements (who-can at 100,000 users: one call per holder).
func fillNil(v reflect.Value) { fillWith(v, fillPlanOf(v.Type())) }

func fillWith(v reflect.Value, p *fillPlan) {
	if !p.slices {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			fillWith(v.Elem(), p.elem)
		}
	case reflect.Interface:
		if !v.IsNil() {
			fillNil(v.Elem())
		}
	case reflect.Struct:
		for _, f := range p.fields {
			fv := v.Field(f.i)
			if !fv.CanSet() && fv.CanAddr() {
				// An embedded struct of an unexported type, whose
				// exported fields encoding/json writes as the outer
				// struct's own: reached through its address.
				fv = reflect.NewAt(fv.Type(), unsafe.Pointer(fv.UnsafeAddr())).Elem()
			}
			fillWith(fv, f.p)
		}
	case reflect.Slice:
		if v.IsNil() {
			if v.CanSet() {
				v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			}
			return
		}
		if p.elem.slices {
			for i := 0; i < v.Len(); i++ {
				fillWith(v.Index(i), p.elem)
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := v.MapIndex(k)
			c := reflect.New(e.Type()).Elem()
			c.Set(e)
			fillNil(c)
			v.SetMapIndex(k, c)
		}
	}
}

// fillPlan is what fillNil does with a value of one type: slices, whether
// the value can hold a slice at all (an interface or a map is taken to);
// elem, the plan of a pointer's or a slice's element; fields, a struct's
// fields that can hold a slice and that encoding/json writes (exported
// ones, and embedded structs), with their plans.
type fillPlan struct {
	slices bool
	elem   *fillPlan
	fields []fieldFill
}

type fieldFill struct {
	i int
	p *fillPlan
}

var fillPlans sync.Map // reflect.Type -> *fillPlan

func fillPlanOf(t reflect.Type) *fillPlan {
	if p, ok := fillPlans.Load(t); ok {
		return p.(*fillPlan)
	}
	p := planFill(t, map[reflect.Type]*fillPlan{})
	fillPlans.Store(t, p)
	return p
}

// planFill makes t's plan. planned holds the plans made so far, so that a
// type that refers to itself gets its own plan back.
func planFill(t reflect.Type, planned map[reflect.Type]*fillPlan) *fillPlan {
	if p, ok := planned[t]; ok {
		return p
	}
	// Until t is planned, a plan that meets it again (a pointer to it in
	// one of its fields) takes it to hold slices.
	p := &fillPlan{slices: true}
	planned[t] = p
	switch t.Kind() {
	case reflect.Interface, reflect.Map:
	case reflect.Slice:
		p.slices = t != rawMessage
		p.elem = planFill(t.Elem(), planned)
	case reflect.Pointer:
		p.elem = planFill(t.Elem(), planned)
		p.slices = p.elem.slices
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() || f.Anonymous && f.Type.Kind() == reflect.Struct {
				if fp := planFill(f.Type, planned); fp.slices {
					p.fields = append(p.fields, fieldFill{i, fp})
				}
			}
		}
		p.slices = len(p.fields) > 0
	default:
		p.slices = false
	}
	return p
}
