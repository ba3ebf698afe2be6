package cli

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"rolecall/model"
)

// The report's three formats. Every text from the account (names, emails,
// descriptions, the reasons that quote them) is passed through
// model.SafeText first, then escaped for its format: CSV cells that a
// spreadsheet would take for a formula get a leading quote, Markdown
// escapes its punctuation, HTML escapes its five special characters (htmlEscape).

// notes numbers the distinct texts the matrix and the environment tables
// refer to, in the order of first use, so that each is written once.
type notes struct {
	idx  map[string]int
	list []string
}

func (n *notes) ref(text string) int {
	if n.idx == nil {
		n.idx = map[string]int{}
	}
	if i, ok := n.idx[text]; ok {
		return i
	}
	n.list = append(n.list, text)
	n.idx[text] = len(n.list)
	return len(n.list)
}

// grantText is where a grant comes from, in words.
func grantText(g model.Grant) string { return model.SafeText(g.From()) }

// roleSource says how a user holds a role: assigned, or, for a group user
// of a member's view, through which groups (R25).
func roleSource(u *model.ReviewUser, role string) string {
	if gs, ok := u.RoleGroups[role]; ok && len(gs) > 0 {
		return "assigned through the account group(s) " + model.SafeText(model.AndList(gs))
	}
	return "assigned"
}

// ---- CSV ----

// csvColumns are the columns of the CSV report, one row per record.
var csvColumns = []string{"record", "user", "name", "item", "environment", "access", "deploy", "schedule",
	"source", "deploy_source", "schedule_source", "decision", "reviewer", "review_date", "comment"}

