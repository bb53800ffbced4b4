-- Review of matches (the actioner): a platform's rules, the checks of its uploads that matched, and the review cases they open.

-- A platform's rule: a match of this signal type (within max_distance, in this bank, with this label) leads to this action.
CREATE TABLE review_rules (
    id                       TEXT PRIMARY KEY,
    org_id                   TEXT NOT NULL REFERENCES organizations(id),
    signal_type              TEXT NOT NULL,
    max_distance             INTEGER NULL,
    bank                     TEXT NULL,
    label                    TEXT NULL,
    action                   TEXT NOT NULL CHECK (action IN ('hold', 'review', 'remove')),
    allow_automatic_removal  INTEGER NOT NULL DEFAULT 0,
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL
);
CREATE INDEX ix_review_rules_org ON review_rules(org_id, id);

-- A check that matched: one per (organisation, content id), so a retried upload finds the first answer.
CREATE TABLE review_checks (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id),
    content_id     TEXT NOT NULL,
    fingerprint    TEXT NOT NULL,
    decision       TEXT NOT NULL,
    rule_id        TEXT NULL,
    matches_json   TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    UNIQUE (org_id, content_id)
);

-- The case a check opened; the queue is ordered by (severity_rank, distance, bank, id), all ascending.
CREATE TABLE review_cases (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES organizations(id),
    check_id           TEXT NOT NULL UNIQUE REFERENCES review_checks(id),
    content_id         TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('open', 'confirmed', 'dismissed')),
    decision           TEXT NOT NULL,
    rule_id            TEXT NULL,
    severity_rank      INTEGER NOT NULL,
    label              TEXT NULL,
    distance           INTEGER NOT NULL,
    bank               TEXT NOT NULL,
    match_count        INTEGER NOT NULL,
    created_at         TEXT NOT NULL,
    decided_at         TEXT NULL,
    note               TEXT NULL,
    false_positive_json TEXT NULL
);
CREATE INDEX ix_review_cases_queue ON review_cases(org_id, state, severity_rank, distance, bank, id);
CREATE INDEX ix_review_cases_order ON review_cases(org_id, severity_rank, distance, bank, id);
