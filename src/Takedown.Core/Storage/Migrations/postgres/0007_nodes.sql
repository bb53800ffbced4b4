-- Several nodes on one database: a lease on each webhook endpoint, so only one node drains it at a time
-- and a node that dies loses its claim when claimed_until passes.
ALTER TABLE webhook_endpoints ADD COLUMN claimed_by TEXT COLLATE "C" NULL;
ALTER TABLE webhook_endpoints ADD COLUMN claimed_until TEXT COLLATE "C" NULL;

-- The data-protection key ring (session cookies, antiforgery tokens), shared by every node.
CREATE TABLE data_protection_keys (
    name        TEXT COLLATE "C" PRIMARY KEY,
    xml         TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL
);
