package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"rolecall/model"
)

// MaxGroupSetMembers bounds the member files LoadGroup reads for one
// primary; the members past it are problems, not read.
const MaxGroupSetMembers = 100

// groupRef resolves rel, a path written in the file from (primary, or a
// member's file), relative to from's directory as named (not to the target
// of a link from is). It returns "" and why when rel is no path rolecall
// follows (checkGroupPath).
func groupRef(from, rel string) (string, string) {
	if why := checkGroupPath(rel); why != "" {
		return "", why
	}
	return filepath.Join(filepath.Dir(from), filepath.FromSlash(rel)), ""
}

// NewGroupSet is the group set of the primary's file path, as opened, and
// its account, with no member yet. Its PrimaryDir is path's real directory
// (realDir), so that the model follows member files in other directories
// (a member "../emea/emea.toml" naming its primary "../acme/acme.toml").
func NewGroupSet(path string, primary *model.Account) *model.GroupSet {
	set := &model.GroupSet{PrimaryFile: path, Primary: primary, Members: map[string]*model.Account{}}
	set.PrimaryDir = filepath.ToSlash(realDir(filepath.Dir(path)))
	return set
}

// realDir is directory dir as an absolute path with its links followed,
// or made absolute only when they cannot be (it does not exist yet): the
// directory a member's "../acme/acme.toml" is measured against is the
// primary's real one, whatever link the primary was opened through.
func realDir(dir string) string {
	// Made absolute first: the working directory may itself be reached
	// through a link ($PWD), which a relative "." would keep.
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		return real
	}
	return dir
}

// sameFile reports whether the paths a and b name one file (links
// followed); false when either cannot be read.
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// GroupError is a group that cannot be loaded at all: a member's primary
// that cannot be read, or that names a primary itself.
type GroupError struct {
	Path   string
	Reason string
	Err    error
}

func (e *GroupError) Error() string {
	return fmt.Sprintf("cannot load the group of %s: %s", model.SafeText(e.Path), e.Reason)
}

func (e *GroupError) Unwrap() error { return e.Err }

