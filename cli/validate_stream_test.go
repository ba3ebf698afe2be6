package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rolecall/model"
	"rolecall/storage"
)

// validate passes its separation-of-duties violations on as it writes
// them, each put in words in turn (model.ViolationList): what is held at
// once stays near streamFlush, not the list's size, and the lines are
// those of Violations, in its order.
func TestValidateViolationsFlush(t *testing.T) {
	a := model.Synthetic(1200, 60, 12, 4)
	for i, p := range [][2]model.Privilege{{model.BuildReadWrite, model.PackagedComponentDeployment}, {model.RuntimeManagementRead, model.BuildRead}, {model.BuildRead, model.Dashboard}} {
		a.SeparationOfDuties = append(a.SeparationOfDuties, model.SoDRule{Name: "rule " + string(rune('A'+i)), Holds: []model.Privilege{p[0]}, Excludes: []model.Privilege{p[1]}, Scope: model.SoDEnvironments})
	}
	a.Normalize()
	file := filepath.Join(t.TempDir(), "sod.toml")
	if err := os.WriteFile(file, storage.Encode(a), 0o600); err != nil {
		t.Fatal(err)
	}
	out := &maxWriter{}
	var text strings.Builder
	code := Execute([]string{"rolecall", "-f", file, "validate"}, teeWriter{out, &text}, &strings.Builder{}, func(k string) string {
		if k == "ROLECALL_NO_CACHE" {
			return "1"
		}
		return ""
	})
	if code != ExitDenied {
		t.Fatalf("exit %d, want %d (violations)", code, ExitDenied)
	}
	passedOn(t, out, nil, 4*streamFlush)
	var want []string
	for _, v := range model.NewResolver(a).Violations() {
		for _, s := range v.Sites {
			want = append(want, file+": violation: "+model.SafeText(v.Text(s))+" ("+v.Cite()+")")
		}
	}
	got := strings.Split(strings.TrimSuffix(text.String(), "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d violations", len(got), len(want))
	}
	for i, w := range want {
		if got[i] != w {
			t.Fatalf("line %d:\n got  %q\n want %q", i, got[i], w)
		}
	}
}

// teeWriter writes to both.
type teeWriter struct {
	a, b interface{ Write([]byte) (int, error) }
}

func (w teeWriter) Write(p []byte) (int, error) {
	w.a.Write(p)
	return w.b.Write(p)
}
