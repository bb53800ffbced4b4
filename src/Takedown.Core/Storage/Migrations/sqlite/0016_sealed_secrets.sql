-- Signing keys rotate: one current key signs, retired keys are kept (sealed) so older productions still verify.
-- private_key now holds a value sealed by the master key ("mk1."); a clear key left by an older version
-- is sealed at the next start-up.
ALTER TABLE signing_keys ADD COLUMN status TEXT NOT NULL DEFAULT 'retired';
ALTER TABLE signing_keys ADD COLUMN retired_at TEXT NULL;
UPDATE signing_keys SET status = 'current' WHERE id = (SELECT MIN(id) FROM signing_keys);
CREATE UNIQUE INDEX ux_signing_keys_current ON signing_keys(algorithm) WHERE status = 'current';

-- Secrets of the service itself, sealed by the master key: the check that a start-up was given the right
-- master key, and the old webhook-secrets.key once folded in. master_key_id names the key that sealed them.
CREATE TABLE sealed_secrets (
    name           TEXT PRIMARY KEY,
    master_key_id  TEXT NOT NULL,
    sealed         TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
