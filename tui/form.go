package tui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

type fieldKind int

const (
	textField  fieldKind = iota
	pickField            // one of the options: a dropdown, as Boomi's
	checkField           // any of the options: a checklist
)

// option is one choice of a pick or check field.
type option struct {
	value string
	label string // shown after the box
	note  string // shown muted after the label ("from Support")
	group string // a heading shown before the first option of each group
	on    bool
	// was is on as the form opened.
	was bool
	// locked options cannot change (inherited privileges, R5); from is the
	// role they come from, as in the file.
	locked bool
	from   string
	// why, on a locked option that is neither inherited nor ever
	// unlocked (a Boomi privilege code rolecall does not know), is what a
	// tick of it answers.
	why string
	// raw: label and note are as in the file, made safe when drawn (so
	// that a list of 10,000 users costs little to open).
	raw bool
}

type field struct {
	kind  fieldKind
	name  string // how the form's owner addresses it
	label string
	input textinput.Model
	// loaded is the value the text field was opened with, and shown what
	// the input was given for it: while the input still shows that, the
	// field's value is loaded, unchanged, byte for byte. A value with
	// characters that do not print is shown escaped (SafeText) and kept
	// as it was unless the admin edits it.
	loaded, shown string
	opts          []option
	cursor        int // checklist: the option under the cursor; dropdown: the highlighted one
	// open: the dropdown's list is open (a pick field).
	open bool
	// filter narrows a checklist or an open dropdown to the options whose
	// text holds every word of it; rows are the options shown. filtering:
	// keys go to the filter (space too) until enter or esc.
	filter    string
	filtering bool
	rows      []int
	// summary is the one-line summary beside the label.
	summary func() string
	// empty completes "(none yet" when the field has no options: where
	// to make some.
	empty string
	// lazy, when set, makes the options when the field first has the keys
	// (a checklist of 10,000 users costs nothing until then); lazyTicked
	// is how many of them start ticked.
	lazy       func() []option
	lazyTicked int
	// initial is the field's value when the form opened (changed()).
	initial string
	// lower are the options' label, note and value in lower case, for the
	// filter; computed on the first filter.
	lower []string
}

// inputBound is how many characters a text input takes at most.
const inputBound = 1 << 16

// newTextField is a text input holding value, for a field of at most limit
// characters (a model.Max* constant). Neither what is loaded nor what is
// typed or pasted is cut at the limit: the model refuses a value over the
// limit, saying its length and the limit, when the form is applied.
func newTextField(c *common, name, label, value string, limit int) *field {
	ti := textinput.New()
	ti.Prompt = ""
	ti.CharLimit = max(inputBound, limit, utf8.RuneCountInString(value))
	ti.SetStyles(c.styles.Input)
	shown := safe(value)
	ti.SetValue(shown)
	f := &field{kind: textField, name: name, label: label, input: ti, loaded: value, shown: ti.Value()}
	f.initial = f.value()
	return f
}

// newListField is a pick or check field over opts.
func newListField(kind fieldKind, name, label string, opts []option) *field {
	f := &field{kind: kind, name: name, label: label, opts: opts}
	for i := range f.opts {
		f.opts[i].was = f.opts[i].on
		if f.opts[i].on && kind == pickField {
			f.cursor = i
		}
	}
	if kind == pickField {
		f.initial = f.value() // a checklist compares each row with was
	}
	return f
}

// text returns a text field's value: what was typed, or the value it was
// loaded with, exactly, when the input still shows that.
func (f *field) text() string {
	if v := f.input.Value(); v != f.shown {
		return v
	}
	return f.loaded
}

// hidden reports whether a text field holds characters that do not print,
// shown escaped.
func (f *field) hidden() bool { return f.kind == textField && f.shown != f.loaded }

// picked returns the value of the picked option of a pick field.
func (f *field) picked() string {
	for _, o := range f.opts {
		if o.on {
			return o.value
		}
	}
	return ""
}

// ticked returns the values of the ticked, unlocked options.
func (f *field) ticked() []string {
	var out []string
	for _, o := range f.opts {
		if o.on && !o.locked {
			out = append(out, o.value)
		}
	}
	return out
}

