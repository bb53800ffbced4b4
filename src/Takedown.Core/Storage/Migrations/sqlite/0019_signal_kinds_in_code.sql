-- sqlite:foreign_keys=off
-- Which signal kinds exist is decided by the registered SignalKinds (Core/Signals), so that adding a
-- kind is one file and no migration. The store keeps a check on the name's shape only. SQLite cannot
-- alter a CHECK, so bank_entries is rebuilt as in 0009 (foreign key enforcement is off while this
-- script runs; the children keep referring to bank_entries by name).
CREATE TABLE bank_entries_new (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL UNIQUE,
    bank_id          TEXT NOT NULL REFERENCES banks(id),
    signal_type      TEXT NOT NULL CHECK (length(signal_type) BETWEEN 1 AND 32 AND signal_type NOT GLOB '*[^a-z0-9_]*' AND signal_type GLOB '[a-z]*'),
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
    owner_false_positive INTEGER NOT NULL DEFAULT 0,
    UNIQUE (bank_id, signal_type, signal)
);
INSERT INTO bank_entries_new (seq, id, bank_id, signal_type, signal, quality, entity, behaviour, source, added_by_org_id,
                              added_by_key_id, added_at, order_item_id, enabled, owner_false_positive)
SELECT seq, id, bank_id, signal_type, signal, quality, entity, behaviour, source, added_by_org_id,
       added_by_key_id, added_at, order_item_id, enabled, owner_false_positive FROM bank_entries;
DROP TABLE bank_entries;
ALTER TABLE bank_entries_new RENAME TO bank_entries;
CREATE INDEX ix_bank_entries_signal ON bank_entries(signal_type, signal);
CREATE INDEX ix_bank_entries_item ON bank_entries(order_item_id);
