package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/teams"
)

// TeamStore implements teams.Store.
type TeamStore struct{ DB *DB }

var _ teams.Store = (*TeamStore)(nil)

const (
	insertActivitySQL = `INSERT INTO team_activity (id, workspace_id, actor_id, event, detail, created_at)
VALUES ($1, $2, $3, $4, $5, $6)`
	membershipSQL = `SELECT w.id, w.name, w.kind, w.created_at, m.role FROM memberships m
JOIN workspaces w ON w.id = m.workspace_id
WHERE m.workspace_id = $1 AND m.user_id = $2`
	userWorkspacesSQL = `SELECT w.id, w.name, w.kind, w.created_at, m.role FROM memberships m
JOIN workspaces w ON w.id = m.workspace_id
WHERE m.user_id = $1
ORDER BY CASE w.kind WHEN 'personal' THEN 0 ELSE 1 END, w.name, w.id`
	teamMembersSQL = `SELECT u.id, u.name, u.email, m.role, m.created_at FROM memberships m
JOIN users u ON u.id = m.user_id
WHERE m.workspace_id = $1
ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, u.name, u.id`
	memberByEmailSQL = `SELECT u.id, u.name, u.email, m.role, m.created_at FROM memberships m
JOIN users u ON u.id = m.user_id
WHERE m.workspace_id = $1 AND u.email_normalized = $2`
	selectInviteColumns = `SELECT id, workspace_id, email, email_normalized, role, token_hash, COALESCE(invited_by, ''),
created_at, expires_at, revoked_at, accepted_at FROM team_invites`
)

// withActivity runs fn and records a in one transaction confined to
// a.WorkspaceID, because team_activity is a confined table. The scope's
// user is a.ActorID, which teams.Service always sets to the acting user.
// An empty ActorID fails as an invalid scope before fn runs.
func (s *TeamStore) withActivity(ctx context.Context, a *teams.Activity, fn func(tx *sql.Tx) error) error {
	scope := chatalott.Scope{WorkspaceID: a.WorkspaceID, UserID: a.ActorID}
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, insertActivitySQL, a.ID, a.WorkspaceID, a.ActorID, a.Event, a.Detail, a.CreatedAt); err != nil {
			return fmt.Errorf("sqlstore: record team activity %s: %w", a.Event, err)
		}
		return nil
	})
}

// CreateTeam implements teams.Store. a.WorkspaceID must be w.ID, because
// withActivity enters that workspace, before its row exists, for the
// activity insert.
func (s *TeamStore) CreateTeam(ctx context.Context, w *accounts.Workspace, userID string, a *teams.Activity) error {
	return s.withActivity(ctx, a, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, insertWorkspaceSQL, w.ID, w.Name, w.Kind, w.CreatedAt); err != nil {
			return fmt.Errorf("sqlstore: insert team: %w", err)
		}
		if _, err := tx.ExecContext(ctx, insertMembershipSQL, w.ID, userID, accounts.RoleOwner, w.CreatedAt); err != nil {
			return fmt.Errorf("sqlstore: insert team owner: %w", err)
		}
		return nil
	})
}

// Membership implements teams.Store.
func (s *TeamStore) Membership(ctx context.Context, workspaceID, userID string) (*accounts.Workspace, string, error) {
	var w accounts.Workspace
	var role string
	err := s.DB.sql.QueryRowContext(ctx, membershipSQL, workspaceID, userID).Scan(&w.ID, &w.Name, &w.Kind, &w.CreatedAt, &role)
	if err != nil {
		return nil, "", notFound(err, "Member", userID)
	}
	return &w, role, nil
}

// Workspace implements teams.Store.
func (s *TeamStore) Workspace(ctx context.Context, id string) (*accounts.Workspace, error) {
	var w accounts.Workspace
	err := s.DB.sql.QueryRowContext(ctx, `SELECT id, name, kind, created_at FROM workspaces WHERE id = $1`, id).
		Scan(&w.ID, &w.Name, &w.Kind, &w.CreatedAt)
	if err != nil {
		return nil, notFound(err, "Workspace", id)
	}
	return &w, nil
}

