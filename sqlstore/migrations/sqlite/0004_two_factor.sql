-- Two-factor authentication: TOTP secrets (sealed), backup codes (keyed
-- hashes), and the session state of a log-in waiting for its second factor.
CREATE TABLE two_factor (
    user_id       TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    confirmed_at  TIMESTAMP,
    last_step     BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE backup_codes (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key_id     TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    PRIMARY KEY (user_id, code_hash)
);

ALTER TABLE sessions ADD COLUMN second_factor_pending BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sessions ADD COLUMN password_at TIMESTAMP;
