package cli

import (
	"encoding/json"
	"reflect"
	"testing"
)

type fillChain struct {
	Name string
	Next *fillChain
	List []string
}

type fillMixed struct {
	Raw     json.RawMessage
	Any     any
	Map     map[string]fillLeaf
	Leaves  []fillLeaf
	Ptr     *fillLeaf
	Plain   fillPlain
	hidden  []int
	Numbers [2][]int
}

type fillLeaf struct{ Via []string }

// fillOuter embeds a struct of an unexported type, whose exported fields
// encoding/json writes as fillOuter's own.
type fillOuter struct {
	fillLeaf
	More []int
}

type fillPlain struct {
	A string
	B int
}

// fillNil writes every nil list reachable through exported fields as [],
// through pointers, interfaces, maps, lists and types that refer to
// themselves; it leaves raw JSON, unexported fields and arrays as they
// are, and plans each type once.
func TestFillNil(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any // a pointer
		want string
	}{
		{"a chain three deep", &fillChain{Name: "a", Next: &fillChain{Name: "b", Next: &fillChain{Name: "c"}}},
			`{"Name":"a","Next":{"Name":"b","Next":{"Name":"c","Next":null,"List":[]},"List":[]},"List":[]}`},
		{"a chain with a list", &fillChain{List: []string{"x"}, Next: &fillChain{}},
			`{"Name":"","Next":{"Name":"","Next":null,"List":[]},"List":["x"]}`},
		{"everything else", &fillMixed{
			Any:    &fillChain{Next: &fillChain{}},
			Map:    map[string]fillLeaf{"k": {}},
			Leaves: []fillLeaf{{}, {Via: []string{"r"}}},
			Ptr:    &fillLeaf{},
		}, `{"Raw":null,"Any":{"Name":"","Next":{"Name":"","Next":null,"List":[]},"List":[]},"Map":{"k":{"Via":[]}},"Leaves":[{"Via":[]},{"Via":["r"]}],"Ptr":{"Via":[]},"Plain":{"A":"","B":0},"Numbers":[null,null]}`},
		{"an embedded struct of an unexported type", &fillOuter{}, `{"Via":[],"More":[]}`},
		{"nil pointers and lists", &fillMixed{}, `{"Raw":null,"Any":null,"Map":null,"Leaves":[],"Ptr":null,"Plain":{"A":"","B":0},"Numbers":[null,null]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fillNil(reflect.ValueOf(tc.v))
			got, err := json.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
	if m := (&fillMixed{}); true {
		fillNil(reflect.ValueOf(m))
		if m.hidden != nil {
			t.Error("an unexported list was filled")
		}
	}
	if p := fillPlanOf(reflect.TypeFor[fillPlain]()); p.slices {
		t.Error("a struct of a string and an int is planned to hold slices")
	}
	if fillPlanOf(reflect.TypeFor[*fillChain]()) != fillPlanOf(reflect.TypeFor[*fillChain]()) {
		t.Error("a type is planned twice")
	}
}
