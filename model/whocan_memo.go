package model

import (
	"math"
	"sync"
	"sync/atomic"
	"unsafe"
)

// setMemo keeps, for holders whose sources of p come through more than
// one role, those sources by the roles they come through (setKey): users
// holding the same roles that count have the same sources, and so do the
// next questions about p, in any environment, of any resolver sharing
// these roles. WhoCan fills it from the second question about p on (a
// one-off question does not pay for keeping what it found), while the
// sourceCache's limit allows. Sets are only ever added: nothing kept is
// changed or dropped, so that a place in sets stays valid.
type setMemo struct {
	asked atomic.Int32 // WhoCan's questions about p so far
	mu    sync.RWMutex
	index map[string]int32 // setKey -> place in sets
	sets  []setSources
	// slab is where kept sources are copied, a block at a time, so that
	// what is kept does not hold on to the chunks of the answers they
	// were found for (most of whose sources are not kept).
	slab []Source
}

// setSlabBlock is how many sources a setMemo's slab allocates at a time.
const setSlabBlock = 1024

// setSources is what appendCoveredSources gives holders of one set of
// roles (setKey): their sources, capped, and the covering privilege.
type setSources struct {
	srcs    []Source
	implied Privilege
}

// knownHolders is one privilege's account-wide holders in one resolver:
// per user, where their sources are (a code), notHolder for the others.
type knownHolders struct {
	n     int      // holders
	sets  *setMemo // the sets the codes refer to
	codes []int32
}

// The codes of knownHolders: a place in the setMemo's sets (>= 0), no
// source at all, or the sources of a holder of one role h alone
// (sourceMemo.single), as singleCode(h).
const (
	notHolder = math.MinInt32
	noSources = -1
)

func singleCode(h int32) int32 { return -2 - h }

// decode returns the sources and covering privilege a code stands for,
// with sets the setMemo's sets (or more of them).
func (m *sourceMemo) decode(code int32, sets []setSources) ([]Source, Privilege) {
	switch {
	case code >= 0:
		return sets[code].srcs, sets[code].implied
	case code == noSources:
		return nil, 0
	}
	return m.single(-2 - code)
}

// setsFound is what WhoCan found that its setMemo lacked: each set's
// key, one after the other in keys, ends at its end; holder is the
// place in the answer of the holder it was found for.
type setsFound struct {
	keys []byte
	sets []foundSet
}

type foundSet struct {
	end, holder int
	setSources
}

func (f *setsFound) add(key []byte, holder int, s setSources) {
	f.keys = append(f.keys, key...)
	f.sets = append(f.sets, foundSet{len(f.keys), holder, s})
}

// keep adds what f found to m, while c's limit allows; the keys share one
// string. It calls placed with each set's holder and its place in m.sets,
// and reports whether every set has one.
func (f *setsFound) keep(c *sourceCache, m *setMemo, placed func(holder int, at int32)) bool {
	if len(f.sets) == 0 {
		return true
	}
	limit := c.limit
	if limit == 0 {
		limit = setMemoLimit
	}
	keys := string(f.keys)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.index == nil {
		m.index = make(map[string]int32, len(f.sets))
	}
	start := 0
	for _, s := range f.sets {
		k := keys[start:s.end]
		start = s.end
		if at, ok := m.index[k]; ok {
			placed(s.holder, at) // found twice, or by another question meanwhile
			continue
		}
		// The sources, the key, and the index's and sets' entries, about.
		size := int64(len(s.srcs))*int64(unsafe.Sizeof(Source{})) + int64(len(k)) + 64
		if c.held.Add(size) > limit || len(m.sets) == math.MaxInt32 {
			c.held.Add(-size)
			return false
		}
		if len(s.srcs) > cap(m.slab)-len(m.slab) {
			m.slab = make([]Source, 0, max(len(s.srcs), setSlabBlock))
		}
		n := len(m.slab)
		m.slab = append(m.slab, s.srcs...)
		if len(s.srcs) > 0 {
			s.srcs = m.slab[n:len(m.slab):len(m.slab)]
		}
		at := int32(len(m.sets))
		m.index[k] = at
		m.sets = append(m.sets, s.setSources)
		placed(s.holder, at)
	}
	return true
}
