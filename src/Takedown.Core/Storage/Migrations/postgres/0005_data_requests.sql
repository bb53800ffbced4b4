-- Law-enforcement data requests, their attachments and productions, and the service's signing key.
CREATE TABLE data_requests (
    id                  TEXT COLLATE "C" PRIMARY KEY,
    authority_id        TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    platform_id         TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    kind                TEXT COLLATE "C" NOT NULL,
    status              TEXT COLLATE "C" NOT NULL,
    case_reference      TEXT COLLATE "C" NOT NULL,
    process_type        TEXT COLLATE "C" NOT NULL,
    body_json           TEXT COLLATE "C" NOT NULL,
    preservation_id     TEXT COLLATE "C" NULL REFERENCES data_requests(id),
    received_at         TEXT COLLATE "C" NOT NULL,
    due_at              TEXT COLLATE "C" NOT NULL,
    acknowledged_at     TEXT COLLATE "C" NULL,
    preserve_until      TEXT COLLATE "C" NULL,
    extensions          BIGINT NOT NULL DEFAULT 0,
    escalated_at        TEXT COLLATE "C" NULL,
    answer_json         TEXT COLLATE "C" NULL,
    answered_at         TEXT COLLATE "C" NULL
);
CREATE INDEX ix_data_requests_authority ON data_requests(authority_id, id);
CREATE INDEX ix_data_requests_platform ON data_requests(platform_id, id);
CREATE INDEX ix_data_requests_escalation ON data_requests(kind, status, escalated_at);

CREATE TABLE blobs (
    sha256        TEXT COLLATE "C" PRIMARY KEY,
    size          BIGINT NOT NULL,
    content_type  TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL
);

CREATE TABLE data_request_files (
    id              TEXT COLLATE "C" PRIMARY KEY,
    data_request_id TEXT COLLATE "C" NOT NULL REFERENCES data_requests(id),
    production_id   TEXT COLLATE "C" NULL,
    role            TEXT COLLATE "C" NOT NULL,
    name            TEXT COLLATE "C" NOT NULL,
    sha256          TEXT COLLATE "C" NOT NULL REFERENCES blobs(sha256),
    size            BIGINT NOT NULL,
    content_type    TEXT COLLATE "C" NOT NULL,
    position        BIGINT NOT NULL,
    created_at      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX ix_data_request_files ON data_request_files(data_request_id, production_id, position);

CREATE TABLE productions (
    id               TEXT COLLATE "C" PRIMARY KEY,
    data_request_id  TEXT COLLATE "C" NOT NULL REFERENCES data_requests(id),
    manifest_json    TEXT COLLATE "C" NOT NULL,
    signature        TEXT COLLATE "C" NOT NULL,
    key_id           TEXT COLLATE "C" NOT NULL,
    created_at       TEXT COLLATE "C" NOT NULL
);
CREATE INDEX ix_productions_request ON productions(data_request_id, id);

CREATE TABLE signing_keys (
    id           TEXT COLLATE "C" PRIMARY KEY,
    algorithm    TEXT COLLATE "C" NOT NULL,
    private_key  TEXT COLLATE "C" NOT NULL,
    public_key   TEXT COLLATE "C" NOT NULL,
    created_at   TEXT COLLATE "C" NOT NULL
);
