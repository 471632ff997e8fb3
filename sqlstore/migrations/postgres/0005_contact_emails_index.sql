-- Rewriting a contact's emails deletes its rows by (workspace_id,
-- contact_id); without this index SQLite scans every email row of the
-- workspace for each write.
CREATE INDEX contact_emails_contact ON contact_emails (workspace_id, contact_id);