// csvCell neutralises a cell a spreadsheet would run as a formula (OWASP:
// a leading =, +, -, @, tab or carriage return): a leading quote makes it
// text.
func csvCell(s string) string {
	s = model.SafeText(s)
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

func writeReportCSV(out *reportSink, m reportMeta, rv *model.Review) error {
	w := csv.NewWriter(out)
	row := make([]string, len(csvColumns))
	put := func(rec, user, name, item, env, access, deploy, schedule, src, dsrc, ssrc string) {
		for i, v := range [...]string{rec, user, name, item, env, access, deploy, schedule, src, dsrc, ssrc} {
			row[i] = csvCell(v)
		}
		clear(row[11:]) // the reviewer's columns
		w.Write(row)
	}
	w.Write(csvColumns)
	for _, kv := range m.pairs() {
		put("report", "", "", kv[0], "", "", "", "", kv[1], "", "")
	}
	err := rv.EachUser(model.ReviewGrants|model.ReviewEnvs, func(_ int, u *model.ReviewUser) error {
		for _, r := range u.Roles {
			put("role", u.Email, u.Name, r, "", "", "", "", roleSource(u, r), "", "")
		}
		for _, g := range u.Grants {
			put("privilege", u.Email, u.Name, g.Privilege.String(), "", "", "", "", grantText(g), "", "")
		}
		for j := range u.Envs {
			v := &u.Envs[j]
			put("environment", u.Email, u.Name, "", rv.Environments[v.Env].Name, string(v.Access), yesNo(v.Deploy), yesNo(v.Schedule),
				v.Reason, v.DeployReason, v.ScheduleReason)
		}
		w.Flush()
		out.row()
		return w.Error()
	})
	w.Flush()
	if err != nil {
		return err
	}
	return w.Error()
}

// pairs is the header as keys and values, in order.
func (m reportMeta) pairs() [][2]string {
	out := [][2]string{{"account", m.Account}, {"file", m.File}, {"sha256", m.SHA256}, {"generated", m.Generated}, {"rolecall", m.Version}}
	for _, s := range m.Scope {
		out = append(out, [2]string{"scope", s})
	}
	return out
}

// ---- Markdown ----

// mdEscape writes s for a GitHub-flavoured Markdown table cell: ASCII
// punctuation that could start markup is backslash-escaped (| above all,
// which would end the cell), line breaks become spaces, and "://" and
// "www." are escaped so that a name does not turn into a link.
func mdEscape(s string) string {
	s = model.SafeText(s)
	if strings.ContainsAny(s, "\\`*_[]<>|&~!#$\n\r") {
		var b strings.Builder
		for _, r := range s {
			switch r {
			case '\n', '\r':
				b.WriteByte(' ')
				continue
			case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '&', '~', '!', '#', '$':
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		s = b.String()
	}
	if strings.Contains(s, "://") || strings.Contains(s, "www.") {
		s = strings.NewReplacer("://", ":\\/\\/", "www.", "www\\.").Replace(s)
	}
	return s
}

const (
	markHeld    = "●" // a held role ticks or inherits the privilege
	markCovered = "○" // held only through a privilege covering it (R4)
)

func writeReportMarkdown(b *reportSink, m reportMeta, rv *model.Review) {
	var n notes
	fmt.Fprintf(b, "# Access review: %s\n\n", mdEscape(m.Account))
	b.WriteString("| | |\n|---|---|\n")
	for _, kv := range [][2]string{{"Account", m.Account}, {"File", m.File}, {"SHA-256", m.SHA256}, {"Generated (UTC)", m.Generated}, {"Made by", m.Version}} {
		fmt.Fprintf(b, "| %s | %s |\n", kv[0], mdEscape(kv[1]))
	}
	b.WriteString("\n")
	for _, s := range m.Scope {
		fmt.Fprintf(b, "- %s\n", mdEscape(s))
	}

	b.WriteString("\n## Users and privileges\n\n")
	b.WriteString("Columns are numbered as in this list (holders: users holding the privilege account-wide).\n\n| # | Privilege | Holders |\n|---:|---|---:|\n")
	for i, p := range rv.Privileges {
		fmt.Fprintf(b, "| %d | %s | %d |\n", i+1, mdEscape(p.String()), rv.Holders[i])
	}
	fmt.Fprintf(b, "\n%s a role the user holds ticks the privilege or inherits it; %s the user holds it only because they hold a privilege that covers it; "+
		"the number after the mark is the note (under Notes) naming the roles it comes from. An empty cell: not held.\n\n", markHeld, markCovered)
	b.WriteString("| User | Name | Roles |")
	for i := range rv.Privileges {
		fmt.Fprintf(b, " %d |", i+1)
	}
	b.WriteString(" Decision (keep/revoke) | Reviewer | Date | Comment |\n|---|---|---|")
	for range rv.Privileges {
		b.WriteString(":-:|")
	}
	b.WriteString("---|---|---|---|\n")
	rv.EachUser(model.ReviewGrants, func(_ int, u *model.ReviewUser) error {
		roles := make([]string, len(u.Roles))
		for j, r := range u.Roles {
			roles[j] = mdEscape(r)
		}
		fmt.Fprintf(b, "| %s | %s | %s |", mdEscape(u.Email), mdEscape(u.Name), strings.Join(roles, ", "))
		k := 0
		for _, p := range rv.Privileges {
			b.WriteByte(' ')
			if k < len(u.Grants) && u.Grants[k].Privilege == p {
				g := u.Grants[k]
				k++
				mark := markHeld
				if g.ImpliedBy != 0 {
					mark = markCovered
				}
				fmt.Fprintf(b, "%s %d", mark, n.ref(grantText(g)))
			}
			b.WriteString(" |")
		}
		b.WriteString(" | | | |\n")
		b.row()
		return nil
	})

	b.WriteString("\n## Environments\n")
	for e, env := range rv.Environments {
		fmt.Fprintf(b, "\n### %s\n\n%s\n\n", mdEscape(env.Name), mdEscape(envSummary(env, rv.Users())))
		if env.Seeing == 0 {
			continue
		}
		b.WriteString("| User | Name | Access | Deploy | Schedule | Why: access; deploy; schedule (notes) | Decision (keep/revoke) | Reviewer | Date | Comment |\n|---|---|---|---|---|---|---|---|---|---|\n")
		rv.EachSeer(e, func(u int, v *model.EnvView) error {
			email, name := rv.Who(u)
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %d; %d; %d | | | | |\n", mdEscape(email), mdEscape(name), v.Access, yesNo(v.Deploy), yesNo(v.Schedule),
				n.ref(model.SafeText(v.Reason)), n.ref(model.SafeText(v.DeployReason)), n.ref(model.SafeText(v.ScheduleReason)))
			b.row()
			return nil
		})
	}

	b.WriteString("\n## Roles\n\n| Role | Kind | Inherits (chain) | Ticks | Inherited | Holders | Listed in (Roles with Access) | Description |\n|---|---|---|---|---|---:|---|---|\n")
	for _, r := range rv.Roles {
		kind := "custom"
		if r.BuiltIn {
			kind = "built-in"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %d | %s | %s |\n", mdEscape(r.Name), kind, mdEscape(chainWords(r.Chain)),
			mdEscape(privWords(r.Ticks)), mdEscape(privWords(r.Inherited)), r.Holders, mdEscape(listWords(r.ListedIn)), mdEscape(r.Description))
	}

	b.WriteString("\n## Notes\n\n")
	for i, t := range n.list {
		fmt.Fprintf(b, "%d\\. %s  \n", i+1, mdEscape(t))
		b.row()
	}
	if len(n.list) == 0 {
		b.WriteString("No user holds a privilege or sees an environment.\n")
	}
}

// envSummary describes a covered environment: its classification, its
// Roles with Access and how many users see it.
func envSummary(env model.ReviewEnv, users int) string {
	lists := "open to every role"
	if len(env.Lists) > 0 {
		lists = "Roles with Access: " + model.AndList(env.Lists)
	}
	return fmt.Sprintf("%s; %s; %d of %s see it, listed below; the others do not see it.", classWord(env.Classification), lists, env.Seeing, plural(users, "user"))
}

func classWord(c model.Classification) string {
	if c == "" {
		return "no classification"
	}
	return string(c)
}

func chainWords(chain []string) string {
	if len(chain) <= 1 {
		return "-"
	}
	return strings.Join(chain[1:], " -> ")
}

func privWords(ps []model.Privilege) string {
	if len(ps) == 0 {
		return "-"
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.String()
	}
	return strings.Join(names, ", ")
}

func listWords(names []string) string {
	if len(names) == 0 {
		return "-"
	}
	return strings.Join(names, ", ")
}

// ---- HTML ----

// The HTML page is written by code, every text from the account through
// htmlEscape. (It once was html/template's; that package finds methods
// by name at run time, which makes the linker keep every exported method
// of the program: 3.4 MB more binary for every command to start.)

type htmlHead struct {
	Meta  reportMeta
	Rows  [][2]string
	Privs []htmlPriv
}

type htmlPriv struct {
	Name    string
	Holders int
}

type htmlEnv struct {
	Name, Summary string
	Seeing        int
}

type htmlRole struct {
	Name, Kind, Chain, Ticks, Inherited, Listed, Description string
	Holders                                                  int
}

type htmlTail struct {
	Roles []htmlRole
	Notes []string
}

// htmlEscape escapes s for HTML text and quoted attribute values: the
// five characters HTML gives meaning to, and NUL.
func htmlEscape(s string) string { return htmlEscaper.Replace(s) }

var htmlEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "'", "&#39;", "&", "&amp;", "<", "&lt;", ">", "&gt;")

func writeReportHTML(out *reportSink, m reportMeta, rv *model.Review) error {
	var n notes
	esc := func(s string) string { return htmlEscape(model.SafeText(s)) }
	head := htmlHead{Meta: m}
	head.Meta.Account = model.SafeText(m.Account)
	head.Meta.Scope = make([]string, len(m.Scope))
	for i, s := range m.Scope {
		head.Meta.Scope[i] = model.SafeText(s)
	}
	for _, kv := range [][2]string{{"Account", m.Account}, {"File", m.File}, {"SHA-256", m.SHA256}, {"Generated (UTC)", m.Generated}, {"Made by", m.Version}} {
		head.Rows = append(head.Rows, [2]string{kv[0], model.SafeText(kv[1])})
	}
	for i, p := range rv.Privileges {
		head.Privs = append(head.Privs, htmlPriv{Name: p.String(), Holders: rv.Holders[i]})
	}
	writeHTMLHead(out, head)
	const review = "<td class=rv>☐ keep ☐ revoke</td><td class=rv></td><td class=rv></td><td class=rv></td></tr>\n"
	rv.EachUser(model.ReviewGrants, func(_ int, u *model.ReviewUser) error {
		fmt.Fprintf(out, "<tr><th class=u>%s<div class=nm>%s</div></th><td class=roles>", esc(u.Email), esc(u.Name))
		for _, r := range u.Roles {
			out.WriteString("<div>" + esc(r) + "</div>")
		}
		out.WriteString("</td>")
		k := 0
		for _, pr := range rv.Privileges {
			if k < len(u.Grants) && u.Grants[k].Privilege == pr {
				g := u.Grants[k]
				k++
				cls := "h"
				if g.ImpliedBy != 0 {
					cls = "i"
				}
				t := grantText(g)
				ref := n.ref(t)
				fmt.Fprintf(out, "<td class=%s title=\"%s\"><a href=\"#n%d\">%d</a></td>", cls, htmlEscape(t), ref, ref)
				continue
			}
			out.WriteString("<td></td>")
		}
		out.WriteString(review)
		out.row()
		return nil
	})
	out.WriteString(htmlEnvsStart)
	// Reasons repeat across hundreds of thousands of cells: each one's
	// link is made once.
	links := map[string]string{}
	ref := func(s string) string {
		if l, ok := links[s]; ok {
			return l
		}
		k := strconv.Itoa(n.ref(model.SafeText(s)))
		l := "<a href=\"#n" + k + "\">" + k + "</a>"
		links[s] = l
		return l
	}
	// A user's row head, escaped once: it is repeated in every
	// environment they see.
	heads := make([]string, rv.Users())
	for i := range heads {
		email, name := rv.Who(i)
		heads[i] = "<tr><th class=u>" + esc(email) + "<div class=nm>" + esc(name) + "</div></th>"
	}
	for e, env := range rv.Environments {
		he := htmlEnv{Name: model.SafeText(env.Name), Summary: model.SafeText(envSummary(env, rv.Users())), Seeing: env.Seeing}
		writeHTMLEnv(out, he)
		if env.Seeing == 0 {
			continue
		}
		rv.EachSeer(e, func(u int, v *model.EnvView) error {
			// Access is one of the model's three words: a class as it is.
			out.WriteString(heads[u])
			fmt.Fprintf(out, "<td class=%s>%s</td><td class=%s>%s</td><td class=%s>%s</td><td>%s; %s; %s</td>",
				v.Access, v.Access, yesNo(v.Deploy), yesNo(v.Deploy), yesNo(v.Schedule), yesNo(v.Schedule),
				ref(v.Reason), ref(v.DeployReason), ref(v.ScheduleReason))
			out.WriteString(review)
			out.row()
			return nil
		})
		out.WriteString("</tbody>\n</table>\n")
	}
	var tail htmlTail
	for _, r := range rv.Roles {
		kind := "custom"
		if r.BuiltIn {
			kind = "built-in"
		}
		tail.Roles = append(tail.Roles, htmlRole{Name: model.SafeText(r.Name), Kind: kind, Chain: model.SafeText(chainWords(r.Chain)), Ticks: privWords(r.Ticks),
			Inherited: privWords(r.Inherited), Listed: model.SafeText(listWords(r.ListedIn)), Description: model.SafeText(r.Description), Holders: r.Holders})
	}
	tail.Notes = n.list
	writeHTMLTail(out, tail)
	return nil
}

func writeHTMLHead(out *reportSink, h htmlHead) {
	account := htmlEscape(h.Meta.Account)
	out.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Access review: ")
	out.WriteString(account)
	out.WriteString("</title>\n<style>\n" + htmlStyle + "</style>\n</head>\n<body>\n<h1>Access review: ")
	out.WriteString(account)
	out.WriteString("</h1>\n<table class=\"meta\">\n")
	for _, r := range h.Rows {
		out.WriteString("<tr><th>" + htmlEscape(r[0]) + "</th><td>" + htmlEscape(r[1]) + "</td></tr>\n")
	}
	out.WriteString("</table>\n<ul>\n")
	for _, s := range h.Meta.Scope {
		out.WriteString("<li>" + htmlEscape(s) + "</li>\n")
	}
	out.WriteString("</ul>\n\n<h2>Users and privileges</h2>\n" + htmlLegend +
		"<div class=\"scroll\">\n<table class=\"grid\">\n<thead><tr><th>User</th><th>Roles</th>")
	for _, p := range h.Privs {
		cls := "p"
		if p.Holders == 0 {
			cls = "p none"
		}
		name := htmlEscape(p.Name)
		fmt.Fprintf(out, "<th class=\"%s\" title=\"%s: %d holders\"><b>%s</b> (%d)</th>", cls, name, p.Holders, name, p.Holders)
	}
	out.WriteString("<th>Decision</th><th>Reviewer</th><th>Date</th><th>Comment</th></tr></thead>\n<tbody>\n")
}

const htmlEnvsStart = "</tbody>\n</table>\n</div>\n\n<h2>Environments</h2>\n" +
	"<p>Access, deploy and schedule in each environment, for the users who see it. Why: the notes giving the reason for access, for deploy and for schedule.</p>\n"

func writeHTMLEnv(out *reportSink, e htmlEnv) {
	out.WriteString("<h3>" + htmlEscape(e.Name) + "</h3>\n<p class=\"muted\">" + htmlEscape(e.Summary) + "</p>\n")
	if e.Seeing != 0 {
		out.WriteString("<table class=\"env\">\n<thead><tr><th>User</th><th>Access</th><th>Deploy</th><th>Schedule</th><th>Why</th>" +
			"<th>Decision</th><th>Reviewer</th><th>Date</th><th>Comment</th></tr></thead>\n<tbody>\n")
	}
}

func writeHTMLTail(out *reportSink, t htmlTail) {
	out.WriteString("\n<h2>Roles</h2>\n<table class=\"roles\">\n<thead><tr><th>Role</th><th>Kind</th><th>Inherits</th><th>Ticks</th>" +
		"<th>Inherited</th><th>Holders</th><th>Listed in (Roles with Access)</th><th>Description</th></tr></thead>\n<tbody>\n")
	for _, r := range t.Roles {
		fmt.Fprintf(out, "<tr><th class=\"u\">%s</th><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%s</td><td>%s</td></tr>\n",
			htmlEscape(r.Name), htmlEscape(r.Kind), htmlEscape(r.Chain), htmlEscape(r.Ticks), htmlEscape(r.Inherited), r.Holders, htmlEscape(r.Listed), htmlEscape(r.Description))
	}
	out.WriteString("</tbody>\n</table>\n\n<h2>Notes</h2>\n")
	if len(t.Notes) == 0 {
		out.WriteString("<p>No user holds a privilege or sees an environment.</p>")
	} else {
		out.WriteString("<ol class=\"notes\">\n")
		for i, note := range t.Notes {
			fmt.Fprintf(out, "<li id=\"n%d\">%s</li>\n", i+1, htmlEscape(note))
		}
		out.WriteString("</ol>")
	}
	out.WriteString("\n</body>\n</html>\n")
}

const htmlLegend = `<p class="legend"><span style="background:#bfe3c4">3</span> a role the user holds ticks the privilege or inherits it;
<span style="background:#eaf5d4"><i>3</i></span> the user holds it only because they hold a privilege that covers it;
the number is the note naming the roles it comes from (hover for the text). An empty cell: not held.
A column's header gives the number of users holding the privilege; grey: nobody holds it.</p>
`

const htmlStyle = `body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;margin:20px}
h1{font-size:22px;margin:0 0 10px}
h2{font-size:17px;margin:28px 0 8px;padding-bottom:3px;border-bottom:2px solid #345}
h3{font-size:14px;margin:20px 0 4px}
p,li{max-width:110ch}
table{border-collapse:collapse;margin:6px 0}
th,td{border:1px solid #c4c8cc;padding:3px 5px;vertical-align:top;text-align:left}
thead th{background:#eef1f4}
thead{display:table-header-group}
tr{break-inside:avoid}
table.meta th{background:#eef1f4;width:11em}
table.meta td{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
.legend span{display:inline-block;min-width:1.6em;text-align:center;border:1px solid #c4c8cc;margin:0 3px}
.scroll{overflow:auto;max-height:85vh;border:1px solid #c4c8cc}
table.grid{margin:0}
table.grid thead th{position:sticky;top:0;z-index:1}
table.grid th.p{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:normal;padding:4px 1px;text-align:left;height:11em;line-height:1.15;font-size:11px}
table.grid th.p.none{color:#8a9097}
table.grid th.p b{font-weight:600}
table.grid td{text-align:center;min-width:1.7em;padding:2px 2px;font-size:11px}
table.grid td.roles{text-align:left;font-size:11px;min-width:9em}
td.roles div+div{border-top:1px dotted #aab}
th.u{font-weight:600;background:#fafbfc;white-space:nowrap}
th.u .nm{font-weight:normal;color:#555;font-size:11px}
td.h{background:#bfe3c4}
td.i{background:#eaf5d4;font-style:italic}
td a{color:#123;text-decoration:none}
td.rv{min-width:5.5em;font-size:11px;color:#555;white-space:nowrap}
td.write{background:#f6d3c8}
td.read{background:#fdf1c7}
td.yes{font-weight:600}
tbody tr:nth-child(even) th.u{background:#f1f3f5}
ol.notes{font-size:12px;padding-left:5em}
ol.notes li{margin:1px 0}
.muted{color:#555}
table.roles{width:100%}
table.roles td{font-size:12px}
@media print{
  @page{size:A4 landscape;margin:9mm}
  body{margin:0;font-size:10px}
  .scroll{overflow:visible;max-height:none;border:0}
  table.grid thead th{position:static}
  table.grid th.p{font-size:8px;height:13em}
  h2{break-after:avoid}
  h2~h2{break-before:page}
  h1+table,h3{break-after:avoid}
  td.h,td.i,td.write,td.read,thead th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  a{color:inherit}
}
`

// reportSink is where a report is written: buffered, with row called
// between records, where the output may be passed on (see
// app.reportTo).
type reportSink struct {
	*bufio.Writer
	boundary func()
}

func (s *reportSink) row() {
	if s.boundary != nil {
		s.boundary()
	}
}
