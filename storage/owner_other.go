//go:build !unix

package storage

import (
	"io/fs"
	"os"
)

func group(fs.FileInfo) string        { return "" }
func keepOwner(*os.File, fs.FileInfo) {}
