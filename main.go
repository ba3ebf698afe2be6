// Command rolecall manages Boomi-style custom roles and previews what a user
// can see and do. All of it lives in the cli, model, storage and tui packages.
package main

import (
	"os"

	"rolecall/cli"
	"rolecall/tui"
)

func main() {
	cli.RunTUI = func(o cli.TUIOptions) int {
		return tui.Run(tui.Options{Path: o.File, ReadOnly: o.ReadOnly, ASCII: o.ASCII, NoMouse: o.NoMouse, NoCache: o.NoCache})
	}
	os.Exit(cli.Execute(os.Args, os.Stdout, os.Stderr, os.Getenv))
}
