// Package storage reads and writes rolecall's account file (format 1, see
// interfaces.md section 1), safely for several admins on one host.
//
// Decode and Encode are pure. Load reads a file; Save and Update write one
// atomically, under the advisory lock FILE.lock, after checking that no one
// else saved in between, keeping the previous version as FILE.bak and
// appending to the audit trail FILE.audit.jsonl. WriteDraft, ReadDraft and
// RemoveDraft keep the TUI's unsaved edits under $XDG_STATE_HOME/rolecall.
package storage
