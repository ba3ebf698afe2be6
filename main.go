// Command rolecall manages Boomi-style custom roles and previews what a user
// can see and do. All of it lives in the cli, model, storage and tui packages.
package main

import (
	"os"

	"rolecall/cli"
)

func main() {
	os.Exit(cli.Execute(os.Args, os.Stdout, os.Stderr, os.Getenv))
}
