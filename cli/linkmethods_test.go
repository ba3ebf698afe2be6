package cli

import (
	"debug/elf"
	"debug/gosym"
	"os"
	"runtime"
	"testing"
)

// Every command starts faster the smaller the program is. A call that
// finds a method by a name known only at run time (reflect.Value.Method
// or MethodByName, which text/template and html/template use to execute a
// template) makes the Go linker keep every exported method of every type:
// the HTML report's html/template made rolecall 3.4 MB (19%) larger. This
// test binary links cli's code as rolecall does, so neither may be in it.
func TestNoMethodFoundByName(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads the test binary as ELF")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Test binaries have no symbol table; the function table has names.
	sec := f.Section(".gopclntab")
	text := f.Section(".text")
	if sec == nil || text == nil {
		t.Fatal("no .gopclntab or .text section")
	}
	data, err := sec.Data()
	if err != nil {
		t.Fatal(err)
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, text.Addr))
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Funcs) < 1000 {
		t.Fatalf("read %d functions from the test binary", len(tab.Funcs))
	}
	for _, fn := range tab.Funcs {
		if fn.Name == "reflect.Value.Method" || fn.Name == "reflect.Value.MethodByName" {
			t.Errorf("%s is linked: something finds methods by name at run time (a template executed?), so the linker keeps every exported method", fn.Name)
		}
	}
}
