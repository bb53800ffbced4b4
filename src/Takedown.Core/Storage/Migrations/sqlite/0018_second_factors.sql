-- Second factors. An organisation's policy names the roles that must have one; no row means the default
-- (admin and analyst). TOTP secrets are sealed by the master key; recovery codes are kept as hashes only.
CREATE TABLE second_factor_policies (
    org_id          TEXT PRIMARY KEY REFERENCES organizations(id),
    required_roles  TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- One authenticator app per person; confirmed_at is NULL until a first code proves the person holds it.
-- last_step is the last time step accepted, so no code is accepted twice.
CREATE TABLE totp_authenticators (
    user_id        TEXT PRIMARY KEY REFERENCES users(id),
    secret_sealed  TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    confirmed_at   TEXT NULL,
    last_step      INTEGER NULL
);

CREATE TABLE passkeys (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id),
    credential_id  TEXT NOT NULL,
    public_key     TEXT NOT NULL,
    sign_count     INTEGER NOT NULL,
    name           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    last_used_at   TEXT NULL
);
CREATE UNIQUE INDEX ux_passkeys_credential ON passkeys(credential_id);
CREATE INDEX ix_passkeys_user ON passkeys(user_id);

CREATE TABLE recovery_codes (
    user_id     TEXT NOT NULL REFERENCES users(id),
    code_hash   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    used_at     TEXT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- Failed second-factor attempts since the last success; a person is locked out until locked_until.
CREATE TABLE second_factor_guard (
    user_id       TEXT PRIMARY KEY REFERENCES users(id),
    failures      INTEGER NOT NULL,
    locked_until  TEXT NULL
);
