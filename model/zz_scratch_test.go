package model

import (
	"fmt"
	"testing"
)

func BenchmarkZZKinds(b *testing.B) {
	for _, acct := range []string{"syn", "messy"} {
		var f *benchFixture
		if acct == "syn" {
			f = benchFixtureFor(b, benchSizes[1])
		} else {
			f = benchMessyFixture(messySizes[0], false)
		}
		ops := benchEditOps(f.acct, f.res, 120)
		byKind := map[string][]Op{}
		var kinds []string
		for _, op := range ops {
			k := fmt.Sprintf("%T", op)[6:]
			if byKind[k] == nil {
				kinds = append(kinds, k)
			}
			byKind[k] = append(byKind[k], op)
		}
		w := NewWorking(f.acct)
		for _, k := range kinds {
			b.Run(acct+"/"+k, func(b *testing.B) {
				ops := byKind[k]
				defer benchCPU(b)()
				for i := 0; i < b.N; i++ {
					next, _, err := w.Apply(ops[i%len(ops)])
					if err != nil {
						b.Fatal(err)
					}
					benchSinkDiff = next.Diff()
				}
			})
		}
	}
}