// LoadGroup loads the group that the account file at path belongs to: a
// primary's file, or a member's (its primary is then loaded, from
// account.primary, relative to the member's directory). Every member the
// primary's groups list is then read (file, relative to the primary's
// directory; each file once), by Load: the same refusals (FIFOs, sizes,
// links whose target is missing) and the load cache.
//
// What keeps one member out is a problem, not a failure: a file that cannot
// be read, one whose primary is not this primary (resolved paths compared:
// it could be any file), one that is a primary itself, the primary itself
// listed as a member, members past MaxGroupSetMembers. Such a member is not
// in GroupSet.Members. The problems name the file and line they are about
// (the primary's [[group_members]] element, or the member's
// account.primary), and come after every file's own problems.
//
// An interrupted group update (a record beside the primary, see
// UpdateGroup) is finished first (RecoverGroup); one that cannot be
// finished is a problem that says which files hold which bytes, and the
// files are loaded as they are.
//
// The error is a *ReadError when the file at path cannot be read, and a
// *GroupError when its primary cannot be, or names a primary itself.
func LoadGroup(path string) (*model.GroupSet, []FileProblem, error) {
	doc, err := Load(path)
	if err != nil {
		return nil, nil, err
	}
	if doc.Account == nil {
		return nil, doc.Problems, &GroupError{Path: path, Reason: "the file cannot be understood; fix it first", Err: &ProblemsError{Path: path, Problems: Errors(doc.Problems)}}
	}
	var probs, own []FileProblem
	primaryPath, primary := path, doc
	start := doc
	if rel := doc.Account.Primary; rel != "" {
		p, why := groupRef(path, rel)
		if why != "" {
			return nil, doc.Problems, &GroupError{Path: path, Reason: "account.primary " + why}
		}
		pd, err := Load(p)
		if err != nil {
			return nil, doc.Problems, &GroupError{Path: path, Reason: fmt.Sprintf("its primary %s cannot be read", model.SafeText(rel)), Err: err}
		}
		if pd.Account == nil {
			return nil, append(doc.Problems, pd.Problems...), &GroupError{Path: path, Reason: fmt.Sprintf("its primary %s cannot be understood", model.SafeText(rel))}
		}
		if pd.Account.Primary != "" {
			return nil, append(doc.Problems, pd.Problems...), &GroupError{Path: path,
				Reason: fmt.Sprintf("its primary %s names a primary itself (account.primary); a primary account belongs to no group", model.SafeText(rel))}
		}
		primaryPath, primary = p, pd
	}
	if rep, err := recoverIfNeeded(primaryPath); err != nil {
		probs = append(probs, FileProblem{Path: primaryPath, Line: 1, Problem: model.Problem{Severity: model.Error, Rule: groupRule, Loc: accountLoc, Message: oneLine(err.Error())}})
	} else if rep != nil && (rep.RolledForward > 0 || rep.RolledBack) {
		// The files changed under us: read them again.
		return LoadGroup(path)
	}
	own = append(own, primary.Problems...)
	set := NewGroupSet(primaryPath, primary.Account)
	var lines *positions // of the primary, once a problem needs them
	var pidx *groupIdx
	memberLine := func(g, j int) int {
		if lines == nil {
			data, _, err := readFile(primaryPath)
			if err != nil {
				return 1
			}
			d := &decoder{path: primaryPath}
			d.decode(data)
			lines = d.pos
			if lines == nil || !groupsMatch(d, primary.Account) {
				lines = &positions{}
				return 1
			}
			pidx = &d.groups
		}
		if pidx == nil || lines.elems == nil {
			return 1
		}
		return lines.line(string(SectionGroupMembers), pidx.member(primary.Account, g, j), "file", -1)
	}
	problem := func(file string, line int, format string, args ...any) {
		probs = append(probs, FileProblem{Path: file, Line: max(line, 1), Problem: model.Problem{Severity: model.Error, Rule: groupRule, Loc: accountLoc, Message: fmt.Sprintf(format, args...)}})
	}
	startListed := start == primary
	seen := map[string]bool{}
	var read []string // resolved members read, for telling one file under two names
	for g, gr := range primary.Account.Groups {
		for j, m := range gr.Members {
			if seen[m.File] {
				continue // listed by several groups: read once
			}
			seen[m.File] = true
			p, why := groupRef(primaryPath, m.File)
			if why != "" {
				problem(primaryPath, memberLine(g, j), "member %s of group %s is not read: its file %s", quote(m.File), quote(gr.Name), why)
				continue
			}
			if len(read) >= MaxGroupSetMembers {
				problem(primaryPath, memberLine(g, j), "member %s of group %s is not read: a group set has at most %d member files", quote(m.File), quote(gr.Name), MaxGroupSetMembers)
				continue
			}
			if sameFile(p, primaryPath) {
				problem(primaryPath, memberLine(g, j), "group %s lists the primary's own file %s as a member; a primary is no member of its groups", quote(gr.Name), quote(m.File))
				continue
			}
			dup := false
			for _, q := range read {
				if sameFile(p, q) {
					dup = true
				}
			}
			if dup {
				problem(primaryPath, memberLine(g, j), "member %s of group %s is a file listed already under another name; list each member file once", quote(m.File), quote(gr.Name))
				continue
			}
			md, err := Load(p)
			if err != nil {
				problem(primaryPath, memberLine(g, j), "member %s of group %s cannot be read: %v", quote(m.File), quote(gr.Name), err)
				continue
			}
			read = append(read, p)
			if start != primary && sameFile(p, path) {
				startListed = true
			}
			if md.Account == nil {
				own = append(own, md.Problems...)
				problem(primaryPath, memberLine(g, j), "member %s of group %s cannot be understood (see its problems)", quote(m.File), quote(gr.Name))
				continue
			}
			back := ""
			if md.Account.Primary != "" {
				back, _ = groupRef(p, md.Account.Primary)
				// Through a link, the member's primary must be this one read
				// from where the file really is too: else a primary could
				// take another primary's member by linking to it.
				if real, err := filepath.EvalSymlinks(p); err == nil && real != p {
					if b, _ := groupRef(real, md.Account.Primary); b == "" || !sameFile(b, primaryPath) {
						back = ""
					}
				}
			}
			switch {
			case len(md.Account.Groups) > 0:
				problem(p, 1, "%s is listed as a member by %s but has account groups of its own; a member account is no primary", model.SafeText(p), model.SafeText(primaryPath))
				continue
			case md.Account.Primary == "":
				problem(primaryPath, memberLine(g, j), "member %s of group %s does not name this primary (it has no account.primary): it is not read as a member; add primary = %s to it",
					quote(m.File), quote(gr.Name), quote(relPath(p, primaryPath)))
				continue
			case back == "" || !sameFile(back, primaryPath):
				problem(primaryPath, memberLine(g, j), "member %s of group %s names another primary (%s): it is not read as a member",
					quote(m.File), quote(gr.Name), quote(md.Account.Primary))
				continue
			}
			own = append(own, md.Problems...)
			set.Members[m.File] = md.Account
		}
	}
	if !startListed {
		problem(path, 1, "%s names %s as its primary, which lists it in none of its groups", model.SafeText(path), model.SafeText(primaryPath))
		own = append(own, doc.Problems...)
	}
	return set, append(own, probs...), nil
}

// groupsMatch reports whether the decoder d, which decoded the primary's
// bytes again, found the groups a has (the file did not change meanwhile).
func groupsMatch(d *decoder, a *model.Account) bool {
	if len(d.groups.groups) != len(a.Groups) {
		return false
	}
	for g := range a.Groups {
		if len(d.groups.members[g]) != len(a.Groups[g].Members) {
			return false
		}
	}
	return true
}

// relPath is target relative to the directory of from, with forward
// slashes, or target when it has none.
func relPath(from, target string) string {
	af, err1 := filepath.Abs(from)
	at, err2 := filepath.Abs(target)
	if err := errors.Join(err1, err2); err != nil {
		return filepath.ToSlash(target)
	}
	r, err := filepath.Rel(filepath.Dir(af), at)
	if err != nil {
		return filepath.ToSlash(target)
	}
	return filepath.ToSlash(r)
}

// GroupKey says which account of set the file at path is: "" and true for
// the primary, the member's key in set.Members (the path as the primary
// writes it) and true for a member, false for neither. Paths are compared
// as files (links followed), so any spelling of one file finds it.
func GroupKey(set *model.GroupSet, path string) (string, bool) {
	if sameFile(path, set.PrimaryFile) {
		return "", true
	}
	for key := range set.Members {
		if p, why := groupRef(set.PrimaryFile, key); why == "" && sameFile(path, p) {
			return key, true
		}
	}
	return "", false
}
