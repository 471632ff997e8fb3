-- Team workspaces: the current workspace of a session, invites by email and
-- the team activity log.

-- workspace_id is the workspace the session acts in; NULL means the user's
-- personal workspace. Every request checks that the user is still a member.
ALTER TABLE sessions ADD COLUMN workspace_id TEXT REFERENCES workspaces (id) ON DELETE SET NULL;

-- token_hash is the hex SHA-256 of the emailed token; the token itself is
-- never stored.
CREATE TABLE team_invites (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email            TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    token_hash       TEXT NOT NULL UNIQUE,
    invited_by       TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    expires_at       TIMESTAMPTZ NOT NULL,
    revoked_at       TIMESTAMPTZ,
    accepted_at      TIMESTAMPTZ,
    accepted_by      TEXT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX team_invites_workspace ON team_invites (workspace_id, created_at);

CREATE TABLE team_activity (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    actor_id     TEXT REFERENCES users (id) ON DELETE SET NULL,
    event        TEXT NOT NULL,
    detail       TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX team_activity_workspace ON team_activity (workspace_id, created_at);
