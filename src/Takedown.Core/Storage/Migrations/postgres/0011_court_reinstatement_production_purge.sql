-- A court's order to reinstate an item, recorded by its platform or its issuing authority (the cause of the reinstatement).
CREATE TABLE court_reinstatements (
    id               TEXT COLLATE "C" PRIMARY KEY,
    order_id         TEXT COLLATE "C" NOT NULL REFERENCES orders(id),
    item_id          TEXT COLLATE "C" NOT NULL REFERENCES order_items(id),
    recorded_by_org  TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    court_reference  TEXT COLLATE "C" NOT NULL,
    explanation      TEXT COLLATE "C" NULL,
    created_at       TEXT COLLATE "C" NOT NULL
);
CREATE INDEX ix_court_reinstatements_item ON court_reinstatements(item_id);

-- Productions of data requests are purged once their retention has passed (purged_at), unless the request is under a legal hold.
ALTER TABLE productions ADD COLUMN purged_at TEXT COLLATE "C" NULL;
ALTER TABLE data_requests ADD COLUMN legal_hold TEXT COLLATE "C" NULL;
CREATE INDEX ix_productions_created ON productions(created_at);
