-- New signal types: url, text, and vpdq / video_md5 for video.
ALTER TABLE bank_entries DROP CONSTRAINT bank_entries_signal_type_check;
ALTER TABLE bank_entries ADD CONSTRAINT bank_entries_signal_type_check
    CHECK (signal_type IN ('pdq', 'md5', 'sha256', 'url', 'text', 'vpdq', 'video_md5'));
-- vPDQ signals (a video's frame hashes) outgrow a btree row (about 2.7 kB): uniqueness goes by the
-- signal's MD5, and exact lookups (signal = ANY(...)) use a hash index, which has no size limit.
ALTER TABLE bank_entries DROP CONSTRAINT bank_entries_bank_id_signal_type_signal_key;
CREATE UNIQUE INDEX ux_bank_entries_signal ON bank_entries (bank_id, signal_type, md5(signal));
DROP INDEX ix_bank_entries_signal;
CREATE INDEX ix_bank_entries_signal ON bank_entries USING hash (signal);
