package cli_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"rolecall/cli"
	"rolecall/model"
	"rolecall/storage"
)

// A command that writes an answer far larger than what it holds (the
// access review, validate's violations) collects its heap at Go's own
// pace (GOGC=100) once it writes, not at the one-off pace (GOGC=400),
// which let its heap grow to five times what is live; a GOGC in the
// environment is left as it is. Not parallel: the pace is recorded
// through a variable of the process.
func TestWritingCollectsAtGosPace(t *testing.T) {
	dir := t.TempDir()
	a := model.Synthetic(200, 20, 6, 3)
	plain := filepath.Join(dir, "plain.toml")
	if err := os.WriteFile(plain, storage.Encode(a), 0o600); err != nil {
		t.Fatal(err)
	}
	a.SeparationOfDuties = []model.SoDRule{{Name: "build and read", Holds: []model.Privilege{model.BuildReadWrite},
		Excludes: []model.Privilege{model.RuntimeManagementRead}, Scope: model.SoDEnvironments}}
	a.Normalize()
	rules := filepath.Join(dir, "rules.toml")
	if err := os.WriteFile(rules, storage.Encode(a), 0o600); err != nil {
		t.Fatal(err)
	}
	unset := []string{"GOGC="} // whatever this process was started with
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		code int
		want []int // the paces set, in order
	}{
		{"report", unset, []string{"-f", plain, "report", "--format", "csv", "-o", filepath.Join(dir, "r.csv")}, 0, []int{400, 100}},
		{"validate, violations", unset, []string{"-f", rules, "validate"}, 1, []int{400, 100}},
		{"validate, none", unset, []string{"-f", plain, "validate"}, 0, []int{400}},
		{"check", unset, []string{"-f", plain, "check", a.Users[0].Email, "Dashboard"}, -1, []int{400}},
		{"report, GOGC set", []string{"GOGC=50"}, []string{"-f", plain, "report", "--format", "md", "-o", filepath.Join(dir, "r.md")}, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, restore := cli.RecordGCPercent()
			defer restore()
			r := rc(t, dir, tc.env, tc.args...)
			if tc.code >= 0 && r.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, tc.code, r.stderr)
			}
			if got := set(); !slices.Equal(got, tc.want) {
				t.Errorf("paces set %v, want %v", got, tc.want)
			}
		})
	}
}
