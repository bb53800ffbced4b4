-- People who sign in to the web interface, and the evidence files authorities attach to items.
CREATE TABLE users (
    id             TEXT COLLATE "C" PRIMARY KEY,
    org_id         TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    email          TEXT COLLATE "C" NOT NULL,
    password_hash  TEXT COLLATE "C" NOT NULL,
    role           TEXT COLLATE "C" NOT NULL,
    created_at     TEXT COLLATE "C" NOT NULL
);
-- E-mail addresses are stored lower-case, so this is case-insensitive uniqueness.
CREATE UNIQUE INDEX ux_users_email ON users(email);
CREATE INDEX ix_users_org ON users(org_id);

-- Append-only: the bytes live content-addressed under <data>/evidence/ab/cd/<sha256>.
CREATE TABLE evidence (
    id           TEXT COLLATE "C" PRIMARY KEY,
    order_id     TEXT COLLATE "C" NOT NULL REFERENCES orders(id),
    item_id      TEXT COLLATE "C" NOT NULL REFERENCES order_items(id),
    sha256       TEXT COLLATE "C" NOT NULL,
    media_type   TEXT COLLATE "C" NOT NULL,
    size         BIGINT NOT NULL,
    file_name    TEXT COLLATE "C" NULL,
    created_at   TEXT COLLATE "C" NOT NULL,
    created_by   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX ix_evidence_order ON evidence(order_id, item_id);
