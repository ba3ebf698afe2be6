package cli

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// indentedSize is what indentJSON writes, byte for byte, so that the
// indented answer is made once at its size (a guess too small moved the
// whole answer to a buffer twice as large).
func TestIndentedSize(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	values := []any{nil, "", []any{}, map[string]any{}, []any{[]any{}, map[string]any{}}, "\x7f\"\\", "\x7f\x7f", 1.5,
		json.RawMessage(`{"a":[1,{}]}`)}
	for range 2000 {
		values = append(values, randomValue(r, 0))
	}
	for i, v := range values {
		src, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := indentedSize(src), len(indentJSON(nil, src)); got != want {
			t.Fatalf("value %d %s: indentedSize %d, indentJSON wrote %d", i, src, got, want)
		}
	}
	// What encoding/json never writes still counts as indentJSON writes it.
	for _, src := range []string{`{"unterminated`, `"abc`, `"a\`, `[1 , 2]`, "{\t}", `}}`} {
		if got, want := indentedSize([]byte(src)), len(indentJSON(nil, []byte(src))); got != want {
			t.Errorf("%q: indentedSize %d, indentJSON wrote %d", src, got, want)
		}
	}
}
