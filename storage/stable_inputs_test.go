package storage

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"rolecall/model"
)

type stableInput struct {
	name string
	data []byte
}

// stableInputs are the account files, and the encodings of accounts, whose
// re-saved bytes TestEncodeStable compares with the encoder's before the
// Boomi keys: every .toml file in ../testdata and testdata, the test
// accounts and synthetic ones.
func stableInputs(t *testing.T) []stableInput {
	t.Helper()
	var ins []stableInput
	for _, root := range []string{filepath.Join("..", "testdata"), "testdata"} {
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(p, ".toml") {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			ins = append(ins, stableInput{filepath.ToSlash(p), data})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	ins = append(ins, stableInput{"goodAccount", Encode(goodAccount())}, stableInput{"goodEncoded", []byte(goodEncoded)})
	for i, sz := range []struct{ users, roles, envs int }{{0, 0, 0}, {1, 1, 1}, {50, 20, 5}, {400, 60, 12}, {3000, 300, 40}} {
		ins = append(ins, stableInput{fmt.Sprintf("synthetic-%d-%d", sz.users, i+1), Encode(model.Synthetic(sz.users, sz.roles, sz.envs, int64(i+1)))})
	}
	sort.Slice(ins, func(i, j int) bool { return ins[i].name < ins[j].name })
	return ins
}
