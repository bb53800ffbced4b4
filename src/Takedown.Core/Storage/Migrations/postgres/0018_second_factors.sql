-- Second factors. An organisation's policy names the roles that must have one; no row means the default
-- (admin and analyst). TOTP secrets are sealed by the master key; recovery codes are kept as hashes only.
CREATE TABLE second_factor_policies (
    org_id          TEXT COLLATE "C" PRIMARY KEY REFERENCES organizations(id),
    required_roles  TEXT COLLATE "C" NOT NULL,
    updated_at      TEXT COLLATE "C" NOT NULL
);

-- One authenticator app per person; confirmed_at is NULL until a first code proves the person holds it.
-- last_step is the last time step accepted, so no code is accepted twice.
CREATE TABLE totp_authenticators (
    user_id        TEXT COLLATE "C" PRIMARY KEY REFERENCES users(id),
    secret_sealed  TEXT COLLATE "C" NOT NULL,
    created_at     TEXT COLLATE "C" NOT NULL,
    confirmed_at   TEXT COLLATE "C" NULL,
    last_step      BIGINT NULL
);

CREATE TABLE passkeys (
    id             TEXT COLLATE "C" PRIMARY KEY,
    user_id        TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    credential_id  TEXT COLLATE "C" NOT NULL,
    public_key     TEXT COLLATE "C" NOT NULL,
    sign_count     BIGINT NOT NULL,
    name           TEXT COLLATE "C" NOT NULL,
    created_at     TEXT COLLATE "C" NOT NULL,
    last_used_at   TEXT COLLATE "C" NULL
);
CREATE UNIQUE INDEX ux_passkeys_credential ON passkeys(credential_id);
CREATE INDEX ix_passkeys_user ON passkeys(user_id);

CREATE TABLE recovery_codes (
    user_id     TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    code_hash   TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    used_at     TEXT COLLATE "C" NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- Failed second-factor attempts since the last success; a person is locked out until locked_until.
CREATE TABLE second_factor_guard (
    user_id       TEXT COLLATE "C" PRIMARY KEY REFERENCES users(id),
    failures      BIGINT NOT NULL,
    locked_until  TEXT COLLATE "C" NULL
);
