-- Row-level security: the database's own wall between workspaces, under
-- the workspace_id term that every query of the application carries.
--
-- The application's connections act as the role chatalott_app_<database>
-- (created and granted by the migrate step, see sqlstore/rls.go), which
-- owns no table, so these policies apply to it. Each transaction names its
-- workspace with set_config('app.workspace_id', id, true). A row is
-- visible, and may be written, only when its workspace_id equals that
-- setting. Without the
-- setting current_setting returns NULL or '' and no row matches.
--
-- The tables' owner, the login role of DATABASE_URL, passes the policies
-- (they are not FORCEd): migrations and the jobs that span workspaces run
-- as it. Foreign-key cascades run as the owner too, so deleting a
-- workspace still removes its rows.

ALTER TABLE companies ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON companies
    USING (workspace_id = current_setting('app.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('app.workspace_id', true));

ALTER TABLE contact_emails ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON contact_emails
    USING (workspace_id = current_setting('app.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('app.workspace_id', true));

ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON contacts
    USING (workspace_id = current_setting('app.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('app.workspace_id', true));

ALTER TABLE deal_contacts ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON deal_contacts
    USING (workspace_id = current_setting('app.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('app.workspace_id', true));

ALTER TABLE deal_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON deal_history
    USING (workspace_id = current_setting('app.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('app.workspace_id', true));

ALTER TABLE deals ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON deals
    USING (workspace_id = current_setting('app.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('app.workspace_id', true));

ALTER TABLE follow_ups ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON follow_ups
    USING (workspace_id = current_setting('app.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('app.workspace_id', true));

ALTER TABLE import_jobs ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON import_jobs
    USING (workspace_id = current_setting('app.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('app.workspace_id', true));

ALTER TABLE message_templates ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON message_templates
    USING (workspace_id = current_setting('app.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('app.workspace_id', true));

ALTER TABLE pipeline_stages ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON pipeline_stages
    USING (workspace_id = current_setting('app.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('app.workspace_id', true));

ALTER TABLE pipelines ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON pipelines
    USING (workspace_id = current_setting('app.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('app.workspace_id', true));

ALTER TABLE relationships ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON relationships
    USING (workspace_id = current_setting('app.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('app.workspace_id', true));

ALTER TABLE search_entries ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON search_entries
    USING (workspace_id = current_setting('app.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('app.workspace_id', true));

ALTER TABLE team_activity ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON team_activity
    USING (workspace_id = current_setting('app.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('app.workspace_id', true));

ALTER TABLE timeline_entries ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON timeline_entries
    USING (workspace_id = current_setting('app.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('app.workspace_id', true));

-- Search matches words with LIKE, which the trigram index answers. Under a
-- policy PostgreSQL evaluates the policy before any condition whose
-- operator is not marked leakproof, and LIKE is not, so it would scan every
-- row of the workspace instead. This function runs as the tables' owner,
-- past the policy, and applies the same rule itself: it returns only rows
-- of the workspace in app.workspace_id, and none without it.
--
-- It returns the first p_limit matches in search order: rank (0 for a name
-- equal to p_folded or an email address equal to p_email, 1 for a name or
-- word that starts with p_folded, 2 for the other matches),
-- then kind_order, name_key and subject_id. p1 to p4 are the word patterns
-- that every match must contain; an empty one matches everything.
--
-- Sorting by a computed rank would fetch and rank every match before the
-- limit, all of the workspace when a word is common. So each rank is a
-- separate query with its own ORDER BY and LIMIT, and a rank runs only
-- while fewer than p_limit rows have been found. Rank 0 reads the indexes
-- on name_key and on the email tokens and sorts the few rows found. Rank 1 first checks the first
-- head_rows rows of the workspace in index order (search_entries_workspace),
-- which finds the rank-1 rows quickly when a word is common, and keeps the
-- result when it is certain: when the workspace has fewer rows than that,
-- or enough of them have rank 1. Otherwise it reads the rank-1 candidates
-- from the indexes on name_key and doc and sorts them, because the
-- planner assumes matches spread evenly and would often walk most of the
-- workspace in order when the rank-1 rows cluster late in name order.
-- Rank 2 holds nearly all matches once ranks 0 and 1 have fewer than
-- p_limit, so one query in the planner's choice suffices. EXECUTE plans
-- each query for the call's values. The function runs with enable_seqscan
-- off because a sequential scan reads the whole workspace and an index
-- serves every plan it needs. Rows come back in search order, but callers
-- sort again because a set-returning function promises none.
CREATE FUNCTION search_entries_ranked(p_folded TEXT, p_email TEXT,
    p1 TEXT, p2 TEXT, p3 TEXT, p4 TEXT, p_limit INTEGER)
RETURNS TABLE (kind TEXT, subject_id TEXT, workspace_id TEXT, kind_order INTEGER, deal_id TEXT,
    title TEXT, detail TEXT, name_key TEXT, rank INTEGER)
LANGUAGE plpgsql STABLE SECURITY DEFINER
AS $fn$
DECLARE
    -- $1 and $2 are p_folded and p_email, $3 p_folded as a LIKE prefix
    -- pattern, $4 to $7 the word patterns, $8 the number of rows still
    -- wanted and $9 head_rows.
    workspace CONSTANT TEXT := $q$ FROM search_entries
        WHERE workspace_id = current_setting('app.workspace_id', true)$q$;
    words CONSTANT TEXT := $q$ doc LIKE $4 AND ($5 = '' OR doc LIKE $5)
        AND ($6 = '' OR doc LIKE $6) AND ($7 = '' OR doc LIKE $7)$q$;
    columns CONSTANT TEXT := 'SELECT kind, subject_id, workspace_id, kind_order, deal_id, title, detail, name_key, ';
    in_order CONSTANT TEXT := ' ORDER BY kind_order, name_key, subject_id LIMIT $8';
    -- When strpos finds ' ' || p_email || ' ' in ' ' || emails || ' ',
    -- each space-separated word of p_email is a whole space-separated
    -- token of emails. So the overlap (&&) always holds, and it lets the
    -- GIN index on those tokens find the candidates; strpos decides.
    exact CONSTANT TEXT := $q$ (name_key = $1 OR ($2 <> '' AND string_to_array(emails, ' ') && string_to_array($2, ' ')
        AND strpos(' ' || emails || ' ', ' ' || $2 || ' ') > 0))$q$;
    -- A document has a word that starts with p_folded when it starts with
    -- p_folded or contains a space followed by it. Written on doc, rather
    -- than on ' ' || doc, the condition can use the trigram index and has
    -- statistics.
    prefix CONSTANT TEXT := $q$ (name_key LIKE $3 OR doc LIKE $3 OR doc LIKE ('% ' || $3))$q$;
    prefix_pattern CONSTANT TEXT := replace(replace(replace(p_folded, '\', '\\'), '%', '\%'), '_', '\_') || '%';
    -- NOTE: 2,000 was chosen on the benchmark's data (100,000 contacts);
    -- workspaces of another shape may be served better by another value.
    head_rows CONSTANT INTEGER := 2000;
    wanted INTEGER := p_limit;
    found_rows BIGINT;
BEGIN
    IF wanted <= 0 THEN
        RETURN;
    END IF;
    -- Few rows have rank 0, so kind_order + 0 keeps the planner from
    -- walking search_entries_workspace in order hoping to meet them early.
    RETURN QUERY EXECUTE columns || '0' || workspace || ' AND' || words || ' AND' || exact
        || ' ORDER BY kind_order + 0, name_key, subject_id LIMIT $8'
        USING p_folded, p_email, prefix_pattern, p1, p2, p3, p4, wanted;
    GET DIAGNOSTICS found_rows = ROW_COUNT;
    wanted := wanted - found_rows;
    IF wanted <= 0 THEN
        RETURN;
    END IF;

    -- The head query returns no rows unless its result is certain. A
    -- certain empty result runs the second query too, which then finds
    -- nothing either. The head's ORDER BY ends with subject_id, so its
    -- rows are a prefix of the workspace in search order.
    RETURN QUERY EXECUTE 'WITH head AS MATERIALIZED (SELECT *,' || words || ' AND NOT' || exact || ' AND' || prefix
        || ' AS ranked' || workspace || ' ORDER BY kind_order, name_key, subject_id LIMIT $9) '
        || columns || '1 FROM head WHERE ranked AND ((SELECT count(*) FROM head) < $9 '
        || 'OR (SELECT count(*) FROM head WHERE ranked) >= $8)' || in_order
        USING p_folded, p_email, prefix_pattern, p1, p2, p3, p4, wanted, head_rows;
    GET DIAGNOSTICS found_rows = ROW_COUNT;
    IF found_rows = 0 THEN
        -- kind_order + 0 keeps the planner from walking
        -- search_entries_workspace in order.
        RETURN QUERY EXECUTE columns || '1' || workspace || ' AND' || words || ' AND NOT' || exact || ' AND' || prefix
            || ' ORDER BY kind_order + 0, name_key, subject_id LIMIT $8'
            USING p_folded, p_email, prefix_pattern, p1, p2, p3, p4, wanted;
        GET DIAGNOSTICS found_rows = ROW_COUNT;
    END IF;
    wanted := wanted - found_rows;
    IF wanted <= 0 THEN
        RETURN;
    END IF;

    RETURN QUERY EXECUTE columns || '2' || workspace || ' AND' || words || ' AND NOT' || exact || ' AND NOT' || prefix
        || in_order
        USING p_folded, p_email, prefix_pattern, p1, p2, p3, p4, wanted;
END
$fn$;
-- A SECURITY DEFINER function resolves names in this schema only, with
-- temporary tables last, so no other schema or session table can stand in
-- for search_entries. The migrate step grants the application role the
-- right to call it.
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION search_entries_ranked(TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, INTEGER) '
        'SET search_path = %I, pg_temp', current_schema());
    ALTER FUNCTION search_entries_ranked(TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, INTEGER) SET enable_seqscan = off;
END
$$;
REVOKE ALL ON FUNCTION search_entries_ranked(TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, INTEGER) FROM PUBLIC;

-- Indexes for search_entries_ranked, so that a query with a common word
-- finds its few exact and prefix matches without reading every row: a
-- B-tree for name equality and prefix LIKE (text_pattern_ops compares
-- bytes, so it serves LIKE 'x%' under any collation), and a GIN index over
-- the email addresses as tokens. fastupdate is off so that a search never
-- reads a long pending list after a bulk import.
CREATE INDEX search_entries_name_key ON search_entries (workspace_id, name_key text_pattern_ops);
CREATE INDEX search_entries_email_tokens ON search_entries USING gin (string_to_array(emails, ' '))
    WITH (fastupdate = off);
