//go:build !linux

package storage

import (
	"errors"
	"time"
)

type inotifyWatch struct{}

// watchInotify fails where there is no inotify: the test polls instead.
func watchInotify(name string) (*inotifyWatch, error) { return nil, errors.ErrUnsupported }

func (w *inotifyWatch) wait(deadline time.Time) bool { return false }
func (w *inotifyWatch) close()                       {}
