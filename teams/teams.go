// Package teams runs team workspaces: creating a team, the roles of its
// members, invites by email and the team's activity log.
//
// A request acts in the current workspace of its session. The web layer
// keeps that choice on the session record and checks membership on every
// request, so the Actor that reaches this package is always a member with
// the role it names.
package teams

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
)

// InviteLifetime is how long an invite link works.
const InviteLifetime = 7 * 24 * time.Hour

// inviteTokenBytes is the size of an invite token: 256 bits.
const inviteTokenBytes = 32

// maxTeamName is the maximum length of a team name, in bytes.
const maxTeamName = 100

// Activity events.
const (
	EventCreated       = "team_created"
	EventRenamed       = "team_renamed"
	EventInviteSent    = "invite_sent"
	EventInviteResent  = "invite_resent"
	EventInviteRevoked = "invite_revoked"
	EventInviteAccept  = "invite_accepted"
	EventMemberRemoved = "member_removed"
	EventMemberLeft    = "member_left"
	EventRoleChanged   = "role_changed"
	EventTransferred   = "ownership_transferred"
)

// Actor is a user acting in a workspace with their role in it.
type Actor struct {
	UserID    string
	Workspace *accounts.Workspace
	Role      string
}

// Member is one user of a workspace with their role.
type Member struct {
	UserID   string
	Name     string
	Email    string
	Role     string
	JoinedAt time.Time
}

// Invite is the stored record of an emailed invite. The token in the link is
// never stored, only its SHA-256 hash.
type Invite struct {
	ID              string
	WorkspaceID     string
	Email           string
	EmailNormalized string
	Role            string
	TokenHash       string
	InvitedBy       string
	CreatedAt       time.Time
	ExpiresAt       time.Time
	RevokedAt       *time.Time
	AcceptedAt      *time.Time
}

// Pending reports whether the invite can still be accepted at now.
func (i *Invite) Pending(now time.Time) bool {
	return i.RevokedAt == nil && i.AcceptedAt == nil && now.Before(i.ExpiresAt)
}

// Activity is one entry of a team's activity log. What Detail contains
// depends on Event:
//
//   - EventCreated, EventRenamed: the team name
//   - EventInviteSent, EventInviteAccept: "email role"
//   - EventInviteResent, EventInviteRevoked: the email
//   - EventMemberRemoved, EventMemberLeft, EventTransferred: the member's user id
//   - EventRoleChanged: "userID role"
type Activity struct {
	ID          string
	WorkspaceID string
	ActorID     string
	ActorName   string // empty when the actor's account is gone
	// SubjectName and SubjectEmail name the member that a removal, role
	// change or ownership transfer concerns. They are empty for other
	// events and when that member's account is gone.
	SubjectName  string
	SubjectEmail string
	Event        string
	Detail       string
	CreatedAt    time.Time
}

// InviteEmail returns the invited address of an invite event, or "" for
// other events.
func (a *Activity) InviteEmail() string {
	switch a.Event {
	case EventInviteSent, EventInviteAccept:
		email, _ := cutLastWord(a.Detail)
		return email
	case EventInviteResent, EventInviteRevoked:
		return a.Detail
	}
	return ""
}

// Role returns the role that an invite or a role change gives, or "" for
// other events.
func (a *Activity) Role() string {
	switch a.Event {
	case EventInviteSent, EventInviteAccept, EventRoleChanged:
		_, role := cutLastWord(a.Detail)
		return role
	}
	return ""
}

// cutLastWord splits s at its last space, because an email may contain
// spaces but a role never does.
func cutLastWord(s string) (before, last string) {
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i+1:]
}

// InviteView is what the accept page shows: the team and who invited.
type InviteView struct {
	TeamName    string
	InviterName string
}