// value is the field's value as one string, to tell whether it changed.
func (f *field) value() string {
	switch f.kind {
	case textField:
		return f.text()
	case pickField:
		return f.picked()
	}
	return strings.Join(f.ticked(), "\x00")
}

// shownRows are the options shown: all, or those matching the filter.
func (f *field) shownRows() []int {
	if f.rows != nil {
		return f.rows
	}
	out := make([]int, len(f.opts))
	for i := range out {
		out[i] = i
	}
	return out
}

// setFilter narrows the options to those matching q, best matches first;
// the cursor goes to the best.
func (f *field) setFilter(q string) {
	f.filter = q
	words := strings.Fields(strings.ToLower(q))
	if len(words) == 0 {
		f.rows = nil
		return
	}
	if f.lower == nil {
		f.lower = make([]string, len(f.opts))
		for i, o := range f.opts {
			f.lower[i] = strings.ToLower(o.label + " " + o.value + " " + o.note)
		}
	}
	// Best matches first: options whose label starts with the query, then
	// those whose value (a privilege's name) holds every word, then those
	// with a word of the label starting with it, then the rest. Typing
	// "sup" offers Support before Production Support; "runtime read"
	// offers Runtime Management Read Access before Runtime Management,
	// whose short text says "read and write".
	ql := strings.ToLower(strings.TrimSpace(q))
	var first, named, word, rest []int
	for i := range f.opts {
		ok := true
		for _, w := range words {
			if !strings.Contains(f.lower[i], w) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		lab := strings.ToLower(f.opts[i].label)
		val := strings.ToLower(f.opts[i].value)
		inValue := true
		for _, w := range words {
			inValue = inValue && strings.Contains(val, w)
		}
		switch {
		case strings.HasPrefix(lab, ql):
			first = append(first, i)
		case inValue:
			named = append(named, i)
		case strings.Contains(lab, " "+ql):
			word = append(word, i)
		default:
			rest = append(rest, i)
		}
	}
	rows := append(append(append(append([]int{}, first...), named...), word...), rest...)
	f.rows = rows
	if len(rows) > 0 {
		f.cursor = rows[0] // the best match
	}
}

// move moves the cursor d shown rows (clamped).
func (f *field) move(d int) {
	rows := f.shownRows()
	if len(rows) == 0 {
		return
	}
	at := 0
	for k, i := range rows {
		if i == f.cursor {
			at = k
		}
	}
	at = max(min(at+d, len(rows)-1), 0)
	f.cursor = rows[at]
}

// shown reports whether the cursor's option is shown.
func (f *field) cursorShown() bool {
	for _, i := range f.shownRows() {
		if i == f.cursor {
			return true
		}
	}
	return false
}

// form is a dialog of named fields on the focus stack. Keys: tab and
// shift+tab move between fields (as do the arrows from a text field);
// space or typing opens a dropdown, enter or space picks its highlighted
// row, esc closes only the list; space ticks a checklist row and typing
// filters it; enter applies the form; esc on a changed form asks before
// discarding it.
type form struct {
	c      *common
	title  string
	fields []*field
	focus  int
	err    string
	// notes are lines under the fields (what the form's choices mean).
	notes func() []string
	// onChange runs after any option changes (to recompute locks).
	onChange func()
	// ops are the edits the form makes as it stands now; apply sends them.
	ops func() []model.Op
	// question, when set, is asked before the edit is kept.
	question func() (string, []string)
	// onDone runs after the edit was kept (select what was made).
	onDone func()
	// submit, when set, is what enter does instead of sending ops (a form
	// that is not an edit, such as save as).
	submit func() tea.Cmd
	// ver counts the changes of the form's fields; changedVer/changedNow
	// and opsVer/opsCache remember changed() and ops() for a version.
	ver                int
	changedVer, opsVer int
	changedNow         bool
	opsCache           []model.Op
}

func (f *form) get(name string) *field {
	for _, fl := range f.fields {
		if fl.name == name {
			return fl
		}
	}
	panic("form " + f.title + " has no field " + name)
}

// changed reports whether any field differs from what the form opened with.
func (f *form) changed() bool {
	if f.ops == nil {
		return false // not an edit of the account
	}
	if f.ver == f.changedVer {
		return f.changedNow
	}
	f.changedVer, f.changedNow = f.ver, false
	for _, fl := range f.fields {
		if fl.changed() {
			f.changedNow = true
			break
		}
	}
	return f.changedNow
}

// changed reports whether the field differs from what the form opened with.
func (fl *field) changed() bool {
	if fl.kind != checkField {
		return fl.value() != fl.initial
	}
	for _, o := range fl.opts {
		if o.on != o.was && !o.locked {
			return true
		}
	}
	return false
}

// pendingOps are the form's edits as it stands, worked out once per change
// of the form (the App asks after every message, for the recovery draft).
func (f *form) pendingOps() []model.Op {
	if !f.changed() {
		return nil
	}
	if f.ver != f.opsVer || f.opsCache == nil {
		f.opsVer, f.opsCache = f.ver, f.ops()
	}
	return f.opsCache
}

// open pushes the form and gives the first field the keyboard.
func (f *form) open() tea.Cmd {
	f.c.push(f)
	return f.focusCmd()
}

func (f *form) focusCmd() tea.Cmd {
	var cmd tea.Cmd
	for i, fl := range f.fields {
		if fl.kind != textField {
			continue
		}
		if i == f.focus {
			cmd = fl.input.Focus()
		} else {
			fl.input.Blur()
		}
	}
	return cmd
}

func (f *form) cur() *field { return f.fields[f.focus] }

func (f *form) moveFocus(d int) tea.Cmd {
	if fl := f.cur(); fl.open || fl.filtering {
		fl.open, fl.filtering = false, false
		fl.setFilter("")
	}
	f.focus = (f.focus + d + len(f.fields)) % len(f.fields)
	f.cur().ensure()
	return f.focusCmd()
}

// ensure makes a lazy field's options.
func (fl *field) ensure() {
	if fl.lazy == nil {
		return
	}
	fl.opts = fl.lazy()
	fl.lazy = nil
	for i := range fl.opts {
		fl.opts[i].was = fl.opts[i].on
	}
}

// tickedCount is how many options are ticked (a lazy field: as it starts).
func (fl *field) tickedCount() int {
	if fl.lazy != nil {
		return fl.lazyTicked
	}
	n := 0
	for _, o := range fl.opts {
		if o.on && !o.locked {
			n++
		}
	}
	return n
}

// apply sends the form's edits; the reply closes it or shows the refusal.
func (f *form) apply() tea.Cmd {
	if f.submit != nil {
		return f.submit()
	}
	var q string
	var extra []string
	if f.question != nil {
		q, extra = f.question()
	}
	return f.c.editor(editMsg{question: q, extra: extra, ops: f.ops(), reply: f.reply})
}

// reply is the answer to the form's edit.
func (f *form) reply(ok bool, refusal string) {
	if !ok {
		f.err = refusal
		return
	}
	f.c.close(f)
	if f.onDone != nil {
		f.onDone()
	}
}

// cancel closes the form, asking first when something in it changed.
func (f *form) cancel() tea.Cmd {
	if !f.changed() {
		f.c.close(f)
		return nil
	}
	f.c.ask("Discard your changes to this form?", []string{f.title + ": what you changed here is not applied."}, "discard them",
		func() tea.Cmd { f.c.close(f); return status("Form discarded: nothing changed.", false) },
		nil)
	return nil
}

func (f *form) update(msg tea.Msg) tea.Cmd {
	// Any key or paste may change a field: what the form would do is
	// worked out again when next asked.
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg, tea.MouseClickMsg:
		f.ver++
	}
	k := f.c.keys
	switch msg := msg.(type) {
	case tea.PasteMsg:
		if fl := f.cur(); fl.kind == textField {
			var cmd tea.Cmd
			fl.input, cmd = fl.input.Update(msg)
			return cmd
		}
		return nil
	case tea.KeyPressMsg:
		fl := f.cur()
		str := msg.String()
		if fl.kind == pickField && fl.open {
			return f.dropdownKey(fl, msg)
		}
		if fl.filtering {
			switch str {
			case "esc":
				fl.filtering = false
				fl.setFilter("")
				return nil
			case "enter":
				fl.filtering = false
				return nil
			case "tab", "shift+tab":
				fl.filtering = false
			default:
				listKey(fl, msg)
				return nil
			}
		}
		switch {
		case str == "esc":
			if fl.filter != "" {
				fl.setFilter("")
				return nil
			}
			return f.cancel()
		case str == "f1", str == "?" && fl.kind != textField:
			return func() tea.Msg { return openHelpMsg{} }
		case key.Matches(msg, k.NextField):
			return f.moveFocus(1)
		case key.Matches(msg, k.PrevField):
			return f.moveFocus(-1)
		case fl.kind == pickField && str == "space":
			fl.open = true
			return nil
		case str == "enter":
			f.err = ""
			return f.apply()
		}
		switch fl.kind {
		case textField:
			switch str {
			case "up":
				return f.moveFocus(-1)
			case "down":
				return f.moveFocus(1)
			}
			var cmd tea.Cmd
			fl.input, cmd = fl.input.Update(msg)
			f.err = ""
			return cmd
		case pickField:
			switch str {
			case "up", "down":
				return f.moveFocus(map[string]int{"up": -1, "down": 1}[str])
			}
			// Typing on a closed dropdown opens it, filtered.
			if listKey(fl, msg) {
				fl.open = true
			}
		case checkField:
			return f.checkKey(fl, msg)
		}
	case tea.MouseClickMsg:
		// handled by click
	}
	return nil
}