// Workspaces implements teams.Store.
func (s *TeamStore) Workspaces(ctx context.Context, userID string) ([]*accounts.Workspace, []string, error) {
	rows, err := s.DB.sql.QueryContext(ctx, userWorkspacesSQL, userID)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlstore: list workspaces of %s: %w", userID, err)
	}
	defer rows.Close()
	var list []*accounts.Workspace
	var roles []string
	for rows.Next() {
		var w accounts.Workspace
		var role string
		if err := rows.Scan(&w.ID, &w.Name, &w.Kind, &w.CreatedAt, &role); err != nil {
			return nil, nil, fmt.Errorf("sqlstore: list workspaces of %s: %w", userID, err)
		}
		list = append(list, &w)
		roles = append(roles, role)
	}
	return list, roles, rows.Err()
}

// SetSessionWorkspace implements teams.Store.
func (s *TeamStore) SetSessionWorkspace(ctx context.Context, sessionID, userID, workspaceID string) error {
	ws := sql.NullString{String: workspaceID, Valid: workspaceID != ""}
	res, err := s.DB.sql.ExecContext(ctx, `UPDATE sessions SET workspace_id = $3 WHERE id = $1 AND user_id = $2`, sessionID, userID, ws)
	if err != nil {
		return fmt.Errorf("sqlstore: set workspace of session: %w", err)
	}
	return expectOneRow(res, "Session", "")
}

// Members implements teams.Store.
func (s *TeamStore) Members(ctx context.Context, workspaceID string) ([]*teams.Member, error) {
	rows, err := s.DB.sql.QueryContext(ctx, teamMembersSQL, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list members of %s: %w", workspaceID, err)
	}
	defer rows.Close()
	var list []*teams.Member
	for rows.Next() {
		var m teams.Member
		if err := rows.Scan(&m.UserID, &m.Name, &m.Email, &m.Role, &m.JoinedAt); err != nil {
			return nil, fmt.Errorf("sqlstore: list members of %s: %w", workspaceID, err)
		}
		list = append(list, &m)
	}
	return list, rows.Err()
}

// MemberByEmail implements teams.Store.
func (s *TeamStore) MemberByEmail(ctx context.Context, workspaceID, emailNormalized string) (*teams.Member, error) {
	var m teams.Member
	err := s.DB.sql.QueryRowContext(ctx, memberByEmailSQL, workspaceID, emailNormalized).
		Scan(&m.UserID, &m.Name, &m.Email, &m.Role, &m.JoinedAt)
	if err != nil {
		return nil, notFound(err, "Member", "")
	}
	return &m, nil
}

// RemoveMember implements teams.Store.
func (s *TeamStore) RemoveMember(ctx context.Context, workspaceID, userID string, a *teams.Activity) error {
	return s.withActivity(ctx, a, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2`, workspaceID, userID)
		if err != nil {
			return fmt.Errorf("sqlstore: remove member: %w", err)
		}
		return expectOneRow(res, "Member", userID)
	})
}

// SetRole implements teams.Store.
func (s *TeamStore) SetRole(ctx context.Context, workspaceID, userID, role string, a *teams.Activity) error {
	return s.withActivity(ctx, a, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE memberships SET role = $3 WHERE workspace_id = $1 AND user_id = $2`, workspaceID, userID, role)
		if err != nil {
			return fmt.Errorf("sqlstore: set role: %w", err)
		}
		return expectOneRow(res, "Member", userID)
	})
}

// Transfer implements teams.Store.
func (s *TeamStore) Transfer(ctx context.Context, workspaceID, fromUserID, toUserID string, a *teams.Activity) error {
	return s.withActivity(ctx, a, func(tx *sql.Tx) error {
		const setRole = `UPDATE memberships SET role = $3 WHERE workspace_id = $1 AND user_id = $2`
		res, err := tx.ExecContext(ctx, setRole, workspaceID, toUserID, accounts.RoleOwner)
		if err != nil {
			return fmt.Errorf("sqlstore: transfer ownership: %w", err)
		}
		if err := expectOneRow(res, "Member", toUserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, setRole, workspaceID, fromUserID, accounts.RoleAdmin); err != nil {
			return fmt.Errorf("sqlstore: transfer ownership: %w", err)
		}
		return nil
	})
}

