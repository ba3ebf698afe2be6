package cli

import (
	"bytes"
	"encoding/json"
	"reflect"
)

// writeJSON prints v as indented JSON with every nil list written as [],
// never null: scripts can always iterate. encoding/json escapes every
// control character (ESC is \u001b), and U+2028/U+2029 as well; DEL, which
// it leaves raw, is written \u007f (it can only stand inside a string).
func (a *app) writeJSON(v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer {
		p := reflect.New(rv.Type())
		p.Elem().Set(rv)
		rv = p
	}
	fillNil(rv)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rv.Interface()); err != nil {
		return fail(ExitUsage, "cannot write JSON: %v", err)
	}
	_, err := a.stdout.Write(bytes.ReplaceAll(buf.Bytes(), []byte{0x7f}, []byte(`\u007f`)))
	return err
}

var rawMessage = reflect.TypeFor[json.RawMessage]()

// fillNil replaces every nil slice reachable from v (a pointer) with an
// empty one.
func fillNil(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			fillNil(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fillNil(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Type() == rawMessage {
			return
		}
		if v.IsNil() {
			if v.CanSet() {
				v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			}
			return
		}
		for i := 0; i < v.Len(); i++ {
			fillNil(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := v.MapIndex(k)
			c := reflect.New(e.Type()).Elem()
			c.Set(e)
			fillNil(c)
			v.SetMapIndex(k, c)
		}
	}
}