// listKey moves the cursor of a checklist or an open dropdown, or edits
// its filter; it reports whether it used the key.
// listKey moves fl's cursor or edits its filter; it reports whether it
// used the key. Typing (or /) starts the filter; while it has the keys,
// space is text and enter keeps the filter; esc clears it.
func listKey(fl *field, msg tea.KeyPressMsg) bool {
	str := msg.String()
	switch str {
	case "up":
		fl.move(-1)
		return true
	case "down":
		fl.move(1)
		return true
	case "pgup":
		fl.move(-10)
		return true
	case "pgdown":
		fl.move(10)
		return true
	case "home":
		fl.move(-len(fl.opts))
		return true
	case "end":
		fl.move(len(fl.opts))
		return true
	case "ctrl+u":
		fl.setFilter("")
		return true
	case "backspace":
		if fl.filter != "" {
			_, size := utf8.DecodeLastRuneInString(fl.filter)
			fl.setFilter(fl.filter[:len(fl.filter)-size])
		}
		fl.filtering = fl.filter != ""
		return true
	}
	t := msg.Text
	if t == "" || msg.Mod&^tea.ModShift != 0 {
		return false
	}
	switch {
	case fl.filtering:
		fl.setFilter(fl.filter + t)
	case t == "/":
		fl.filtering = true
	case t == " ":
		return false
	default:
		// A new search: typing after a kept filter starts over.
		fl.filtering = true
		fl.setFilter(t)
	}
	return true
}

