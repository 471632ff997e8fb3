-- Import jobs of the web import wizard. The JSON columns hold what
-- addressbook detected, the choices made on the preview page, the running
-- counts and the final report.
CREATE TABLE import_jobs (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    file_name    TEXT NOT NULL,
    file_size    INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('uploaded', 'running', 'done', 'failed')),
    detection    TEXT NOT NULL,
    options      TEXT NOT NULL,
    counts       TEXT NOT NULL,
    report       TEXT,
    error        TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX import_jobs_workspace ON import_jobs (workspace_id, created_at);
CREATE INDEX import_jobs_status ON import_jobs (status, updated_at);
