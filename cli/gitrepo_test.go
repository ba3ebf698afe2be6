package cli_test

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// gitFile is a file in a commit of writeGitRepo: its bytes, or, when link
// is set, a symbolic link whose target is data.
type gitFile struct {
	data string
	link bool
}

// writeGitRepo writes dir/.git, a repository whose branch main holds
// commits, oldest first, each the whole tree ("/" separating directories
// in a path). It writes the objects as git does (loose, zlib-compressed,
// named by their SHA-1) without running git: git init, add and commit took
// 9 processes in the two tests that read revisions, each some 10-15 ms of
// CPU here; what the tests check is what rolecall's own git commands
// read. It returns the id of each blob of the last commit by its path.
func writeGitRepo(t *testing.T, dir string, commits ...map[string]gitFile) map[string]string {
	t.Helper()
	g := filepath.Join(dir, ".git")
	for _, d := range []string{"objects", "refs/heads", "refs/tags"} {
		if err := os.MkdirAll(filepath.Join(g, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	put := func(kind string, body []byte) string {
		obj := append([]byte(fmt.Sprintf("%s %d\x00", kind, len(body))), body...)
		sum := sha1.Sum(obj)
		id := hex.EncodeToString(sum[:])
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		w.Write(obj)
		w.Close()
		p := filepath.Join(g, "objects", id[:2], id[2:])
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(p); err == nil {
			return id // the same bytes, written before
		}
		if err := os.WriteFile(p, z.Bytes(), 0o444); err != nil {
			t.Fatal(err)
		}
		return id
	}
	var blobs map[string]string
	// tree writes the tree of the files under prefix ("" or "dir/").
	var tree func(files map[string]gitFile, prefix string) string
	tree = func(files map[string]gitFile, prefix string) string {
		type entry struct{ mode, name, id, key string }
		var es []entry
		seen := map[string]bool{}
		for p, f := range files {
			rest, ok := strings.CutPrefix(p, prefix)
			if !ok {
				continue
			}
			if sub, _, isDir := strings.Cut(rest, "/"); isDir {
				if !seen[sub] {
					seen[sub] = true
					// git orders a tree as if its name ended in "/".
					es = append(es, entry{"40000", sub, tree(files, prefix+sub+"/"), sub + "/"})
				}
				continue
			}
			mode := "100644"
			if f.link {
				mode = "120000"
			}
			id := put("blob", []byte(f.data))
			blobs[p] = id
			es = append(es, entry{mode, rest, id, rest})
		}
		sort.Slice(es, func(i, j int) bool { return es[i].key < es[j].key })
		var b bytes.Buffer
		for _, e := range es {
			raw, _ := hex.DecodeString(e.id)
			fmt.Fprintf(&b, "%s %s\x00%s", e.mode, e.name, raw)
		}
		return put("tree", b.Bytes())
	}
	parent := ""
	for i, files := range commits {
		blobs = map[string]string{}
		var c strings.Builder
		fmt.Fprintf(&c, "tree %s\n", tree(files, ""))
		if parent != "" {
			fmt.Fprintf(&c, "parent %s\n", parent)
		}
		when := 1700000000 + 60*i
		fmt.Fprintf(&c, "author Test <test@example.com> %d +0000\ncommitter Test <test@example.com> %d +0000\n\ncommit %d\n", when, when, i+1)
		parent = put("commit", []byte(c.String()))
	}
	for name, data := range map[string]string{
		"HEAD":            "ref: refs/heads/main\n",
		"refs/heads/main": parent + "\n",
		"config":          "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n",
	} {
		if err := os.WriteFile(filepath.Join(g, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return blobs
}