func (f *form) checkKey(fl *field, msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "space" && !fl.filtering {
		f.toggle(fl)
		return nil
	}
	listKey(fl, msg)
	return nil
}

func (f *form) dropdownKey(fl *field, msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		if fl.filtering {
			fl.filtering = false
			fl.setFilter("")
			return nil
		}
		fl.open = false
		fl.setFilter("")
		return nil
	case "space":
		if fl.filtering {
			listKey(fl, msg)
			return nil
		}
		f.pick(fl)
		return nil
	case "enter":
		f.pick(fl)
		return nil
	case "tab":
		f.pick(fl)
		return f.moveFocus(1)
	case "shift+tab":
		f.pick(fl)
		return f.moveFocus(-1)
	}
	listKey(fl, msg)
	return nil
}

// pick picks the dropdown's highlighted option and closes its list.
func (f *form) pick(fl *field) {
	if fl.cursorShown() {
		for i := range fl.opts {
			fl.opts[i].on = i == fl.cursor
		}
		if f.onChange != nil {
			f.onChange()
		}
	}
	fl.open = false
	fl.filtering = false
	fl.setFilter("")
}

func (f *form) toggle(fl *field) {
	if !fl.cursorShown() || fl.cursor >= len(fl.opts) {
		return
	}
	o := &fl.opts[fl.cursor]
	if o.locked && o.why != "" {
		f.err = o.why
		return
	}
	if o.locked {
		// The model's refusal, as if the tick were taken off (R5).
		p, _ := model.LookupPrivilege(o.value)
		f.err = refusalText(model.InheritedTickRefusal("", p, o.from))
		return
	}
	f.err = ""
	o.on = !o.on
	if f.onChange != nil {
		f.onChange()
	}
}

