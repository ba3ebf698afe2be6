package cli_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// rcWithin is rcProc, killing the command if it runs longer than d: for
// a command that may hang (a FIFO opened for reading waits for a writer),
// which an in-process run could not be stopped from.
func rcWithin(t *testing.T, d time.Duration, dir string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = append(slices.Clip(baseEnv), "ROLECALL_FILE=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := startProc(cmd)
	if err == nil {
		err = cmd.Wait()
	}
	if ctx.Err() != nil {
		t.Fatalf("rolecall %v hangs (killed after %s)", args, d)
	}
	return finished(t, args, err, &out, &errb)
}

// An account path that is a dangling symbolic link, or links in a loop, is
// a file that cannot be read: exit 2, "no such file", and no lock made.
func TestDanglingAndLoopingLinks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join("gone", "acct.toml"), filepath.Join(dir, "rolecall.toml")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"role", "add", "Ops"}, {"user", "rm", "dana@example.com"}, {"validate"}, {"log"}} {
		want(t, rc(t, dir, nil, args...), 2, "no such file")
	}
	loop := t.TempDir()
	a, b := filepath.Join(loop, "rolecall.toml"), filepath.Join(loop, "b.toml")
	if err := os.Symlink(b, a); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(a, b); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"role", "add", "Ops"}, {"account", "set", "--advanced-user-security=true"}} {
		want(t, rc(t, loop, nil, args...), 2, "no such file", "loop")
	}
	ents, _ := os.ReadDir(loop)
	if len(ents) != 2 {
		t.Errorf("%d files in the directory, want the 2 links", len(ents))
	}
}

// A FIFO at FILE.lock or FILE.audit.jsonl is refused at once (exit 1), the
// file unchanged; a symbolic link there writes nothing through it.
func TestSideFilesRefusedByCLI(t *testing.T) {
	t.Parallel()
	for _, side := range []string{".lock", ".audit.jsonl"} {
		dir, file := demo(t)
		before := readBytes(t, file)
		if err := syscall.Mkfifo(file+side, 0o600); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		want(t, rcWithin(t, 10*time.Second, dir, "role", "add", "Ops", "-p", "Dashboard"), 1, "not a regular file")
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s FIFO: took %s", side, d)
		}
		os.Remove(file + side)
		victim := filepath.Join(t.TempDir(), "victim")
		os.WriteFile(victim, []byte("precious\n"), 0o600)
		if err := os.Symlink(victim, file+side); err != nil {
			t.Fatal(err)
		}
		// A link cannot make a run hang: in-process.
		want(t, rc(t, dir, nil, "role", "add", "Ops", "-p", "Dashboard"), 1, "symbolic link")
		if !bytes.Equal(readBytes(t, victim), []byte("precious\n")) || !bytes.Equal(readBytes(t, file), before) {
			t.Errorf("%s link: the victim or the account file changed", side)
		}
		if side == ".audit.jsonl" {
			want(t, rc(t, dir, nil, "log"), 2, "symbolic link")
		}
	}
}

