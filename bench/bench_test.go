package bench

import (
	"testing"
	"time"

	"rolecall/model"
)

// Benchmarks of rolecall and Casbin on the same account and the same
// questions: 10,000 users, 1,000 custom roles, 200 environments (1,000
// users, 300 roles, 50 environments under -short, so that CI stays quick).
//
//	go test -run '^$' -bench . -benchtime=1x -short   # CI: each once, small account
//	go test -run '^$' -bench . -count=5 -timeout 60m  # the figures in README.md

var sinkBool bool

// BenchmarkCheck: one (user, privilege, environment) question.
func BenchmarkCheck(b *testing.B) {
	f := getFixture(b)
	qs := questions(f, 4096, 2)
	b.Run("rolecall", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			q := qs[i&4095]
			sinkBool = f.res.Check(q.u, q.p, q.e)
		}
	})
	b.Run("casbin", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sinkBool = casbinCheck(b, f.casbin, f.acct, qs[i&4095])
		}
	})
}

var sinkPreview model.Preview

// casbinPreview asks Casbin every cell of user u's preview: every privilege
// account-wide and in every environment (what rolecall's pages, actions
// and environment views are computed from). Casbin gives no reasons.
func casbinPreview(b *testing.B, f *fixture, u int) int {
	n := 0
	for e := -1; e < len(f.acct.Environments); e++ {
		for _, p := range model.AllPrivileges() {
			if casbinCheck(b, f.casbin, f.acct, question{u, p, e}) {
				n++
			}
		}
	}
	return n
}

// BenchmarkPreview: everything one user sees. rolecall: Preview (pages,
// actions, environments, with reasons and sources). Casbin: one Enforce per
// cell (privileges x (account + environments)).
func BenchmarkPreview(b *testing.B) {
	f := getFixture(b)
	users := questions(f, 64, 3)
	b.Run("rolecall", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sinkPreview = f.res.Preview(users[i&63].u)
		}
	})
	b.Run("casbin", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			casbinPreview(b, f, users[i&63].u)
		}
		b.ReportMetric(float64(len(model.AllPrivileges())*(len(f.acct.Environments)+1)), "checks/op")
	})
}

// BenchmarkRatio times both on the same questions in one run and reports
// how many times faster rolecall is (ratio-x): for one check, and for one
// full preview.
func BenchmarkRatio(b *testing.B) {
	f := getFixture(b)
	b.Run("check", func(b *testing.B) {
		qs := questions(f, 1024, 4)
		var ours, theirs time.Duration
		const repeat = 10000 // rolecall's check is too quick to time alone
		for i := 0; i < b.N; i++ {
			q := qs[i&1023]
			start := time.Now()
			for range repeat {
				sinkBool = f.res.Check(q.u, q.p, q.e)
			}
			ours += time.Since(start)
			start = time.Now()
			sinkBool = casbinCheck(b, f.casbin, f.acct, q)
			theirs += time.Since(start)
		}
		oursPer := float64(ours.Nanoseconds()) / float64(b.N*repeat)
		theirsPer := float64(theirs.Nanoseconds()) / float64(b.N)
		b.ReportMetric(oursPer, "rolecall-ns/check")
		b.ReportMetric(theirsPer, "casbin-ns/check")
		b.ReportMetric(theirsPer/oursPer, "ratio-x")
	})
	b.Run("preview", func(b *testing.B) {
		users := questions(f, 64, 5)
		var ours, theirs time.Duration
		const repeat = 20
		for i := 0; i < b.N; i++ {
			u := users[i&63].u
			start := time.Now()
			for range repeat {
				sinkPreview = f.res.Preview(u)
			}
			ours += time.Since(start)
			start = time.Now()
			casbinPreview(b, f, u)
			theirs += time.Since(start)
		}
		oursPer := float64(ours.Nanoseconds()) / float64(b.N*repeat)
		theirsPer := float64(theirs.Nanoseconds()) / float64(b.N)
		b.ReportMetric(oursPer/1e6, "rolecall-ms/preview")
		b.ReportMetric(theirsPer/1e6, "casbin-ms/preview")
		b.ReportMetric(theirsPer/oursPer, "ratio-x")
	})
}

// BenchmarkBuild: from the account in memory to something that answers:
// rolecall's NewResolver; Casbin: compiling the policy and loading it.
func BenchmarkBuild(b *testing.B) {
	f := getFixture(b)
	b.Run("rolecall", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_ = model.NewResolver(f.acct)
		}
	})
	b.Run("casbin", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := NewEnforcer(Compile(f.acct)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
