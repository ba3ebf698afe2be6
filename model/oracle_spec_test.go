package model

// The spec, read at test time from testdata/access-model.md (a verbatim
// copy of the shared spec, checked by TestSpecCopyIsVerbatim): §1's
// privilege table (names, old names, the built-in columns and which of
// their cells are marked "(decision)"), R2's and R3's built-in roles, and
// §5's page table with what each action needs, parsed from its prose. Every
// row, cell and phrase must be understood: anything else panics, so that a
// change of the spec cannot slip past the oracle (oracle_test.go).

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

const specCopy = "testdata/access-model.md"

// specRow is one row of §1's table.
type specRow struct {
	name, old, governs string
	priv               Privilege
	perEnv             bool // "per environment" (R15, R16)
	// Per built-in column (specBuiltinOrder): held, and whether the
	// cell is marked "(decision)": "Y (decision)" holds by decision,
	// "(decision: no)" lacks by decision.
	holds   [4]bool
	decided [4]bool
}

// oracleBuiltin is one built-in role (R2) as the spec's §1 columns give it.
type oracleBuiltin struct {
	name     string
	needsAUS bool               // R3
	privs    map[Privilege]bool // its column
	// decidedYes: held by a cell marked "Y (decision)"; decidedNo: lacked
	// by a cell marked "(decision: no)".
	decidedYes, decidedNo map[Privilege]bool
}

// specNeed is what an action needs, or what opens a page.
type specNeed struct {
	text string // the spec's words, for messages
	all  []Privilege
	any  []Privilege // one of these too, when set (in the spec's order)
	aus  bool        // "Advanced User Security on" (R3)
	// notUnderR16: refused while this per-environment privilege is held
	// with Advanced Environment Access on (seed rule).
	notUnderR16 Privilege
	// perEnv: "deploy" or "schedule": allowed when R18 allows it in at
	// least one environment.
	perEnv string
}

type specAction struct {
	name string
	need *specNeed // nil: the spec states no need (the page's own)
}

// specPage is one row of §5's table.
type specPage struct {
	name     string
	full     []Privilege // in the row's order
	readOnly []Privilege
	// fullPerEnv: the page is full also when R18 lets the user do this in
	// at least one environment; fullPerEnvDecision: marked (decision).
	fullPerEnv         string
	fullPerEnvDecision bool
	actions            []specAction
}

type oracleSpec struct {
	rows     []specRow
	builtins []oracleBuiltin
	pages    []specPage
}

var specOnce = sync.OnceValue(func() *oracleSpec {
	b, err := os.ReadFile(specCopy)
	if err != nil {
		panic(fmt.Sprintf("the oracle reads the spec from %s: %v", specCopy, err))
	}
	return parseSpec(string(b))
})

// theSpec is the parsed spec; it panics when the spec cannot be parsed.
func theSpec() *oracleSpec { return specOnce() }

// naiveBuiltins are R2's roles built from the spec's §1 columns, not the
// catalog (rules_test.go compares them).
var naiveBuiltins = theSpec().builtins

// parseSpecPrivilegeTable returns §1's rows (rules_test.go).
func parseSpecPrivilegeTable() []specRow { return theSpec().rows }

func specPanic(format string, args ...any) {
	panic("access-model.md: " + fmt.Sprintf(format, args...) + " (the oracle's spec parser, oracle_spec_test.go, does not understand it)")
}

// tableAfter returns the rows (cells trimmed) of the Markdown table whose
// header line starts with header.
func tableAfter(lines []string, header string, cells int) (head []string, rows [][]string) {
	split := func(line string) []string {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") || !strings.HasSuffix(line, "|") {
			specPanic("table line %q", line)
		}
		cs := strings.Split(line[1:len(line)-1], "|")
		for i := range cs {
			cs[i] = strings.TrimSpace(cs[i])
		}
		if len(cs) != cells {
			specPanic("table line %q has %d cells, want %d", line, len(cs), cells)
		}
		return cs
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, header) {
			continue
		}
		head = split(l)
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "|---") {
			specPanic("table %q has no separator line", header)
		}
		for _, r := range lines[i+2:] {
			if !strings.HasPrefix(r, "|") {
				break
			}
			rows = append(rows, split(r))
		}
		if len(rows) == 0 {
			specPanic("table %q is empty", header)
		}
		return head, rows
	}
	specPanic("no table %q", header)
	return nil, nil
}

