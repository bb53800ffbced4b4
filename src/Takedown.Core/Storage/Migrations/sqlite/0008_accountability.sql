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
