-- Message templates. owner_user_id is the user who alone sees a personal
-- template, and NULL for a template shared with the whole workspace.
CREATE TABLE message_templates (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    owner_user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX message_templates_workspace ON message_templates (workspace_id, name);
