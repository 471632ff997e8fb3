-- The workspace search index: one row per contact, company and deal.
--
-- The storage code writes each row from the record it stores, in the same
-- transaction, with text folded in Go (case, accents and punctuation
-- removed). doc is what a search matches: names, emails, organization,
-- tags, website and each phone number as digits only. name_key and emails
-- decide the exact-match rank. kind_order sorts contacts before companies
-- before deals within a rank.
--
-- search_fts is an FTS5 index with the trigram tokenizer over doc, so a
-- LIKE '%word%' of three or more characters is answered from the index
-- instead of a scan. Triggers keep it in step with search_entries.
CREATE TABLE search_entries (
    entry_id     INTEGER PRIMARY KEY,
    subject_id   TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('contact', 'company', 'deal')),
    kind_order   INTEGER NOT NULL,
    contact_id   TEXT,
    company_id   TEXT,
    deal_id      TEXT,
    title        TEXT NOT NULL,
    detail       TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    emails       TEXT NOT NULL,
    doc          TEXT NOT NULL,
    CHECK ((contact_id IS NOT NULL) + (company_id IS NOT NULL) + (deal_id IS NOT NULL) = 1),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX search_entries_workspace ON search_entries (workspace_id, kind_order, name_key);
CREATE INDEX search_entries_contact ON search_entries (contact_id);
CREATE INDEX search_entries_company ON search_entries (company_id);
CREATE INDEX search_entries_deal ON search_entries (deal_id);

CREATE VIRTUAL TABLE search_fts USING fts5(doc, content='search_entries', content_rowid='entry_id', tokenize='trigram');

CREATE TRIGGER search_entries_fts_insert AFTER INSERT ON search_entries BEGIN
    INSERT INTO search_fts (rowid, doc) VALUES (NEW.entry_id, NEW.doc);
END;
CREATE TRIGGER search_entries_fts_delete AFTER DELETE ON search_entries BEGIN
    INSERT INTO search_fts (search_fts, rowid, doc) VALUES ('delete', OLD.entry_id, OLD.doc);
END;
CREATE TRIGGER search_entries_fts_update AFTER UPDATE ON search_entries BEGIN
    INSERT INTO search_fts (search_fts, rowid, doc) VALUES ('delete', OLD.entry_id, OLD.doc);
    INSERT INTO search_fts (rowid, doc) VALUES (NEW.entry_id, NEW.doc);
END;

-- Backfill. The contacts' and companies' search_text columns are already
-- folded in Go; tags, titles and names are only lower-cased here, and phone
-- numbers lose the usual punctuation. NOTE: a row backfilled here matches
-- accented tags and deal titles exactly only after its record is next saved,
-- which rewrites the row with Go's folding.
INSERT INTO search_entries (subject_id, workspace_id, kind, kind_order, contact_id, title, detail, name_key, emails, doc)
SELECT c.id, c.workspace_id, 'contact', 0, c.id,
    COALESCE(NULLIF(trim(replace(c.given || ' ' || c.middle || ' ' || c.family, '  ', ' ')), ''),
             NULLIF(c.nickname, ''), NULLIF(c.organization, ''), 'Unnamed contact'),
    c.organization,
    lower(trim(replace(c.given || ' ' || c.middle || ' ' || c.family, '  ', ' '))),
    COALESCE((SELECT group_concat(ce.email_normalized, ' ') FROM contact_emails ce
              WHERE ce.workspace_id = c.workspace_id AND ce.contact_id = c.id), ''),
    trim(c.search_text
         || ' ' || COALESCE((SELECT group_concat(lower(t.value), ' ') FROM json_each(c.details, '$.tags') t), '')
         || ' ' || COALESCE((SELECT group_concat(replace(replace(replace(replace(replace(replace(replace(
                     p.value ->> 'number', '+', ''), '(', ''), ')', ''), '-', ''), '.', ''), ' ', ''), '/', ''), ' ')
                     FROM json_each(c.details, '$.phones') p), ''))
FROM contacts c;

INSERT INTO search_entries (subject_id, workspace_id, kind, kind_order, company_id, title, detail, name_key, emails, doc)
SELECT c.id, c.workspace_id, 'company', 1, c.id, c.name, c.website, c.name_key, '',
    trim(c.search_text
         || ' ' || COALESCE((SELECT group_concat(lower(t.value), ' ') FROM json_each(c.details, '$.tags') t), '')
         || ' ' || COALESCE((SELECT group_concat(replace(replace(replace(replace(replace(replace(replace(
                     p.value ->> 'number', '+', ''), '(', ''), ')', ''), '-', ''), '.', ''), ' ', ''), '/', ''), ' ')
                     FROM json_each(c.details, '$.phones') p), ''))
FROM companies c;

INSERT INTO search_entries (subject_id, workspace_id, kind, kind_order, deal_id, title, detail, name_key, emails, doc)
SELECT d.id, d.workspace_id, 'deal', 2, d.id, d.title, '', lower(d.title), '', lower(d.title)
FROM deals d;