// Store persists teams, memberships, invites and activity.
type Store interface {
	// CreateTeam stores w with userID as its owner and records a.
	CreateTeam(ctx context.Context, w *accounts.Workspace, userID string, a *Activity) error
	// Membership returns workspaceID and userID's role in it, or ENotFound
	// when userID is not a member.
	Membership(ctx context.Context, workspaceID, userID string) (*accounts.Workspace, string, error)
	// Workspace returns the workspace id, or ENotFound.
	Workspace(ctx context.Context, id string) (*accounts.Workspace, error)
	// Workspaces returns the workspaces of userID with the role in each,
	// the personal workspace first.
	Workspaces(ctx context.Context, userID string) ([]*accounts.Workspace, []string, error)
	// SetSessionWorkspace sets the current workspace of a session of
	// userID; empty workspaceID means the personal workspace.
	SetSessionWorkspace(ctx context.Context, sessionID, userID, workspaceID string) error
	Members(ctx context.Context, workspaceID string) ([]*Member, error)
	// MemberByEmail returns the member of workspaceID whose account has the
	// normalized email emailNormalized, or ENotFound.
	MemberByEmail(ctx context.Context, workspaceID, emailNormalized string) (*Member, error)
	// RemoveMember deletes the membership and records a. It returns
	// ENotFound when userID is not a member.
	RemoveMember(ctx context.Context, workspaceID, userID string, a *Activity) error
	// SetRole changes the role of a member and records a.
	SetRole(ctx context.Context, workspaceID, userID, role string, a *Activity) error
	// Transfer makes toUserID an owner and fromUserID an admin, in one
	// transaction, and records a.
	Transfer(ctx context.Context, workspaceID, fromUserID, toUserID string, a *Activity) error
	RenameTeam(ctx context.Context, workspaceID, name string, a *Activity) error
	// DeleteTeam deletes the workspace and, by cascade, all of its data.
	DeleteTeam(ctx context.Context, workspaceID string) error
	// CreateInvite stores inv and records a.
	CreateInvite(ctx context.Context, inv *Invite, a *Activity) error
	// Invite returns the invite id of workspaceID, or ENotFound.
	Invite(ctx context.Context, workspaceID, id string) (*Invite, error)
	// InviteByHash returns the invite whose token hashes to hash, or ENotFound.
	InviteByHash(ctx context.Context, hash string) (*Invite, error)
	// PendingInvites returns the invites of workspaceID not yet accepted,
	// revoked or expired at now.
	PendingInvites(ctx context.Context, workspaceID string, now time.Time) ([]*Invite, error)
	// PendingInviteByEmail returns an invite of workspaceID to the normalized
	// email emailNormalized that is not yet accepted, revoked or expired at
	// now, or ENotFound.
	PendingInviteByEmail(ctx context.Context, workspaceID, emailNormalized string, now time.Time) (*Invite, error)
	// ReplaceInviteToken sets a new token hash and expiry on a pending
	// invite and records a.
	ReplaceInviteToken(ctx context.Context, workspaceID, id, hash string, expires time.Time, a *Activity) error
	// RevokeInvite marks a pending invite revoked and records a.
	RevokeInvite(ctx context.Context, workspaceID, id string, at time.Time, a *Activity) error
	// AcceptInvite marks the invite accepted by userID and adds the
	// membership, in one transaction, when the invite is still pending at
	// now. Of concurrent calls, only one succeeds; the others get ENotFound.
	AcceptInvite(ctx context.Context, inviteID, userID string, now time.Time, a *Activity) error
	Activity(ctx context.Context, workspaceID string, limit int) ([]*Activity, error)
}

// Mailer sends invite emails.
type Mailer interface {
	SendTeamInvite(ctx context.Context, to, token string) error
}

// Service applies the permission rules of teams.
type Service struct {
	Store    Store
	Accounts accounts.Store
	Mailer   Mailer
	Now      func() time.Time
	NewID    func() string
}

// CanManage reports whether role may invite and remove members and change
// the pipeline and shared templates, which owners and admins may and
// members may not. In a personal workspace the user is its owner.
func CanManage(role string) bool {
	return role == accounts.RoleOwner || role == accounts.RoleAdmin
}

