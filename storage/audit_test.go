package storage

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rolecall/model"
)

func TestAudit(t *testing.T) {
	t.Setenv("SUDO_USER", "alice")
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	for i, name := range []string{"first", "second", "third"} {
		doc, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		doc.Account.Name = name
		opts := SaveOptions{Actor: "tui"}
		if i == 2 {
			opts = SaveOptions{Actor: "cli: account set", ChangeFunc: func(old, new *model.Account) any {
				return map[string]string{"old": old.Name, "new": new.Name}
			}}
		}
		if _, err := Save(p, doc.Account, doc.Stamp, opts); err != nil {
			t.Fatal(err)
		}
		lines := strings.Count(readString(t, p+".audit.jsonl"), "\n")
		if lines != i+1 {
			t.Fatalf("after save %d the trail has %d lines", i+1, lines)
		}
	}
	if m := mode(t, p+".audit.jsonl"); m != 0o600 {
		t.Errorf("audit mode %04o", m)
	}
	es, err := ReadAudit(p)
	if err != nil || len(es) != 3 {
		t.Fatalf("ReadAudit: %v, %d entries", err, len(es))
	}
	newest := es[0]
	if newest.Frontend != "cli: account set" || es[2].Frontend != "tui" {
		t.Errorf("not newest first: %+v", es)
	}
	var ch map[string]string
	if err := json.Unmarshal(newest.Change, &ch); err != nil || ch["old"] != "second" || ch["new"] != "third" {
		t.Errorf("change %s", newest.Change)
	}
	if newest.SudoUserClaimed != "alice" || newest.User == "" || newest.Host == "" || time.Since(newest.Time) > time.Minute {
		t.Errorf("entry %+v", newest)
	}
	// The time is RFC 3339.
	var raw map[string]any
	line := strings.SplitN(readString(t, p+".audit.jsonl"), "\n", 2)[0]
	if err := json.Unmarshal([]byte(line), &raw); err != nil {
		t.Fatal(err)
	}
	if _, err := time.Parse(time.RFC3339, raw["time"].(string)); err != nil {
		t.Errorf("time %v: %v", raw["time"], err)
	}

	// A line torn by a crash is skipped, and the next entry starts on its
	// own line.
	f, _ := os.OpenFile(p+".audit.jsonl", os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"time":"2026-01-`)
	f.Close()
	doc, _ := Load(p)
	doc.Account.Name = "fourth"
	if _, err := Save(p, doc.Account, doc.Stamp, SaveOptions{Actor: "tui"}); err != nil {
		t.Fatal(err)
	}
	es, err = ReadAudit(p)
	if err != nil || len(es) != 4 || es[0].Frontend != "tui" {
		t.Errorf("after a torn line: %v, %d entries", err, len(es))
	}
	if es, err := ReadAudit(filepath.Join(t.TempDir(), "none.toml")); err != nil || len(es) != 0 {
		t.Errorf("no trail: %v %v", es, err)
	}
}
