package storage

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"rolecall/model"
)

// Permissions returns a warning when the account file at path, or its
// directory, lets other users on this host change it: writable by others or
// by its group, or in a directory others may write to without the sticky
// bit (they could replace the file). It returns "" otherwise, and when the
// file cannot be examined.
func Permissions(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	name := model.SafeText(filepath.Base(path))
	mode := fi.Mode().Perm()
	switch {
	case mode&0o002 != 0:
		return fmt.Sprintf("%s is writable by others (mode %04o): anyone on this host can change who has access", name, mode)
	case mode&0o020 != 0:
		g := group(fi)
		if g != "" {
			g = " " + model.SafeText(g)
		}
		return fmt.Sprintf("%s is writable by its group%s (mode %04o): every member can change who has access", name, g, mode)
	}
	target, err := resolve(path)
	if err != nil {
		return ""
	}
	dir := filepath.Dir(target)
	if di, err := os.Stat(dir); err == nil && di.Mode().Perm()&0o002 != 0 && di.Mode()&fs.ModeSticky == 0 {
		return fmt.Sprintf("the directory of %s is writable by others (mode %04o): anyone on this host can replace the file", name, di.Mode().Perm())
	}
	return ""
}