// ErrNotTeam is returned for team actions in a personal workspace, which
// has no team, members or invites; like any record outside the current
// workspace it answers 404.
var ErrNotTeam = chatalott.Errorf(chatalott.ENotFound, "This is your personal workspace, which has no team. Switch to a team first.")

func forbidden(what string) error {
	return chatalott.Errorf(chatalott.EForbidden, "Your role in this team does not allow you to %s.", what)
}

// requireTeam returns ErrNotTeam unless the actor is in a team workspace,
// and a forbidden error unless their role is one of roles.
func requireTeam(a Actor, what string, roles ...string) error {
	if a.Workspace == nil || a.Workspace.Kind != accounts.WorkspaceTeam {
		return ErrNotTeam
	}
	for _, r := range roles {
		if a.Role == r {
			return nil
		}
	}
	return forbidden(what)
}

func (s *Service) activity(a Actor, event, detail string) *Activity {
	return &Activity{ID: s.NewID(), WorkspaceID: a.Workspace.ID, ActorID: a.UserID, Event: event, Detail: detail,
		CreatedAt: s.Now().UTC()}
}

func validName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", chatalott.FieldError("name", "Enter a team name.")
	}
	if len(name) > maxTeamName {
		return "", chatalott.FieldError("name", "The team name is too long: use at most %d characters.", maxTeamName)
	}
	return name, nil
}

// CreateTeam creates a team named name with userID as its only owner. Any
// user may create a team.
func (s *Service) CreateTeam(ctx context.Context, userID, name string) (*accounts.Workspace, error) {
	name, err := validName(name)
	if err != nil {
		return nil, err
	}
	if err := s.requireNewName(ctx, userID, "", name); err != nil {
		return nil, err
	}
	w := &accounts.Workspace{ID: s.NewID(), Name: name, Kind: accounts.WorkspaceTeam, CreatedAt: s.Now().UTC()}
	a := Actor{UserID: userID, Workspace: w, Role: accounts.RoleOwner}
	if err := s.Store.CreateTeam(ctx, w, userID, s.activity(a, EventCreated, name)); err != nil {
		return nil, err
	}
	return w, nil
}

// Members returns the members of the actor's team. Any member may list them.
func (s *Service) Members(ctx context.Context, a Actor) ([]*Member, error) {
	if err := requireTeam(a, "see the members", accounts.RoleOwner, accounts.RoleAdmin, accounts.RoleMember); err != nil {
		return nil, err
	}
	return s.Store.Members(ctx, a.Workspace.ID)
}

// PendingInvites returns the open invites of the actor's team. Any member
// may list them.
func (s *Service) PendingInvites(ctx context.Context, a Actor) ([]*Invite, error) {
	if err := requireTeam(a, "see the invites", accounts.RoleOwner, accounts.RoleAdmin, accounts.RoleMember); err != nil {
		return nil, err
	}
	return s.Store.PendingInvites(ctx, a.Workspace.ID, s.Now().UTC())
}

// Activity returns the newest entries of the team's activity log. Any
// member may read it.
func (s *Service) Activity(ctx context.Context, a Actor) ([]*Activity, error) {
	if err := requireTeam(a, "see the activity", accounts.RoleOwner, accounts.RoleAdmin, accounts.RoleMember); err != nil {
		return nil, err
	}
	return s.Store.Activity(ctx, a.Workspace.ID, 50)
}

// RemoveMember removes userID from the team. Owners may remove anyone but
// themselves; admins may remove admins and members but not owners. Members
// may remove no one. Everyone leaves with Leave instead.
func (s *Service) RemoveMember(ctx context.Context, a Actor, userID string) error {
	if err := requireTeam(a, "remove members", accounts.RoleOwner, accounts.RoleAdmin); err != nil {
		return err
	}
	if userID == a.UserID {
		return chatalott.Errorf(chatalott.EInvalid, "To leave the team yourself, use Leave team.")
	}
	_, role, err := s.Store.Membership(ctx, a.Workspace.ID, userID)
	if err != nil {
		return err
	}
	if role == accounts.RoleOwner && a.Role != accounts.RoleOwner {
		return forbidden("remove an owner")
	}
	return s.Store.RemoveMember(ctx, a.Workspace.ID, userID, s.activity(a, EventMemberRemoved, userID))
}

