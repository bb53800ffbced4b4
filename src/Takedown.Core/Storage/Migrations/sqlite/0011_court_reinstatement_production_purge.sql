-- A court's order to reinstate an item, recorded by its platform or its issuing authority (the cause of the reinstatement).
CREATE TABLE court_reinstatements (
    id               TEXT PRIMARY KEY,
    order_id         TEXT NOT NULL REFERENCES orders(id),
    item_id          TEXT NOT NULL REFERENCES order_items(id),
    recorded_by_org  TEXT NOT NULL REFERENCES organizations(id),
    court_reference  TEXT NOT NULL,
    explanation      TEXT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX ix_court_reinstatements_item ON court_reinstatements(item_id);

-- Productions of data requests are purged once their retention has passed (purged_at), unless the request is under a legal hold.
ALTER TABLE productions ADD COLUMN purged_at TEXT NULL;
ALTER TABLE data_requests ADD COLUMN legal_hold TEXT NULL;
CREATE INDEX ix_productions_created ON productions(created_at);
