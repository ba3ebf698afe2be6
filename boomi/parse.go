package boomi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"rolecall/model"
)

// ReadResponses reads saved responses of Boomi's Platform API into one
// Live. Each path is a file or a directory, whose regular files are read in
// the order of their names (subdirectories are not read; symbolic links and
// other non-regular files are refused). Each file is one response, JSON or
// XML: a query page (QueryResult), a BulkResult, getAssignableRoles or a
// single object, of Role, AccountUserRole, EnvironmentRole, Environment,
// AccountGroup, AccountGroupAccount or AccountGroupUserRole. An
// AccountGroup's Resources come only with a get or a bulk GET: a group
// read only from a query page is kept without them (the import says so).
//
// The notes say what the files leave open: a page whose queryToken says
// more results remain (Warning), a bulk entry that failed (Error), the same
// object twice with different contents (Error). Anything rolecall cannot
// read at all is the returned error, naming the file.
func ReadResponses(paths []string) (*model.Live, []model.ImportNote, error) {
	return readResponses(paths, limits{files: MaxFiles, objects: MaxObjects})
}

// limits are the limits on files and objects ReadResponses applies. The
// tests of the limits lower them: reaching MaxObjects takes 200,001 objects,
// seconds of CPU time.
type limits struct{ files, objects int }

func readResponses(paths []string, lim limits) (*model.Live, []model.ImportNote, error) {
	files, err := listFiles(paths, lim.files)
	if err != nil {
		return nil, nil, err
	}
	a := newAccumulator()
	a.maxObjects = lim.objects
	for _, name := range files {
		data, err := readFile(name)
		if err != nil {
			return nil, nil, err
		}
		d, err := parseDoc(data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", safePath(name), err)
		}
		if err := a.add(safePath(name), d); err != nil {
			return nil, nil, err
		}
	}
	if err := a.settleAccount(); err != nil {
		return nil, nil, err
	}
	live, notes := a.finish()
	return live, notes, nil
}

// settleAccount decides the account when no AccountUserRole named it:
// the one account the Role objects name. Roles of several accounts, and no
// link to say which is this one, cannot be told apart.
func (a *accumulator) settleAccount() error {
	if a.live.AccountID != "" || len(a.roleAccts) == 0 {
		return nil
	}
	if len(a.roleAccts) == 1 {
		for id, where := range a.roleAccts {
			a.live.AccountID, a.acctFrom = id, where
		}
		return nil
	}
	ids := make([]string, 0, len(a.roleAccts))
	for id := range a.roleAccts {
		ids = append(ids, quoteStr(id))
	}
	slices.Sort(ids)
	return fmt.Errorf("the Role objects name several accounts (%s) and no AccountUserRole says which one these responses are of; include the AccountUserRole pages", model.SafeText(strings.Join(ids, ", ")))
}

func safePath(p string) string { return model.SafeText(p) }

// listFiles expands paths to files, refusing links and special files.
func listFiles(paths []string, maxFiles int) ([]string, error) {
	var out []string
	for _, p := range paths {
		fi, err := os.Lstat(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", safePath(p), plainErr(err))
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			return nil, fmt.Errorf("%s is a symbolic link; rolecall reads only regular files and directories, not links", safePath(p))
		case fi.IsDir():
			f, err := openNoFollow(p)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", safePath(p), plainErr(err))
			}
			ents, err := f.ReadDir(-1)
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", safePath(p), plainErr(err))
			}
			slices.SortFunc(ents, func(x, y fs.DirEntry) int { return strings.Compare(x.Name(), y.Name()) })
			for _, e := range ents {
				if e.IsDir() {
					continue // not recursing
				}
				out = append(out, filepath.Join(p, e.Name()))
				if len(out) > maxFiles {
					return nil, fmt.Errorf("%s: more than %d files, over the limit", safePath(p), maxFiles)
				}
			}
		default:
			out = append(out, p)
		}
		if len(out) > maxFiles {
			return nil, fmt.Errorf("more than %d files, over the limit", maxFiles)
		}
	}
	return out, nil
}

func plainErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readFile reads one regular file of at most MaxFileSize bytes, opened
// without following a link.
func readFile(name string) ([]byte, error) {
	f, err := openNoFollow(name)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, fmt.Errorf("%s is a symbolic link; rolecall reads only regular files, not links", safePath(name))
		}
		return nil, fmt.Errorf("%s: %w", safePath(name), plainErr(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", safePath(name), plainErr(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s); rolecall reads saved responses from regular files only", safePath(name), fileKind(fi.Mode()))
	}
	if fi.Size() > MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes, over the limit of %d bytes per file", safePath(name), fi.Size(), MaxFileSize)
	}
	// A buffer of the file's size and a little: io.ReadAll starts at 512
	// bytes and grows, a read and a copy per doubling (a 20 kB page took 7
	// reads). The limit still holds if the file grows meanwhile.
	buf := bytes.NewBuffer(make([]byte, 0, fi.Size()+bytes.MinRead))
	_, err = buf.ReadFrom(io.LimitReader(f, MaxFileSize+1))
	data := buf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", safePath(name), plainErr(err))
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: over the limit of %d bytes per file", safePath(name), MaxFileSize)
	}
	return data, nil
}

func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "mode " + m.String()
}

// accumulator merges the responses of several files (or requests) into one
// Live.
type accumulator struct {
	live    model.Live
	notes   []model.ImportNote
	roleAt  map[string]int
	userAt  map[string]int
	envAt   map[string]int
	envRAt  map[string]int
	groupAt map[string]int
	gaAt    map[string]int
	guAt    map[string]int
	from    map[string]string // type+key -> where the kept copy came from
	seen    map[string]int    // objects read per type, duplicates included
	// maxObjects is the limit on seen per type: MaxObjects but in tests.
	maxObjects int
	acctFrom   string
	pages      []page
	// roleAccts are the account ids Role objects name, with where each was
	// first seen: a Role page may hold an account group's shared role, of
	// the primary account, so they decide the account only when no link
	// does (settleAccount).
	roleAccts map[string]string
}

type page struct {
	where, typ string
	count      int
	hasCount   bool
}

func newAccumulator() *accumulator {
	return &accumulator{roleAt: map[string]int{}, userAt: map[string]int{}, envAt: map[string]int{}, envRAt: map[string]int{},
		groupAt: map[string]int{}, gaAt: map[string]int{}, guAt: map[string]int{},
		from: map[string]string{}, seen: map[string]int{}, maxObjects: MaxObjects}
}

func (a *accumulator) note(sev model.Severity, obj, id, format string, args ...any) {
	a.notes = append(a.notes, model.ImportNote{Severity: sev, Object: obj, ID: id, Message: fmt.Sprintf(format, args...)})
}

// add merges document d, read from where (a file, or a request).
func (a *accumulator) add(where string, d *doc) error {
	if d.queryToken != "" {
		typ := ""
		if len(d.items) > 0 {
			typ = d.items[0].typ
		}
		a.pages = append(a.pages, page{where: where, typ: typ, count: d.count, hasCount: d.hasCount})
	}
	for _, f := range d.failures {
		a.note(model.Error, "BulkResult", f.id, "%s: the bulk request for id %s failed with status %d: %s", where, model.SafeText(quoteStr(f.id)), f.status, model.SafeText(clip(f.message)))
	}
	for _, it := range d.items {
		a.seen[it.typ]++
		if a.seen[it.typ] > a.maxObjects {
			return fmt.Errorf("%s: more than %d %s objects in total, over the limit", where, a.maxObjects, it.typ)
		}
		if err := a.addItem(where, it); err != nil {
			return err
		}
	}
	return nil
}

func quoteStr(s string) string { return `"` + s + `"` }

func (a *accumulator) account(where, id string) error {
	if id == "" || id == model.BuiltinAccountID {
		return nil
	}
	if a.live.AccountID == "" {
		a.live.AccountID, a.acctFrom = id, where
		return nil
	}
	if a.live.AccountID != id {
		return fmt.Errorf("%s: account id %s differs from account id %s in %s: the responses come from two accounts", where, model.SafeText(quoteStr(id)), model.SafeText(quoteStr(a.live.AccountID)), a.acctFrom)
	}
	return nil
}

func (a *accumulator) differ(typ, key, id, where string) {
	a.note(model.Error, typ, id, "%s and %s give different contents for it; the first is kept", a.from[typ+"\x00"+key], where)
}

