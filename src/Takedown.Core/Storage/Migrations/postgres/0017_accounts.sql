-- Invitations: a one-time link lets an invited person set their own password. Only the SHA-256 of the
-- link's token is kept; a new invitation for the same person revokes the older ones.
-- An invited person who has not set a password yet has password_hash = '' and cannot sign in.
CREATE TABLE invitations (
    id                 TEXT COLLATE "C" PRIMARY KEY,
    token_hash         TEXT COLLATE "C" NOT NULL,
    user_id            TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    org_id             TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    created_at         TEXT COLLATE "C" NOT NULL,
    expires_at         TEXT COLLATE "C" NOT NULL,
    created_by_person  TEXT COLLATE "C" NULL,
    accepted_at        TEXT COLLATE "C" NULL,
    revoked_at         TEXT COLLATE "C" NULL
);
CREATE UNIQUE INDEX ux_invitations_token ON invitations(token_hash);
CREATE INDEX ix_invitations_user ON invitations(user_id);

-- Server-side sessions: the cookie names one row (by the SHA-256 of its token), checked on every request,
-- so sign-out and deactivation end it on every node at once.
CREATE TABLE sessions (
    id             TEXT COLLATE "C" PRIMARY KEY,
    user_id        TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    org_id         TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    created_at     TEXT COLLATE "C" NOT NULL,
    last_seen_at   TEXT COLLATE "C" NOT NULL,
    expires_at     TEXT COLLATE "C" NOT NULL,
    second_factor  TEXT COLLATE "C" NULL,
    ended_at       TEXT COLLATE "C" NULL,
    end_reason     TEXT COLLATE "C" NULL
);
CREATE INDEX ix_sessions_user ON sessions(user_id);

-- Failed sign-ins per account (keyed by a hash of the e-mail address, known or not) and per client address.
CREATE TABLE sign_in_throttle (
    key              TEXT COLLATE "C" PRIMARY KEY,
    failures         BIGINT NOT NULL,
    last_failure_at  TEXT COLLATE "C" NOT NULL,
    locked_until     TEXT COLLATE "C" NULL
);
