-- Keys have scopes and belong either to one person (person_id) or to nobody (a service key).
-- Keys that existed before scopes keep the powers they had, except approving: a service key never approves.
ALTER TABLE api_keys ADD COLUMN scopes TEXT COLLATE "C" NOT NULL DEFAULT 'read write admin';
ALTER TABLE api_keys ADD COLUMN person_id TEXT COLLATE "C" NULL REFERENCES users(id);
CREATE INDEX ix_api_keys_person ON api_keys(person_id);
-- A deactivated member keeps their history; their sessions and their person keys stop working at once.
ALTER TABLE users ADD COLUMN deactivated_at TEXT COLLATE "C" NULL;
-- The person behind an audited action, when there is one (the key, if any, stays in actor_key_id).
ALTER TABLE audit_events ADD COLUMN actor_person_id TEXT COLLATE "C" NULL;
