-- A reinstatement never changes another organisation's bank entry for everyone. The entry stops matching
-- for the reinstating platform only (a suppression), and its owner reviews it (keep, narrow or disable).
CREATE TABLE bank_owner_reviews (
    id                  TEXT PRIMARY KEY,
    entry_id            TEXT NOT NULL REFERENCES bank_entries(id),
    bank_id             TEXT NOT NULL REFERENCES banks(id),
    owner_org_id        TEXT NOT NULL REFERENCES organizations(id),
    platform_id         TEXT NOT NULL REFERENCES organizations(id),
    recorded_by_org_id  TEXT NOT NULL REFERENCES organizations(id),
    order_id            TEXT NOT NULL REFERENCES orders(id),
    item_id             TEXT NOT NULL REFERENCES order_items(id),
    cause               TEXT NOT NULL CHECK (cause IN ('complaint', 'scrutiny', 'court')),
    cause_id            TEXT NOT NULL,
    court               TEXT NULL,
    court_reference     TEXT NULL,
    opened_at           TEXT NOT NULL,
    due_at              TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('open', 'decided')),
    decision            TEXT NULL CHECK (decision IN ('keep', 'narrow', 'disable')),
    decision_reasons    TEXT NULL,
    decided_at          TEXT NULL,
    late                INTEGER NULL
);
CREATE INDEX ix_bank_owner_reviews_owner ON bank_owner_reviews(owner_org_id, id);
CREATE INDEX ix_bank_owner_reviews_entry ON bank_owner_reviews(entry_id);

-- An entry that does not match for one organisation (the platform that reinstated the content it was made from).
CREATE TABLE bank_entry_suppressions (
    entry_id    TEXT NOT NULL REFERENCES bank_entries(id),
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    review_id   TEXT NULL REFERENCES bank_owner_reviews(id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (entry_id, org_id)
);

-- A court reinstatement names the court as well as its reference; the issuing authority may contest it.
ALTER TABLE court_reinstatements ADD COLUMN court TEXT NULL;
ALTER TABLE court_reinstatements ADD COLUMN contested_at TEXT NULL;
ALTER TABLE court_reinstatements ADD COLUMN contested_by_org_id TEXT NULL REFERENCES organizations(id);
ALTER TABLE court_reinstatements ADD COLUMN contest_reasons TEXT NULL;
