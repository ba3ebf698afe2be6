package cli

import (
	"fmt"
	"strings"

	"rolecall/model"
)

// `diff --format markdown`: a diff as a pull-request comment, in the
// manner of a plan. The summary (model.Overview, one line per change with
// up to mdListed users named) is always whole; the details after it (the
// full list of each longer line, then each user's changes with where what
// they gain or lose comes from) are cut to keep the output under max bytes,
// and a note says how much was left out.

// mdListed is how many users a summary line names before "and N more".
const mdListed = 10

type mdDiff struct {
	old, new       side
	oldRes, newRes *model.Resolver
	diff           model.Diff
	violations     []model.Violation // model.NewViolations(oldRes, newRes)
	max            int               // bytes; 0: no limit
}

// mdReserve is what the note about a cut and the closing tags may take.
const mdReserve = 700

// mdViolations is how many new violations a comment lists; the rest are
// counted.
const mdViolations = 50

func writeMarkdown(b *strings.Builder, m mdDiff) {
	o := m.diff.Overview()
	b.WriteString("### rolecall: what changes for whom\n\n")
	fmt.Fprintf(b, "%s → %s (account %s)\n\n", codeSpan(m.old.label, false), codeSpan(m.new.label, false), codeSpan(m.new.acct.Name, false))
	if m.diff.Empty() {
		b.WriteString("No change of access for anyone.\n")
		m.writeViolations(b)
		return
	}
	fmt.Fprintf(b, "**%s** changed. Gaining access: %d; losing access: %d; added: %d; removed: %d.\n\n",
		plural(o.Users, "user"), o.Gaining, o.Losing, o.Added, o.Removed)
	b.WriteString("```diff\n")
	for _, l := range o.Lines {
		b.WriteString(l.Sign + " " + l.Sentence(mdListed) + "\n")
	}
	b.WriteString("```\n\n")
	m.writeViolations(b)

	// The details, each block whole or not at all.
	var lists []string
	for _, l := range o.Lines {
		if len(l.Users) > mdListed {
			lists = append(lists, mdList(l))
		}
	}
	room := m.max - b.Len() - mdReserve
	fits := func(s string) bool {
		if m.max == 0 {
			return true
		}
		if len(s) > room {
			return false
		}
		room -= len(s)
		return true
	}
	// Lists that do not fit are left out (a shorter one after them may
	// fit); users' details are shown in order until one does not fit.
	var shownLists []string
	for _, s := range lists {
		if fits(s) {
			shownLists = append(shownLists, s)
		}
	}
	// A user's block is made only when the ones before it fitted: the
	// rest are counted, not written.
	var users []string
	for _, ud := range m.diff.Users {
		s := m.userBlock(ud)
		if !fits(s) {
			break
		}
		users = append(users, s)
	}
	shownUsers := len(users)
	if m.max > 0 && (len(shownLists) < len(lists) || shownUsers < len(m.diff.Users)) {
		if b.Len() > m.max {
			fmt.Fprintf(b, "> **The summary alone is %d bytes**, over the limit of %d (--max-size; a GitHub comment holds at most 65,536 characters). It is printed whole; the details are left out: ", b.Len(), m.max)
		} else {
			fmt.Fprintf(b, "> **Details cut to stay under %d bytes** (--max-size; a GitHub comment holds at most 65,536 characters): ", m.max)
		}
		fmt.Fprintf(b, "%d of %d full lists and the changes of %d of %d users are shown. "+
			"`rolecall diff --format markdown --max-size 0` prints them all; `--format json` gives them to tools.\n\n",
			len(shownLists), len(lists), shownUsers, len(m.diff.Users))
	}
	if len(shownLists) > 0 {
		fmt.Fprintf(b, "<details><summary>Everyone in each change (%s)</summary>\n\n", plural(len(shownLists), "list"))
		for _, s := range shownLists {
			b.WriteString(s)
		}
		b.WriteString("</details>\n\n")
	}
	if shownUsers > 0 {
		fmt.Fprintf(b, "<details><summary>Per user (%s)</summary>\n\n", plural(shownUsers, "user"))
		for _, s := range users {
			b.WriteString(s)
		}
		b.WriteString("</details>\n")
	}
}

