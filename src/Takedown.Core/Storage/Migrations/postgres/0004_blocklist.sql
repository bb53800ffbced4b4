-- Blocklist: listings of domains and URLs, oversight recommendations, export versions (serials) and pulls.
CREATE TABLE blocklist_listings (
    id                      TEXT COLLATE "C" PRIMARY KEY,
    authority_id            TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    kind                    TEXT COLLATE "C" NOT NULL,              -- domain | url
    value                   TEXT COLLATE "C" NOT NULL,              -- domain in punycode, or the URL as given
    match_value             TEXT COLLATE "C" NOT NULL,              -- what duplicates compare on
    category                TEXT COLLATE "C" NOT NULL,
    status                  TEXT COLLATE "C" NOT NULL,              -- pending | approved | active | delisted
    body_json               TEXT COLLATE "C" NOT NULL,              -- reasons, evidence, justifications
    order_id                TEXT COLLATE "C" NULL REFERENCES orders(id),
    host_notified_at        TEXT COLLATE "C" NULL,
    host_unreachable        BIGINT NOT NULL,
    emergency               BIGINT NOT NULL,
    proposed_by_key         TEXT COLLATE "C" NOT NULL,
    proposed_at             TEXT COLLATE "C" NOT NULL,
    approved_by_key         TEXT COLLATE "C" NULL,
    approved_at             TEXT COLLATE "C" NULL,
    active_from             TEXT COLLATE "C" NULL,
    activated_at            TEXT COLLATE "C" NULL,
    review_due_at           TEXT COLLATE "C" NULL,
    last_reviewed_at        TEXT COLLATE "C" NULL,
    delisted_at             TEXT COLLATE "C" NULL,
    delisted_by_key         TEXT COLLATE "C" NULL,
    delist_reason           TEXT COLLATE "C" NULL
);
CREATE INDEX ix_blocklist_authority ON blocklist_listings(authority_id, id);
CREATE INDEX ix_blocklist_status ON blocklist_listings(status, active_from);
CREATE INDEX ix_blocklist_review ON blocklist_listings(status, review_due_at);
-- One live listing per name or URL: the check in the use case gives the clear error, this keeps it true.
CREATE UNIQUE INDEX ux_blocklist_live ON blocklist_listings(kind, match_value) WHERE status IN ('pending', 'approved', 'active');

CREATE TABLE blocklist_recommendations (
    id                TEXT COLLATE "C" PRIMARY KEY,
    listing_id        TEXT COLLATE "C" NOT NULL REFERENCES blocklist_listings(id),
    oversight_id      TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    key_id            TEXT COLLATE "C" NOT NULL,
    recommendation    TEXT COLLATE "C" NOT NULL,                    -- uphold | lift
    reasons           TEXT COLLATE "C" NOT NULL,
    created_at        TEXT COLLATE "C" NOT NULL,
    answer            TEXT COLLATE "C" NULL,                        -- delist | maintain
    answer_reasons    TEXT COLLATE "C" NULL,
    answered_at       TEXT COLLATE "C" NULL,
    answered_by_key   TEXT COLLATE "C" NULL
);
CREATE INDEX ix_blocklist_recommendations_listing ON blocklist_recommendations(listing_id, id);

-- Every change that alters an export inserts the next serial, in the same transaction as the change.
-- No row means serial 1 (the empty list).
CREATE TABLE blocklist_versions (
    serial       BIGINT PRIMARY KEY,
    created_at   TEXT COLLATE "C" NOT NULL,
    listing_id   TEXT COLLATE "C" NOT NULL,
    change       TEXT COLLATE "C" NOT NULL                          -- activated | delisted
);

-- Which key pulled which serial of which export: first and last time, and how often.
CREATE TABLE blocklist_pulls (
    key_id           TEXT COLLATE "C" NOT NULL,
    format           TEXT COLLATE "C" NOT NULL,
    serial           BIGINT NOT NULL,
    org_id           TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    first_pulled_at  TEXT COLLATE "C" NOT NULL,
    last_pulled_at   TEXT COLLATE "C" NOT NULL,
    pulls            BIGINT NOT NULL,
    PRIMARY KEY (key_id, format, serial)
);
CREATE INDEX ix_blocklist_pulls_org ON blocklist_pulls(org_id, format, serial);
