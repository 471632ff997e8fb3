-- Follow-ups with their reminders, and each user's time zone.

-- user_settings holds per-user preferences. time_zone is an IANA name such
-- as "Europe/Berlin"; a user without a row uses UTC.
CREATE TABLE user_settings (
    user_id    TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    time_zone  TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A follow-up is attached to exactly one contact, company or deal of its
-- workspace. due_at is stored in UTC. reminded_at is set by the single
-- UPDATE that claims the reminder, so at most one scheduler sends it; a
-- snooze moves due_at and clears reminded_at, so the new time gets its own
-- reminder. The storage code checks that the assignee is a member of the
-- workspace when it writes assignee_id.
CREATE TABLE follow_ups (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    contact_id   TEXT,
    company_id   TEXT,
    deal_id      TEXT,
    title        TEXT NOT NULL,
    note         TEXT NOT NULL,
    due_at       TIMESTAMP NOT NULL,
    assignee_id  TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_by   TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    done_at      TIMESTAMP,
    reminded_at  TIMESTAMP,
    CHECK ((contact_id IS NOT NULL) + (company_id IS NOT NULL) + (deal_id IS NOT NULL) = 1),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX follow_ups_open ON follow_ups (workspace_id, done_at, due_at);
CREATE INDEX follow_ups_contact ON follow_ups (workspace_id, contact_id);
CREATE INDEX follow_ups_company ON follow_ups (workspace_id, company_id);
CREATE INDEX follow_ups_deal ON follow_ups (workspace_id, deal_id);
-- The reminder scheduler scans only follow-ups whose reminder is pending.
CREATE INDEX follow_ups_pending_reminder ON follow_ups (due_at) WHERE reminded_at IS NULL AND done_at IS NULL;