// SetRole makes userID an admin or a member. Only owners may change roles,
// and never their own or another owner's (use Transfer for ownership).
func (s *Service) SetRole(ctx context.Context, a Actor, userID, role string) error {
	if err := requireTeam(a, "change roles", accounts.RoleOwner); err != nil {
		return err
	}
	if role != accounts.RoleAdmin && role != accounts.RoleMember {
		return chatalott.FieldError("role", "Choose admin or member.")
	}
	_, current, err := s.Store.Membership(ctx, a.Workspace.ID, userID)
	if err != nil {
		return err
	}
	if current == accounts.RoleOwner {
		return chatalott.Errorf(chatalott.EConflict, "An owner's role cannot be changed. Transfer ownership instead.")
	}
	return s.Store.SetRole(ctx, a.Workspace.ID, userID, role, s.activity(a, EventRoleChanged, userID+" "+role))
}

// Transfer makes userID an owner and the acting owner an admin. Only owners
// may transfer ownership, and only to another member of the team.
func (s *Service) Transfer(ctx context.Context, a Actor, userID string) error {
	if err := requireTeam(a, "transfer ownership", accounts.RoleOwner); err != nil {
		return err
	}
	if userID == a.UserID {
		return chatalott.FieldError("user", "Choose another member.")
	}
	if _, _, err := s.Store.Membership(ctx, a.Workspace.ID, userID); err != nil {
		return err
	}
	return s.Store.Transfer(ctx, a.Workspace.ID, a.UserID, userID, s.activity(a, EventTransferred, userID))
}

// Leave removes the actor from the team. Any member may leave, except the
// last owner, who must transfer ownership or delete the team first.
func (s *Service) Leave(ctx context.Context, a Actor) error {
	if err := requireTeam(a, "leave", accounts.RoleOwner, accounts.RoleAdmin, accounts.RoleMember); err != nil {
		return err
	}
	if a.Role == accounts.RoleOwner {
		members, err := s.Store.Members(ctx, a.Workspace.ID)
		if err != nil {
			return err
		}
		owners := 0
		for _, m := range members {
			if m.Role == accounts.RoleOwner {
				owners++
			}
		}
		if owners <= 1 {
			return chatalott.Errorf(chatalott.EConflict, "You are the last owner. Transfer ownership or delete the team before you leave.")
		}
	}
	return s.Store.RemoveMember(ctx, a.Workspace.ID, a.UserID, s.activity(a, EventMemberLeft, a.UserID))
}

// Rename renames the team. Only owners may rename it.
func (s *Service) Rename(ctx context.Context, a Actor, name string) error {
	if err := requireTeam(a, "rename the team", accounts.RoleOwner); err != nil {
		return err
	}
	name, err := validName(name)
	if err != nil {
		return err
	}
	if err := s.requireNewName(ctx, a.UserID, a.Workspace.ID, name); err != nil {
		return err
	}
	return s.Store.RenameTeam(ctx, a.Workspace.ID, name, s.activity(a, EventRenamed, name))
}

// requireNewName returns a field error on name when userID already belongs
// to a team of that name, other than the team except, because the
// workspace menu and messages tell teams apart by name. Names are compared
// without regard to case.
func (s *Service) requireNewName(ctx context.Context, userID, except, name string) error {
	list, _, err := s.Store.Workspaces(ctx, userID)
	if err != nil {
		return err
	}
	for _, w := range list {
		if w.Kind == accounts.WorkspaceTeam && w.ID != except && strings.EqualFold(w.Name, name) {
			return chatalott.FieldError("name", "You already belong to a team named “%s”. Choose another name.", w.Name)
		}
	}
	return nil
}

