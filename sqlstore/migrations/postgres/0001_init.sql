-- Users, workspaces, sessions and contacts.
CREATE TABLE users (
    id                  TEXT PRIMARY KEY,
    email               TEXT NOT NULL,
    email_normalized    TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    password_hash       BYTEA NOT NULL,
    password_changed_at TIMESTAMPTZ NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL
);

CREATE TABLE workspaces (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('personal', 'team')),
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE memberships (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ,
    user_agent   TEXT NOT NULL,
    ip           TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE contacts (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('person', 'organization')),
    prefix       TEXT NOT NULL,
    given        TEXT NOT NULL,
    middle       TEXT NOT NULL,
    family       TEXT NOT NULL,
    suffix       TEXT NOT NULL,
    nickname     TEXT NOT NULL,
    organization TEXT NOT NULL,
    title        TEXT NOT NULL,
    department   TEXT NOT NULL,
    birthday     TEXT,
    details      JSONB NOT NULL,
    note         TEXT NOT NULL,
    photo        BYTEA,
    photo_type   TEXT NOT NULL,
    sort_key     TEXT NOT NULL,
    search_text  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX contacts_workspace_sort ON contacts (workspace_id, sort_key, id);

CREATE TABLE contact_emails (
    workspace_id     TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    contact_id       TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    email_normalized TEXT NOT NULL,
    PRIMARY KEY (contact_id, email_normalized)
);
CREATE INDEX contact_emails_lookup ON contact_emails (workspace_id, email_normalized);