func (a *accumulator) addItem(where string, it item) error {
	o := it.obj
	at := where
	if it.where != "the object" {
		at = where + " " + it.where
	}
	switch it.typ {
	case TypeRole:
		r := model.LiveRole{ID: o.ID, AccountID: o.AccountID, Name: o.Name, ParentID: o.ParentID, Description: o.Description}
		if !it.assignable {
			r.HasPrivileges = true
			r.Codes = []string{}
			if o.Privileges != nil {
				for _, p := range o.Privileges.Privilege {
					r.Codes = append(r.Codes, p.Name)
				}
			}
			if o.AccountID != "" && o.AccountID != model.BuiltinAccountID {
				if a.roleAccts == nil {
					a.roleAccts = map[string]string{}
				}
				if _, ok := a.roleAccts[o.AccountID]; !ok {
					a.roleAccts[o.AccountID] = at
				}
			}
		}
		if r.ID == "" {
			a.live.Roles = append(a.live.Roles, r)
			return nil
		}
		i, dup := a.roleAt[r.ID]
		if !dup {
			a.roleAt[r.ID] = len(a.live.Roles)
			a.from[TypeRole+"\x00"+r.ID] = at
			a.live.Roles = append(a.live.Roles, r)
			return nil
		}
		old := a.live.Roles[i]
		switch {
		case old.HasPrivileges == r.HasPrivileges:
			if !sameRole(old, r) {
				a.differ(TypeRole, r.ID, r.ID, at)
			}
		case r.HasPrivileges: // the Role object wins over getAssignableRoles' entry
			if old.Name != r.Name {
				a.differ(TypeRole, r.ID, r.ID, at)
				return nil
			}
			a.live.Roles[i] = r
			a.from[TypeRole+"\x00"+r.ID] = at
		default:
			if old.Name != r.Name {
				a.differ(TypeRole, r.ID, r.ID, at)
			}
		}
	case TypeAccountUserRole:
		if err := a.account(at, o.AccountID); err != nil {
			return err
		}
		u := model.LiveUserRole{ID: o.ID, UserID: o.UserID, RoleID: o.RoleID, FirstName: o.FirstName, LastName: o.LastName}
		key := u.ID
		if key == "" {
			key = "\x00" + strings.ToLower(u.UserID) + "\x00" + u.RoleID
		}
		if i, dup := a.userAt[key]; dup {
			if a.live.UserRoles[i] != u {
				a.differ(it.typ, key, u.ID, at)
			}
			return nil
		}
		a.userAt[key] = len(a.live.UserRoles)
		a.from[it.typ+"\x00"+key] = at
		a.live.UserRoles = append(a.live.UserRoles, u)
	case TypeEnvironmentRole:
		e := model.LiveEnvRole{ID: o.ID, EnvironmentID: o.EnvironmentID, RoleID: o.RoleID}
		key := e.ID
		if key == "" {
			key = "\x00" + e.EnvironmentID + "\x00" + e.RoleID
		}
		if i, dup := a.envRAt[key]; dup {
			if a.live.EnvRoles[i] != e {
				a.differ(it.typ, key, e.ID, at)
			}
			return nil
		}
		a.envRAt[key] = len(a.live.EnvRoles)
		a.from[it.typ+"\x00"+key] = at
		a.live.EnvRoles = append(a.live.EnvRoles, e)
	case TypeAccountGroup:
		g := model.LiveAccountGroup{ID: o.ID, AccountID: o.AccountID, Name: o.Name, AlertLevel: o.AlertLevel, HasResources: it.full}
		if o.DefaultGroup != nil {
			g.DefaultGroup = *o.DefaultGroup
		}
		if o.Resources != nil {
			for _, r := range o.Resources.Resource {
				g.Resources = append(g.Resources, model.LiveResource{ResourceID: r.ResourceID, ResourceName: r.ResourceName, ObjectType: r.ObjectType})
			}
		}
		// The primary's id: a hint for the account, as a Role's is (a
		// member's saved pages name no group of its own).
		if o.AccountID != "" && o.AccountID != model.BuiltinAccountID {
			if a.roleAccts == nil {
				a.roleAccts = map[string]string{}
			}
			if _, ok := a.roleAccts[o.AccountID]; !ok {
				a.roleAccts[o.AccountID] = at
			}
		}
		if g.ID == "" {
			a.live.AccountGroups = append(a.live.AccountGroups, g)
			return nil
		}
		i, dup := a.groupAt[g.ID]
		if !dup {
			a.groupAt[g.ID] = len(a.live.AccountGroups)
			a.from[it.typ+"\x00"+g.ID] = at
			a.live.AccountGroups = append(a.live.AccountGroups, g)
			return nil
		}
		old := a.live.AccountGroups[i]
		sameHead := old.AccountID == g.AccountID && old.Name == g.Name && old.DefaultGroup == g.DefaultGroup && old.AlertLevel == g.AlertLevel
		switch {
		case !sameHead:
			a.differ(it.typ, g.ID, g.ID, at)
		case g.HasResources && !old.HasResources: // a get wins over a query's entry
			a.live.AccountGroups[i] = g
			a.from[it.typ+"\x00"+g.ID] = at
		case g.HasResources && old.HasResources && !slices.Equal(g.Resources, old.Resources):
			a.differ(it.typ, g.ID, g.ID, at)
		}
	case TypeAccountGroupAccount:
		// accountId is the member's, not this account's.
		m := model.LiveGroupAccount{ID: o.ID, AccountGroupID: o.AccountGroupID, AccountID: o.AccountID}
		key := m.ID
		if key == "" {
			key = "\x00" + m.AccountGroupID + "\x00" + m.AccountID
		}
		if i, dup := a.gaAt[key]; dup {
			if a.live.GroupAccounts[i] != m {
				a.differ(it.typ, key, m.ID, at)
			}
			return nil
		}
		a.gaAt[key] = len(a.live.GroupAccounts)
		a.from[it.typ+"\x00"+key] = at
		a.live.GroupAccounts = append(a.live.GroupAccounts, m)
	case TypeAccountGroupUserRole:
		u := model.LiveGroupUserRole{ID: o.ID, AccountGroupID: o.AccountGroupID, UserID: o.UserID, RoleID: o.RoleID, FirstName: o.FirstName, LastName: o.LastName}
		key := u.ID
		if key == "" {
			key = "\x00" + u.AccountGroupID + "\x00" + strings.ToLower(u.UserID) + "\x00" + u.RoleID
		}
		if i, dup := a.guAt[key]; dup {
			if a.live.GroupUserRoles[i] != u {
				a.differ(it.typ, key, u.ID, at)
			}
			return nil
		}
		a.guAt[key] = len(a.live.GroupUserRoles)
		a.from[it.typ+"\x00"+key] = at
		a.live.GroupUserRoles = append(a.live.GroupUserRoles, u)
	case TypeEnvironment:
		e := model.LiveEnvironment{ID: o.ID, Name: o.Name, Classification: o.Classification}
		if e.ID == "" {
			a.live.Environments = append(a.live.Environments, e)
			return nil
		}
		if i, dup := a.envAt[e.ID]; dup {
			if a.live.Environments[i] != e {
				a.differ(it.typ, e.ID, e.ID, at)
			}
			return nil
		}
		a.envAt[e.ID] = len(a.live.Environments)
		a.from[it.typ+"\x00"+e.ID] = at
		a.live.Environments = append(a.live.Environments, e)
	}
	return nil
}

