-- Review of matches (the actioner): a platform's rules, the checks of its uploads that matched, and the review cases they open.

-- A platform's rule: a match of this signal type (within max_distance, in this bank, with this label) leads to this action.
CREATE TABLE review_rules (
    id                       TEXT COLLATE "C" PRIMARY KEY,
    org_id                   TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    signal_type              TEXT COLLATE "C" NOT NULL,
    max_distance             BIGINT NULL,
    bank                     TEXT COLLATE "C" NULL,
    label                    TEXT COLLATE "C" NULL,
    action                   TEXT COLLATE "C" NOT NULL CHECK (action IN ('hold', 'review', 'remove')),
    allow_automatic_removal  BIGINT NOT NULL DEFAULT 0,
    created_at               TEXT COLLATE "C" NOT NULL,
    updated_at               TEXT COLLATE "C" NOT NULL
);
CREATE INDEX ix_review_rules_org ON review_rules(org_id, id);

-- A check that matched: one per (organisation, content id), so a retried upload finds the first answer.
CREATE TABLE review_checks (
    id             TEXT COLLATE "C" PRIMARY KEY,
    org_id         TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    content_id     TEXT COLLATE "C" NOT NULL,
    fingerprint    TEXT COLLATE "C" NOT NULL,
    decision       TEXT COLLATE "C" NOT NULL,
    rule_id        TEXT COLLATE "C" NULL,
    matches_json   TEXT COLLATE "C" NOT NULL,
    created_at     TEXT COLLATE "C" NOT NULL,
    UNIQUE (org_id, content_id)
);

-- The case a check opened; the queue is ordered by (severity_rank, distance, bank, id), all ascending.
CREATE TABLE review_cases (
    id                 TEXT COLLATE "C" PRIMARY KEY,
    org_id             TEXT COLLATE "C" NOT NULL REFERENCES organizations(id),
    check_id           TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES review_checks(id),
    content_id         TEXT COLLATE "C" NOT NULL,
    state              TEXT COLLATE "C" NOT NULL CHECK (state IN ('open', 'confirmed', 'dismissed')),
    decision           TEXT COLLATE "C" NOT NULL,
    rule_id            TEXT COLLATE "C" NULL,
    severity_rank      BIGINT NOT NULL,
    label              TEXT COLLATE "C" NULL,
    distance           BIGINT NOT NULL,
    bank               TEXT COLLATE "C" NOT NULL,
    match_count        BIGINT NOT NULL,
    created_at         TEXT COLLATE "C" NOT NULL,
    decided_at         TEXT COLLATE "C" NULL,
    note               TEXT COLLATE "C" NULL,
    false_positive_json TEXT COLLATE "C" NULL
);
CREATE INDEX ix_review_cases_queue ON review_cases(org_id, state, severity_rank, distance, bank, id);
CREATE INDEX ix_review_cases_order ON review_cases(org_id, severity_rank, distance, bank, id);
