package teams_test

import (
	"testing"

	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/teams"
)

func TestCanManage(t *testing.T) {
	for role, want := range map[string]bool{
		accounts.RoleOwner:  true,
		accounts.RoleAdmin:  true,
		accounts.RoleMember: false,
		"":                  false,
	} {
		if got := teams.CanManage(role); got != want {
			t.Errorf("CanManage(%q) = %v, want %v", role, got, want)
		}
	}
}

func TestActivityDetailParts(t *testing.T) {
	cases := []struct {
		event, detail string
		email, role   string
	}{
		{teams.EventInviteSent, "dan@example.com member", "dan@example.com", "member"},
		{teams.EventInviteAccept, "Dan@Example.com admin", "Dan@Example.com", "admin"},
		{teams.EventInviteSent, "odd address@example.com admin", "odd address@example.com", "admin"},
		{teams.EventInviteResent, "dan@example.com", "dan@example.com", ""},
		{teams.EventInviteRevoked, "dan@example.com", "dan@example.com", ""},
		{teams.EventRoleChanged, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b admin", "", "admin"},
		{teams.EventMemberRemoved, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "", ""},
		{teams.EventRenamed, "Sales admin", "", ""},
	}
	for _, c := range cases {
		a := &teams.Activity{Event: c.event, Detail: c.detail}
		if got := a.InviteEmail(); got != c.email {
			t.Errorf("%s %q: InviteEmail() = %q, want %q", c.event, c.detail, got, c.email)
		}
		if got := a.Role(); got != c.role {
			t.Errorf("%s %q: Role() = %q, want %q", c.event, c.detail, got, c.role)
		}
	}
}
