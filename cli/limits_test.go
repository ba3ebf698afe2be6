package cli_test

import (
	"os"
	"strings"
	"testing"
)

// Issue 8 D: an over-long value given on the command line is a refused
// edit (exit 1) with the model's message naming the field, its length and
// the limit; the file is not changed.
func TestOverLongValuesRefused(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("d", 10000)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"description", []string{"role", "add", "X", "--description", long}, "has a description of 10000 characters; at most 1000 are allowed (R5)"},
		{"role name", []string{"role", "add", strings.Repeat("r", 101)}, "is 101 characters long; at most 100 are allowed (R7)"},
		{"display name", []string{"user", "add", "new@example.com", "--role", "Administrator", "--name", strings.Repeat("n", 201)}, "has a display name of 201 characters; at most 200 are allowed (R10)"},
		{"email", []string{"user", "add", strings.Repeat("e", 250) + "@example.com", "--role", "Administrator"}, "is 262 characters long; at most 254 are allowed (R10)"},
		{"environment name", []string{"env", "add", strings.Repeat("p", 81)}, "is 81 characters long; at most 80 are allowed (R7)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, p := demo(t)
			before, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			want(t, rc(t, dir, nil, tt.args...), 1, tt.want)
			after, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if string(after) != string(before) {
				t.Errorf("the refused edit changed the file")
			}
		})
	}
}