// Delete deletes the team with all of its data. Only owners may delete it,
// and confirm must be the team's exact name.
func (s *Service) Delete(ctx context.Context, a Actor, confirm string) error {
	if err := requireTeam(a, "delete the team", accounts.RoleOwner); err != nil {
		return err
	}
	if strings.TrimSpace(confirm) != a.Workspace.Name {
		return chatalott.FieldError("confirm", "Type the team name exactly to confirm.")
	}
	return s.Store.DeleteTeam(ctx, a.Workspace.ID)
}

// newToken returns a random token and the hex SHA-256 that is stored.
func newToken() (token, hash string) {
	b := make([]byte, inviteTokenBytes)
	rand.Read(b) // crypto/rand.Read never returns an error since Go 1.24
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken returns the hex SHA-256 of an invite token, the form it is
// stored in.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Invite emails an invite to email with role admin or member. Owners and
// admins may invite. It rejects, with a field error on email, the address
// of a member, who could never accept, and an address with a pending
// invite, which would get two working links. Addresses are compared in the
// form of accounts.NormalizeEmail.
func (s *Service) Invite(ctx context.Context, a Actor, email, role string) (*Invite, error) {
	if err := requireTeam(a, "invite people", accounts.RoleOwner, accounts.RoleAdmin); err != nil {
		return nil, err
	}
	email = strings.TrimSpace(email)
	if email == "" || !strings.Contains(email, "@") || len(email) > 254 {
		return nil, chatalott.FieldError("email", "Enter a valid email address.")
	}
	if role != accounts.RoleAdmin && role != accounts.RoleMember {
		return nil, chatalott.FieldError("role", "Choose admin or member.")
	}
	now := s.Now().UTC()
	normalized := accounts.NormalizeEmail(email)
	if err := s.checkInvitable(ctx, a.Workspace.ID, email, normalized, now); err != nil {
		return nil, err
	}
	token, hash := newToken()
	inv := &Invite{ID: s.NewID(), WorkspaceID: a.Workspace.ID, Email: email, EmailNormalized: normalized,
		Role: role, TokenHash: hash, InvitedBy: a.UserID, CreatedAt: now, ExpiresAt: now.Add(InviteLifetime)}
	if err := s.Store.CreateInvite(ctx, inv, s.activity(a, EventInviteSent, inv.Email+" "+role)); err != nil {
		return nil, err
	}
	return inv, s.Mailer.SendTeamInvite(ctx, inv.Email, token)
}

// checkInvitable returns a field error on email when the address is
// already a member's or has an invite to workspaceID pending at now. An
// expired, revoked or accepted invite does not count.
//
// NOTE: the checks and the insert run outside one transaction, so two
// invites to one address sent at the same moment can both pass.
func (s *Service) checkInvitable(ctx context.Context, workspaceID, email, normalized string, now time.Time) error {
	_, err := s.Store.MemberByEmail(ctx, workspaceID, normalized)
	switch chatalott.ErrorCode(err) {
	case "":
		return chatalott.FieldError("email", "%s is already a member of this team.", email)
	case chatalott.ENotFound:
	default:
		return err
	}
	_, err = s.Store.PendingInviteByEmail(ctx, workspaceID, normalized, now)
	switch chatalott.ErrorCode(err) {
	case "":
		return chatalott.FieldError("email",
			"An invite to %s is already pending. To send its link again, use Resend in the list of pending invites.", email)
	case chatalott.ENotFound:
		return nil
	default:
		return err
	}
}

// Resend emails a pending invite again with a new token, which ends the old
// one, and a new expiry. Owners and admins may resend.
func (s *Service) Resend(ctx context.Context, a Actor, id string) error {
	if err := requireTeam(a, "resend invites", accounts.RoleOwner, accounts.RoleAdmin); err != nil {
		return err
	}
	inv, err := s.Store.Invite(ctx, a.Workspace.ID, id)
	if err != nil {
		return err
	}
	token, hash := newToken()
	expires := s.Now().UTC().Add(InviteLifetime)
	if err := s.Store.ReplaceInviteToken(ctx, a.Workspace.ID, id, hash, expires, s.activity(a, EventInviteResent, inv.Email)); err != nil {
		return err
	}
	return s.Mailer.SendTeamInvite(ctx, inv.Email, token)
}

// Revoke ends a pending invite. Owners and admins may revoke.
func (s *Service) Revoke(ctx context.Context, a Actor, id string) error {
	if err := requireTeam(a, "revoke invites", accounts.RoleOwner, accounts.RoleAdmin); err != nil {
		return err
	}
	inv, err := s.Store.Invite(ctx, a.Workspace.ID, id)
	if err != nil {
		return err
	}
	return s.Store.RevokeInvite(ctx, a.Workspace.ID, id, s.Now().UTC(), s.activity(a, EventInviteRevoked, inv.Email))
}

// ErrInviteInvalid is returned for a token that names no pending invite.
var ErrInviteInvalid = chatalott.Errorf(chatalott.ENotFound,
	"This invite link is not valid: it was already used, revoked, replaced by a newer link, or has expired.")

func (s *Service) pendingInvite(ctx context.Context, token string) (*Invite, error) {
	if token == "" {
		return nil, ErrInviteInvalid
	}
	inv, err := s.Store.InviteByHash(ctx, HashToken(token))
	if chatalott.ErrorCode(err) == chatalott.ENotFound {
		return nil, ErrInviteInvalid
	}
	if err != nil {
		return nil, err
	}
	if !inv.Pending(s.Now().UTC()) {
		return nil, ErrInviteInvalid
	}
	return inv, nil
}

// CheckInvite returns nil when token names an invite that can still be
// accepted, ErrInviteInvalid when it does not, and other errors when the
// invite could not be read.
func (s *Service) CheckInvite(ctx context.Context, token string) error {
	_, err := s.pendingInvite(ctx, token)
	return err
}

// ViewInvite returns the team name and the inviter's name of the pending
// invite that token names, for anyone who holds the token.
func (s *Service) ViewInvite(ctx context.Context, token string) (*InviteView, error) {
	inv, err := s.pendingInvite(ctx, token)
	if err != nil {
		return nil, err
	}
	view := &InviteView{}
	members, err := s.Store.Members(ctx, inv.WorkspaceID)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		if m.UserID == inv.InvitedBy {
			view.InviterName = m.Name
		}
	}
	ws, err := s.Store.Workspace(ctx, inv.WorkspaceID)
	if err != nil {
		return nil, err
	}
	view.TeamName = ws.Name
	return view, nil
}

