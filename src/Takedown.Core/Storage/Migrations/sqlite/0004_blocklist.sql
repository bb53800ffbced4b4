-- Blocklist: listings of domains and URLs, oversight recommendations, export versions (serials) and pulls.
CREATE TABLE blocklist_listings (
    id                      TEXT PRIMARY KEY,
    authority_id            TEXT NOT NULL REFERENCES organizations(id),
    kind                    TEXT NOT NULL,              -- domain | url
    value                   TEXT NOT NULL,              -- domain in punycode, or the URL as given
    match_value             TEXT NOT NULL,              -- what duplicates compare on
    category                TEXT NOT NULL,
    status                  TEXT NOT NULL,              -- pending | approved | active | delisted
    body_json               TEXT NOT NULL,              -- reasons, evidence, justifications
    order_id                TEXT NULL REFERENCES orders(id),
    host_notified_at        TEXT NULL,
    host_unreachable        INTEGER NOT NULL,
    emergency               INTEGER NOT NULL,
    proposed_by_key         TEXT NOT NULL,
    proposed_at             TEXT NOT NULL,
    approved_by_key         TEXT NULL,
    approved_at             TEXT NULL,
    active_from             TEXT NULL,
    activated_at            TEXT NULL,
    review_due_at           TEXT NULL,
    last_reviewed_at        TEXT NULL,
    delisted_at             TEXT NULL,
    delisted_by_key         TEXT NULL,
    delist_reason           TEXT NULL
);
CREATE INDEX ix_blocklist_authority ON blocklist_listings(authority_id, id);
CREATE INDEX ix_blocklist_status ON blocklist_listings(status, active_from);
CREATE INDEX ix_blocklist_review ON blocklist_listings(status, review_due_at);
-- One live listing per name or URL: the check in the use case gives the clear error, this keeps it true.
CREATE UNIQUE INDEX ux_blocklist_live ON blocklist_listings(kind, match_value) WHERE status IN ('pending', 'approved', 'active');

CREATE TABLE blocklist_recommendations (
    id                TEXT PRIMARY KEY,
    listing_id        TEXT NOT NULL REFERENCES blocklist_listings(id),
    oversight_id      TEXT NOT NULL REFERENCES organizations(id),
    key_id            TEXT NOT NULL,
    recommendation    TEXT NOT NULL,                    -- uphold | lift
    reasons           TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    answer            TEXT NULL,                        -- delist | maintain
    answer_reasons    TEXT NULL,
    answered_at       TEXT NULL,
    answered_by_key   TEXT NULL
);
CREATE INDEX ix_blocklist_recommendations_listing ON blocklist_recommendations(listing_id, id);

-- Every change that alters an export inserts the next serial, in the same transaction as the change.
-- No row means serial 1 (the empty list).
CREATE TABLE blocklist_versions (
    serial       INTEGER PRIMARY KEY,
    created_at   TEXT NOT NULL,
    listing_id   TEXT NOT NULL,
    change       TEXT NOT NULL                          -- activated | delisted
);

-- Which key pulled which serial of which export: first and last time, and how often.
CREATE TABLE blocklist_pulls (
    key_id           TEXT NOT NULL,
    format           TEXT NOT NULL,
    serial           INTEGER NOT NULL,
    org_id           TEXT NOT NULL REFERENCES organizations(id),
    first_pulled_at  TEXT NOT NULL,
    last_pulled_at   TEXT NOT NULL,
    pulls            INTEGER NOT NULL,
    PRIMARY KEY (key_id, format, serial)
);
CREATE INDEX ix_blocklist_pulls_org ON blocklist_pulls(org_id, format, serial);
