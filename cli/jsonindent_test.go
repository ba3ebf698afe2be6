package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// oldIndent is how writeJSON indented before indentJSON: encoding/json's
// own indenting, then DEL escaped.
func oldIndent(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.ReplaceAll(buf.Bytes(), []byte{0x7f}, []byte(`\u007f`))
}

func newIndent(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatal(err)
	}
	return indentJSON(nil, buf.Bytes())
}

// randomValue is a JSON value of every kind, nested, with strings that
// need escapes.
func randomValue(r *rand.Rand, depth int) any {
	pieces := []string{"a", "Ops", `"`, `\`, "\x7f", "\x1b[31m", "\u202e", "\u2028", "<&>", "é", "日本", "\t", "\n", " ", ":", ",", "{", "}", "[", "]", ""}
	str := func() string {
		var b strings.Builder
		for range r.IntN(5) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	k := r.IntN(8)
	if depth > 4 {
		k = r.IntN(4)
	}
	switch k {
	case 0:
		return str()
	case 1:
		return r.IntN(2000) - 1000
	case 2:
		return r.IntN(2) == 0
	case 3:
		return nil
	case 4, 5:
		n := r.IntN(4)
		s := make([]any, n)
		for i := range s {
			s[i] = randomValue(r, depth+1)
		}
		return s
	default:
		m := map[string]any{}
		for range r.IntN(4) {
			m[str()] = randomValue(r, depth+1)
		}
		return m
	}
}

// TestIndentJSON: indentJSON writes exactly what json.Indent did, on
// values of every kind and on rolecall's own answers.
func TestIndentJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	values := []any{nil, "", []any{}, map[string]any{}, []any{[]any{}, map[string]any{}}, "\x7f\"\\", `\`, `\\"`, `a\\\"b`, `"\\"`, 1.5, json.RawMessage(`{"a":[1,{}]}`)}
	for range 3000 {
		values = append(values, randomValue(r, 0))
	}
	type row struct {
		Email string   `json:"email"`
		Roles []string `json:"roles"`
		Why   []string `json:"why"`
	}
	values = append(values, []row{{"a@b", []string{"Ops"}, nil}, {"x\x7f@y", []string{}, []string{"from \"R\" (R11)"}}})
	for i, v := range values {
		if got, want := newIndent(t, v), oldIndent(t, v); !bytes.Equal(got, want) {
			t.Fatalf("value %d %s:\n got %q\nwant %q", i, fmt.Sprint(v), got, want)
		}
	}
}