// labelWidth is the width of the label column: the longest label and a gap.
func (f *form) labelWidth() int {
	n := 0
	for _, fl := range f.fields {
		n = max(n, width(fl.label))
	}
	return n + 2
}

// openField is the list field whose options show: the focused one, else
// the next one tab reaches.
func (f *form) openField() int {
	if f.cur().kind != textField {
		return f.focus
	}
	for k := 1; k < len(f.fields); k++ {
		if i := (f.focus + k) % len(f.fields); f.fields[i].kind != textField {
			return i
		}
	}
	return -1
}

// headLines are the title and the fields' lines, with where each field is.
func (f *form) headLines(w int) []string {
	lines := []string{f.c.styles.Header.Render(f.c.trunc(f.title, w))}
	for i := range f.fields {
		lines = append(lines, f.fieldLines(i, w)...)
	}
	return lines
}

// fieldLines draws field i: its label and value, a summary wrapped under
// itself rather than cut, and a note when a text holds characters that do
// not print.
func (f *form) fieldLines(i, w int) []string {
	c := f.c
	s := c.styles
	g := s.G
	fl := f.fields[i]
	labelW := f.labelWidth()
	mark := g.NoCursor
	if i == f.focus {
		mark = g.Cursor
	}
	lab := c.pad(fl.label, labelW)
	if i == f.focus {
		lab = s.Key.Render(lab)
	}
	indent := strings.Repeat(" ", width(g.NoCursor)+labelW)
	valW := max(w-labelW-2, 10)
	under := func(text string) []string {
		var out []string
		for k, l := range wrap(text, valW) {
			if k == 0 {
				out = append(out, c.trunc(mark+lab+l, w))
			} else {
				out = append(out, c.trunc(indent+l, w))
			}
		}
		return out
	}
	switch fl.kind {
	case textField:
		in := fl.input
		in.SetWidth(valW - 1)
		lines := []string{c.trunc(mark+lab+in.View(), w)}
		if fl.hidden() && fl.input.Value() == fl.shown {
			for _, l := range wrap("holds characters that do not print, shown escaped; kept as they are unless you edit this field", valW) {
				lines = append(lines, s.Warn.Render(c.trunc(indent+l, w)))
			}
		}
		return lines
	case pickField:
		v := g.Off
		if fl.summary != nil {
			v = fl.summary()
		}
		arrow := " v"
		if fl.open {
			arrow = " ^"
		}
		return []string{c.trunc(mark+lab+"["+c.trunc(v, valW-4)+arrow+"]", w)}
	}
	sum := ""
	if fl.summary != nil {
		sum = fl.summary()
	}
	return under(sum)
}

// fieldAt is the field drawn on line y of the form, or -1.
func (f *form) fieldAt(y int) int {
	w, _ := f.c.bodySize()
	lines := 1
	for i := range f.fields {
		n := len(f.fieldLines(i, w))
		if y >= lines && y < lines+n {
			return i
		}
		lines += n
	}
	return -1
}

