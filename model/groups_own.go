package model

// OwnFile is Own, as a file holds it: an account read alone, no longer
// marked as a view. Own keeps the view's mark, so that validating what
// it returns takes the member's "NAME (shared)" roles for a view's and
// refuses those its own roles do not define (R21); what is saved must be
// validated as its file will be read back.
func OwnFile(view *Account) *Account {
	o := Own(view)
	o.view = false
	return o
}
