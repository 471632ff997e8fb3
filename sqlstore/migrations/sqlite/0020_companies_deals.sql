-- Companies, the pipeline, deals and the deal history.
--
-- Rows that other records point to carry UNIQUE (workspace_id, id), so a
-- composite foreign key can require that both ends lie in one workspace.
-- Other features attach records to a company or a deal by subject type
-- ('company' or 'deal') and id; those ids are unique across the instance.

CREATE TABLE companies (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    -- name_key is the name folded like search text; linking a contact's
    -- organization to a company compares it.
    name_key     TEXT NOT NULL,
    website      TEXT NOT NULL,
    details      TEXT NOT NULL,
    note         TEXT NOT NULL,
    search_text  TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id)
);
CREATE INDEX companies_workspace_name ON companies (workspace_id, name_key, id);

-- A contact's company. A column added by ALTER TABLE can reference one
-- column only, so the storage code checks that the company lies in the
-- contact's workspace when it sets company_id.
ALTER TABLE contacts ADD COLUMN company_id TEXT REFERENCES companies (id) ON DELETE SET NULL;
CREATE INDEX contacts_workspace_company ON contacts (workspace_id, company_id);
CREATE UNIQUE INDEX contacts_workspace_id ON contacts (workspace_id, id);

-- pipelines records that a workspace's default stages were created, so
-- that two first requests cannot both create them.
CREATE TABLE pipelines (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL
);

CREATE TABLE pipeline_stages (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    position     INTEGER NOT NULL,
    probability  INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    kind         TEXT NOT NULL CHECK (kind IN ('open', 'won', 'lost')),
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id),
    UNIQUE (workspace_id, name_key)
);
CREATE INDEX pipeline_stages_position ON pipeline_stages (workspace_id, position);

-- deals.amount is in minor units of currency (cents for EUR, yen for JPY).
-- expected_close is a date written YYYY-MM-DD, so text order is date order.
-- A deal's stage cannot be deleted while it holds the deal (no ON DELETE
-- action): removing a stage moves its deals first. Deleting a company sets
-- company_id to NULL in the storage code before the company row goes.
CREATE TABLE deals (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title          TEXT NOT NULL,
    company_id     TEXT,
    stage_id       TEXT NOT NULL,
    amount         BIGINT NOT NULL CHECK (amount >= 0),
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    expected_close TEXT CHECK (expected_close GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    owner_id       TEXT REFERENCES users (id) ON DELETE SET NULL,
    version        BIGINT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, stage_id) REFERENCES pipeline_stages (workspace_id, id),
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id)
);
CREATE INDEX deals_workspace_created ON deals (workspace_id, created_at, id);
CREATE INDEX deals_workspace_stage ON deals (workspace_id, stage_id, updated_at);
CREATE INDEX deals_workspace_company ON deals (workspace_id, company_id);
CREATE INDEX deals_workspace_owner ON deals (workspace_id, owner_id);
CREATE INDEX deals_workspace_close ON deals (workspace_id, expected_close);

CREATE TABLE deal_contacts (
    workspace_id TEXT NOT NULL,
    deal_id      TEXT NOT NULL,
    contact_id   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (deal_id, contact_id),
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX deal_contacts_contact ON deal_contacts (workspace_id, contact_id);

-- deal_history is append-only. old_value and new_value are what a person
-- reads (a stage name, "1234.50 EUR"); old_ref and new_ref hold the stage or
-- owner id where the field has one. user_name is the actor's name at the
-- time of the change.
CREATE TABLE deal_history (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    deal_id      TEXT NOT NULL,
    field        TEXT NOT NULL CHECK (field IN ('created', 'title', 'stage', 'amount', 'currency', 'owner', 'expected_close')),
    old_value    TEXT NOT NULL,
    new_value    TEXT NOT NULL,
    old_ref      TEXT NOT NULL,
    new_ref      TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    user_name    TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX deal_history_deal ON deal_history (workspace_id, deal_id, created_at);

-- No row of deal_history is ever changed. A row is deleted only by the
-- cascade that follows deleting its deal or its workspace: SQLite runs that
-- cascade after the parent row is gone, so the parent no longer exists when
-- this trigger looks. Any other DELETE is rejected.
CREATE TRIGGER deal_history_no_update BEFORE UPDATE ON deal_history
BEGIN
    SELECT RAISE(ABORT, 'deal_history is append-only: rows cannot be updated');
END;

CREATE TRIGGER deal_history_no_delete BEFORE DELETE ON deal_history
WHEN EXISTS (SELECT 1 FROM deals WHERE workspace_id = OLD.workspace_id AND id = OLD.deal_id)
 AND EXISTS (SELECT 1 FROM workspaces WHERE id = OLD.workspace_id)
BEGIN
    SELECT RAISE(ABORT, 'deal_history is append-only: rows are deleted only with their deal');
END;