func (f *form) view(w, h int) string {
	c := f.c
	s := c.styles
	lines := f.headLines(w)
	if f.notes != nil {
		for _, n := range f.notes() {
			for _, l := range wrap(n, w-2) {
				lines = append(lines, s.Muted.Render("  "+l))
			}
		}
	}
	if f.err != "" {
		for _, l := range wrap(f.err, w-2) {
			lines = append(lines, s.StatusError.Render(c.trunc(l, w)))
		}
	}
	if open := f.openField(); open >= 0 {
		fl := f.fields[open]
		lines = append(lines, c.rule(w))
		lines = append(lines, f.filterLine(fl, open == f.focus, w))
		rest := h - len(lines)
		lines = append(lines, f.optionLines(fl, open == f.focus, w, rest)...)
	}
	return c.fit(lines, w, h)
}

// filterLine says what the option list shows and how to narrow it.
func (f *form) filterLine(fl *field, focused bool, w int) string {
	c := f.c
	s := c.styles
	what := fl.label
	if fl.filter != "" || fl.filtering {
		cur, keys := "", "/ edits, esc clears"
		if fl.filtering {
			cur, keys = "_", "enter keeps it, then space ticks; esc clears"
			if fl.kind == pickField {
				keys = "enter picks, esc clears"
			}
		}
		return c.trunc(s.Header.Render("filter: ")+safe(fl.filter)+cur+s.Muted.Render(fmt.Sprintf("  (%d of %d; %s)", len(fl.shownRows()), len(fl.opts), keys)), w)
	}
	hint := "tab here to choose"
	switch {
	case focused && fl.kind == pickField && fl.open:
		hint = "type to filter" + s.G.Sep + "enter picks" + s.G.Sep + "esc closes the list"
	case focused && fl.kind == pickField:
		hint = "space or typing opens the list" + s.G.Sep + "enter applies the form"
	case focused:
		hint = "type to filter" + s.G.Sep + "space ticks" + s.G.Sep + "enter applies the form"
	}
	return c.trunc(s.Muted.Render(what+s.G.Sep+hint), w)
}

// optionRow is one option as drawn: the box, the label and the note, the
// note kept whole (the label gives way first).
func (f *form) optionRow(fl *field, o option, w int) string {
	c := f.c
	g := c.styles.G
	if o.raw {
		o.label, o.note = safe(o.label), safe(o.note)
	}
	box := g.Off
	switch {
	case fl.kind == pickField && o.on:
		box = g.Radio
	case fl.kind == pickField:
		box = g.NoRadio
	case o.locked:
		box = g.Locked
		if o.on {
			box = "[x]"
		}
	case o.on:
		box = g.On
	}
	text := box + " " + o.label
	if o.note == "" {
		return text
	}
	room := w - 2 - width(box) - 1 - 2 - width(o.note)
	if width(o.label) > room && room >= 8 {
		text = box + " " + c.trunc(o.label, room)
	}
	return text + "  " + o.note
}

// optionLines renders the shown options of fl (with group headings) in h
// lines, scrolled so that the cursor shows.
func (f *form) optionLines(fl *field, focused bool, w, h int) []string {
	c := f.c
	s := c.styles
	if h <= 0 {
		return nil
	}
	rows := fl.shownRows()
	switch {
	case fl.lazy != nil:
		return []string{s.Muted.Render("  tab here to list them")}
	case len(fl.opts) == 0:
		return []string{s.Muted.Render("  (none yet" + fl.empty + ")")}
	case len(rows) == 0:
		return []string{s.Muted.Render("  nothing matches the filter")}
	}
	// Find the cursor's row, then draw a window of h lines around it,
	// headings included. Only the window is drawn, however many options.
	at := 0
	for k, i := range rows {
		if i == fl.cursor {
			at = k
		}
	}
	// Lines before the cursor row: count headings on the way, from a start
	// chosen so that the cursor shows.
	start := max(at-h+2, 0)
	var out []string
	group := "\x00"
	if start > 0 {
		group = fl.opts[rows[start-1]].group
	}
	for k := start; k < len(rows) && len(out) < h; k++ {
		o := fl.opts[rows[k]]
		if o.group != group {
			group = o.group
			if group != "" {
				out = append(out, s.Header.Render(c.trunc("  "+group, w)))
				if len(out) >= h {
					break
				}
			}
		}
		sel := focused && rows[k] == fl.cursor
		text := f.optionRow(fl, o, w)
		switch {
		case sel:
			out = append(out, c.row(text, true, w))
		case o.locked:
			out = append(out, s.Locked.Render(c.row(text, false, w)))
		default:
			out = append(out, c.row(text, false, w))
		}
	}
	return out
}

