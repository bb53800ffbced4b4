-- People who sign in to the web interface, and the evidence files authorities attach to items.
CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id),
    email          TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
-- E-mail addresses are stored lower-case, so this is case-insensitive uniqueness.
CREATE UNIQUE INDEX ux_users_email ON users(email);
CREATE INDEX ix_users_org ON users(org_id);

-- Append-only: the bytes live content-addressed under <data>/evidence/ab/cd/<sha256>.
CREATE TABLE evidence (
    id           TEXT PRIMARY KEY,
    order_id     TEXT NOT NULL REFERENCES orders(id),
    item_id      TEXT NOT NULL REFERENCES order_items(id),
    sha256       TEXT NOT NULL,
    media_type   TEXT NOT NULL,
    size         INTEGER NOT NULL,
    file_name    TEXT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE INDEX ix_evidence_order ON evidence(order_id, item_id);