// specPrivilege is the catalog privilege that §1 names name, exactly.
func specPrivilege(name string) Privilege {
	for _, p := range AllPrivileges() {
		if p.String() == name {
			return p
		}
	}
	specPanic("privilege %q is not in the catalog", name)
	return 0
}

// subsequence reports whether abbr's letters appear in name in order,
// ignoring case ("ProdSup" in "Production Support").
func subsequence(abbr, name string) bool {
	abbr, name = strings.ToLower(abbr), strings.ToLower(name)
	i := 0
	for j := 0; i < len(abbr) && j < len(name); j++ {
		if abbr[i] == name[j] {
			i++
		}
	}
	return i == len(abbr)
}

// ruleLine returns the text of the bullet "- Rn ...", without "- Rn ",
// its indented continuation lines joined with spaces.
func ruleLine(lines []string, id string) string {
	for i, l := range lines {
		if t, ok := strings.CutPrefix(l, "- "+id+" "); ok {
			for _, c := range lines[i+1:] {
				if !strings.HasPrefix(c, "  ") || strings.HasPrefix(strings.TrimSpace(c), "- ") {
					break
				}
				t += " " + strings.TrimSpace(c)
			}
			return t
		}
	}
	specPanic("no rule %s", id)
	return ""
}

func parseSpec(text string) *oracleSpec {
	lines := strings.Split(text, "\n")
	s := &oracleSpec{}

	// R2: the built-in roles, by name; §1's columns abbreviate them.
	r2 := ruleLine(lines, "R2")
	m := regexp.MustCompile(`^Built-in roles: (.+), with the privileges in the table above\.`).FindStringSubmatch(r2)
	if m == nil {
		specPanic("R2 %q", r2)
	}
	names := strings.Split(strings.Replace(m[1], ", and ", ", ", 1), ", ")
	// R3: which of them exist only with Advanced User Security.
	r3 := ruleLine(lines, "R3")
	m3 := regexp.MustCompile(`^(.+?) exist only when the account has Advanced User\s+Security`).FindStringSubmatch(r3)
	if m3 == nil {
		specPanic("R3 %q", r3)
	}
	needsAUS := strings.Split(m3[1], " and ")
	for _, n := range needsAUS {
		if !slices.Contains(names, n) {
			specPanic("R3 names %q, not a built-in role of R2 %q", n, names)
		}
	}

	// §1.
	head, rows := tableAfter(lines, "| Privilege (current name) |", 7)
	if head[1] != "Old name" || head[2] != "What it governs" {
		specPanic("§1 header %q", head)
	}
	if len(names) != 4 {
		specPanic("R2 names %d built-in roles %q, §1 has 4 columns", len(names), names)
	}
	for i, col := range head[3:] {
		if !subsequence(col, names[i]) {
			specPanic("§1 column %q does not abbreviate R2's %q", col, names[i])
		}
		s.builtins = append(s.builtins, oracleBuiltin{
			name: names[i], needsAUS: slices.Contains(needsAUS, names[i]),
			privs: map[Privilege]bool{}, decidedYes: map[Privilege]bool{}, decidedNo: map[Privilege]bool{},
		})
	}
	for _, cs := range rows {
		r := specRow{name: cs[0], old: cs[1], governs: cs[2]}
		r.priv = specPrivilege(r.name)
		r.perEnv = strings.HasPrefix(r.governs, "per environment")
		for i, c := range cs[3:] {
			switch c {
			case "":
			case "Y":
				r.holds[i] = true
			case "Y (decision)":
				r.holds[i], r.decided[i] = true, true
			case "(decision: no)":
				r.decided[i] = true
			default:
				specPanic("§1 cell %q (%s, %s)", c, r.name, head[3+i])
			}
			b := &s.builtins[i]
			if r.holds[i] {
				b.privs[r.priv] = true
			}
			if r.decided[i] && r.holds[i] {
				b.decidedYes[r.priv] = true
			}
			if r.decided[i] && !r.holds[i] {
				b.decidedNo[r.priv] = true
			}
		}
		s.rows = append(s.rows, r)
	}

	// §5.
	_, prows := tableAfter(lines, "| Page | full when | read-only when | Actions (what each needs) |", 4)
	for _, cs := range prows {
		s.pages = append(s.pages, s.parsePage(cs))
	}
	return s
}

