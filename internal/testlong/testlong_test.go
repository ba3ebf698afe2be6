package testlong

import "testing"

func TestN(t *testing.T) {
	for _, tc := range []struct {
		env        string
		quick, got int
	}{{"", 3, 3}, {"0", 3, 3}, {"1", 3, 30}, {"yes", 3, 30}} {
		t.Setenv(Var, tc.env)
		if n := N(tc.quick, 30); n != tc.got {
			t.Errorf("%s=%q: N(%d, 30) = %d, want %d", Var, tc.env, tc.quick, n, tc.got)
		}
	}
}
