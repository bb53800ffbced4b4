-- Delivery: the outbox of events per organisation, webhook endpoints, deliveries and their attempts,
-- and the moment the platform was first told of an order.
CREATE TABLE outbox_events (
    seq         BIGSERIAL PRIMARY KEY,
    id          TEXT COLLATE "C" NOT NULL UNIQUE,
    org_id      TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    type        TEXT COLLATE "C" NOT NULL,
    order_id    TEXT COLLATE "C" NULL,
    data_json   TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX ix_outbox_org ON outbox_events(org_id, seq);

CREATE TABLE webhook_endpoints (
    id                    TEXT COLLATE "C" PRIMARY KEY,
    org_id                TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    url                   TEXT COLLATE "C" NOT NULL,
    events_json           TEXT COLLATE "C" NOT NULL,
    secret_sealed         TEXT COLLATE "C" NOT NULL,
    status                TEXT COLLATE "C" NOT NULL,
    consecutive_failures  BIGINT NOT NULL,
    failing_since         TEXT COLLATE "C" NULL,
    created_at            TEXT COLLATE "C" NOT NULL,
    updated_at            TEXT COLLATE "C" NOT NULL,
    deleted_at            TEXT COLLATE "C" NULL
);
CREATE INDEX ix_webhook_endpoints_org ON webhook_endpoints(org_id, id);

CREATE TABLE webhook_deliveries (
    id               TEXT COLLATE "C" PRIMARY KEY,
    endpoint_id      TEXT COLLATE "C" NOT NULL REFERENCES webhook_endpoints(id),
    event_seq        BIGINT NOT NULL REFERENCES outbox_events(seq),
    status           TEXT COLLATE "C" NOT NULL,
    attempts         BIGINT NOT NULL,
    next_attempt_at  TEXT COLLATE "C" NULL,
    created_at       TEXT COLLATE "C" NOT NULL,
    delivered_at     TEXT COLLATE "C" NULL
);
CREATE INDEX ix_deliveries_endpoint ON webhook_deliveries(endpoint_id, status, event_seq);
CREATE INDEX ix_deliveries_due ON webhook_deliveries(status, next_attempt_at);

CREATE TABLE webhook_attempts (
    id            TEXT COLLATE "C" PRIMARY KEY,
    delivery_id   TEXT COLLATE "C" NOT NULL REFERENCES webhook_deliveries(id),
    number        BIGINT NOT NULL,
    at            TEXT COLLATE "C" NOT NULL,
    status_code   BIGINT NULL,
    latency_ms    DOUBLE PRECISION NOT NULL,
    error         TEXT COLLATE "C" NULL
);
CREATE INDEX ix_attempts_delivery ON webhook_attempts(delivery_id, number);

ALTER TABLE orders ADD COLUMN delivered_at TEXT COLLATE "C" NULL;
