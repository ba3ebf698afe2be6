package tui

import (
	tea "charm.land/bubbletea/v2"
)

// picker is a dropdown on its own: type to filter, enter picks, esc closes.
type picker struct {
	c      *common
	title  string
	f      *field
	onPick func(value string) tea.Cmd
}

func (p *picker) update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch k.String() {
	case "esc":
		if p.f.filter != "" {
			p.f.setFilter("")
			return nil
		}
		p.c.close(p)
		return nil
	case "enter", "tab":
		if !p.f.cursorShown() {
			return nil
		}
		p.c.close(p)
		return p.onPick(p.f.opts[p.f.cursor].value)
	}
	listKey(p.f, k)
	return nil
}

func (p *picker) view(w, h int) string {
	c := p.c
	fm := &form{c: c}
	lines := []string{c.styles.Header.Render(c.trunc(p.title, w)), fm.filterLine(p.f, true, w)}
	lines = append(lines, fm.optionLines(p.f, true, w, h-2)...)
	return c.fit(lines, w, h)
}

func (p *picker) actions() []action {
	k := p.c.keys
	return []action{do(k.Enter, nil).help("enter", "pick"), do(k.Cancel, nil).help("esc", "close"), do(k.Down, nil).lesser(), do(k.Up, nil).lesser()}
}
