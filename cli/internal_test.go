package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteJSONEscapesAndFillsLists(t *testing.T) {
	var out bytes.Buffer
	a := &app{stdout: &out}
	type inner struct{ Via []string }
	v := struct {
		Name  string
		List  []inner
		Empty []string
		Ptr   *inner
	}{Name: "a\x1b]52;c;x\x07b\u2028\u0085", List: []inner{{}}, Ptr: &inner{}}
	if err := a.writeJSON(v); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, w := range []string{`\u001b]52;c;x\u0007b\u2028`, `"Empty": []`, `"Via": []`} {
		if !strings.Contains(s, w) {
			t.Errorf("JSON lacks %s:\n%s", w, s)
		}
	}
	if strings.ContainsAny(s, "\x1b\x07\u2028") || strings.Contains(s, "null") {
		t.Errorf("raw control or null in JSON:\n%s", s)
	}
}

func TestWriteSafeNeutralisesWhatSlipsThrough(t *testing.T) {
	var out bytes.Buffer
	writeSafe(&out, []byte("ok\tcell\nbad \x1b[2J \u009b \u202e end\n"))
	if got, want := out.String(), "ok\tcell\nbad \\x1b[2J \\u009b \\u202e end\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRunTUIHook(t *testing.T) {
	defer func() { RunTUI = nil }()
	var got TUIOptions
	RunTUI = func(o TUIOptions) int { got = o; return 3 }
	var out, errb bytes.Buffer
	code := Execute([]string{"rolecall", "--read-only", "--ascii", "--no-mouse"}, &out, &errb,
		func(k string) string {
			if k == "ROLECALL_FILE" {
				return "from-env.toml"
			}
			return ""
		})
	if code != 3 || got != (TUIOptions{File: "from-env.toml", ReadOnly: true, ASCII: true, NoMouse: true}) {
		t.Errorf("exit %d, options %+v", code, got)
	}
	code = Execute([]string{"rolecall", "-f", "x.toml"}, &out, &errb, func(string) string { return "" })
	if code != 3 || got.File != "x.toml" || got.ReadOnly {
		t.Errorf("exit %d, options %+v", code, got)
	}
	RunTUI = nil
	out.Reset()
	if code := Execute([]string{"rolecall"}, &out, &errb, nil); code != 0 || !strings.Contains(out.String(), "rolecall preview USER") {
		t.Errorf("without a TUI: exit %d, %q", code, out.String())
	}
}
