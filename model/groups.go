package model

// Account groups (access-model.md §6, R20-R26): a primary account shares
// some of its custom roles with member accounts, and gives group users
// roles in every member. One account stays one file: the primary's file
// holds its groups; a member's file names its primary.

// SharedSuffix is how a member names a role shared with it: "NAME
// (shared)", as Boomi shows it (R21).
const SharedSuffix = " (shared)"

// AccountGroup is one account group of a primary account (R20).
type AccountGroup struct {
	Name string
	// SharedRoles are custom roles of the primary, by name (their names in
	// the primary, without the suffix).
	SharedRoles []string
	Members     []GroupMember
	Users       []GroupUser
	// ID is the group's id in Boomi, "" when Boomi has not seen it.
	ID string
}

// GroupMember is a member account of a group: its file, by path relative
// to the primary's file, and its Boomi account id when known.
type GroupMember struct {
	File         string
	BoomiAccount string
}

// GroupUser is a user given roles across the whole group (R25). Roles are
// names as the primary knows them: built-in roles, or custom roles of the
// primary that the group shares.
type GroupUser struct {
	Email string
	Name  string
	Roles []string
}

// GroupSet is a primary account with the member accounts its groups list,
// loaded together: what the rules of §6 need to answer for any of them.
type GroupSet struct {
	PrimaryFile string // the primary's file, as opened
	Primary     *Account
	// Members are the member accounts by GroupMember.File (the path as the
	// primary writes it). A member that could not be loaded is absent.
	Members map[string]*Account
}
