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
-- of the workspace in app.workspace_id, and none without it. EXECUTE plans
-- the query for each call's patterns.
CREATE FUNCTION search_entries_matching(p1 TEXT, p2 TEXT, p3 TEXT, p4 TEXT)
RETURNS SETOF search_entries
LANGUAGE plpgsql STABLE SECURITY DEFINER
AS $fn$
BEGIN
    RETURN QUERY EXECUTE $q$
        SELECT * FROM search_entries
        WHERE workspace_id = current_setting('app.workspace_id', true)
          AND doc LIKE $1
          AND ($2 = '' OR doc LIKE $2)
          AND ($3 = '' OR doc LIKE $3)
          AND ($4 = '' OR doc LIKE $4)$q$
        USING p1, p2, p3, p4;
END
$fn$;
-- A SECURITY DEFINER function resolves names in this schema only, with
-- temporary tables last, so no other schema or session table can stand in
-- for search_entries. The migrate step grants the application role the
-- right to call it.
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION search_entries_matching(TEXT, TEXT, TEXT, TEXT) SET search_path = %I, pg_temp',
        current_schema());
END
$$;
REVOKE ALL ON FUNCTION search_entries_matching(TEXT, TEXT, TEXT, TEXT) FROM PUBLIC;
