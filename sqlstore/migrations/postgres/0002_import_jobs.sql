-- Import jobs of the web import wizard. The JSON columns hold what
-- addressbook detected, the choices made on the preview page, the running
-- counts and the final report. They are JSON, not JSONB, because JSONB
-- rejects the escaped NUL character (\u0000) that an imported cell may hold.
CREATE TABLE import_jobs (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    file_name    TEXT NOT NULL,
    file_size    BIGINT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('uploaded', 'running', 'done', 'failed')),
    detection    JSON  NOT NULL,
    options      JSON  NOT NULL,
    counts       JSON  NOT NULL,
    report       JSON ,
    error        TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX import_jobs_workspace ON import_jobs (workspace_id, created_at);
CREATE INDEX import_jobs_status ON import_jobs (status, updated_at);
