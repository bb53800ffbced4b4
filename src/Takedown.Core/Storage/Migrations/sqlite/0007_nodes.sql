-- Several nodes on one database: a lease on each webhook endpoint, so only one node drains it at a time
-- and a node that dies loses its claim when claimed_until passes.
ALTER TABLE webhook_endpoints ADD COLUMN claimed_by TEXT NULL;
ALTER TABLE webhook_endpoints ADD COLUMN claimed_until TEXT NULL;

-- The data-protection key ring (session cookies, antiforgery tokens), shared by every node.
CREATE TABLE data_protection_keys (
    name        TEXT PRIMARY KEY,
    xml         TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