// privilegeTerm reads "either Build privilege" (every §1 privilege whose
// name starts with "Build ", two of them) or one privilege's exact name.
func (s *oracleSpec) privilegeTerm(t string) (all, any []Privilege) {
	if m := regexp.MustCompile(`^either (\S+) privilege$`).FindStringSubmatch(t); m != nil {
		for _, r := range s.rows {
			if strings.HasPrefix(r.name, m[1]+" ") {
				any = append(any, r.priv)
			}
		}
		if len(any) != 2 {
			specPanic("%q names %d privileges", t, len(any))
		}
		return nil, any
	}
	for _, r := range s.rows {
		if r.name == t {
			return []Privilege{r.priv}, nil
		}
	}
	specPanic("%q is not a privilege of §1", t)
	return nil, nil
}

var (
	specPerEnvFullRe   = regexp.MustCompile(`^R18 lets the user (\w+) to at least one environment( \(decision[:)].*)?$`)
	specPerEnvActionRe = regexp.MustCompile(`^allowed when R18 (allows it|lets the user (\w+)) in at least one environment[,;]`)
	notUnderR16Re      = regexp.MustCompile(`^(.+), and not (.+) under R16$`)
	settingOn          = map[string]bool{"Advanced User Security on": true}
	r18Verbs           = []string{"deploy", "schedule"}
)

func (s *oracleSpec) parsePage(cs []string) specPage {
	p := specPage{name: cs[0]}
	if p.name == "" {
		specPanic("§5 row %q has no page", cs)
	}
	// full when: alternatives separated by ", or ".
	if cs[1] == "" {
		specPanic("§5 %s: no \"full when\"", p.name)
	}
	for _, alt := range strings.Split(cs[1], ", or ") {
		if m := specPerEnvFullRe.FindStringSubmatch(alt); m != nil {
			if !slices.Contains(r18Verbs, m[1]) {
				specPanic("§5 %s: R18 does not say what %q is", p.name, m[1])
			}
			p.fullPerEnv, p.fullPerEnvDecision = m[1], m[2] != ""
			continue
		}
		all, any := s.privilegeTerm(alt)
		p.full = append(append(p.full, all...), any...)
	}
	// read-only when: "X only: what it shows".
	if cs[2] != "" {
		m := regexp.MustCompile(`^(.+?) only(: .*)?$`).FindStringSubmatch(cs[2])
		if m == nil {
			specPanic("§5 %s: read-only when %q", p.name, cs[2])
		}
		all, any := s.privilegeTerm(m[1])
		p.readOnly = append(all, any...)
	}
	// Actions: "Name, Name (need); Name (need), Name": a need in
	// parentheses applies to the names since the previous need.
	var pending []string
	for _, item := range splitTop(cs[3]) {
		name, paren, hasNeed := strings.Cut(item, " (")
		if strings.ContainsAny(name, "()") || name == "" {
			specPanic("§5 %s: action %q", p.name, item)
		}
		pending = append(pending, name)
		if !hasNeed {
			continue
		}
		inner, ok := strings.CutSuffix(paren, ")")
		if !ok {
			specPanic("§5 %s: action %q", p.name, item)
		}
		for _, n := range pending {
			need := s.parseNeed(&p, n, inner)
			p.actions = append(p.actions, specAction{name: n, need: &need})
		}
		pending = nil
	}
	for _, n := range pending {
		p.actions = append(p.actions, specAction{name: n})
	}
	return p
}

// splitTop splits at the commas and semicolons outside parentheses.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	flush := func(end int) {
		if t := strings.TrimSpace(s[start:end]); t != "" {
			out = append(out, t)
		}
		start = end + 1
	}
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				specPanic("unbalanced %q", s)
			}
		case ',', ';':
			if depth == 0 {
				flush(i)
			}
		}
	}
	if depth != 0 {
		specPanic("unbalanced %q", s)
	}
	flush(len(s))
	return out
}

