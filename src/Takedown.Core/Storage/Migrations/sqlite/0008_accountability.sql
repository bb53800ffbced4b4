-- Accountability: complaints (Art. 10 TCO), scrutiny (Art. 4), reinstatement that travels back to banks and blocklists.
CREATE TABLE complaints (
    id              TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL REFERENCES orders(id),
    item_id         TEXT NOT NULL REFERENCES order_items(id),
    platform_id     TEXT NOT NULL REFERENCES organizations(id),
    authority_id    TEXT NOT NULL REFERENCES organizations(id),
    text            TEXT NOT NULL,
    status          TEXT NOT NULL,              -- open | decided
    created_at      TEXT NOT NULL,
    due_at          TEXT NOT NULL,
    outcome         TEXT NULL,                  -- upheld | reinstated
    explanation     TEXT NULL,
    decided_at      TEXT NULL,
    late            INTEGER NULL
);
CREATE INDEX ix_complaints_platform ON complaints(platform_id, id);
CREATE INDEX ix_complaints_authority ON complaints(authority_id, id);
CREATE INDEX ix_complaints_item ON complaints(item_id);

-- When an item was reinstated and why (complaint, scrutiny, court).
ALTER TABLE order_items ADD COLUMN reinstated_at TEXT NULL;
ALTER TABLE order_items ADD COLUMN reinstated_because TEXT NULL;

-- A listing can name the order item it was based on; a reinstatement flags it for review.
ALTER TABLE blocklist_listings ADD COLUMN order_item_id TEXT NULL REFERENCES order_items(id);
ALTER TABLE blocklist_listings ADD COLUMN reinstatement_flagged_at TEXT NULL;
CREATE INDEX ix_blocklist_item ON blocklist_listings(order_item_id);
CREATE INDEX ix_bank_entries_item ON bank_entries(order_item_id);

-- Cross-border scrutiny of a removal order (Art. 4 TCO): asked within 48 h of receipt, decided within 72 h
-- by an authority of the platform's Member State (member_state, copied from the platform profile at request time).
CREATE TABLE scrutiny_requests (
    id                 TEXT PRIMARY KEY,
    order_id           TEXT NOT NULL UNIQUE REFERENCES orders(id),
    platform_id        TEXT NOT NULL REFERENCES organizations(id),
    authority_id       TEXT NOT NULL REFERENCES organizations(id),
    member_state       TEXT NOT NULL,
    requested_by       TEXT NOT NULL,              -- platform | uploader
    reasons            TEXT NOT NULL,
    status             TEXT NOT NULL,              -- open | decided
    requested_at       TEXT NOT NULL,
    due_at             TEXT NOT NULL,
    outcome            TEXT NULL,                  -- infringes | upheld
    decision_reasons   TEXT NULL,
    decided_by_org_id  TEXT NULL REFERENCES organizations(id),
    decided_at         TEXT NULL,
    late               INTEGER NULL
);
CREATE INDEX ix_scrutiny_platform ON scrutiny_requests(platform_id, id);
CREATE INDEX ix_scrutiny_authority ON scrutiny_requests(authority_id, id);
CREATE INDEX ix_scrutiny_member_state ON scrutiny_requests(member_state, id);

-- Preservation (Art. 6 TCO): a removed or disabled item is preserved until preserve_until (action + 6 months,
-- extendable by the authority); a legal hold (its reason) stops the purge; preservation_ended_at marks the sweep's purge.
ALTER TABLE order_items ADD COLUMN preserve_until TEXT NULL;
ALTER TABLE order_items ADD COLUMN legal_hold TEXT NULL;
ALTER TABLE order_items ADD COLUMN preservation_ended_at TEXT NULL;
CREATE INDEX ix_items_preserve ON order_items(preserve_until);

CREATE TABLE preservation_extensions (
    id              TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL REFERENCES orders(id),
    item_id         TEXT NOT NULL REFERENCES order_items(id),
    previous_until  TEXT NOT NULL,
    until           TEXT NOT NULL,
    reason          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE INDEX ix_preservation_extensions_item ON preservation_extensions(item_id, id);

-- What the platform says it preserved (a description, optionally hashes as JSON [{algorithm, value}]).
CREATE TABLE preservation_records (
    id              TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL REFERENCES orders(id),
    item_id         TEXT NOT NULL REFERENCES order_items(id),
    description     TEXT NOT NULL,
    hashes_json     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE INDEX ix_preservation_records_item ON preservation_records(item_id, id);

-- DSA Art. 17 statements of reasons are derived from the action; this records when the platform sent each one.
CREATE TABLE statement_sends (
    item_id     TEXT PRIMARY KEY REFERENCES order_items(id),
    sent_at     TEXT NOT NULL,
    sent_by     TEXT NOT NULL
);
