-- Accountability: complaints (Art. 10 TCO), scrutiny (Art. 4), reinstatement that travels back to banks and blocklists.
CREATE TABLE complaints (
    id              TEXT COLLATE "C" PRIMARY KEY,
    order_id        TEXT COLLATE "C" NOT NULL REFERENCES orders(id),
    item_id         TEXT COLLATE "C" NOT NULL REFERENCES order_items(id),
    platform_id     TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    authority_id    TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    text            TEXT COLLATE "C" NOT NULL,
    status          TEXT COLLATE "C" NOT NULL,              -- open | decided
    created_at      TEXT COLLATE "C" NOT NULL,
    due_at          TEXT COLLATE "C" NOT NULL,
    outcome         TEXT COLLATE "C" NULL,                  -- upheld | reinstated
    explanation     TEXT COLLATE "C" NULL,
    decided_at      TEXT COLLATE "C" NULL,
    late            BIGINT NULL
);
CREATE INDEX ix_complaints_platform ON complaints(platform_id, id);
CREATE INDEX ix_complaints_authority ON complaints(authority_id, id);
CREATE INDEX ix_complaints_item ON complaints(item_id);

-- When an item was reinstated and why (complaint, scrutiny, court).
ALTER TABLE order_items ADD COLUMN reinstated_at TEXT COLLATE "C" NULL;
ALTER TABLE order_items ADD COLUMN reinstated_because TEXT COLLATE "C" NULL;

-- A listing can name the order item it was based on; a reinstatement flags it for review.
ALTER TABLE blocklist_listings ADD COLUMN order_item_id TEXT COLLATE "C" NULL REFERENCES order_items(id);
ALTER TABLE blocklist_listings ADD COLUMN reinstatement_flagged_at TEXT COLLATE "C" NULL;
CREATE INDEX ix_blocklist_item ON blocklist_listings(order_item_id);
CREATE INDEX ix_bank_entries_item ON bank_entries(order_item_id);

-- Cross-border scrutiny of a removal order (Art. 4 TCO): asked within 48 h of receipt, decided within 72 h
-- by an authority of the platform's Member State (member_state, copied from the platform profile at request time).
CREATE TABLE scrutiny_requests (
    id                 TEXT COLLATE "C" PRIMARY KEY,
    order_id           TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES orders(id),
    platform_id        TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    authority_id       TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    member_state       TEXT COLLATE "C" NOT NULL,
    requested_by       TEXT COLLATE "C" NOT NULL,              -- platform | uploader
    reasons            TEXT COLLATE "C" NOT NULL,
    status             TEXT COLLATE "C" NOT NULL,              -- open | decided
    requested_at       TEXT COLLATE "C" NOT NULL,
    due_at             TEXT COLLATE "C" NOT NULL,
    outcome            TEXT COLLATE "C" NULL,                  -- infringes | upheld
    decision_reasons   TEXT COLLATE "C" NULL,
    decided_by_org_id  TEXT COLLATE "C" NULL REFERENCES organizations(id),
    decided_at         TEXT COLLATE "C" NULL,
    late               BIGINT NULL
);
CREATE INDEX ix_scrutiny_platform ON scrutiny_requests(platform_id, id);
CREATE INDEX ix_scrutiny_authority ON scrutiny_requests(authority_id, id);
CREATE INDEX ix_scrutiny_member_state ON scrutiny_requests(member_state, id);

-- Preservation (Art. 6 TCO): a removed or disabled item is preserved until preserve_until (action + 6 months,
-- extendable by the authority); a legal hold (its reason) stops the purge; preservation_ended_at marks the sweep's purge.
ALTER TABLE order_items ADD COLUMN preserve_until TEXT COLLATE "C" NULL;
ALTER TABLE order_items ADD COLUMN legal_hold TEXT COLLATE "C" NULL;
ALTER TABLE order_items ADD COLUMN preservation_ended_at TEXT COLLATE "C" NULL;
CREATE INDEX ix_items_preserve ON order_items(preserve_until);

CREATE TABLE preservation_extensions (
    id              TEXT COLLATE "C" PRIMARY KEY,
    order_id        TEXT COLLATE "C" NOT NULL REFERENCES orders(id),
    item_id         TEXT COLLATE "C" NOT NULL REFERENCES order_items(id),
    previous_until  TEXT COLLATE "C" NOT NULL,
    until           TEXT COLLATE "C" NOT NULL,
    reason          TEXT COLLATE "C" NOT NULL,
    created_at      TEXT COLLATE "C" NOT NULL,
    created_by      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX ix_preservation_extensions_item ON preservation_extensions(item_id, id);

-- What the platform says it preserved (a description, optionally hashes as JSON [{algorithm, value}]).
CREATE TABLE preservation_records (
    id              TEXT COLLATE "C" PRIMARY KEY,
    order_id        TEXT COLLATE "C" NOT NULL REFERENCES orders(id),
    item_id         TEXT COLLATE "C" NOT NULL REFERENCES order_items(id),
    description     TEXT COLLATE "C" NOT NULL,
    hashes_json     TEXT COLLATE "C" NOT NULL,
    created_at      TEXT COLLATE "C" NOT NULL,
    created_by      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX ix_preservation_records_item ON preservation_records(item_id, id);

-- DSA Art. 17 statements of reasons are derived from the action; this records when the platform sent each one.
CREATE TABLE statement_sends (
    item_id     TEXT COLLATE "C" PRIMARY KEY REFERENCES order_items(id),
    sent_at     TEXT COLLATE "C" NOT NULL,
    sent_by     TEXT COLLATE "C" NOT NULL
);