// click focuses the field on line y, or picks or ticks the option there.
func (f *form) click(y, h int) tea.Cmd {
	f.ver++
	if i := f.fieldAt(y); i >= 0 {
		if i == f.focus && f.fields[i].kind == pickField {
			f.fields[i].open = !f.fields[i].open
			return nil
		}
		f.focus = i
		f.cur().ensure()
		return f.focusCmd()
	}
	open := f.openField()
	if open < 0 {
		return nil
	}
	fl := f.fields[open]
	// The option lines start after the head, notes, error, rule and filter
	// line: find the option drawn at y by drawing the same layout.
	lines := len(f.headLines(f.c.width))
	if f.notes != nil {
		for _, n := range f.notes() {
			lines += len(wrap(n, f.c.width-2))
		}
	}
	if f.err != "" {
		lines += len(wrap(f.err, f.c.width-2))
	}
	lines += 2
	rows := fl.shownRows()
	at := 0
	for k, i := range rows {
		if i == fl.cursor {
			at = k
		}
	}
	room := h - lines
	start := max(at-room+2, 0)
	group := "\x00"
	if start > 0 {
		group = fl.opts[rows[start-1]].group
	}
	ln := lines
	for k := start; k < len(rows) && ln < h; k++ {
		o := fl.opts[rows[k]]
		if o.group != group {
			group = o.group
			if group != "" {
				ln++
			}
		}
		if ln == y {
			f.focus = open
			fl.cursor = rows[k]
			if fl.kind == pickField {
				f.pick(fl)
			} else {
				f.toggle(fl)
			}
			return f.focusCmd()
		}
		ln++
	}
	return nil
}

func (f *form) actions() []action {
	k := f.c.keys
	fl := f.cur()
	apply := do(k.Apply, nil).help("enter", "apply")
	esc := do(k.Cancel, nil).help("esc", "cancel")
	next := do(k.NextField, nil)
	prev := do(k.PrevField, nil).fullOnly()
	switch {
	case fl.filtering:
		keep := "keep filter"
		if fl.kind == pickField {
			keep = "pick"
		}
		return []action{
			do(key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", keep)), nil),
			do(key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")), nil),
			do(k.ArrowDown, nil), do(k.ArrowUp, nil),
		}
	case fl.kind == pickField && fl.open:
		return []action{
			do(key.NewBinding(key.WithKeys("enter", "space"), key.WithHelp("enter", "pick")), nil),
			do(k.ArrowDown, nil), do(k.ArrowUp, nil),
			do(key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close list")), nil),
			do(key.NewBinding(key.WithKeys("a"), key.WithHelp("type", "filter")), nil).lesser(),
		}
	case fl.kind == pickField:
		return []action{do(key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "open list")), nil), apply, next, prev, esc,
			do(key.NewBinding(key.WithKeys("f1", "?"), key.WithHelp("?", "help")), nil).lesser()}
	case fl.kind == checkField:
		return []action{do(k.Toggle, nil), apply, next, prev, esc,
			do(key.NewBinding(key.WithKeys("a"), key.WithHelp("type", "filter")), nil).lesser(),
			do(k.ArrowDown, nil).lesser(), do(k.ArrowUp, nil).lesser(),
			do(key.NewBinding(key.WithKeys("f1", "?"), key.WithHelp("?", "help")), nil).lesser()}
	}
	return []action{apply, next, prev, esc,
		do(key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "previous/next field")), nil).fullOnly(),
		do(key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "clear to the start")), nil).fullOnly(),
		do(key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", "help")), nil).lesser()}
}

// openHelpMsg asks the App for the full help of what has the keyboard.
type openHelpMsg struct{}
