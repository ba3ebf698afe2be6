//go:build !unix

package storage

import (
	"io/fs"
	"os"
)

func owner(fs.FileInfo) string        { return "" }
func group(fs.FileInfo) string        { return "" }
func keepOwner(*os.File, fs.FileInfo) {}
