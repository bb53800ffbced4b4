-- Organisations, keys, platform profiles, orders and items, deconfliction, audit chain.
CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    country     TEXT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    name         TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT NULL
);
CREATE INDEX ix_api_keys_org ON api_keys(org_id);

CREATE TABLE platform_profiles (
    org_id                 TEXT PRIMARY KEY REFERENCES organizations(id),
    referral_deadline_hours INTEGER NOT NULL,
    profile_json           TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);

CREATE TABLE orders (
    id                    TEXT PRIMARY KEY,
    authority_id          TEXT NOT NULL REFERENCES organizations(id),
    platform_id           TEXT NOT NULL REFERENCES organizations(id),
    kind                  TEXT NOT NULL,
    reference             TEXT NOT NULL,
    status                TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    received_at           TEXT NULL,
    due_at                TEXT NULL,
    acknowledged_at       TEXT NULL,
    emergency             INTEGER NOT NULL,
    confidential_until    TEXT NULL,
    body_json             TEXT NOT NULL,
    withdrawn_reason      TEXT NULL,
    UNIQUE (authority_id, reference)
);
CREATE INDEX ix_orders_platform ON orders(platform_id, id);
CREATE INDEX ix_orders_authority ON orders(authority_id, id);

CREATE TABLE order_items (
    id                   TEXT PRIMARY KEY,
    order_id             TEXT NOT NULL REFERENCES orders(id),
    position             INTEGER NOT NULL,
    platform_id          TEXT NOT NULL,
    url                  TEXT NOT NULL,
    canonical_url        TEXT NOT NULL,
    platform_content_id  TEXT NULL,
    description          TEXT NULL,
    status               TEXT NOT NULL,
    due_at               TEXT NULL,
    action               TEXT NULL,
    reason               TEXT NULL,
    explanation          TEXT NULL,
    rule_id              TEXT NULL,
    acted_at             TEXT NULL,
    late                 INTEGER NULL,
    duplicate_of         TEXT NULL REFERENCES order_items(id),
    withdrawn_reason     TEXT NULL
);
CREATE INDEX ix_items_order ON order_items(order_id, position);
CREATE INDEX ix_items_open_url ON order_items(platform_id, canonical_url, status);
CREATE INDEX ix_items_due ON order_items(status, due_at);
CREATE INDEX ix_items_duplicate ON order_items(duplicate_of);

CREATE TABLE deconfliction_entries (
    id            TEXT PRIMARY KEY,
    authority_id  TEXT NOT NULL REFERENCES organizations(id),
    kind          TEXT NOT NULL,
    value         TEXT NOT NULL,
    match_value   TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX ix_deconfliction_match ON deconfliction_entries(match_value);

CREATE TABLE deconfliction_holds (
    id            TEXT PRIMARY KEY,
    entry_id      TEXT NOT NULL REFERENCES deconfliction_entries(id),
    authority_id  TEXT NOT NULL,
    order_id      TEXT NOT NULL REFERENCES orders(id),
    item_id       TEXT NOT NULL REFERENCES order_items(id),
    status        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    decided_at    TEXT NULL
);
CREATE INDEX ix_holds_authority ON deconfliction_holds(authority_id, id);
CREATE INDEX ix_holds_order ON deconfliction_holds(order_id);

CREATE TABLE audit_events (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    at             TEXT NOT NULL,
    type           TEXT NOT NULL,
    actor_org_id   TEXT NULL,
    actor_key_id   TEXT NULL,
    order_id       TEXT NULL,
    item_id        TEXT NULL,
    subject_id     TEXT NULL,
    platform_visible INTEGER NOT NULL,
    data_json      TEXT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
CREATE INDEX ix_audit_order ON audit_events(order_id, seq);
