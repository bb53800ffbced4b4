-- Two-person steps count people. A key remembers who created it (the creator has seen its secret), and a
-- listing remembers the person behind its proposal and its approval (NULL for listings from before people).
ALTER TABLE api_keys ADD COLUMN created_by_person TEXT NULL;
ALTER TABLE blocklist_listings ADD COLUMN proposed_by_person TEXT NULL;
ALTER TABLE blocklist_listings ADD COLUMN approved_by_person TEXT NULL;
