package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rolecall/model"
)

func TestDecodeGoodFile(t *testing.T) {
	p := filepath.Join("..", "testdata", "storage", "good", "acme.toml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	a, ps := Decode(p, data)
	if a == nil || HasErrors(ps) {
		t.Fatalf("good file: account %v, problems %v", a != nil, ps)
	}
	if len(a.Roles) != 3 || len(a.Users) != 3 || len(a.Environments) != 2 {
		t.Fatalf("got %d roles, %d users, %d environments", len(a.Roles), len(a.Users), len(a.Environments))
	}
	// Old names are read as the current privilege (R0).
	rm := a.Roles[0]
	if rm.Name != "Release Managers" || len(rm.Privileges) != 3 || rm.Privileges[0] != model.PackagedComponentDeployment || rm.Privileges[2] != model.RuntimeManagement {
		t.Fatalf("Release Managers decoded as %+v", rm)
	}
	if !a.AdvancedUserSecurity || !a.AdvancedEnvironmentAccess || a.Name != "Acme Integration" {
		t.Fatalf("account section decoded as %+v", a)
	}
	// The R9 warning for the redundant tick points at its item's line.
	var found bool
	for _, p := range ps {
		if p.Rule == "R9" {
			found = true
			if p.Line != 25 {
				t.Errorf("R9 warning at line %d, want 25: %s", p.Line, p)
			}
		}
	}
	if !found {
		t.Errorf("no R9 warning for the redundant tick; problems: %v", ps)
	}
}

func TestDecodeBadFiles(t *testing.T) {
	tests := []struct {
		file string
		want string
		line int
	}{
		{"syntax.toml", "TOML syntax", 4},
		{"unknown_top_key.toml", `unknown key "colour"`, 2},
		{"unknown_role_key.toml", `unknown key "privilges" in [[roles]] #2 ("Dev")`, 14},
		{"wrong_type.toml", "account.advanced_user_security must be true or false, not a string", 5},
		{"wrong_type_list.toml", "roles #1 privileges must be a list of names", 9},
		{"unknown_privilege.toml", `unknown privilege "Fly Planes"`, 11},
		{"missing_format.toml", "missing format", 1},
		{"format2.toml", "format = 2 is newer than this rolecall reads", 2},
		{"dangling_parent.toml", `inherits "Nobody", which does not exist`, 10},
		{"dangling_user_role.toml", `holds role "Ghosts", which does not exist`, 10},
		{"dangling_env_role.toml", `lists role "Ghosts", which does not exist`, 16},
		{"duplicate_role_case.toml", `role "OPS" is defined twice`, 12},
		{"cycle.toml", "inheritance cycle: A -> B -> A", 9},
		{"user_no_role.toml", "has no role", 9},
		{"duplicate_email.toml", `user "Dana@Example.com" is listed twice`, 11},
		{"builtin_name.toml", "has the name of the built-in role", 8},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p := filepath.Join("..", "testdata", "storage", "bad", tt.file)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			_, ps := Decode(p, data)
			checkProblem(t, ps, p, tt.want, tt.line)
		})
	}
}

// checkProblem fails unless ps holds an error containing want at line, and
// every problem prints as one safe line naming the file.
func checkProblem(t *testing.T, ps []FileProblem, path, want string, line int) {
	t.Helper()
	ok := false
	for _, p := range ps {
		s := p.String()
		if !strings.HasPrefix(s, model.SafeText(path)+":") || strings.ContainsAny(s, "\n\r\x00\x1b") || len(s) > 1000 {
			t.Errorf("problem does not print as one safe line naming the file: %q", s)
		}
		if p.Severity == model.Error && strings.Contains(p.Message, want) && p.Line == line {
			ok = true
		}
	}
	if !ok {
		t.Errorf("want an error containing %q at line %d; got:\n%s", want, line, problemList(ps))
	}
}

func problemList(ps []FileProblem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("\t" + p.String() + "\n")
	}
	return b.String()
}

