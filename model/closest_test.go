package model

import (
	"strings"
	"testing"
)

func TestClosest(t *testing.T) {
	t.Parallel()
	known := []string{"dana@example.com", "ada@example.com", "Production", "Production Support", strings.Repeat("x", 300)}
	for in, want := range map[string]string{
		"dan@example.com":          "dana@example.com",
		"DANA@EXAMPLE.CO":          "dana@example.com",
		"prod":                     "Production",
		"Productoin":               "Production",
		"zzz":                      "",
		"":                         "",
		strings.Repeat("x", 299):   "", // names over 256 bytes are not compared
		strings.Repeat("ab", 5000): "",
	} {
		if got := Closest(in, known); got != want {
			t.Errorf("Closest(%.20q) = %q, want %q", in, got, want)
		}
	}
	if got, want := Suggest("Productoin", known), `; did you mean "Production"?`; got != want {
		t.Errorf("Suggest = %q, want %q", got, want)
	}
}
