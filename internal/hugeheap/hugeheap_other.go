//go:build !linux

package hugeheap

func probe() system { return system{} }

func prepare(n, size uintptr) bool { return false }

func nearby(size uintptr) bool { return false }
