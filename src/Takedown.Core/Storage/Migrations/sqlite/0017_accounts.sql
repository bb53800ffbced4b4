-- Invitations: a one-time link lets an invited person set their own password. Only the SHA-256 of the
-- link's token is kept; a new invitation for the same person revokes the older ones.
-- An invited person who has not set a password yet has password_hash = '' and cannot sign in.
CREATE TABLE invitations (
    id                 TEXT PRIMARY KEY,
    token_hash         TEXT NOT NULL,
    user_id            TEXT NOT NULL REFERENCES users(id),
    org_id             TEXT NOT NULL REFERENCES organizations(id),
    created_at         TEXT NOT NULL,
    expires_at         TEXT NOT NULL,
    created_by_person  TEXT NULL,
    accepted_at        TEXT NULL,
    revoked_at         TEXT NULL
);
CREATE UNIQUE INDEX ux_invitations_token ON invitations(token_hash);
CREATE INDEX ix_invitations_user ON invitations(user_id);

-- Server-side sessions: the cookie names one row (by the SHA-256 of its token), checked on every request,
-- so sign-out and deactivation end it on every node at once.
CREATE TABLE sessions (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id),
    org_id         TEXT NOT NULL REFERENCES organizations(id),
    created_at     TEXT NOT NULL,
    last_seen_at   TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    second_factor  TEXT NULL,
    ended_at       TEXT NULL,
    end_reason     TEXT NULL
);
CREATE INDEX ix_sessions_user ON sessions(user_id);

-- Failed sign-ins per account (keyed by a hash of the e-mail address, known or not) and per client address.
CREATE TABLE sign_in_throttle (
    key              TEXT PRIMARY KEY,
    failures         INTEGER NOT NULL,
    last_failure_at  TEXT NOT NULL,
    locked_until     TEXT NULL
);