// parseNeed reads what an action needs, as §5 words it.
func (s *oracleSpec) parseNeed(p *specPage, action, text string) specNeed {
	n := specNeed{text: text}
	t := strings.TrimPrefix(text, "all: ")
	if m := specPerEnvActionRe.FindStringSubmatch(t); m != nil {
		n.perEnv = m[2]
		if m[1] == "allows it" { // "it": the action itself
			n.perEnv = strings.ToLower(action)
		}
		if !slices.Contains(r18Verbs, n.perEnv) {
			specPanic("§5 %s: %s: R18 does not say what %q is", p.name, action, n.perEnv)
		}
		return n
	}
	if t == "either" { // of the page's own privileges
		n.any = append(slices.Clone(p.full), p.readOnly...)
		if len(n.any) != 2 || p.fullPerEnv != "" {
			specPanic("§5 %s: %s: \"either\" of %d privileges", p.name, action, len(n.any))
		}
		return n
	}
	// What follows ": " is commentary ("Boomi lets ...", "seed rule").
	if i := strings.Index(t, ": "); i >= 0 {
		t = t[:i]
	}
	if m := notUnderR16Re.FindStringSubmatch(t); m != nil {
		all, any := s.privilegeTerm(m[2])
		if len(all) != 1 || any != nil || !slices.ContainsFunc(s.rows, func(r specRow) bool { return r.priv == all[0] && r.perEnv }) {
			specPanic("§5 %s: %s: %q is not one per-environment privilege", p.name, action, m[2])
		}
		n.notUnderR16 = all[0]
		t = m[1]
	}
	for _, term := range strings.Split(t, " + ") {
		if settingOn[term] {
			n.aus = true
			continue
		}
		all, any := s.privilegeTerm(term)
		if any != nil && n.any != nil {
			specPanic("§5 %s: %s: two \"either\" in %q", p.name, action, text)
		}
		n.all = append(n.all, all...)
		if any != nil {
			n.any = any
		}
	}
	return n
}

func (s *oracleSpec) page(name string) *specPage {
	for i := range s.pages {
		if s.pages[i].name == name {
			return &s.pages[i]
		}
	}
	return nil
}

func (s *oracleSpec) builtin(name string) *oracleBuiltin {
	for i := range s.builtins {
		if SameName(s.builtins[i].name, name) {
			return &s.builtins[i]
		}
	}
	return nil
}

func (s *oracleSpec) isPerEnv(p Privilege) bool {
	return slices.ContainsFunc(s.rows, func(r specRow) bool { return r.priv == p && r.perEnv })
}

// TestSpecCopyIsVerbatim: testdata/access-model.md is the shared spec,
// byte for byte, when the shared spec is at hand (it is not in a clean
// clone, as in CI).
func TestSpecCopyIsVerbatim(t *testing.T) {
	t.Parallel()
	// The shared spec sits beside the worktrees: ../shared/spec from the
	// module root here (../../shared/spec from this package's directory,
	// where tests run); one level further up is tried too.
	var shared string
	var want []byte
	for _, up := range []int{2, 3} {
		parts := append(slices.Repeat([]string{".."}, up), "shared", "spec", "access-model.md")
		b, err := os.ReadFile(filepath.Join(parts...))
		if err == nil {
			shared, want = filepath.Join(parts...), b
			break
		}
	}
	if want == nil {
		t.Skip("shared spec not at hand (a clean clone): comparing nothing")
	}
	got, err := os.ReadFile(specCopy)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from %s: copy the spec again (verbatim), then fix what the oracle's parser or the differential then says", specCopy, shared)
	}
}

