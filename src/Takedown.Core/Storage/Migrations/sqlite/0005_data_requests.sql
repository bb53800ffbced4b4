-- Law-enforcement data requests, their attachments and productions, and the service's signing key.
CREATE TABLE data_requests (
    id                  TEXT PRIMARY KEY,
    authority_id        TEXT NOT NULL REFERENCES organizations(id),
    platform_id         TEXT NOT NULL REFERENCES organizations(id),
    kind                TEXT NOT NULL,
    status              TEXT NOT NULL,
    case_reference      TEXT NOT NULL,
    process_type        TEXT NOT NULL,
    body_json           TEXT NOT NULL,
    preservation_id     TEXT NULL REFERENCES data_requests(id),
    received_at         TEXT NOT NULL,
    due_at              TEXT NOT NULL,
    acknowledged_at     TEXT NULL,
    preserve_until      TEXT NULL,
    extensions          INTEGER NOT NULL DEFAULT 0,
    escalated_at        TEXT NULL,
    answer_json         TEXT NULL,
    answered_at         TEXT NULL
);
CREATE INDEX ix_data_requests_authority ON data_requests(authority_id, id);
CREATE INDEX ix_data_requests_platform ON data_requests(platform_id, id);
CREATE INDEX ix_data_requests_escalation ON data_requests(kind, status, escalated_at);

CREATE TABLE blobs (
    sha256        TEXT PRIMARY KEY,
    size          INTEGER NOT NULL,
    content_type  TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE data_request_files (
    id              TEXT PRIMARY KEY,
    data_request_id TEXT NOT NULL REFERENCES data_requests(id),
    production_id   TEXT NULL,
    role            TEXT NOT NULL,
    name            TEXT NOT NULL,
    sha256          TEXT NOT NULL REFERENCES blobs(sha256),
    size            INTEGER NOT NULL,
    content_type    TEXT NOT NULL,
    position        INTEGER NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX ix_data_request_files ON data_request_files(data_request_id, production_id, position);

CREATE TABLE productions (
    id               TEXT PRIMARY KEY,
    data_request_id  TEXT NOT NULL REFERENCES data_requests(id),
    manifest_json    TEXT NOT NULL,
    signature        TEXT NOT NULL,
    key_id           TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX ix_productions_request ON productions(data_request_id, id);

CREATE TABLE signing_keys (
    id           TEXT PRIMARY KEY,
    algorithm    TEXT NOT NULL,
    private_key  TEXT NOT NULL,
    public_key   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