func TestDecodeHostile(t *testing.T) {
	long := strings.Repeat("x", 10000)
	head := "format = 1\n\n[account]\nname = \"Acme\"\nadvanced_user_security = true\n"
	// The builders are made their size at once: grown by doubling, the
	// 5 MB of values touched twice the memory.
	var huge strings.Builder
	huge.Grow(len(head) + 64 + 100000*len(`, "Administrator"`))
	huge.WriteString(head + "\n[[users]]\nemail = \"dana@example.com\"\nroles = [")
	for i := range 100000 {
		if i > 0 {
			huge.WriteString(", ")
		}
		huge.WriteString(`"Administrator"`)
	}
	huge.WriteString("]\n")
	var envs, values strings.Builder
	envs.WriteString("format = 1\n")
	for i := range MaxEnvironments + 1 {
		fmt.Fprintf(&envs, "[[environments]]\nname = \"E%d\"\nclassification = \"test\"\n", i)
	}
	// Tables of long lists: the values are too many before any table has
	// too many keys. valuesLine is where the count passes maxValues.
	list := "k = [" + strings.Repeat("1, ", 4999) + "1]\n"
	values.Grow((maxValues/5001 + 2) * (len(list) + 16))
	values.WriteString("format = 1\n")
	valuesLine := 0
	for i, v := 0, 1; valuesLine == 0; i++ {
		fmt.Fprintf(&values, "[t%d]\n%s", i, list)
		if v += 5001; v > maxValues {
			valuesLine = 3 + 2*i
		}
	}
	tests := []struct {
		name string
		data string
		want string
		line int
	}{
		{"empty", "", "missing format", 1},
		{"too many environments", envs.String(), fmt.Sprintf("too many environments: rolecall reads at most %d", MaxEnvironments), 2 + 3*MaxEnvironments},
		{"too many values", values.String(), "more tables or values than an account file can", valuesLine},
		{"only comments", "# nothing\n\n", "missing format", 1},
		{"NUL byte", head + "\n[[roles]]\nname = \"O\x00ps\"\n", "NUL byte", 8},
		{"invalid UTF-8", head + "\n[[roles]]\nname = \"O\xffps\"\n", "invalid UTF-8 (byte 0xff)", 8},
		{"long role name", head + "\n[[roles]]\nname = \"" + long + "\"\n", "is 10000 characters long", 8},
		{"deep array", "format = 1\na = " + strings.Repeat("[", 100000), "nested more than", 2},
		{"deep inline table", "format = 1\na = " + strings.Repeat("{b=", 100000), "a key or table name with more than 8 parts", 2},
		{"deep inline table in a list", "format = 1\na = " + strings.Repeat("[{b=", 100000), "a key or table name with more than 8 parts", 2},
		{"bare brackets", strings.Repeat("[", 100000), "a key or table name longer than 256 bytes", 1},
		{"a few bare brackets", strings.Repeat("[", 100), "TOML syntax", 1},
		{"huge array", huge.String(), "a list of more than 5004 items: rolecall reads at most 5004", 9},
		{"control characters", head + "\n[[roles]]\nname = \"A\\u001b[31mB\"\n", `holds a control character`, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, ps := Decode("hostile.toml", []byte(tt.data))
			if d := time.Since(start); d > 30*time.Second { // generous: CI hosts may be loaded
				t.Errorf("Decode took %s", d)
			}
			checkProblem(t, ps, "hostile.toml", tt.want, tt.line)
		})
	}
}

// A file one byte past MaxFileSize is refused for its size. Its bytes are
// NULs never written (untouched): it costs nothing, and a decoder that
// looked at them before counting them would stop at the NUL byte and fail
// the test.
func TestDecodeTooLarge(t *testing.T) {
	_, ps := Decode("big.toml", untouched(t, MaxFileSize+1))
	checkProblem(t, ps, "big.toml", "at most 64 MiB", 1)
}

// Problems about items of a list spread over several lines point at the
// item's own line, also after an unknown privilege was left out.
func TestDecodeItemLines(t *testing.T) {
	src := `format = 1
[account]
advanced_user_security = true
[[roles]]
name = "Ops"
privileges = [
    "Nope",
    "Execute",
    "Execute",
]
[[users]]
email = "a@example.com"
roles = [
    "Ops",
    "Standard User",
    "ops",
]
`
	_, ps := Decode("f.toml", []byte(src))
	checkProblem(t, ps, "f.toml", `unknown privilege "Nope"`, 7)
	checkProblem(t, ps, "f.toml", `holds role "ops" twice`, 16)
	var twice bool
	for _, p := range ps {
		if p.Rule == "R9" && strings.Contains(p.Message, "twice") {
			twice = true
			if p.Line != 9 || p.Loc.Item != 2 {
				t.Errorf("duplicate tick at line %d item %d, want line 9 item 2", p.Line, p.Loc.Item)
			}
		}
	}
	if !twice {
		t.Errorf("no warning for the duplicate tick:\n%s", problemList(ps))
	}
}
