// Command devmain runs the terminal UI alone, for trying it by hand while
// the root command is wired: devmain [-read-only] [-ascii] [-no-mouse] FILE.
package main

import (
	"flag"
	"os"

	"rolecall/tui"
)

func main() {
	var o tui.Options
	flag.BoolVar(&o.ReadOnly, "read-only", false, "open read-only")
	flag.BoolVar(&o.ASCII, "ascii", false, "ASCII only")
	flag.BoolVar(&o.NoMouse, "no-mouse", false, "mouse off")
	flag.Parse()
	o.Path = "rolecall.toml"
	if flag.NArg() > 0 {
		o.Path = flag.Arg(0)
	}
	os.Exit(tui.Run(o))
}