// A save that fails after the file is written (its directory cannot be
// synced: another admin who may write but not list it) is done: exit 0,
// the edit printed, and a warning that says the file is saved.
func TestSavedWithWarningByCLI(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to act as another user")
	}
	const uid = 12345
	base, err := os.MkdirTemp("", "rolecall-cli-owner")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(base)
	os.Chmod(base, 0o755)
	bin := filepath.Join(base, "rolecall")
	placeBinary(t, bin)
	dir := filepath.Join(base, "share")
	_, demoFile := demo(t)
	file := filepath.Join(dir, "rolecall.toml")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, readBytes(t, demoFile), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chown(file, uid, uid)
	// Root saves once (the mode does not stop root): the trail exists.
	want(t, rc(t, dir, nil, "role", "add", "Ops", "-p", "Dashboard"), 0)
	os.Chown(dir, uid, uid)
	os.Chmod(dir, 0o300) // write and enter, not list
	cmd := exec.Command(bin, "role", "add", "Ops Two", "-p", "Dashboard")
	cmd.Dir = dir
	cmd.Env = append(slices.Clip(baseEnv), "ROLECALL_FILE=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid}}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err = startProc(cmd); err == nil {
		err = cmd.Wait()
	}
	r := result{out.String(), errb.String(), 0}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	}
	want(t, r, 0, "done, saved to rolecall.toml", "rolecall: warning: saved rolecall.toml; but the change may not survive a crash of the machine")
	if !bytes.Contains(readBytes(t, file), []byte(`"Ops Two"`)) {
		t.Error("the edit is not in the file")
	}
	os.Chmod(dir, 0o700)
	r = rc(t, dir, nil, "log", "--json")
	if r.code != 0 || bytes.Contains([]byte(r.stdout), []byte(`"landed": false`)) || !bytes.Contains([]byte(r.stdout), []byte(`Ops Two`)) {
		t.Errorf("log after the warned save:\n%s", r)
	}
}

// placeBinary puts rolecall (this test binary) at dst, mode 0755, for a
// process of another user, who cannot reach binary: a hard link to it, or
// else a copy made by the kernel (copy_file_range). Read into this process
// and written out, its 21 MB cost 5,000 page faults and half the test's
// CPU time.
func placeBinary(t *testing.T, dst string) {
	t.Helper()
	src, err := filepath.EvalSymlinks(binary)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(src); err == nil && fi.Mode().Perm() == 0o755 && os.Link(src, dst) == nil {
		return
	}
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// The commands that only read say what is wrong with a link too: a loop
// reads "go round in a loop", a dangling link names its target and offers
// no 'rolecall init' (which would refuse: the link exists); log too.
func TestReadThroughBadLinks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "rolecall.toml"), filepath.Join(dir, "b.toml")
	if err := os.Symlink(b, a); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(a, b); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"validate"}, {"explain", "dana@example.com"}, {"log"}} {
		want(t, rc(t, dir, nil, args...), 2, "cannot read rolecall.toml: no such file: its symbolic links go round in a loop")
	}
	dang := t.TempDir()
	if err := os.Symlink("nowhere.toml", filepath.Join(dang, "rolecall.toml")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"validate"}, {"explain", "dana@example.com"}, {"log"}} {
		r := rc(t, dang, nil, args...)
		want(t, r, 2, "cannot read rolecall.toml: no such file (it is a symbolic link to nowhere.toml, which does not exist)")
		if strings.Contains(r.stderr, "rolecall init") {
			t.Errorf("%v offers init over a link:\n%s", args, r)
		}
	}
}

// A scripted edit of a hand-edited file says that the file was rewritten in
// rolecall's layout (its comments are gone); the next edit, of a file now
// in that layout, does not.
func TestEditNotesRelaidFile(t *testing.T) {
	t.Parallel()
	dir, p := demo(t)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append([]byte("# kept by hand: ask Dana before editing\n"), data...), 0o600); err != nil {
		t.Fatal(err)
	}
	note := "  note: rolecall.toml was rewritten in rolecall's layout: comments, blank lines and the original order were not kept\n"
	r := rc(t, dir, nil, "user", "assign", "dana@example.com", "Support")
	want(t, r, 0, "done, saved to rolecall.toml")
	if !strings.Contains(r.stdout, note) {
		t.Errorf("no note of the rewrite:\n%s", r)
	}
	if bytes.Contains(readBytes(t, p), []byte("kept by hand")) {
		t.Fatal("the comment is still there: nothing was rewritten")
	}
	r = rc(t, dir, nil, "user", "unassign", "dana@example.com", "Support")
	want(t, r, 0, "done, saved to rolecall.toml")
	if strings.Contains(r.stdout, "rewritten") {
		t.Errorf("a note on a file already in rolecall's layout:\n%s", r)
	}
}
