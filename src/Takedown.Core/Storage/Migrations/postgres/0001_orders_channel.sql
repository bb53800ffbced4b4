-- Organisations, keys, platform profiles, orders and items, deconfliction, audit chain.
CREATE TABLE organizations (
    id          TEXT COLLATE "C" PRIMARY KEY,
    kind        TEXT COLLATE "C" NOT NULL,
    name        TEXT COLLATE "C" NOT NULL,
    country     TEXT COLLATE "C" NULL,
    created_at  TEXT COLLATE "C" NOT NULL
);

CREATE TABLE api_keys (
    id           TEXT COLLATE "C" PRIMARY KEY,
    org_id       TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    name         TEXT COLLATE "C" NOT NULL,
    key_hash     TEXT COLLATE "C" NOT NULL UNIQUE,
    prefix       TEXT COLLATE "C" NOT NULL,
    created_at   TEXT COLLATE "C" NOT NULL,
    revoked_at   TEXT COLLATE "C" NULL
);
CREATE INDEX ix_api_keys_org ON api_keys(org_id);

CREATE TABLE platform_profiles (
    org_id                 TEXT COLLATE "C" PRIMARY KEY REFERENCES organizations(id),
    referral_deadline_hours BIGINT NOT NULL,
    profile_json           TEXT COLLATE "C" NOT NULL,
    updated_at             TEXT COLLATE "C" NOT NULL
);

CREATE TABLE orders (
    id                    TEXT COLLATE "C" PRIMARY KEY,
    authority_id          TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    platform_id           TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    kind                  TEXT COLLATE "C" NOT NULL,
    reference             TEXT COLLATE "C" NOT NULL,
    status                TEXT COLLATE "C" NOT NULL,
    created_at            TEXT COLLATE "C" NOT NULL,
    received_at           TEXT COLLATE "C" NULL,
    due_at                TEXT COLLATE "C" NULL,
    acknowledged_at       TEXT COLLATE "C" NULL,
    emergency             BIGINT NOT NULL,
    confidential_until    TEXT COLLATE "C" NULL,
    body_json             TEXT COLLATE "C" NOT NULL,
    withdrawn_reason      TEXT COLLATE "C" NULL,
    UNIQUE (authority_id, reference)
);
CREATE INDEX ix_orders_platform ON orders(platform_id, id);
CREATE INDEX ix_orders_authority ON orders(authority_id, id);

CREATE TABLE order_items (
    id                   TEXT COLLATE "C" PRIMARY KEY,
    order_id             TEXT COLLATE "C" NOT NULL REFERENCES orders(id),
    position             BIGINT NOT NULL,
    platform_id          TEXT COLLATE "C" NOT NULL,
    url                  TEXT COLLATE "C" NOT NULL,
    canonical_url        TEXT COLLATE "C" NOT NULL,
    platform_content_id  TEXT COLLATE "C" NULL,
    description          TEXT COLLATE "C" NULL,
    status               TEXT COLLATE "C" NOT NULL,
    due_at               TEXT COLLATE "C" NULL,
    action               TEXT COLLATE "C" NULL,
    reason               TEXT COLLATE "C" NULL,
    explanation          TEXT COLLATE "C" NULL,
    rule_id              TEXT COLLATE "C" NULL,
    acted_at             TEXT COLLATE "C" NULL,
    late                 BIGINT NULL,
    duplicate_of         TEXT COLLATE "C" NULL REFERENCES order_items(id),
    withdrawn_reason     TEXT COLLATE "C" NULL
);
CREATE INDEX ix_items_order ON order_items(order_id, position);
CREATE INDEX ix_items_open_url ON order_items(platform_id, canonical_url, status);
CREATE INDEX ix_items_due ON order_items(status, due_at);
CREATE INDEX ix_items_duplicate ON order_items(duplicate_of);

CREATE TABLE deconfliction_entries (
    id            TEXT COLLATE "C" PRIMARY KEY,
    authority_id  TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    kind          TEXT COLLATE "C" NOT NULL,
    value         TEXT COLLATE "C" NOT NULL,
    match_value   TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL
);
CREATE INDEX ix_deconfliction_match ON deconfliction_entries(match_value);

CREATE TABLE deconfliction_holds (
    id            TEXT COLLATE "C" PRIMARY KEY,
    entry_id      TEXT COLLATE "C" NOT NULL REFERENCES deconfliction_entries(id),
    authority_id  TEXT COLLATE "C" NOT NULL,
    order_id      TEXT COLLATE "C" NOT NULL REFERENCES orders(id),
    item_id       TEXT COLLATE "C" NOT NULL REFERENCES order_items(id),
    status        TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    decided_at    TEXT COLLATE "C" NULL
);
CREATE INDEX ix_holds_authority ON deconfliction_holds(authority_id, id);
CREATE INDEX ix_holds_order ON deconfliction_holds(order_id);

CREATE TABLE audit_events (
    seq            BIGINT PRIMARY KEY,
    id             TEXT COLLATE "C" NOT NULL UNIQUE,
    at             TEXT COLLATE "C" NOT NULL,
    type           TEXT COLLATE "C" NOT NULL,
    actor_org_id   TEXT COLLATE "C" NULL,
    actor_key_id   TEXT COLLATE "C" NULL,
    order_id       TEXT COLLATE "C" NULL,
    item_id        TEXT COLLATE "C" NULL,
    subject_id     TEXT COLLATE "C" NULL,
    platform_visible BIGINT NOT NULL,
    data_json      TEXT COLLATE "C" NOT NULL,
    prev_hash      TEXT COLLATE "C" NOT NULL,
    hash           TEXT COLLATE "C" NOT NULL
);
CREATE INDEX ix_audit_order ON audit_events(order_id, seq);
