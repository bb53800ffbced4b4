-- sqlite:foreign_keys=off
-- New signal types (url, text, and vpdq / video_md5 for video). SQLite cannot alter a CHECK
-- constraint, so bank_entries is rebuilt (the documented 12-step way: foreign key enforcement is
-- off while this script runs, the children keep referring to bank_entries by name).
CREATE TABLE bank_entries_new (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL UNIQUE,
    bank_id          TEXT NOT NULL REFERENCES banks(id),
    signal_type      TEXT NOT NULL CHECK (signal_type IN ('pdq', 'md5', 'sha256', 'url', 'text', 'vpdq', 'video_md5')),
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
CREATE INDEX IF NOT EXISTS ix_bank_entries_item ON bank_entries(order_item_id);