// TestSpecParses: the parse found what the oracle relies on, so that a
// spec that silently lost a row fails here rather than passing trivially.
func TestSpecParses(t *testing.T) {
	t.Parallel()
	s := theSpec()
	if len(s.rows) != len(AllPrivileges()) {
		t.Errorf("§1 has %d rows, the catalog %d privileges", len(s.rows), len(AllPrivileges()))
	}
	for i, r := range s.rows {
		if r.priv != AllPrivileges()[i] {
			t.Errorf("§1 row %d is %s, catalog %s", i, r.name, AllPrivileges()[i])
		}
	}
	var decided []string
	for _, b := range s.builtins {
		for _, p := range AllPrivileges() {
			if b.decidedYes[p] {
				decided = append(decided, b.name+": "+p.String())
			}
			if b.decidedNo[p] {
				decided = append(decided, b.name+": no "+p.String())
			}
		}
	}
	if want := []string{"Standard User: Build Read Access", "Standard User: no Environment Management"}; !slices.Equal(decided, want) {
		t.Errorf("§1 cells marked (decision): %q, want %q", decided, want)
	}
	var perEnv, aus []string
	for _, p := range s.pages {
		if p.fullPerEnv != "" {
			perEnv = append(perEnv, fmt.Sprintf("page %s %s decision=%v", p.name, p.fullPerEnv, p.fullPerEnvDecision))
		}
		for _, a := range p.actions {
			if a.need != nil && a.need.perEnv != "" {
				perEnv = append(perEnv, a.name+" "+a.need.perEnv)
			}
			if a.need != nil && (a.need.aus || a.need.notUnderR16 != 0) {
				aus = append(aus, fmt.Sprintf("%s aus=%v not=%v", a.name, a.need.aus, a.need.notUnderR16))
			}
		}
	}
	if want := []string{"page Deployments deploy decision=true", "Deploy deploy", "Schedule Processes schedule"}; !slices.Equal(perEnv, want) {
		t.Errorf("§5 R18 answers %q, want %q", perEnv, want)
	}
	if want := []string{"Edit Test Extensions aus=false not=Environment Management Read Access", "Edit Custom Roles aus=true not="}; !slices.Equal(aus, want) {
		t.Errorf("§5 switches %q, want %q", aus, want)
	}
	install := s.page("Build").actions
	i := slices.IndexFunc(install, func(a specAction) bool { return a.name == "Install Runtime" })
	if i < 0 || install[i].need == nil || privListKey(install[i].need.all) != "Runtime Management" || privListKey(install[i].need.any) != "Build Read Access, Build Read and Write Access" {
		t.Errorf("§5 Install Runtime parsed as %+v", install)
	}
}

// TestSpecParserFailsLoudly: a row, cell or phrase the parser does not
// know panics instead of being skipped.
func TestSpecParserFailsLoudly(t *testing.T) {
	t.Parallel()
	text, err := os.ReadFile(specCopy)
	if err != nil {
		t.Fatal(err)
	}
	edits := []struct{ name, old, new string }{
		{"unknown privilege in a need", "(all: Build Read and Write Access)", "(all: Build Reading)"},
		{"unknown phrasing of either", "Copy Component (either Build privilege)", "Copy Component (any Build privilege)"},
		{"unknown switch", "User Management + Advanced User Security on", "User Management + Advanced Dashboard on"},
		{"unknown R18 answer", "R18 lets the user schedule in at least one environment", "R18 lets the user promote in at least one environment"},
		{"unknown §1 cell", "| Build Read Access | | Build page and branches, read only | Y | Y (decision) |", "| Build Read Access | | Build page and branches, read only | Y | maybe |"},
		{"unknown page privilege", "| Dashboard | Dashboard | | |", "| Dashboard | Dashboards | | |"},
		{"read-only without only", "Runtime Management Read Access only: no Save", "Runtime Management Read Access: no Save"},
		{"a row with a missing cell", "| Licensing | Licensing | | |", "| Licensing | Licensing | |"},
		{"unbalanced parenthesis", "Delete Branch (Branch Delete Access)", "Delete Branch (Branch Delete Access"},
		{"a fifth built-in", "Administrator, Standard User, Production Support, Support, with", "Administrator, Standard User, Production Support, Support, Guest, with"},
	}
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			if !bytes.Contains(text, []byte(e.old)) {
				t.Fatalf("the spec no longer says %q: update this test", e.old)
			}
			mutated := strings.Replace(string(text), e.old, e.new, 1)
			defer func() {
				if recover() == nil {
					t.Errorf("parsing the spec with %q in place of %q did not fail", e.new, e.old)
				}
			}()
			parseSpec(mutated)
		})
	}
}