// RenameTeam implements teams.Store.
func (s *TeamStore) RenameTeam(ctx context.Context, workspaceID, name string, a *teams.Activity) error {
	return s.withActivity(ctx, a, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE workspaces SET name = $2 WHERE id = $1 AND kind = 'team'`, workspaceID, name)
		if err != nil {
			return fmt.Errorf("sqlstore: rename team: %w", err)
		}
		return expectOneRow(res, "Team", workspaceID)
	})
}

// DeleteTeam implements teams.Store. The workspaces table is not confined.
// PostgreSQL runs the ON DELETE CASCADE actions as the tables' owner, which
// row-level security lets through, so they also remove the team's rows
// from the confined tables.
func (s *TeamStore) DeleteTeam(ctx context.Context, workspaceID string) error {
	res, err := s.DB.sql.ExecContext(ctx, `DELETE FROM workspaces WHERE id = $1 AND kind = 'team'`, workspaceID)
	if err != nil {
		return fmt.Errorf("sqlstore: delete team %s: %w", workspaceID, err)
	}
	return expectOneRow(res, "Team", workspaceID)
}

// CreateInvite implements teams.Store.
func (s *TeamStore) CreateInvite(ctx context.Context, inv *teams.Invite, a *teams.Activity) error {
	return s.withActivity(ctx, a, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO team_invites (id, workspace_id, email, email_normalized, role, token_hash,
invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			inv.ID, inv.WorkspaceID, inv.Email, inv.EmailNormalized, inv.Role, inv.TokenHash, inv.InvitedBy, inv.CreatedAt, inv.ExpiresAt)
		if err != nil {
			return fmt.Errorf("sqlstore: insert invite: %w", err)
		}
		return nil
	})
}

type scanner interface{ Scan(dest ...any) error }

func scanInvite(row scanner) (*teams.Invite, error) {
	var inv teams.Invite
	var revoked, accepted sql.NullTime
	if err := row.Scan(&inv.ID, &inv.WorkspaceID, &inv.Email, &inv.EmailNormalized, &inv.Role, &inv.TokenHash, &inv.InvitedBy,
		&inv.CreatedAt, &inv.ExpiresAt, &revoked, &accepted); err != nil {
		return nil, err
	}
	if revoked.Valid {
		inv.RevokedAt = &revoked.Time
	}
	if accepted.Valid {
		inv.AcceptedAt = &accepted.Time
	}
	return &inv, nil
}

// Invite implements teams.Store.
func (s *TeamStore) Invite(ctx context.Context, workspaceID, id string) (*teams.Invite, error) {
	inv, err := scanInvite(s.DB.sql.QueryRowContext(ctx, selectInviteColumns+` WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if err != nil {
		return nil, notFound(err, "Invite", id)
	}
	return inv, nil
}

// InviteByHash implements teams.Store.
func (s *TeamStore) InviteByHash(ctx context.Context, hash string) (*teams.Invite, error) {
	inv, err := scanInvite(s.DB.sql.QueryRowContext(ctx, selectInviteColumns+` WHERE token_hash = $1`, hash))
	if err != nil {
		return nil, notFound(err, "Invite", "")
	}
	return inv, nil
}

// PendingInvites implements teams.Store.
func (s *TeamStore) PendingInvites(ctx context.Context, workspaceID string, now time.Time) ([]*teams.Invite, error) {
	rows, err := s.DB.sql.QueryContext(ctx, selectInviteColumns+` WHERE workspace_id = $1 AND revoked_at IS NULL
AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at, id`, workspaceID, now)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list invites of %s: %w", workspaceID, err)
	}
	defer rows.Close()
	var list []*teams.Invite
	for rows.Next() {
		inv, err := scanInvite(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: list invites of %s: %w", workspaceID, err)
		}
		list = append(list, inv)
	}
	return list, rows.Err()
}

// PendingInviteByEmail implements teams.Store. When several invites to the
// address are pending, it returns the oldest.
func (s *TeamStore) PendingInviteByEmail(ctx context.Context, workspaceID, emailNormalized string, now time.Time) (*teams.Invite, error) {
	inv, err := scanInvite(s.DB.sql.QueryRowContext(ctx, selectInviteColumns+` WHERE workspace_id = $1 AND email_normalized = $2
AND revoked_at IS NULL AND accepted_at IS NULL AND expires_at > $3 ORDER BY created_at, id LIMIT 1`, workspaceID, emailNormalized, now))
	if err != nil {
		return nil, notFound(err, "Invite", "")
	}
	return inv, nil
}

