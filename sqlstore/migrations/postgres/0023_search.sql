-- The workspace search index: one row per contact, company and deal.
--
-- The storage code writes each row from the record it stores, in the same
-- transaction, with text folded in Go (case, accents and punctuation
-- removed). doc is what a search matches: names, emails, organization,
-- tags, website and each phone number as digits only. name_key and emails
-- decide the exact-match rank. kind_order sorts contacts before companies
-- before deals within a rank.
--
-- A pg_trgm GIN index over doc answers LIKE '%word%' for words of three or
-- more characters. pg_trgm ships with PostgreSQL's contrib modules and is a
-- trusted extension (PostgreSQL 13 and later), so a database owner may
-- create it. It goes into the public schema, so that dropping an
-- application schema never drops the extension that other schemas' indexes
-- use; the index names the operator class with that schema because the
-- application's search_path need not contain it.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE TABLE search_entries (
    subject_id   TEXT PRIMARY KEY,
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
    CHECK (num_nonnulls(contact_id, company_id, deal_id) = 1),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX search_entries_workspace ON search_entries (workspace_id, kind_order, name_key);
CREATE INDEX search_entries_contact ON search_entries (contact_id);
CREATE INDEX search_entries_company ON search_entries (company_id);
CREATE INDEX search_entries_deal ON search_entries (deal_id);

DO $$
DECLARE
    ext_schema text;
BEGIN
    SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
    EXECUTE format('CREATE INDEX search_entries_doc_trgm ON search_entries USING gin (doc %I.gin_trgm_ops)', ext_schema);
END
$$;

-- Backfill. The contacts' and companies' search_text columns are already
-- folded in Go; tags, titles and names are only lower-cased here, and phone
-- numbers keep their digits. NOTE: a row backfilled here matches accented
-- tags and deal titles exactly only after its record is next saved, which
-- rewrites the row with Go's folding.
INSERT INTO search_entries (subject_id, workspace_id, kind, kind_order, contact_id, title, detail, name_key, emails, doc)
SELECT c.id, c.workspace_id, 'contact', 0, c.id,
    COALESCE(NULLIF(trim(replace(c.given || ' ' || c.middle || ' ' || c.family, '  ', ' ')), ''),
             NULLIF(c.nickname, ''), NULLIF(c.organization, ''), 'Unnamed contact'),
    c.organization,
    lower(trim(replace(c.given || ' ' || c.middle || ' ' || c.family, '  ', ' '))),
    COALESCE((SELECT string_agg(ce.email_normalized, ' ') FROM contact_emails ce
              WHERE ce.workspace_id = c.workspace_id AND ce.contact_id = c.id), ''),
    trim(c.search_text
         || ' ' || COALESCE((SELECT string_agg(lower(t), ' ') FROM jsonb_array_elements_text(c.details -> 'tags') t), '')
         || ' ' || COALESCE((SELECT string_agg(regexp_replace(p ->> 'number', '[^0-9]', '', 'g'), ' ')
                             FROM jsonb_array_elements(c.details -> 'phones') p), ''))
FROM contacts c;

INSERT INTO search_entries (subject_id, workspace_id, kind, kind_order, company_id, title, detail, name_key, emails, doc)
SELECT c.id, c.workspace_id, 'company', 1, c.id, c.name, c.website, c.name_key, '',
    trim(c.search_text
         || ' ' || COALESCE((SELECT string_agg(lower(t), ' ') FROM jsonb_array_elements_text(c.details -> 'tags') t), '')
         || ' ' || COALESCE((SELECT string_agg(regexp_replace(p ->> 'number', '[^0-9]', '', 'g'), ' ')
                             FROM jsonb_array_elements(c.details -> 'phones') p), ''))
FROM companies c;

INSERT INTO search_entries (subject_id, workspace_id, kind, kind_order, deal_id, title, detail, name_key, emails, doc)
SELECT d.id, d.workspace_id, 'deal', 2, d.id, d.title, '', lower(d.title), '', lower(d.title)
FROM deals d;
