-- Events hashed before this migration keep their form (hash_version 1: platform_visible and actor_person_id
-- are outside the hash); every event appended from now on is hashed in form 2, which covers every column.
ALTER TABLE audit_events ADD COLUMN hash_version BIGINT NOT NULL DEFAULT 1;
-- Signed checkpoints of the chain's head, kept apart from the events (and published for parties to keep).
CREATE TABLE audit_checkpoints (
    seq        BIGINT PRIMARY KEY,
    head_hash  TEXT COLLATE "C" NOT NULL,
    at         TEXT COLLATE "C" NOT NULL,
    key_id     TEXT COLLATE "C" NOT NULL,
    algorithm  TEXT COLLATE "C" NOT NULL,
    signature  TEXT COLLATE "C" NOT NULL
);