// mdList is the whole list of users of a summary line.
func mdList(l model.OverviewLine) string {
	var b strings.Builder
	b.WriteString(codeSpan(l.Sign+" "+l.Title(), false) + "\n\n")
	for i, u := range l.Users {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(codeSpan(u, false))
	}
	b.WriteString("\n\n")
	return b.String()
}

// userBlock is one user's changes: each privilege gained with where it now
// comes from, each lost with where it came from, and a table of the
// environments that change for them.
func (m mdDiff) userBlock(ud model.UserDiff) string {
	var b strings.Builder
	b.WriteString("#### " + codeSpan(ud.User, false))
	switch {
	case ud.Added:
		b.WriteString(" (added)")
	case ud.Removed:
		b.WriteString(" (removed)")
	}
	b.WriteString("\n\n")
	from := func(res *model.Resolver, names []string) map[string]string {
		out := map[string]string{}
		if len(names) == 0 {
			return out
		}
		u := res.User(ud.User)
		if u < 0 {
			return out
		}
		for _, g := range res.Grants(u) {
			out[g.Privilege.String()] = g.From()
		}
		return out
	}
	gained, lost := from(m.newRes, ud.Gained), from(m.oldRes, ud.Lost)
	for _, p := range ud.Gained {
		fmt.Fprintf(&b, "- \\+ gains **%s**", mdText(p))
		if f := gained[p]; f != "" {
			b.WriteString(": from " + codeSpan(f, false))
		}
		b.WriteString("\n")
	}
	for _, p := range ud.Lost {
		fmt.Fprintf(&b, "- \\- loses **%s**", mdText(p))
		if f := lost[p]; f != "" {
			b.WriteString(": had it from " + codeSpan(f, false))
		}
		b.WriteString("\n")
	}
	if len(ud.Gained)+len(ud.Lost) > 0 {
		b.WriteString("\n")
	}
	if len(ud.Envs) > 0 {
		b.WriteString("| Environment | Before | After |\n| --- | --- | --- |\n")
		for _, c := range ud.Envs {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", codeSpan(c.Environment, true), mdText(c.Before.String()), mdText(c.After.String()))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// mdText is text made safe to write in Markdown: control characters
// escaped (SafeText), and every ASCII punctuation character that Markdown
// or HTML could read as syntax backslash-escaped.
func mdText(s string) string {
	s = model.SafeText(s)
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && strings.ContainsRune("\\`*_{}[]()#+-.!|<>~&@:\"'=$", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// codeSpan is s as an inline code span: nothing in it is read as Markdown,
// a mention or a link. Its fence is longer than any run of backticks in s.
// In a table cell (table), "|" is escaped, which GitHub's tables require
// even inside code.
func codeSpan(s string, table bool) string {
	s = model.SafeText(s)
	if strings.TrimSpace(s) == "" {
		return mdText(fmt.Sprintf("%q", s))
	}
	run, longest := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	if table {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || (strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ")) {
		s = " " + s + " "
	}
	return fence + s + fence
}

// writeViolations says what NEW breaks of its separation-of-duties rules
// that OLD did not: a reviewer must see it before the details. Each line
// starts with "! ", so that no name can end the block early. The first
// mdViolations are listed, the rest counted.
func (m mdDiff) writeViolations(b *strings.Builder) {
	if len(m.violations) == 0 {
		return
	}
	shown, all := 0, model.CountSites(m.violations)
	fmt.Fprintf(b, "**%s of separation of duties** (the rules of the new file):\n\n", plural(all, "new violation"))
	b.WriteString("```text\n")
	for _, v := range m.violations {
		for _, l := range v.Lines() {
			if shown == mdViolations {
				break
			}
			b.WriteString("! " + model.SafeText(l) + " (" + v.Cite() + ")\n")
			shown++
		}
	}
	b.WriteString("```\n\n")
	if shown < all {
		fmt.Fprintf(b, "> **%d of %d new violations are shown.** `rolecall diff` (text or `--format json`) lists them all.\n\n", shown, all)
	}
}