// Accept adds user to the team of the invite that token names and returns
// the team's id. Only a user whose verified email is the invited address
// may accept; anyone else gets EForbidden and nothing changes.
func (s *Service) Accept(ctx context.Context, user *accounts.User, token string) (string, error) {
	inv, err := s.pendingInvite(ctx, token)
	if err != nil {
		return "", err
	}
	if user.EmailVerifiedAt == nil {
		return "", chatalott.Errorf(chatalott.EForbidden, "Verify your email address first, then open the invite link again.")
	}
	if user.EmailNormalized != inv.EmailNormalized {
		return "", chatalott.Errorf(chatalott.EForbidden,
			"This invite was sent to another email address. Log in with the account of that address to accept it.")
	}
	if _, _, err := s.Store.Membership(ctx, inv.WorkspaceID, user.ID); err == nil {
		return "", chatalott.Errorf(chatalott.EConflict, "You are already a member of this team.")
	}
	a := &Activity{ID: s.NewID(), WorkspaceID: inv.WorkspaceID, ActorID: user.ID, Event: EventInviteAccept,
		Detail: inv.Email + " " + inv.Role, CreatedAt: s.Now().UTC()}
	if err := s.Store.AcceptInvite(ctx, inv.ID, user.ID, s.Now().UTC(), a); err != nil {
		if chatalott.ErrorCode(err) == chatalott.ENotFound {
			return "", ErrInviteInvalid
		}
		return "", err
	}
	return inv.WorkspaceID, nil
}
