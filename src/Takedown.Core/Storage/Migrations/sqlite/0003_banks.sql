-- Hash banks: named sets of confirmed hashes with labels, shared between members, never deleted.
CREATE TABLE banks (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    owner_org_id  TEXT NOT NULL REFERENCES organizations(id),
    description   TEXT NULL,
    visibility    TEXT NOT NULL CHECK (visibility IN ('private', 'shared', 'all_members')),
    created_at    TEXT NOT NULL
);
CREATE INDEX ix_banks_owner ON banks(owner_org_id);

-- The organisations a 'shared' bank is shared with.
CREATE TABLE bank_members (
    bank_id  TEXT NOT NULL REFERENCES banks(id),
    org_id   TEXT NOT NULL REFERENCES organizations(id),
    PRIMARY KEY (bank_id, org_id)
);
CREATE INDEX ix_bank_members_org ON bank_members(org_id);

-- seq is the entry's number in the in-memory PDQ index.
CREATE TABLE bank_entries (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL UNIQUE,
    bank_id          TEXT NOT NULL REFERENCES banks(id),
    signal_type      TEXT NOT NULL CHECK (signal_type IN ('pdq', 'md5', 'sha256')),
    signal           TEXT NOT NULL,
    quality          INTEGER NULL,
    entity           TEXT NULL,
    behaviour        TEXT NULL,
    source           TEXT NULL,
    added_by_org_id  TEXT NOT NULL REFERENCES organizations(id),
    added_by_key_id  TEXT NULL,
    added_at         TEXT NOT NULL,
    order_item_id    TEXT NULL REFERENCES order_items(id),
    enabled          INTEGER NOT NULL DEFAULT 1,
    -- 1 while the bank owner's opinion is false_positive: the entry then matches nothing.
    owner_false_positive INTEGER NOT NULL DEFAULT 0,
    UNIQUE (bank_id, signal_type, signal)
);
CREATE INDEX ix_bank_entries_signal ON bank_entries(signal_type, signal);

CREATE TABLE bank_opinions (
    entry_id    TEXT NOT NULL REFERENCES bank_entries(id),
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    opinion     TEXT NOT NULL CHECK (opinion IN ('agree', 'disagree', 'false_positive')),
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (entry_id, org_id)
);

-- The incremental feed: every change to a bank's entries, in commit order.
CREATE TABLE bank_changes (
    change_seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    bank_id     TEXT NOT NULL REFERENCES banks(id),
    entry_id    TEXT NOT NULL REFERENCES bank_entries(id),
    change      TEXT NOT NULL CHECK (change IN ('added', 'disabled', 'enabled', 'false_positive', 'false_positive_withdrawn')),
    at          TEXT NOT NULL
);
CREATE INDEX ix_bank_changes_bank ON bank_changes(bank_id, change_seq);