// ReplaceInviteToken implements teams.Store.
func (s *TeamStore) ReplaceInviteToken(ctx context.Context, workspaceID, id, hash string, expires time.Time, a *teams.Activity) error {
	return s.withActivity(ctx, a, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE team_invites SET token_hash = $3, expires_at = $4
WHERE workspace_id = $1 AND id = $2 AND revoked_at IS NULL AND accepted_at IS NULL`, workspaceID, id, hash, expires)
		if err != nil {
			return fmt.Errorf("sqlstore: replace invite token: %w", err)
		}
		return expectOneRow(res, "Invite", id)
	})
}

// RevokeInvite implements teams.Store.
func (s *TeamStore) RevokeInvite(ctx context.Context, workspaceID, id string, at time.Time, a *teams.Activity) error {
	return s.withActivity(ctx, a, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE team_invites SET revoked_at = $3
WHERE workspace_id = $1 AND id = $2 AND revoked_at IS NULL AND accepted_at IS NULL`, workspaceID, id, at)
		if err != nil {
			return fmt.Errorf("sqlstore: revoke invite: %w", err)
		}
		return expectOneRow(res, "Invite", id)
	})
}

// AcceptInvite implements teams.Store. The conditional UPDATE marks the
// invite used, so a second request with the same token changes no row.
func (s *TeamStore) AcceptInvite(ctx context.Context, inviteID, userID string, now time.Time, a *teams.Activity) error {
	return s.withActivity(ctx, a, func(tx *sql.Tx) error {
		var workspaceID, role string
		err := tx.QueryRowContext(ctx, `UPDATE team_invites SET accepted_at = $3, accepted_by = $2
WHERE id = $1 AND revoked_at IS NULL AND accepted_at IS NULL AND expires_at > $3
RETURNING workspace_id, role`, inviteID, userID, now).Scan(&workspaceID, &role)
		if err != nil {
			return notFound(err, "Invite", inviteID)
		}
		if _, err := tx.ExecContext(ctx, insertMembershipSQL, workspaceID, userID, role, now); err != nil {
			if isUniqueViolation(err) {
				return chatalott.Errorf(chatalott.EConflict, "You are already a member of this team.")
			}
			return fmt.Errorf("sqlstore: add invited member: %w", err)
		}
		return nil
	})
}

// activitySQL lists a team's activity, newest first, with the actor's name
// and, for the events bound to $3, $4 and $5, the name and email of the
// member the event concerns. Those events store that member's user id as
// the first word of detail, and user ids contain no space.
var activitySQL = map[string]string{
	Postgres: activitySelect + `split_part(a.detail, ' ', 1)` + activityOrder,
	SQLite:   activitySelect + `substr(a.detail, 1, instr(a.detail || ' ', ' ') - 1)` + activityOrder,
}

// activitySelect and activityOrder surround each dialect's expression for
// the first word of detail.
const (
	activitySelect = `SELECT a.id, a.workspace_id, COALESCE(a.actor_id, ''), COALESCE(u.name, ''),
COALESCE(s.name, ''), COALESCE(s.email, ''), a.event, a.detail, a.created_at
FROM team_activity a
LEFT JOIN users u ON u.id = a.actor_id
LEFT JOIN users s ON a.event IN ($3, $4, $5) AND s.id = `
	activityOrder = `
WHERE a.workspace_id = $1 ORDER BY a.created_at DESC, a.id DESC LIMIT $2`
)

// Activity implements teams.Store.
func (s *TeamStore) Activity(ctx context.Context, workspaceID string, limit int) ([]*teams.Activity, error) {
	var list []*teams.Activity
	err := s.DB.readWorkspace(ctx, workspaceID, func(q querier) error {
		rows, err := q.QueryContext(ctx, activitySQL[s.DB.Dialect], workspaceID, limit,
			teams.EventMemberRemoved, teams.EventRoleChanged, teams.EventTransferred)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a teams.Activity
			if err := rows.Scan(&a.ID, &a.WorkspaceID, &a.ActorID, &a.ActorName, &a.SubjectName, &a.SubjectEmail,
				&a.Event, &a.Detail, &a.CreatedAt); err != nil {
				return err
			}
			list = append(list, &a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list activity of %s: %w", workspaceID, err)
	}
	return list, nil
}
