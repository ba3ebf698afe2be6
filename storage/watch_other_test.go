//go:build !linux

package storage

import "errors"

type dirEvents struct{}

// recordDir fails where there is no inotify: the order of a process's
// changes is not checked there.
func recordDir(dirs ...string) (*dirEvents, error) { return nil, errors.ErrUnsupported }

func (d *dirEvents) take() ([]fsEvent, error) { return nil, errors.ErrUnsupported }
