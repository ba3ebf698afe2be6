package cli_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// BenchmarkProcess runs the real binary, as a shell or a script would, once
// per iteration: the whole process, from exec to exit, on the generated
// account of 10,000 users (1,000 roles, 200 environments) and, without
// -short, of 100,000 users (3,000 roles, 500 environments). "hit" runs
// find the file in the load cache (every run after the first on a file);
// "cold" runs start each with an empty cache (the first run on a file:
// decode, validate and write the entry). "help" is the floor: process
// start, the command line, a page of help.
func BenchmarkProcess(b *testing.B) {
	bin := benchBinary(b)
	b.Run("help", func(b *testing.B) {
		for b.Loop() {
			runBench(b, bin, nil, 0, "help", "check")
		}
	})
	for _, n := range []int{10000, 100000} {
		if n > 10000 && testing.Short() {
			continue
		}
		file, user := benchAccount(b, bin, n)
		size := fmt.Sprintf("%dk", n/1000)
		for _, c := range []struct {
			name string
			code int // the exit code expected, or anyAnswer
			args []string
		}{
			{"check", anyAnswer, []string{"check", "-f", file, user, "Packaged Component Deployment"}},
			{"preview-json", 0, []string{"preview", "-f", file, user, "--json"}},
			{"explain-json", 0, []string{"explain", "-f", file, user, "--json"}},
			{"who-can-json", 0, []string{"who-can", "-f", file, "Build Read Access", "--json"}},
		} {
			b.Run(c.name+"/"+size+"/hit", func(b *testing.B) {
				cache := b.TempDir()
				runBench(b, bin, []string{"XDG_CACHE_HOME=" + cache}, c.code, c.args...)
				for b.Loop() {
					runBench(b, bin, []string{"XDG_CACHE_HOME=" + cache}, c.code, c.args...)
				}
			})
			b.Run(c.name+"/"+size+"/cold", func(b *testing.B) {
				base := b.TempDir()
				i := 0
				for b.Loop() {
					i++
					runBench(b, bin, []string{"XDG_CACHE_HOME=" + filepath.Join(base, fmt.Sprint(i))}, c.code, c.args...)
				}
			})
		}
		// A scripted edit: each adds a role to the file the last one saved
		// (whose entry the save wrote).
		b.Run("role-add/"+size, func(b *testing.B) {
			cache := b.TempDir()
			env := []string{"XDG_CACHE_HOME=" + cache}
			edited := filepath.Join(b.TempDir(), "edited.toml")
			data, err := os.ReadFile(file)
			if err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(edited, data, 0o600); err != nil {
				b.Fatal(err)
			}
			runBench(b, bin, env, 0, "validate", "-f", edited)
			i := 0
			for b.Loop() {
				i++
				runBench(b, bin, env, 0, "role", "add", "-f", edited, fmt.Sprintf("Bench Role %d", i), "--inherits", "Support", "--privilege", "Build Read Access")
			}
		})
	}
}

// anyAnswer is the code of a check: allowed (0) or denied (1).
const anyAnswer = -1

var (
	benchBinOnce sync.Once
	benchBin     string
	benchBinErr  error
)

// benchBinary builds rolecall once per test binary, into its own directory.
func benchBinary(b *testing.B) string {
	b.Helper()
	benchBinOnce.Do(func() {
		_, here, _, _ := runtime.Caller(0)
		dir, err := os.MkdirTemp("", "rolecall-bench-bin")
		if err != nil {
			benchBinErr = err
			return
		}
		benchBin = filepath.Join(dir, "rolecall")
		build := exec.Command("go", "build", "-o", benchBin, ".")
		build.Dir = filepath.Dir(filepath.Dir(here))
		// Not this process's $XDG_CACHE_HOME (TestMain's temporary one):
		// the go command keeps its build cache there, and started with
		// an empty one it compiled every package again.
		build.Env = startEnv
		if out, err := build.CombinedOutput(); err != nil {
			benchBinErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if benchBinErr != nil {
		b.Fatal(benchBinErr)
	}
	return benchBin
}

var benchFiles sync.Map // users -> [2]string{file, user}

// benchAccount writes the generated account of n users once per test
// binary (rolecall init --synthetic) and returns it and a user of it.
func benchAccount(b *testing.B, bin string, n int) (file, user string) {
	b.Helper()
	if v, ok := benchFiles.Load(n); ok {
		fu := v.([2]string)
		return fu[0], fu[1]
	}
	dir, err := os.MkdirTemp("", "rolecall-bench-account")
	if err != nil {
		b.Fatal(err)
	}
	file = filepath.Join(dir, fmt.Sprintf("synthetic-%d.toml", n))
	out := runBench(b, bin, nil, 0, "init", "--synthetic", fmt.Sprint(n), "-f", file)
	_, rest, ok := strings.Cut(out, " preview ")
	if !ok {
		b.Fatalf("init gave no user to try: %s", out)
	}
	user = strings.TrimSpace(rest)
	benchFiles.Store(n, [2]string{file, user})
	return file, user
}

// runBench runs bin with args and env (added to this process's) and
// fails unless it exits with code; it returns the standard output.
func runBench(b *testing.B, bin string, env []string, code int, args ...string) string {
	b.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(slices.Clip(baseEnv), "ROLECALL_FILE="), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	got := 0
	if ee, ok := err.(*exec.ExitError); ok {
		got = ee.ExitCode()
	} else if err != nil {
		b.Fatal(err)
	}
	if got != code && (code != anyAnswer || got > 1) {
		b.Fatalf("%v: exit %d, want %d\n%s%s", args, got, code, out.String(), errb.String())
	}
	return out.String()
}
