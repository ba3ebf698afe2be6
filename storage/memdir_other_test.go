//go:build !linux

package storage

import "testing"

// memDir returns t.TempDir() (see the Linux version).
func memDir(t testing.TB) string { return t.TempDir() }
