-- Relationships between contacts, and the timeline of notes, logged
-- activities and system events on contacts, companies and deals.
--
-- Composite foreign keys to (workspace_id, id) make the database itself
-- reject a relationship or a timeline entry whose ends lie in different
-- workspaces, on top of the storage code's own checks.

-- A relationship is stored once, in canonical form: a directional kind is
-- stored from the side its name reads from ("manager_of", "referred_by"),
-- and a symmetric kind with the smaller contact id first. The unique index
-- therefore rejects both a repeat and its inverse. label_key is the folded
-- custom label, '' for the built-in kinds.
CREATE TABLE relationships (
    id              TEXT PRIMARY KEY,
    workspace_id    TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    from_contact_id TEXT NOT NULL,
    to_contact_id   TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('colleague', 'manager_of', 'referred_by', 'partner', 'family', 'friend', 'custom')),
    label           TEXT NOT NULL,
    label_key       TEXT NOT NULL,
    created_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMP NOT NULL,
    CHECK (from_contact_id <> to_contact_id),
    FOREIGN KEY (workspace_id, from_contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, to_contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX relationships_unique ON relationships (workspace_id, from_contact_id, to_contact_id, kind, label_key);
CREATE INDEX relationships_to ON relationships (workspace_id, to_contact_id);

-- A timeline entry belongs to exactly one subject: a contact, a company or
-- a deal. kind is 'note', one of the activities 'call', 'email' and
-- 'meeting', or 'event' for a system event named in event ('created',
-- 'imported'). occurred_at is when the activity took place, which the user
-- may set into the past; for notes and events it equals created_at.
CREATE TABLE timeline_entries (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    contact_id   TEXT,
    company_id   TEXT,
    deal_id      TEXT,
    kind         TEXT NOT NULL CHECK (kind IN ('note', 'call', 'email', 'meeting', 'event')),
    event        TEXT NOT NULL,
    body         TEXT NOT NULL,
    user_id      TEXT REFERENCES users (id) ON DELETE SET NULL,
    occurred_at  TIMESTAMP NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    CHECK ((contact_id IS NOT NULL) + (company_id IS NOT NULL) + (deal_id IS NOT NULL) = 1),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX timeline_contact ON timeline_entries (workspace_id, contact_id, occurred_at);
CREATE INDEX timeline_company ON timeline_entries (workspace_id, company_id, occurred_at);
CREATE INDEX timeline_deal ON timeline_entries (workspace_id, deal_id, occurred_at);
CREATE INDEX timeline_workspace ON timeline_entries (workspace_id, occurred_at);

-- Existing contacts and companies get their "created" event, without an
-- author because none was recorded.
INSERT INTO timeline_entries (id, workspace_id, contact_id, kind, event, body, user_id, occurred_at, created_at)
SELECT 'created-' || id, workspace_id, id, 'event', 'created', '', NULL, created_at, created_at FROM contacts;
INSERT INTO timeline_entries (id, workspace_id, company_id, kind, event, body, user_id, occurred_at, created_at)
SELECT 'created-' || id, workspace_id, id, 'event', 'created', '', NULL, created_at, created_at FROM companies;
