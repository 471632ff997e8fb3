-- Email verification and password reset. A link's token is never stored:
-- token_hash is the hex SHA-256 of it. email_normalized is the address the
-- link was sent to, so a link stops working when the account's address
-- changes. Consuming a link deletes its row, so each link works once.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMPTZ;

CREATE TABLE email_tokens (
    token_hash       TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose          TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    email_normalized TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    expires_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose);
CREATE INDEX email_tokens_expires ON email_tokens (expires_at);
