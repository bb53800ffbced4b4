-- Delivery: the outbox of events per organisation, webhook endpoints, deliveries and their attempts,
-- and the moment the platform was first told of an order.
CREATE TABLE outbox_events (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    type        TEXT NOT NULL,
    order_id    TEXT NULL,
    data_json   TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX ix_outbox_org ON outbox_events(org_id, seq);

CREATE TABLE webhook_endpoints (
    id                    TEXT PRIMARY KEY,
    org_id                TEXT NOT NULL REFERENCES organizations(id),
    url                   TEXT NOT NULL,
    events_json           TEXT NOT NULL,
    secret_sealed         TEXT NOT NULL,
    status                TEXT NOT NULL,
    consecutive_failures  INTEGER NOT NULL,
    failing_since         TEXT NULL,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    deleted_at            TEXT NULL
);
CREATE INDEX ix_webhook_endpoints_org ON webhook_endpoints(org_id, id);

CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoints(id),
    event_seq        INTEGER NOT NULL REFERENCES outbox_events(seq),
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  TEXT NULL,
    created_at       TEXT NOT NULL,
    delivered_at     TEXT NULL
);
CREATE INDEX ix_deliveries_endpoint ON webhook_deliveries(endpoint_id, status, event_seq);
CREATE INDEX ix_deliveries_due ON webhook_deliveries(status, next_attempt_at);

CREATE TABLE webhook_attempts (
    id            TEXT PRIMARY KEY,
    delivery_id   TEXT NOT NULL REFERENCES webhook_deliveries(id),
    number        INTEGER NOT NULL,
    at            TEXT NOT NULL,
    status_code   INTEGER NULL,
    latency_ms    REAL NOT NULL,
    error         TEXT NULL
);
CREATE INDEX ix_attempts_delivery ON webhook_attempts(delivery_id, number);

ALTER TABLE orders ADD COLUMN delivered_at TEXT NULL;