func sameRole(x, y model.LiveRole) bool {
	return x.ID == y.ID && x.AccountID == y.AccountID && x.Name == y.Name && x.ParentID == y.ParentID &&
		x.Description == y.Description && x.HasPrivileges == y.HasPrivileges && slices.Equal(x.Codes, y.Codes)
}

// finish returns the Live and the notes, with a warning for every page that
// says more results remain when the responses do not hold that many.
func (a *accumulator) finish() (*model.Live, []model.ImportNote) {
	have := map[string]int{
		TypeAccountUserRole:      len(a.live.UserRoles),
		TypeEnvironmentRole:      len(a.live.EnvRoles),
		TypeEnvironment:          len(a.live.Environments),
		TypeAccountGroup:         len(a.live.AccountGroups),
		TypeAccountGroupAccount:  len(a.live.GroupAccounts),
		TypeAccountGroupUserRole: len(a.live.GroupUserRoles),
	}
	for _, r := range a.live.Roles {
		if r.HasPrivileges {
			have[TypeRole]++
		}
	}
	for _, p := range a.pages {
		if p.hasCount && p.typ != "" && have[p.typ] >= p.count {
			continue
		}
		a.note(model.Warning, p.typ, "", "%s: page says more results remain (queryToken); include the queryMore pages", p.where)
	}
	live := a.live
	return &live, a.notes
}
