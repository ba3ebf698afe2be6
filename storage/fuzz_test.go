package storage

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecode: any bytes give either error problems, or an account that
// encodes, decodes back to the same account (Canonical), and encodes to the
// same bytes again; never a panic, and every problem prints as one safe line.
// Each input is decoded within decodeTimeBudget and decodeMemBudget: an
// input that takes longer or allocates more fails (boundedDecode).
func FuzzDecode(f *testing.F) {
	f.Add(Encode(goodAccount()))
	f.Add([]byte(goodEncoded))
	f.Add([]byte("format = 1\n[account]\nname = \"x\"\n[[users]]\nemail = \"a@b\"\nroles = [\"Administrator\"]\n"))
	f.Add([]byte("format = 1\naccount.name = '''multi\nline'''\naccount.advanced_user_security = true\nroles = [{name = \"Ops\", privileges = [\"execute\"]}]\n" +
		"[[users]]\nemail = \"a@b\"\nroles = [\"ops\", 'Support']\n[[environments]]\nname = \"P\"\nclassification = \"test\"\nroles_with_access = [\n  \"Ops\", # c\n]\n"))
	f.Add(Encode(boomiAccount()))
	f.Add([]byte("format = 1\n[privilege_codes]\nENV_READ = 'environment management read access'\nX_1 = \"Execute\"\n[account]\nboomi_account = \"acme-ABC123\"\n" +
		"[[roles]]\nname = \"Ops\"\nunknown_codes = [\"PERSIST_PROCESS_PROPERTY\", \"EXECUTE\", 'X_1']\nboomi_id = \"794f61e2\"\n" +
		"[[environments]]\nname = \"P\"\nclassification = \"test\"\nboomi_id = 'e1'\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, ps, _, _ := boundedDecode(data, decodeTimeBudget, decodeMemBudget)
		for _, p := range ps {
			s := p.String()
			if !strings.HasPrefix(s, "f.toml:") || p.Line < 1 || strings.ContainsAny(s, "\n\r\x00\x1b\u202e") {
				t.Fatalf("problem is not one safe line: %q", s)
			}
		}
		if a == nil {
			if !HasErrors(ps) {
				t.Fatalf("no account and no error")
			}
			return
		}
		if HasErrors(ps) {
			return
		}
		enc := Encode(a)
		b, ps2 := Decode("f.toml", enc)
		if b == nil || HasErrors(ps2) {
			t.Fatalf("encoding of a good account does not decode: %v\n%s", ps2, enc)
		}
		if c := Canonical(a); !reflect.DeepEqual(b, c) {
			t.Fatalf("round trip changed the account:\n%+v\nwant\n%+v", b, c)
		}
		if again := Encode(b); !bytes.Equal(again, enc) {
			t.Fatalf("encoding not stable:\n%s\nthen\n%s", enc, again)
		}
	})
}
