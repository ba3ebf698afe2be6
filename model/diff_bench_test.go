package model

import "testing"

// BenchmarkCompare: Compare alone, on the edits of BenchmarkEditDiff (the
// new states are resolved before the clock starts), and on adding an open
// environment, which every user who reaches Runtime Management now sees.
func BenchmarkCompare(b *testing.B) {
	benchEachSize(b, func(b *testing.B, sz benchSize, f *benchFixture) {
		ops := benchEditOps(f.acct, f.res, 60)
		next := make([]*Resolver, len(ops))
		for i, op := range ops {
			a, _, err := Apply(f.acct, op)
			if err != nil {
				b.Fatalf("%s: %v", op.Describe(), err)
			}
			next[i] = NewResolver(a)
		}
		b.Run("edits", func(b *testing.B) {
			b.ReportAllocs()
			defer benchCPU(b)()
			changed := 0
			for i := 0; i < b.N; i++ {
				benchSinkDiff = Compare(f.res, next[i%len(next)])
				changed += len(benchSinkDiff.Users)
			}
			b.ReportMetric(float64(changed)/float64(b.N), "users-changed/op")
		})
		b.Run("add-env", func(b *testing.B) {
			a, _, err := Apply(f.acct, AddEnvironment{Name: "Bench Staging", Classification: Test})
			if err != nil {
				b.Fatal(err)
			}
			r := NewResolver(a)
			b.ReportAllocs()
			defer benchCPU(b)()
			changed := 0
			for i := 0; i < b.N; i++ {
				benchSinkDiff = Compare(f.res, r)
				changed += len(benchSinkDiff.Users)
			}
			b.ReportMetric(float64(changed)/float64(b.N), "users-changed/op")
		})
	})
}

// BenchmarkCompareMessy: Compare alone on the edits of BenchmarkEditDiff,
// on the Messy accounts.
func BenchmarkCompareMessy(b *testing.B) {
	benchMessy(b, false, func(b *testing.B, sz benchSize, f *benchFixture) {
		ops := benchEditOps(f.acct, f.res, 60)
		next := make([]*Resolver, len(ops))
		for i, op := range ops {
			a, _, err := Apply(f.acct, op)
			if err != nil {
				b.Fatalf("%s: %v", op.Describe(), err)
			}
			next[i] = NewResolver(a)
		}
		b.ReportAllocs()
		defer benchCPU(b)()
		changed := 0
		for i := 0; i < b.N; i++ {
			benchSinkDiff = Compare(f.res, next[i%len(next)])
			changed += len(benchSinkDiff.Users)
		}
		b.ReportMetric(float64(changed)/float64(b.N), "users-changed/op")
	})
}
