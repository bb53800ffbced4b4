-- Events hashed before this migration keep their form (hash_version 1: platform_visible and actor_person_id
-- are outside the hash); every event appended from now on is hashed in form 2, which covers every column.
ALTER TABLE audit_events ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1;
-- Signed checkpoints of the chain's head, kept apart from the events (and published for parties to keep).
CREATE TABLE audit_checkpoints (
    seq        INTEGER PRIMARY KEY,
    head_hash  TEXT NOT NULL,
    at         TEXT NOT NULL,
    key_id     TEXT NOT NULL,
    algorithm  TEXT NOT NULL,
    signature  TEXT NOT NULL
);
