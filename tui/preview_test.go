package tui

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"rolecall/model"
)

func TestPreviewExplainsPrivilegeChain(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("2")
	h.selectUser("rita@example.com")
	h.keys("4")
	// Find the privilege Execute and explain it.
	h.keys("/")
	h.typeText("Execute from")
	h.keys("enter")
	h.moveTo("Execute", 20)
	h.keys("enter")
	h.expect("Explain: Execute", "Read Only Runtime Management (via Support)", "Read Only Runtime Management → Support")
	h.keys("esc")
	h.expect("[4 Preview]")
	h.expectNot("Explain: Execute")
}

// R4 in the explanation: a role that grants a privilege only through one
// covering it is named with that privilege, not as ticking it.
func TestPreviewExplainsCoveringSource(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(120, 40)
	h.keys("2")
	h.selectUser("kai@example.com")
	h.keys("4", "/")
	h.typeText("Runtime Management Read Access")
	h.keys("enter")
	h.moveTo("Runtime Management Read Access", 20)
	h.keys("enter")
	h.expect("Explain: Runtime Management Read Access",
		"Standard User (built-in) has it",
		"Read-Only Environment Management ticks Runtime Management, which covers it (R4)")
	h.expectNot("covered by Runtime Management")
}

// An environment whose only decision is a deploy by write access alone (an
// open one, so R15 plays no part) says so, and does not blame R15.
func TestPreviewEnvironmentDeployDecision(t *testing.T) {
	t.Parallel()
	a := &model.Account{
		Name: "Small", AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true,
		Roles:        []model.Role{{Name: "Env Admins", Privileges: []model.Privilege{model.EnvironmentManagement, model.RuntimeManagement}}},
		Users:        []model.User{{Email: "ann@example.com", Roles: []string{"Env Admins"}}},
		Environments: []model.Environment{{Name: "Dev", Classification: model.Test}},
	}
	a.Normalize()
	h := newHarness(t, Options{}, &memStore{acct: a})
	h.size(200, 60)
	h.keys("2")
	h.selectUser("ann@example.com")
	h.keys("4")
	h.expect("Deploy", "[x] can deploy to Dev through write access alone (R18, decision)")
	h.previewTo("Dev")
	h.expect("Deploy: allowed: write access, without", "Packaged Component Deployment (R18, decision)", "without Scheduling (R18);", "relies on a product decision: see the reasons")
	h.expectNot("product decision: R15")
}

// The preview's Schedule Processes row agrees with the
// environment rows for a Write and Read Environment holder.
func TestPreviewScheduleAgreesWithEnvironments(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(120, 60)
	h.keys("2")
	h.selectUser("wren@example.com")
	h.keys("4")
	h.expect("As wren@example.com")
	h.expect("Schedule Processes")
	s := h.screen()
	envSched := strings.Contains(s, "schedule")
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "Schedule Processes") && strings.Contains(l, "[ ]") && envSched {
			t.Fatalf("Schedule Processes refused beside environments that schedule:\n%s", s)
		}
	}
}

// A user's role that does not exist is named in the preview.
func TestDanglingRoleNamedInPreview(t *testing.T) {
	t.Parallel()
	a := smallAccount()
	a.Users[1].Roles = []string{"Ghost"}
	h := newHarness(t, Options{}, &memStore{acct: a})
	h.size(200, 40)
	h.keys("2")
	h.selectUser("eve@example.com")
	h.keys("4")
	h.expect(`held by none of: "Ghost" (no such role)`)
}

// Found while testing the fixes of the old main: the preview's header says "roles: none" for
// a user whose only role does not exist.
func TestDanglingRoleNamedInPreviewHeader(t *testing.T) {
	t.Parallel()
	a := smallAccount()
	a.Users[1].Roles = []string{"Ghost"}
	h := newHarness(t, Options{}, &memStore{acct: a})
	h.size(200, 40)
	h.keys("2")
	h.selectUser("eve@example.com")
	h.keys("4")
	h.expect(`As eve@example.com Eve - roles: "Ghost" (no such role)`)
}

// y copies the preview as text with OSC 52 (what works over SSH): the
// terminal receives the sequence with the preview in base64.
func TestPreviewCopiesWithOSC52(t *testing.T) {
	t.Parallel()
	e := newE2E(t, Options{}, &memStore{acct: model.Demo()})
	e.wait("Administrator")
	e.key("2", "j", "j", "4")
	e.wait("As dana@example.com")
	e.key("y")
	var payload string
	teatest.WaitFor(t, e.tm.Output(), func(b []byte) bool {
		s := string(b)
		i := strings.Index(s, "\x1b]52;c;")
		if i < 0 {
			return false
		}
		rest := s[i+len("\x1b]52;c;"):]
		end := strings.IndexAny(rest, "\x07\x1b")
		if end < 0 {
			return false
		}
		payload = rest[:end]
		return true
	}, teatest.WithDuration(5*time.Second))
	text, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"As dana@example.com, holding Cannot View Data", "View Document\t[ ] needs View Data", "Execute\t[x] from Cannot View Data"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("copied text lacks %q:\n%s", want, text)
		}
	}
	e.key("q")
	e.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// u picks the previewed user by typing part of an email or a name; / keeps
// only the rows that mention what is typed.
func TestPreviewPickerAndFilter(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("4")
	h.expect("As ada@example.com")
	h.keys("u")
	h.expect("Preview as which user?")
	h.typeText("Runtime") // Rita Runtime, by her name
	h.keys("enter")
	h.expect("As rita@example.com Rita Runtime")
	h.keys("/")
	h.typeText("deploy")
	h.keys("enter")
	h.expect("filter: deploy", "Deployments")
	h.expectNot("View Document")
	h.keys("esc")
	h.expect("View Document")
	// The Users tab follows the pick.
	h.keys("2")
	if !h.onRow("rita@example.com") {
		t.Fatalf("the Users tab is not on rita:\n%s", h.screen())
	}
}
